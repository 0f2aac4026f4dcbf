/* token.c: the token format: generate, checksum, parse, hash. Pure, no I/O. */
#include <string.h>

#include <sodium.h>

#include "token.h"

static const char token_b62[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static int
token_is_b62(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	    (c >= 'a' && c <= 'z');
}

int
token_prefix_valid(const char *prefix)
{
	size_t i, n = strlen(prefix);

	if (n == 0 || n > TOKEN_PREFIX_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!token_is_b62((unsigned char)prefix[i]) && prefix[i] != '_')
			return 0;
	return 1;
}

/* Bitwise CRC-32 (IEEE): 34 bytes per token, so no table is worth it. */
uint32_t
token_crc32(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uint32_t crc = 0xffffffffu;
	size_t i;
	int k;

	for (i = 0; i < len; i++) {
		crc ^= p[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
	}
	return crc ^ 0xffffffffu;
}

void
token_b62_u32(uint32_t v, char *out, size_t width)
{
	size_t i;

	for (i = width; i > 0; i--) {
		out[i - 1] = token_b62[v % 62];
		v /= 62;
	}
}

void
token_random_b62(char *out, size_t n)
{
	size_t i;

	/* randombytes_uniform has no modulo bias. */
	for (i = 0; i < n; i++)
		out[i] = token_b62[randombytes_uniform(62)];
	out[n] = '\0';
}

int
token_generate(const char *prefix, char *out, size_t size)
{
	size_t plen = strlen(prefix), body;

	if (!token_prefix_valid(prefix) ||
	    size < plen + TOKEN_RANDOM_LEN + TOKEN_CHECKSUM_LEN + 1)
		return -1;
	memcpy(out, prefix, plen);
	token_random_b62(out + plen, TOKEN_RANDOM_LEN);
	body = plen + TOKEN_RANDOM_LEN;
	token_b62_u32(token_crc32(out, body), out + body, TOKEN_CHECKSUM_LEN);
	out[body + TOKEN_CHECKSUM_LEN] = '\0';
	return (int)(body + TOKEN_CHECKSUM_LEN);
}

enum token_status
token_parse(const char *prefix, const char *s, size_t len)
{
	size_t plen = strlen(prefix), i, body;
	char sum[TOKEN_CHECKSUM_LEN];

	if (len < plen || memcmp(s, prefix, plen) != 0)
		return TOKEN_BAD_PREFIX;
	if (len != plen + TOKEN_RANDOM_LEN + TOKEN_CHECKSUM_LEN)
		return TOKEN_BAD_LENGTH;
	for (i = plen; i < len; i++)
		if (!token_is_b62((unsigned char)s[i]))
			return TOKEN_BAD_CHARSET;
	body = plen + TOKEN_RANDOM_LEN;
	token_b62_u32(token_crc32(s, body), sum, TOKEN_CHECKSUM_LEN);
	if (memcmp(sum, s + body, TOKEN_CHECKSUM_LEN) != 0)
		return TOKEN_BAD_CHECKSUM;
	return TOKEN_OK;
}

const char *
token_status_reason(enum token_status st)
{
	switch (st) {
	case TOKEN_OK:
		return "ok";
	case TOKEN_BAD_PREFIX:
		return "bad prefix";
	case TOKEN_BAD_LENGTH:
		return "bad length";
	case TOKEN_BAD_CHARSET:
		return "bad characters";
	case TOKEN_BAD_CHECKSUM:
		return "bad checksum";
	}
	return "invalid";
}

void
token_hash(const uint8_t secret[TOKEN_SECRET_LEN], const char *tok,
    size_t len, uint8_t out[TOKEN_HASH_LEN])
{
	crypto_auth_hmacsha256_state st;

	crypto_auth_hmacsha256_init(&st, secret, TOKEN_SECRET_LEN);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)tok, len);
	crypto_auth_hmacsha256_final(&st, out);
	sodium_memzero(&st, sizeof(st));
}

void
token_hint(const char *prefix, const char *tok, size_t len, char *out,
    size_t size)
{
	size_t plen = strlen(prefix);

	/* The last four characters belong to the checksum: nothing secret. */
	if (size < plen + 8 || len < plen + 4) {
		if (size > 0)
			out[0] = '\0';
		return;
	}
	memcpy(out, prefix, plen);
	memcpy(out + plen, "...", 3);
	memcpy(out + plen + 3, tok + len - 4, 4);
	out[plen + 7] = '\0';
}

void
token_public_id(char *out, size_t size)
{
	if (size < TOKEN_PUBLIC_ID_LEN + 1) {
		if (size > 0)
			out[0] = '\0';
		return;
	}
	token_random_b62(out, TOKEN_PUBLIC_ID_LEN);
}
