/* test_token.c: the token format: generate, checksum, parse, hash, hint. */
#include <string.h>

#include <sodium.h>

#include "token.h"
#include "unit.h"

static const char b62[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static enum token_status
parse(const char *prefix, const char *s)
{
	return token_parse(prefix, s, strlen(s));
}

/* Every single-character substitution in the body must break the checksum. */
static int
substitutions_detected(const char *prefix, const char *tok)
{
	size_t plen = strlen(prefix), len = strlen(tok), i, k;
	char t[TOKEN_MAX_LEN + 1];

	for (i = plen; i < len; i++) {
		for (k = 0; k < 62; k++) {
			if (b62[k] == tok[i])
				continue;
			memcpy(t, tok, len + 1);
			t[i] = b62[k];
			if (token_parse(prefix, t, len) != TOKEN_BAD_CHECKSUM)
				return 0;
		}
	}
	return 1;
}

/* Swapping two different adjacent characters must break the checksum. */
static int
transpositions_detected(const char *prefix, const char *tok)
{
	size_t plen = strlen(prefix), len = strlen(tok), i;
	char t[TOKEN_MAX_LEN + 1];

	for (i = plen; i + 1 < len; i++) {
		if (tok[i] == tok[i + 1])
			continue;
		memcpy(t, tok, len + 1);
		t[i] = tok[i + 1];
		t[i + 1] = tok[i];
		if (token_parse(prefix, t, len) == TOKEN_OK)
			return 0;
	}
	return 1;
}

int
main(void)
{
	uint8_t secret[TOKEN_SECRET_LEN], h1[TOKEN_HASH_LEN], h2[TOKEN_HASH_LEN];
	uint8_t ref[crypto_auth_hmacsha256_BYTES];
	char tok[TOKEN_MAX_LEN + 1], tok2[TOKEN_MAX_LEN + 1], buf[64];
	char small[10], hint[TOKEN_HINT_MAX + 1], id[TOKEN_PUBLIC_ID_LEN + 1];
	int n, i, all_ok;
	size_t k;

	if (sodium_init() < 0)
		return 1;

	/* CRC-32 (IEEE) check value and base62 digits. */
	UNIT_CHECK("crc32 check value of \"123456789\"",
	    token_crc32("123456789", 9) == 0xCBF43926u);
	UNIT_CHECK("crc32 of nothing is 0", token_crc32("", 0) == 0);
	token_b62_u32(0, buf, 6);
	buf[6] = '\0';
	UNIT_CHECK_STR("b62 of 0 is zero-padded", buf, "000000");
	token_b62_u32(61, buf, 2);
	buf[2] = '\0';
	UNIT_CHECK_STR("b62 of 61 is z", buf, "0z");
	token_b62_u32(62, buf, 2);
	buf[2] = '\0';
	UNIT_CHECK_STR("b62 of 62 is 10", buf, "10");
	token_b62_u32(0xffffffffu, buf, 6);
	buf[6] = '\0';
	/* 4294967295 in base62, worked out independently. */
	UNIT_CHECK_STR("b62 of 2^32-1 fits six characters", buf, "4gfFC3");

	/* Prefixes. */
	UNIT_CHECK("prefix atk_ is valid", token_prefix_valid("atk_"));
	UNIT_CHECK("prefix of 16 characters is valid",
	    token_prefix_valid("abcdefghijklmnop"));
	UNIT_CHECK("empty prefix is refused", !token_prefix_valid(""));
	UNIT_CHECK("prefix of 17 characters is refused",
	    !token_prefix_valid("abcdefghijklmnopq"));
	UNIT_CHECK("prefix with '-' is refused", !token_prefix_valid("at-k"));
	UNIT_CHECK("prefix with a space is refused",
	    !token_prefix_valid("at k"));
	UNIT_CHECK("generate refuses a bad prefix",
	    token_generate("a-b", tok, sizeof(tok)) == -1);
	UNIT_CHECK("generate refuses a short buffer",
	    token_generate("atk_", small, sizeof(small)) == -1);

	/* Generation and parsing. */
	n = token_generate("atk_", tok, sizeof(tok));
	UNIT_CHECK("generated token has prefix + 30 + 6 characters",
	    n == 4 + TOKEN_RANDOM_LEN + TOKEN_CHECKSUM_LEN &&
	    strlen(tok) == (size_t)n);
	UNIT_CHECK("generated token starts with the prefix",
	    strncmp(tok, "atk_", 4) == 0);
	all_ok = 1;
	for (k = 4; k < strlen(tok); k++)
		if (strchr(b62, tok[k]) == NULL)
			all_ok = 0;
	UNIT_CHECK("generated token body is base62", all_ok);
	UNIT_CHECK("generated token parses", parse("atk_", tok) == TOKEN_OK);
	all_ok = 1;
	for (i = 0; i < 200; i++) {
		if (token_generate("x_", tok2, sizeof(tok2)) < 0 ||
		    parse("x_", tok2) != TOKEN_OK)
			all_ok = 0;
	}
	UNIT_CHECK("200 generated tokens all parse", all_ok);
	token_generate("atk_", tok2, sizeof(tok2));
	UNIT_CHECK("two generated tokens differ", strcmp(tok, tok2) != 0);

	UNIT_CHECK("every single-character substitution is detected",
	    substitutions_detected("atk_", tok));
	UNIT_CHECK("adjacent transpositions are detected",
	    transpositions_detected("atk_", tok));

	UNIT_CHECK("other prefix is bad_prefix", parse("xyz_", tok) ==
	    TOKEN_BAD_PREFIX);
	UNIT_CHECK("empty string is bad_prefix", parse("atk_", "") ==
	    TOKEN_BAD_PREFIX);
	UNIT_CHECK("prefix alone is bad_length", parse("atk_", "atk_") ==
	    TOKEN_BAD_LENGTH);
	UNIT_CHECK("one character short is bad_length",
	    token_parse("atk_", tok, strlen(tok) - 1) == TOKEN_BAD_LENGTH);
	memcpy(buf, tok, strlen(tok));
	buf[strlen(tok)] = 'A';
	buf[strlen(tok) + 1] = '\0';
	UNIT_CHECK("one character long is bad_length", parse("atk_", buf) ==
	    TOKEN_BAD_LENGTH);
	strcpy(buf, tok);
	buf[10] = '-';
	UNIT_CHECK("a '-' in the body is bad_characters", parse("atk_", buf) ==
	    TOKEN_BAD_CHARSET);
	strcpy(buf, tok);
	buf[10] = '\xc3';
	UNIT_CHECK("a non-ASCII byte is bad_characters", parse("atk_", buf) ==
	    TOKEN_BAD_CHARSET);
	UNIT_CHECK("an embedded NUL is bad_characters",
	    token_parse("atk_", "atk_\0AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	    4 + 36) == TOKEN_BAD_CHARSET);
	UNIT_CHECK_STR("reason for bad checksum",
	    token_status_reason(TOKEN_BAD_CHECKSUM), "bad checksum");

	/* Hashing: HMAC-SHA256 keyed by the server secret. */
	randombytes_buf(secret, sizeof(secret));
	token_hash(secret, tok, strlen(tok), h1);
	crypto_auth_hmacsha256(ref, (const unsigned char *)tok, strlen(tok),
	    secret);
	UNIT_CHECK("hash is HMAC-SHA256 with the secret",
	    memcmp(h1, ref, sizeof(ref)) == 0);
	token_hash(secret, tok, strlen(tok), h2);
	UNIT_CHECK("hash is deterministic", memcmp(h1, h2, sizeof(h1)) == 0);
	secret[0] ^= 1;
	token_hash(secret, tok, strlen(tok), h2);
	UNIT_CHECK("another secret gives another hash",
	    memcmp(h1, h2, sizeof(h1)) != 0);

	/* Hint and public id: nothing secret. */
	token_hint("atk_", tok, strlen(tok), hint, sizeof(hint));
	snprintf(buf, sizeof(buf), "atk_...%s", tok + strlen(tok) - 4);
	UNIT_CHECK_STR("hint is prefix ... last four", hint, buf);
	UNIT_CHECK("hint shows only checksum characters",
	    strlen(tok) - 4 >= 4 + TOKEN_RANDOM_LEN);
	token_hint("atk_", tok, strlen(tok), small, 5);
	UNIT_CHECK_STR("hint into a short buffer is empty", small, "");
	token_public_id(id, sizeof(id));
	UNIT_CHECK("public id has 16 characters",
	    strlen(id) == TOKEN_PUBLIC_ID_LEN);
	UNIT_CHECK("public id is not part of the token",
	    strstr(tok, id) == NULL);
	token_public_id(small, sizeof(small));
	UNIT_CHECK_STR("public id into a short buffer is empty", small, "");

	return unit_summary("test_token");
}
