/* password.c: argon2id password hashes (libsodium crypto_pwhash). */
#include <string.h>

#include <sodium.h>

#include "password.h"

static char password_dummy[crypto_pwhash_STRBYTES];

int
password_init(void)
{
	char pw[33];

	if (password_dummy[0] != '\0')
		return 0;
	randombytes_buf(pw, 32);
	return password_hash(pw, 32, password_dummy, sizeof(password_dummy));
}

int
password_hash(const char *pw, size_t len, char *out, size_t size)
{
	if (len > PASSWORD_MAX || size < crypto_pwhash_STRBYTES)
		return -1;
	return crypto_pwhash_str_alg(out, pw, len,
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13);
}

int
password_verify(const char *hash, const char *pw, size_t len)
{
	int match;

	if (len > PASSWORD_MAX)
		return 0;
	if (hash == NULL || hash[0] == '\0') {
		/* Same work as a real check; the answer is always no. */
		if (password_dummy[0] != '\0' &&
		    crypto_pwhash_str_verify(password_dummy, pw, len) == 0)
			return 0;	/* cannot happen: the dummy is random */
		return 0;
	}
	match = crypto_pwhash_str_verify(hash, pw, len) == 0;
	return match;
}
