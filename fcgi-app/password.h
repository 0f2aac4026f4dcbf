/* password.h: argon2id password hashes (libsodium crypto_pwhash). */
#ifndef APITOKEN_PASSWORD_H
#define APITOKEN_PASSWORD_H

#include <stddef.h>

#define PASSWORD_MAX		1024	/* longer input is refused, not hashed */
#define PASSWORD_HASH_MAX	128	/* crypto_pwhash_STRBYTES */

/* 0, or -1 (out of memory, or password too long). */
int	 password_hash(const char *pw, size_t len, char *out, size_t size);
/*
 * 1 when pw matches hash. hash NULL checks against a dummy hash, so an
 * unknown login costs the same time as a known one.
 */
int	 password_verify(const char *hash, const char *pw, size_t len);
/* Computes the dummy hash once per process (before serving requests). */
int	 password_init(void);

#endif
