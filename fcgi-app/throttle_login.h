/*
 * throttle_login.h: slows password guessing (POST /api/login and HTTP
 * Basic) per client address and per login, counted in the database so
 * every worker, pool and host sees the same counts.
 */
#ifndef APITOKEN_THROTTLE_LOGIN_H
#define APITOKEN_THROTTLE_LOGIN_H

#include <stdint.h>

#include "conf.h"
#include "db.h"
#include "http.h"
#include "store_throttle.h"

struct throttle_login {
	uint8_t		 ip_key[STORE_THROTTLE_KEY_LEN];
	uint8_t		 account_key[STORE_THROTTLE_KEY_LEN];
	char		 ip_label[STORE_THROTTLE_LABEL_MAX + 1];
	int		 count_ip;	/* the address is counted */
	int		 count_account;	/* the login is counted */
	int64_t		 ip_fails;	/* in the current window, from _wait */
	int64_t		 ip_window;	/* its start, ms */
	int64_t		 account_fails;
	int64_t		 account_window;
};

/*
 * Keys for a login attempt. A valid device cookie (device.h) for this
 * login exempts it from the per-login count: someone failing elsewhere
 * cannot lock out a browser that signed in before.
 */
void	 throttle_login_begin(const struct conf *c,
	    const uint8_t secret[TOKEN_SECRET_LEN], const struct http_request *r,
	    const char *login, const char *device_cookie, int64_t now,
	    struct throttle_login *tl);
/*
 * One round trip, before the password is checked: 0 to go on, the seconds
 * to wait (> 0), or a db_status (< 0).
 */
int64_t	 throttle_login_wait(struct db *db, const struct conf *c,
	    struct throttle_login *tl, int64_t now);
/* A wrong password or an unknown login. A db_status. */
int	 throttle_login_failed(struct db *db, const struct conf *c,
	    const struct throttle_login *tl, int64_t now);
/* A right password: the login's count starts again (the address's not). */
void	 throttle_login_succeeded(struct db *db,
	    const struct throttle_login *tl);
/* The throttle key of a login, for the device cookie and apitokenctl. */
void	 throttle_account_key(const uint8_t secret[TOKEN_SECRET_LEN],
	    const char *login, uint8_t key[STORE_THROTTLE_KEY_LEN]);
/* The label (and key) an address is counted under: "192.0.2.1", "2001:db8::/64". */
int	 throttle_ip_label(const uint8_t addr[16], char *buf, size_t size);

#endif
