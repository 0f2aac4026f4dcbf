/* password.c: argon2id password hashes (libsodium crypto_pwhash). */
#include <string.h>

#include <sodium.h>

#include "password.h"

/*
 * Checked instead of a real hash when a login does not exist, so unknown
 * logins cost the same argon2id work as known ones. Made once from 32
 * random bytes that were thrown away: no password matches it. A constant
 * (not made at start-up) so a plain CGI process, which answers one request,
 * does not pay a second hash. Its cost parameters are libsodium's
 * "interactive" ones, like password_hash's; password_init checks that.
 */
static const char password_dummy[crypto_pwhash_STRBYTES] =
    "$argon2id$v=19$m=65536,t=2,p=1$0+ZzNluGaj9xziokNNL8fg$"
    "HU+rYWh+wVdrD91aFLJ8LqGdjTVJBxHKbs5AOPs805o";

int
password_init(void)
{
	/* A libsodium whose interactive costs changed needs a new dummy. */
	return crypto_pwhash_str_needs_rehash(password_dummy,
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0 ? 0 : -1;
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
		if (crypto_pwhash_str_verify(password_dummy, pw, len) == 0)
			return 0;	/* cannot happen: no password matches */
		return 0;
	}
	match = crypto_pwhash_str_verify(hash, pw, len) == 0;
	return match;
}
