/*
 * device.h: the device cookie: proof that this browser signed in to a
 * login before, so that failures made elsewhere cannot lock it out
 * (OWASP "device cookies"). Pure: no I/O.
 */
#ifndef APITOKEN_DEVICE_H
#define APITOKEN_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include "token.h"

#define DEVICE_TTL_S	(180L * 86400)	/* a device is remembered 180 days */
#define DEVICE_VALUE_LEN 32		/* base64url of 24 bytes */

/*
 * The cookie value for the login whose throttle key is account_key
 * (32 bytes), issued at now (ms). out needs DEVICE_VALUE_LEN + 1 bytes.
 */
void	 device_make(const uint8_t secret[TOKEN_SECRET_LEN],
	    const uint8_t account_key[32], int64_t now, char *out);
/* Whether value is a cookie device_make gave this login, not too old. */
int	 device_ok(const uint8_t secret[TOKEN_SECRET_LEN],
	    const uint8_t account_key[32], const char *value, int64_t now);

#endif
