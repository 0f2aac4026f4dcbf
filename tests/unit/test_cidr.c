/* test_cidr.c: address and CIDR parsing, list parsing, matching, formatting. */
#include <string.h>

#include "cidr.h"
#include "unit.h"

static int
parse(const char *s, struct cidr *c)
{
	return cidr_parse(s, strlen(s), c);
}

/* Parses s as an address and formats it back; "" when either step fails. */
static const char *
roundtrip(const char *s, char *buf, size_t size)
{
	uint8_t a[16];

	if (cidr_addr_parse(s, strlen(s), a) == -1 ||
	    cidr_addr_format(a, buf, size) == -1)
		return "";
	return buf;
}

static int
addr_in(const char *rule, const char *addr)
{
	struct cidr c;
	uint8_t a[16];

	if (parse(rule, &c) == -1 || cidr_addr_parse(addr, strlen(addr), a) == -1)
		return -1;
	return cidr_match(&c, a);
}

static int
list_has(const struct cidr_list *l, const char *addr)
{
	uint8_t a[16];

	if (cidr_addr_parse(addr, strlen(addr), a) == -1)
		return -1;
	return cidr_list_match(l, a);
}

int
main(void)
{
	static const uint8_t mapped[16] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1
	};
	struct cidr c;
	struct cidr_list l;
	uint8_t a[16], b[16];
	char buf[64], err[128];

	/* Addresses. */
	UNIT_CHECK("ipv4 address is stored as ipv4-mapped ipv6",
	    cidr_addr_parse("192.0.2.1", 9, a) == 0 &&
	    memcmp(a, mapped, 16) == 0);
	UNIT_CHECK("ipv4-mapped ipv6 text equals the plain ipv4 address",
	    cidr_addr_parse("::ffff:192.0.2.1", 16, b) == 0 &&
	    memcmp(b, mapped, 16) == 0);
	UNIT_CHECK("ipv6 address parses",
	    cidr_addr_parse("2001:db8::1", 11, a) == 0 && a[0] == 0x20 &&
	    a[1] == 0x01 && a[15] == 1);
	UNIT_CHECK("address is read only up to len (no NUL needed)",
	    cidr_addr_parse("10.0.0.1, 10.0.0.2", 8, a) == 0 &&
	    a[12] == 10 && a[15] == 1);
	UNIT_CHECK("non-address text is refused",
	    cidr_addr_parse("abc", 3, a) == -1);
	UNIT_CHECK("three-part ipv4 is refused",
	    cidr_addr_parse("1.2.3", 5, a) == -1);
	UNIT_CHECK("empty address is refused", cidr_addr_parse("", 0, a) == -1);
	UNIT_CHECK("address longer than any ip text is refused",
	    cidr_addr_parse("1111:2222:3333:4444:5555:6666:7777:8888:9999:aaaa",
	    49, a) == -1);
	UNIT_CHECK("address with an embedded NUL is refused",
	    cidr_addr_parse("10.0.0.1\0x", 10, a) == -1);

	/* Formatting. */
	UNIT_CHECK_STR("ipv4-mapped address formats as a dotted quad",
	    roundtrip("::ffff:192.0.2.1", buf, sizeof(buf)), "192.0.2.1");
	UNIT_CHECK_STR("ipv6 address formats in canonical short form",
	    roundtrip("2001:0db8:0:0:0:0:0:0001", buf, sizeof(buf)),
	    "2001:db8::1");
	UNIT_CHECK("format into a too-small buffer fails",
	    cidr_addr_parse("192.0.2.1", 9, a) == 0 &&
	    cidr_addr_format(a, buf, 4) == -1);

	/* Prefixes. */
	UNIT_CHECK("ipv4 /24 becomes prefix 120 in the ipv6 space",
	    parse("192.0.2.0/24", &c) == 0 && c.prefix == 120);
	UNIT_CHECK("bare ipv4 address is a host route (prefix 128)",
	    parse("192.0.2.7", &c) == 0 && c.prefix == 128);
	UNIT_CHECK("ipv4 /0 becomes prefix 96",
	    parse("0.0.0.0/0", &c) == 0 && c.prefix == 96);
	UNIT_CHECK("ipv4 /32 becomes prefix 128",
	    parse("1.2.3.4/32", &c) == 0 && c.prefix == 128);
	UNIT_CHECK("ipv6 /0 is accepted", parse("::/0", &c) == 0 &&
	    c.prefix == 0);
	UNIT_CHECK("ipv6 /128 is accepted",
	    parse("2001:db8::1/128", &c) == 0 && c.prefix == 128);
	UNIT_CHECK("ipv4 prefix 33 is refused", parse("1.2.3.4/33", &c) == -1);
	UNIT_CHECK("ipv6 prefix 129 is refused", parse("::/129", &c) == -1);
	UNIT_CHECK("empty prefix is refused", parse("1.2.3.4/", &c) == -1);
	UNIT_CHECK("signed prefix is refused", parse("1.2.3.4/-1", &c) == -1);
	UNIT_CHECK("long numeric prefix is refused",
	    parse("::/00000128", &c) == -1);
	UNIT_CHECK("non-address cidr is refused", parse("abc/8", &c) == -1);

	/* Matching. */
	UNIT_CHECK("ipv4 /24 matches an address inside",
	    addr_in("192.0.2.0/24", "192.0.2.200") == 1);
	UNIT_CHECK("ipv4 /24 does not match the next network",
	    addr_in("192.0.2.0/24", "192.0.3.1") == 0);
	UNIT_CHECK("ipv4 /32 matches only itself",
	    addr_in("1.2.3.4/32", "1.2.3.4") == 1 &&
	    addr_in("1.2.3.4/32", "1.2.3.5") == 0);
	UNIT_CHECK("host bits set in a rule are masked when matching",
	    addr_in("10.1.2.3/8", "10.200.0.1") == 1);
	UNIT_CHECK("non-byte-aligned prefix compares the partial byte",
	    addr_in("10.0.0.0/9", "10.127.0.1") == 1 &&
	    addr_in("10.0.0.0/9", "10.128.0.1") == 0);
	UNIT_CHECK("ipv4 /0 matches every ipv4 address",
	    addr_in("0.0.0.0/0", "203.0.113.9") == 1);
	UNIT_CHECK("ipv4 /0 does not match an ipv6 address",
	    addr_in("0.0.0.0/0", "2001:db8::1") == 0);
	UNIT_CHECK("ipv6 /0 matches an ipv4 address too (it is mapped)",
	    addr_in("::/0", "203.0.113.9") == 1);
	UNIT_CHECK("ipv6 rule outside the mapped range does not match ipv4",
	    addr_in("2001:db8::/32", "192.0.2.1") == 0);
	UNIT_CHECK("ipv6 /32 matches inside and not outside",
	    addr_in("2001:db8::/32", "2001:db8:ffff::1") == 1 &&
	    addr_in("2001:db8::/32", "2001:db9::1") == 0);
	UNIT_CHECK("mapped-form rule matches the plain ipv4 address",
	    addr_in("::ffff:192.0.2.0/120", "192.0.2.9") == 1);

	/* Lists. */
	UNIT_CHECK("empty string is an empty list",
	    cidr_list_parse("", &l, err, sizeof(err)) == 0 && l.n == 0);
	UNIT_CHECK("blank string is an empty list",
	    cidr_list_parse("  \t ", &l, err, sizeof(err)) == 0 && l.n == 0);
	UNIT_CHECK("empty list matches nothing",
	    list_has(&l, "127.0.0.1") == 0);
	UNIT_CHECK("comma-separated list with spaces parses",
	    cidr_list_parse("10.0.0.0/8, 192.168.0.0/16 ,::1", &l, err,
	    sizeof(err)) == 0 && l.n == 3);
	UNIT_CHECK("list matches an address in any entry",
	    list_has(&l, "10.9.9.9") == 1 && list_has(&l, "192.168.4.4") == 1 &&
	    list_has(&l, "::1") == 1);
	UNIT_CHECK("list does not match an address in no entry",
	    list_has(&l, "172.16.0.1") == 0 && list_has(&l, "::2") == 0);
	UNIT_CHECK("space-separated list parses",
	    cidr_list_parse("127.0.0.1 ::1", &l, err, sizeof(err)) == 0 &&
	    l.n == 2);
	UNIT_CHECK("default trusted ips list matches v4 and v6",
	    cidr_list_parse("0.0.0.0/0, ::/0", &l, err, sizeof(err)) == 0 &&
	    list_has(&l, "8.8.8.8") == 1 && list_has(&l, "2001:db8::5") == 1);
	UNIT_CHECK("empty entry between commas is an error",
	    cidr_list_parse("10.0.0.1,,10.0.0.2", &l, err, sizeof(err)) == -1 &&
	    l.n == 0);
	UNIT_CHECK("leading comma is an error",
	    cidr_list_parse(",10.0.0.1", &l, err, sizeof(err)) == -1);
	UNIT_CHECK("trailing comma is an error",
	    cidr_list_parse("10.0.0.1,", &l, err, sizeof(err)) == -1);
	UNIT_CHECK_STR("bad list entry is named in the error",
	    cidr_list_parse("10.0.0.1, 1.2.3.4/33", &l, err, sizeof(err)) == -1 ?
	    err : "", "bad CIDR entry \"1.2.3.4/33\"");
	UNIT_CHECK("list error without an err buffer still fails",
	    cidr_list_parse("abc", &l, NULL, 0) == -1);
	{
		char big[CIDR_LIST_MAX * 12 + 16];
		size_t off = 0, i;
		int n;

		for (i = 0; i <= CIDR_LIST_MAX; i++) {
			n = snprintf(big + off, sizeof(big) - off, "10.0.%zu.1 ",
			    i);
			if (n < 0 || (size_t)n >= sizeof(big) - off)
				break;
			off += (size_t)n;
		}
		UNIT_CHECK("list with more than CIDR_LIST_MAX entries is refused",
		    i == CIDR_LIST_MAX + 1 &&
		    cidr_list_parse(big, &l, err, sizeof(err)) == -1 &&
		    strstr(err, "too many") != NULL);
	}

	/* Containment of lists: narrowing trusted IPs of identity tokens. */
	{
		struct cidr_list in, out;

		UNIT_CHECK("a /24 inside a /16",
		    cidr_list_parse("10.9.1.0/24", &in, err, sizeof(err)) == 0 &&
		    cidr_list_parse("10.9.0.0/16", &out, err, sizeof(err)) == 0 &&
		    cidr_list_within(&in, &out));
		UNIT_CHECK("a /16 is not inside a /24",
		    !cidr_list_within(&out, &in));
		UNIT_CHECK("an address inside ::/0",
		    cidr_list_parse("2001:db8::1, 192.0.2.1", &in, err,
		    sizeof(err)) == 0 &&
		    cidr_list_parse("0.0.0.0/0, ::/0", &out, err,
		    sizeof(err)) == 0 && cidr_list_within(&in, &out));
		UNIT_CHECK("ipv6 is not inside 0.0.0.0/0",
		    cidr_list_parse("2001:db8::1", &in, err, sizeof(err)) == 0 &&
		    cidr_list_parse("0.0.0.0/0", &out, err, sizeof(err)) == 0 &&
		    !cidr_list_within(&in, &out));
		UNIT_CHECK("0.0.0.0/0 is not inside 10.0.0.0/8",
		    cidr_list_parse("0.0.0.0/0", &in, err, sizeof(err)) == 0 &&
		    cidr_list_parse("10.0.0.0/8", &out, err, sizeof(err)) == 0 &&
		    !cidr_list_within(&in, &out));
		UNIT_CHECK("one entry outside spoils the list",
		    cidr_list_parse("10.1.0.0/16, 11.0.0.1", &in, err,
		    sizeof(err)) == 0 && !cidr_list_within(&in, &out));
	}
	return unit_summary("test_cidr");
}
