/*
 * test_throttle.c: the token-guess counter (windows, limits, exemptions,
 * IPv6 /64 grouping), address labels, and the device cookie.
 */
#include <string.h>

#include <sodium.h>

#include "conf.h"
#include "device.h"
#include "throttle.h"
#include "throttle_login.h"
#include "unit.h"

static void
addr(const char *s, uint8_t a[16])
{
	if (cidr_addr_parse(s, strlen(s), a) == -1)
		memset(a, 0, 16);
}

static const char *
label(const char *s, char *buf, size_t size)
{
	uint8_t a[16];

	addr(s, a);
	return throttle_ip_label(a, buf, size) == 0 ? buf : "";
}

/* n failures from s at now (ms). */
static void
fail(const struct conf *c, const char *s, int n, int64_t now)
{
	uint8_t a[16];

	addr(s, a);
	while (n-- > 0)
		throttle_token_failed(c, a, s, now);
}

static unsigned
wait_of(const struct conf *c, const char *s, int64_t now)
{
	uint8_t a[16];

	addr(s, a);
	return throttle_token_wait(c, a, now);
}

static void
test_tokens(void)
{
	struct conf c;
	char err[256];
	int64_t t0 = 1700000000000LL;

	conf_defaults(&c);
	if (conf_load(&c, NULL, err, sizeof(err)) == -1)
		printf("# conf_load: %s\n", err);
	c.token_per_ip = 3;
	c.token_window = 60;
	UNIT_CHECK("tokens: a fresh table is shared", throttle_init_shared() == 0);
	fail(&c, "192.0.2.1", 2, t0);
	UNIT_CHECK("tokens: under the limit no wait", wait_of(&c, "192.0.2.1",
	    t0) == 0);
	fail(&c, "192.0.2.1", 1, t0 + 10000);
	UNIT_CHECK("tokens: at the limit the rest of the window",
	    wait_of(&c, "192.0.2.1", t0 + 10000) == 50);
	UNIT_CHECK("tokens: another address is not held",
	    wait_of(&c, "192.0.2.2", t0 + 10000) == 0);
	UNIT_CHECK("tokens: the window ends by itself",
	    wait_of(&c, "192.0.2.1", t0 + 60000) == 0);
	fail(&c, "192.0.2.1", 1, t0 + 61000);
	UNIT_CHECK("tokens: a failure after the window starts a new count",
	    wait_of(&c, "192.0.2.1", t0 + 61000) == 0);

	fail(&c, "2001:db8:1:2::1", 2, t0);
	fail(&c, "2001:db8:1:2:ffff::9", 1, t0);
	UNIT_CHECK("tokens: IPv6 counts per /64",
	    wait_of(&c, "2001:db8:1:2::77", t0) == 60);
	UNIT_CHECK("tokens: the next /64 is apart",
	    wait_of(&c, "2001:db8:1:3::1", t0) == 0);

	if (cidr_list_parse("198.51.100.0/24", &c.throttle_exempt, err,
	    sizeof(err)) == -1)
		printf("# cidr_list_parse: %s\n", err);
	fail(&c, "198.51.100.7", 10, t0);
	UNIT_CHECK("tokens: an exempt address is never held",
	    wait_of(&c, "198.51.100.7", t0) == 0);
	c.token_per_ip = 0;
	fail(&c, "203.0.113.5", 10, t0);
	c.token_per_ip = 3;
	UNIT_CHECK("tokens: token_per_ip = 0 counts nothing",
	    wait_of(&c, "203.0.113.5", t0) == 0);
}

static void
test_labels(void)
{
	char buf[64];

	UNIT_CHECK_STR("label: IPv4 whole", label("192.0.2.33", buf,
	    sizeof(buf)), "192.0.2.33");
	UNIT_CHECK_STR("label: IPv6 by /64", label("2001:db8:0:1:2:3:4:5", buf,
	    sizeof(buf)), "2001:db8:0:1::/64");
	UNIT_CHECK("label: too small a buffer fails",
	    strcmp(label("2001:db8::1:2:3:4", buf, 12), "") == 0);
}

static void
test_device(void)
{
	uint8_t secret[32], other[32], k1[32], k2[32];
	char v[DEVICE_VALUE_LEN + 1], bad[DEVICE_VALUE_LEN + 1];
	int64_t now = 1700000000000LL;

	memset(secret, 7, sizeof(secret));
	memset(other, 8, sizeof(other));
	throttle_account_key(secret, "alice", k1);
	throttle_account_key(secret, "bob", k2);
	device_make(secret, k1, now, v);
	UNIT_CHECK("device: value length", strlen(v) == DEVICE_VALUE_LEN);
	UNIT_CHECK("device: accepted for its login", device_ok(secret, k1, v,
	    now + 1000));
	UNIT_CHECK("device: refused for another login", !device_ok(secret, k2,
	    v, now));
	UNIT_CHECK("device: refused under another secret", !device_ok(other,
	    k1, v, now));
	UNIT_CHECK("device: refused when too old", !device_ok(secret, k1, v,
	    now + (DEVICE_TTL_S + 1) * 1000));
	UNIT_CHECK("device: refused from the future", !device_ok(secret, k1, v,
	    now - 3600 * 1000));
	memcpy(bad, v, sizeof(bad));
	bad[DEVICE_VALUE_LEN - 1] = bad[DEVICE_VALUE_LEN - 1] == 'A' ? 'B' : 'A';
	UNIT_CHECK("device: one changed character is refused",
	    !device_ok(secret, k1, bad, now));
	UNIT_CHECK("device: NULL, empty and long values are refused",
	    !device_ok(secret, k1, NULL, now) && !device_ok(secret, k1, "",
	    now) && !device_ok(secret, k1, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	    now));
	UNIT_CHECK("device: account keys differ by login and secret",
	    memcmp(k1, k2, 32) != 0 && (throttle_account_key(other, "alice",
	    k2), memcmp(k1, k2, 32) != 0));
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_tokens();
	test_labels();
	test_device();
	return unit_summary("test_throttle");
}
