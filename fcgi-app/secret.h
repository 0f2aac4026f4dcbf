/* secret.h: the server secret file (HMAC key for token hashes). */
#ifndef APITOKEN_SECRET_H
#define APITOKEN_SECRET_H

#include <stddef.h>
#include <stdint.h>

#include "token.h"

/*
 * Reads TOKEN_SECRET_LEN bytes, stored as 64 hex characters. Refuses a file
 * readable by group or others. 0, or -1 with a message in err.
 */
int	 secret_load(const char *path, uint8_t out[TOKEN_SECRET_LEN],
	    char *err, size_t errlen);
/* Creates the file (mode 0600) with fresh random bytes; never overwrites
 * unless force. 0, or -1 with a message in err. */
int	 secret_create(const char *path, int force, char *err, size_t errlen);

#endif
