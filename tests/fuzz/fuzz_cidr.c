/*
 * fuzz_cidr.c: addresses and CIDR lists (trusted_proxies, metrics_allow,
 * a token's trusted IPs) from arbitrary bytes. Checks the round trips: an
 * address parsed, formatted and parsed again is the same address, and a
 * parsed list written out in canonical form parses to the same list; each
 * network contains its own address; errors stay inside their buffer.
 *
 * Input: one byte picks the error buffer size, the rest is the text.
 */
#include <arpa/inet.h>

#include "cidr.h"
#include "fuzz.h"

static const uint8_t fuzz_v4_mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

/* Formats and parses addr back; they must agree. */
static void
fuzz_addr_round_trip(const uint8_t addr[16])
{
	char buf[INET6_ADDRSTRLEN];
	uint8_t again[16];

	FUZZ_CHECK(cidr_addr_format(addr, buf, sizeof(buf)) == 0, "format");
	FUZZ_CHECK(strlen(buf) < sizeof(buf), "formatted too long");
	FUZZ_CHECK(cidr_addr_parse(buf, strlen(buf), again) == 0,
	    "\"%s\" does not parse back", buf);
	FUZZ_CHECK(memcmp(addr, again, 16) == 0, "\"%s\" parses to another "
	    "address", buf);
}

/* One entry in the canonical form cidr_parse reads back the same way. */
static size_t
fuzz_cidr_text(const struct cidr *c, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];
	int v4 = memcmp(c->addr, fuzz_v4_mapped, 12) == 0 && c->prefix >= 96;
	int n;

	/* An IPv4-mapped network wider than /96 exists only in IPv6 form. */
	if (v4)
		FUZZ_CHECK(cidr_addr_format(c->addr, a, sizeof(a)) == 0, "fmt");
	else
		FUZZ_CHECK(inet_ntop(AF_INET6, c->addr, a, sizeof(a)) != NULL,
		    "ntop");
	n = snprintf(buf, size, "%s/%u", a, v4 ? c->prefix - 96 : c->prefix);
	FUZZ_CHECK(n > 0 && (size_t)n < size, "entry text");
	return (size_t)n;
}

/*
 * The prefix "a/N" says in the IPv6 space: N for an IPv6 text, 96 + N for
 * a dotted quad (no ':'), 128 without a '/'.
 */
static unsigned
fuzz_prefix_of(const char *s, size_t len)
{
	const char *slash = memchr(s, '/', len);
	unsigned n = 0;
	size_t i;

	if (slash == NULL)
		return 128;
	for (i = (size_t)(slash - s) + 1; i < len; i++)
		n = n * 10 + (unsigned)(s[i] - '0');
	return memchr(s, ':', (size_t)(slash - s)) != NULL ? n : 96 + n;
}

static void
fuzz_list(const char *s, size_t errlen)
{
	struct cidr_list l, again;
	char *err = malloc(errlen > 0 ? errlen : 1), text[CIDR_LIST_MAX * 64];
	size_t i, o = 0;

	if (err == NULL)
		abort();
	memset(err, 'x', errlen > 0 ? errlen : 1);
	if (cidr_list_parse(s, &l, errlen > 0 ? err : NULL, errlen) == -1) {
		FUZZ_CHECK(l.n == 0, "a failed parse leaves %zu entries", l.n);
		if (errlen > 0) {
			FUZZ_CHECK(strnlen(err, errlen) < errlen,
			    "error not terminated");
			FUZZ_CHECK(errlen == 1 || err[0] != '\0',
			    "empty error message");
		}
		free(err);
		return;
	}
	free(err);
	FUZZ_CHECK(l.n <= CIDR_LIST_MAX, "%zu entries", l.n);
	FUZZ_CHECK(cidr_list_within(&l, &l), "a list is not within itself");
	for (i = 0; i < l.n; i++) {
		FUZZ_CHECK(l.items[i].prefix <= 128, "prefix %u",
		    l.items[i].prefix);
		FUZZ_CHECK(cidr_match(&l.items[i], l.items[i].addr),
		    "entry %zu does not match its own address", i);
		FUZZ_CHECK(cidr_list_match(&l, l.items[i].addr), "list match");
		fuzz_addr_round_trip(l.items[i].addr);
		if (i > 0)
			text[o++] = ',';
		o += fuzz_cidr_text(&l.items[i], text + o, sizeof(text) - o);
	}
	text[o] = '\0';
	FUZZ_CHECK(cidr_list_parse(text, &again, NULL, 0) == 0,
	    "canonical form \"%s\" does not parse", text);
	FUZZ_CHECK(again.n == l.n, "canonical form has %zu entries, not %zu",
	    again.n, l.n);
	for (i = 0; i < l.n; i++)
		FUZZ_CHECK(memcmp(again.items[i].addr, l.items[i].addr, 16) == 0 &&
		    again.items[i].prefix == l.items[i].prefix,
		    "entry %zu differs after the round trip \"%s\"", i, text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	size_t errlen = fuzz_byte(&in) % 170, len;
	uint8_t addr[16];
	struct cidr c;
	char *slice, *s;

	/* Slices of exactly their length: the parsers get no NUL to lean on. */
	slice = fuzz_dup(in.p, in.n);
	if (cidr_addr_parse(slice, in.n, addr) == 0)
		fuzz_addr_round_trip(addr);
	if (cidr_parse(slice, in.n, &c) == 0) {
		FUZZ_CHECK(c.prefix <= 128, "prefix %u", c.prefix);
		FUZZ_CHECK(c.prefix == fuzz_prefix_of(slice, in.n),
		    "prefix %u is not what the text says", c.prefix);
		FUZZ_CHECK(cidr_match(&c, c.addr), "no self match");
		fuzz_addr_round_trip(c.addr);
	}
	free(slice);

	s = fuzz_piece(&in, '\0', &len);
	fuzz_list(s, errlen);
	free(s);
	return 0;
}
