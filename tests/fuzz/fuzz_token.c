/*
 * fuzz_token.c: token_parse, token_hint and the base62 checksum on
 * arbitrary bytes. Checks that what parses is exactly the token shape,
 * that changing any one character of a valid token makes it invalid,
 * that a token built from the input with its checksum always parses,
 * and that a hint never outgrows its buffer.
 *
 * Input: one byte picks the prefix, one byte the hint buffer size, then
 * the candidate token.
 */
#include "fuzz.h"
#include "token.h"

static const char *const fuzz_prefixes[] = {
	"atk_", "a", "tok", "ABCDEFGHIJ_12345",	/* 16: the longest */
};

static const char fuzz_b62[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static int
fuzz_is_b62(char c)
{
	return c != '\0' && strchr(fuzz_b62, c) != NULL;
}

/* Inverse of token_b62_u32. */
static uint64_t
fuzz_b62_decode(const char *s, size_t n)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v * 62 + (uint64_t)(strchr(fuzz_b62, s[i]) - fuzz_b62);
	return v;
}

/* The valid token: its shape, its checksum, and no valid neighbour. */
static void
fuzz_check_valid(const char *prefix, const char *s, size_t len)
{
	size_t plen = strlen(prefix), i, body = plen + TOKEN_RANDOM_LEN;
	char sum[TOKEN_CHECKSUM_LEN], *m;
	const char *c;

	FUZZ_CHECK(len == plen + TOKEN_RANDOM_LEN + TOKEN_CHECKSUM_LEN,
	    "len %zu", len);
	FUZZ_CHECK(memcmp(s, prefix, plen) == 0, "prefix");
	for (i = plen; i < len; i++)
		FUZZ_CHECK(fuzz_is_b62(s[i]), "byte %zu is 0x%02x", i,
		    (unsigned char)s[i]);
	token_b62_u32(token_crc32(s, body), sum, TOKEN_CHECKSUM_LEN);
	FUZZ_CHECK(memcmp(sum, s + body, TOKEN_CHECKSUM_LEN) == 0, "checksum");

	/*
	 * CRC-32 catches every one-byte change, and 6 base62 digits hold
	 * every 32-bit value: no token is one character away from another.
	 */
	m = fuzz_dup(s, len);
	for (i = plen; i < len; i++) {
		c = strchr(fuzz_b62, s[i]);
		m[i] = c[1] != '\0' ? c[1] : fuzz_b62[0];
		FUZZ_CHECK(token_parse(prefix, m, len) != TOKEN_OK,
		    "a one-character change at %zu still parses", i);
		m[i] = s[i];
	}
	free(m);
}

/* A token made of the input's bytes and a correct checksum parses. */
static void
fuzz_check_built(const char *prefix, const uint8_t *d, size_t n)
{
	char tok[TOKEN_MAX_LEN + 1];
	size_t plen = strlen(prefix), i, body = plen + TOKEN_RANDOM_LEN;
	uint32_t crc;

	memcpy(tok, prefix, plen);
	for (i = 0; i < TOKEN_RANDOM_LEN; i++)
		tok[plen + i] = fuzz_b62[(i < n ? d[i] : i) % 62];
	crc = token_crc32(tok, body);
	token_b62_u32(crc, tok + body, TOKEN_CHECKSUM_LEN);
	FUZZ_CHECK(fuzz_b62_decode(tok + body, TOKEN_CHECKSUM_LEN) == crc,
	    "base62 of %u does not decode back", crc);
	FUZZ_CHECK(token_parse(prefix, tok, body + TOKEN_CHECKSUM_LEN) ==
	    TOKEN_OK, "a well-built token is refused");
}

/* Callers hint only valid tokens; any bytes must still stay in bounds. */
static void
fuzz_check_hint(const char *prefix, const char *s, size_t len, size_t size,
    int valid)
{
	size_t plen = strlen(prefix);
	char *out = malloc(size > 0 ? size : 1);

	if (out == NULL)
		abort();
	/* Exactly size bytes on the heap: a write past them is an ASan report. */
	token_hint(prefix, s, len, out, size);
	if (size > 0) {
		FUZZ_CHECK(strnlen(out, size) < size, "hint not terminated");
		FUZZ_CHECK(strlen(out) <= TOKEN_HINT_MAX, "hint too long");
	}
	if (valid && size >= plen + 8) {
		FUZZ_CHECK(strlen(out) == plen + 7 &&
		    memcmp(out, prefix, plen) == 0 &&
		    memcmp(out + plen, "...", 3) == 0 &&
		    memcmp(out + plen + 3, s + len - 4, 4) == 0,
		    "hint is not prefix...last4");
	}
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	const char *prefix;
	enum token_status st;
	size_t hsize;
	char *s;

	prefix = fuzz_prefixes[fuzz_byte(&in) % 4];
	hsize = fuzz_byte(&in) % (TOKEN_HINT_MAX + 4);
	/* Exactly the token's bytes: token_parse must not read past them. */
	s = fuzz_dup(in.p, in.n);

	st = token_parse(prefix, s, in.n);
	FUZZ_CHECK(st >= TOKEN_OK && st <= TOKEN_BAD_CHECKSUM, "status %d",
	    (int)st);
	FUZZ_CHECK(token_status_reason(st) != NULL, "no reason");
	if (st == TOKEN_OK)
		fuzz_check_valid(prefix, s, in.n);
	fuzz_check_hint(prefix, s, in.n, hsize, st == TOKEN_OK);
	fuzz_check_built(prefix, in.p, in.n);
	free(s);
	return 0;
}
