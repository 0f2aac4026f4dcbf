/*
 * throttle_login.c: failed passwords counted per address and per login in
 * fixed windows ([throttle] login_per_ip, login_per_account, login_window).
 * Past a limit the attempt is answered 429 with Retry-After before the
 * password is even checked, the same for known and unknown logins (no
 * enumeration). A window ends by itself, a right password clears the
 * login's count, and a device cookie lets a browser that signed in before
 * past its login's count: an attacker elsewhere can delay, never lock out.
 *
 * Rows are keyed by a keyed BLAKE2b of the address or the login: a
 * password typed into the login field is never stored in the clear.
 */
#include <string.h>

#include <sodium.h>

#include "cidr.h"
#include "device.h"
#include "log.h"
#include "throttle.h"
#include "throttle_login.h"

static void
throttle_key(const uint8_t secret[TOKEN_SECRET_LEN], const char *kind,
    const void *data, size_t len, uint8_t key[STORE_THROTTLE_KEY_LEN])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, secret, TOKEN_SECRET_LEN,
	    STORE_THROTTLE_KEY_LEN);
	/* The kind with its NUL: "ip" data never hashes like "account" data. */
	crypto_generichash_update(&st, (const uint8_t *)kind, strlen(kind) + 1);
	crypto_generichash_update(&st, data, len);
	crypto_generichash_final(&st, key, STORE_THROTTLE_KEY_LEN);
}

void
throttle_account_key(const uint8_t secret[TOKEN_SECRET_LEN],
    const char *login, uint8_t key[STORE_THROTTLE_KEY_LEN])
{
	throttle_key(secret, "account", login, strlen(login), key);
}

int
throttle_ip_label(const uint8_t addr[16], char *buf, size_t size)
{
	uint8_t k[16];
	size_t n;

	throttle_addr_key(addr, k);
	if (cidr_addr_format(k, buf, size) == -1)
		return -1;
	if (memcmp(k, addr, 16) == 0 || strchr(buf, '.') != NULL)
		return 0;
	n = strlen(buf);
	if (n + 4 > size)
		return -1;
	memcpy(buf + n, "/64", 4);
	return 0;
}

void
throttle_login_begin(const struct conf *c,
    const uint8_t secret[TOKEN_SECRET_LEN], const struct http_request *r,
    const char *login, const char *device_cookie, int64_t now,
    struct throttle_login *tl)
{
	memset(tl, 0, sizeof(*tl));
	throttle_account_key(secret, login, tl->account_key);
	tl->count_account = c->login_per_account > 0 &&
	    !device_ok(secret, tl->account_key, device_cookie, now);
	tl->count_ip = c->login_per_ip > 0 &&
	    !cidr_list_match(&c->throttle_exempt, r->client_addr) &&
	    throttle_ip_label(r->client_addr, tl->ip_label,
	    sizeof(tl->ip_label)) == 0;
	if (tl->count_ip)
		throttle_key(secret, "ip", tl->ip_label, strlen(tl->ip_label),
		    tl->ip_key);
}

struct throttle_seen {
	struct throttle_login	*tl;
	int64_t			 since;	/* windows that started before are over */
};

static void
throttle_login_row(const struct store_throttle_row *row, void *arg)
{
	struct throttle_seen *s = arg;
	struct throttle_login *tl = s->tl;

	if (row->window_start <= s->since)
		return;
	if (tl->count_ip &&
	    memcmp(row->key, tl->ip_key, STORE_THROTTLE_KEY_LEN) == 0) {
		tl->ip_fails = row->fails;
		tl->ip_window = row->window_start;
	} else if (tl->count_account && memcmp(row->key, tl->account_key,
	    STORE_THROTTLE_KEY_LEN) == 0) {
		tl->account_fails = row->fails;
		tl->account_window = row->window_start;
	}
}

/* Seconds until a window that reached its limit ends (at least 1), else 0. */
static int64_t
throttle_left(int64_t fails, unsigned limit, int64_t window_start,
    unsigned window_s, int64_t now)
{
	int64_t end = window_start + (int64_t)window_s * 1000;

	if (fails < (int64_t)limit || end <= now)
		return 0;
	return (end - now + 999) / 1000;
}

int64_t
throttle_login_wait(struct db *db, const struct conf *c,
    struct throttle_login *tl, int64_t now)
{
	struct throttle_seen s = { tl, now - (int64_t)c->login_window * 1000 };
	int64_t a, b;
	int rc;

	if (!tl->count_ip && !tl->count_account)
		return 0;
	rc = store_throttle_get(db, tl->count_ip ? tl->ip_key : NULL,
	    tl->count_account ? tl->account_key : NULL, throttle_login_row, &s);
	if (rc != DB_OK)
		return rc;
	a = throttle_left(tl->ip_fails, c->login_per_ip, tl->ip_window,
	    c->login_window, now);
	b = throttle_left(tl->account_fails, c->login_per_account,
	    tl->account_window, c->login_window, now);
	return a > b ? a : b;
}

int
throttle_login_failed(struct db *db, const struct conf *c,
    const struct throttle_login *tl, int64_t now)
{
	int64_t window = (int64_t)c->login_window * 1000;
	int rc = DB_OK, inserted = 0, added = 0;

	if (tl->count_ip) {
		rc = store_throttle_fail(db, tl->ip_key, "ip", tl->ip_label,
		    now, window, &inserted);
		added |= inserted;
		if (rc == DB_OK && tl->ip_fails + 1 == c->login_per_ip)
			log_warn("throttle_logins", "ip=%s failures=%u "
			    "window_s=%u", tl->ip_label, c->login_per_ip,
			    c->login_window);
	}
	if (rc == DB_OK && tl->count_account) {
		rc = store_throttle_fail(db, tl->account_key, "account", "",
		    now, window, &inserted);
		added |= inserted;
		/* No login in the log: it may be a mistyped password. */
		if (rc == DB_OK && tl->account_fails + 1 ==
		    c->login_per_account)
			log_warn("throttle_account", "failures=%u window_s=%u",
			    c->login_per_account, c->login_window);
	}
	/* New rows only come with failures: so do the deletions of old ones. */
	if (rc == DB_OK && added)
		(void)store_throttle_purge(db, now - window);
	return rc;
}

void
throttle_login_succeeded(struct db *db, const struct throttle_login *tl)
{
	if (tl->count_account && tl->account_fails > 0)
		(void)store_throttle_clear(db, tl->account_key);
}
