/* token.h: the token format: generate, checksum, parse, hash. Pure, no I/O. */
#ifndef APITOKEN_TOKEN_H
#define APITOKEN_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#define TOKEN_PREFIX_MAX	16	/* [A-Za-z0-9_], 1..16 characters */
#define TOKEN_RANDOM_LEN	30	/* base62 characters: 178 bits */
#define TOKEN_CHECKSUM_LEN	6	/* base62 CRC32 of prefix + random */
#define TOKEN_MAX_LEN		(TOKEN_PREFIX_MAX + TOKEN_RANDOM_LEN + TOKEN_CHECKSUM_LEN)
#define TOKEN_HASH_LEN		32	/* HMAC-SHA256 */
#define TOKEN_HINT_MAX		(TOKEN_PREFIX_MAX + 8)	/* "atk_...abcd" */
#define TOKEN_PUBLIC_ID_LEN	16	/* base62, not secret */
#define TOKEN_SECRET_LEN	32	/* server secret bytes */

enum token_status {
	TOKEN_OK = 0,
	TOKEN_BAD_PREFIX,
	TOKEN_BAD_LENGTH,
	TOKEN_BAD_CHARSET,
	TOKEN_BAD_CHECKSUM,
};

int	 token_prefix_valid(const char *prefix);
/* out must hold TOKEN_MAX_LEN + 1 bytes. Returns the length, or -1. */
int	 token_generate(const char *prefix, char *out, size_t size);
/* Shape and checksum only: decides without I/O whether s can be a token. */
enum token_status token_parse(const char *prefix, const char *s, size_t len);
const char *token_status_reason(enum token_status st);
void	 token_hash(const uint8_t secret[TOKEN_SECRET_LEN], const char *tok,
	    size_t len, uint8_t out[TOKEN_HASH_LEN]);
/* "atk_...abcd": prefix and the last four characters. */
void	 token_hint(const char *prefix, const char *tok, size_t len,
	    char *out, size_t size);
/* out must hold TOKEN_PUBLIC_ID_LEN + 1 bytes. */
void	 token_public_id(char *out, size_t size);
/* Random base62 string of n characters (n < size); also used for session ids. */
void	 token_random_b62(char *out, size_t n);
uint32_t token_crc32(const void *buf, size_t len);
/* Base62 of v, left-padded with '0' to width characters. */
void	 token_b62_u32(uint32_t v, char *out, size_t width);

#endif
