/*
 * throttle.h: slows token guessing per client address, in memory shared by
 * the pool (no database round trip: a malformed token must stay free).
 * Password guessing is throttle_login.h.
 */
#ifndef APITOKEN_THROTTLE_H
#define APITOKEN_THROTTLE_H

#include <stdint.h>

#include "conf.h"

/*
 * Maps the table shared by every worker; the master calls it before the
 * first fork, so counts survive worker recycling and reloads. Without it
 * (a process started on its own) each process counts for itself.
 */
int	 throttle_init_shared(void);
/*
 * The key of an address: IPv4 whole, IPv6 by its /64 (one host usually
 * owns the whole /64). Used by throttle_login.c too.
 */
void	 throttle_addr_key(const uint8_t addr[16], uint8_t key[16]);
/* Seconds the address must wait before its next token, 0 if none. */
unsigned throttle_token_wait(const struct conf *c, const uint8_t addr[16],
	    int64_t now_ms);
/* Counts one malformed or unknown token from the address. */
void	 throttle_token_failed(const struct conf *c, const uint8_t addr[16],
	    const char *ip, int64_t now_ms);

#endif
