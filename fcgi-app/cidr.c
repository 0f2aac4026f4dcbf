/* cidr.c: IPv4/IPv6 addresses and CIDR lists (trusted proxies, trusted IPs). */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cidr.h"
#include "util.h"

/* Longest text inet_pton accepts ("ffff:...:255.255.255.255"), plus NUL. */
#define CIDR_ADDR_TEXT_MAX	INET6_ADDRSTRLEN
/* Entries longer than this are quoted only in part in error messages. */
#define CIDR_ERR_ENTRY_MAX	64

static const uint8_t cidr_v4_mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

/*
 * Parses s[0..len) as an address; returns AF_INET or AF_INET6 (the form it
 * was written in, which decides how a prefix length is read), or -1.
 */
static int
cidr_addr_parse_af(const char *s, size_t len, uint8_t out[16])
{
	char buf[CIDR_ADDR_TEXT_MAX];
	struct in_addr a4;

	/* inet_pton wants a C string; s may be a slice of a longer header. */
	if (len == 0 || len >= sizeof(buf) || memchr(s, '\0', len) != NULL)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET, buf, &a4) == 1) {
		memcpy(out, cidr_v4_mapped, sizeof(cidr_v4_mapped));
		memcpy(out + 12, &a4.s_addr, 4);
		return AF_INET;
	}
	if (inet_pton(AF_INET6, buf, out) == 1)
		return AF_INET6;
	return -1;
}

int
cidr_addr_parse(const char *s, size_t len, uint8_t out[16])
{
	uint8_t a[16];

	if (cidr_addr_parse_af(s, len, a) == -1)
		return -1;
	memcpy(out, a, sizeof(a));
	return 0;
}

int
cidr_parse(const char *s, size_t len, struct cidr *out)
{
	const char *slash;
	size_t alen, i, plen;
	unsigned prefix = 0, max;
	int af;

	slash = memchr(s, '/', len);
	alen = slash != NULL ? (size_t)(slash - s) : len;
	if ((af = cidr_addr_parse_af(s, alen, out->addr)) == -1)
		return -1;
	max = af == AF_INET ? 32 : 128;
	if (slash == NULL) {
		out->prefix = 128;
		return 0;
	}
	plen = len - alen - 1;
	/* At most three digits: no sign, no spaces, no "0x", no overflow. */
	if (plen == 0 || plen > 3)
		return -1;
	for (i = 0; i < plen; i++) {
		if (slash[1 + i] < '0' || slash[1 + i] > '9')
			return -1;
		prefix = prefix * 10 + (unsigned)(slash[1 + i] - '0');
	}
	if (prefix > max)
		return -1;
	out->prefix = af == AF_INET ? 96 + prefix : prefix;
	return 0;
}

static int
cidr_is_sep(char ch)
{
	return ch == ' ' || ch == '\t';
}

int
cidr_list_parse(const char *s, struct cidr_list *out, char *err,
    size_t errlen)
{
	const char *p = s, *start;
	size_t len;
	int after_comma = 0, rc = -1;

	out->n = 0;
	for (;;) {
		while (cidr_is_sep(*p))
			p++;
		if (*p == '\0') {
			if (after_comma) {
				util_errf(err, errlen, "empty entry after the "
				    "last comma");
				goto out;
			}
			break;
		}
		if (*p == ',') {
			util_errf(err, errlen, "empty entry before a comma");
			goto out;
		}
		start = p;
		while (*p != '\0' && *p != ',' && !cidr_is_sep(*p))
			p++;
		len = (size_t)(p - start);
		if (out->n == CIDR_LIST_MAX) {
			util_errf(err, errlen, "too many entries (max %d)",
			    CIDR_LIST_MAX);
			goto out;
		}
		if (cidr_parse(start, len, &out->items[out->n]) == -1) {
			util_errf(err, errlen, "bad CIDR entry \"%.*s\"%s",
			    (int)(len > CIDR_ERR_ENTRY_MAX ?
			    CIDR_ERR_ENTRY_MAX : len), start,
			    len > CIDR_ERR_ENTRY_MAX ? "..." : "");
			goto out;
		}
		out->n++;
		after_comma = 0;
		while (cidr_is_sep(*p))
			p++;
		if (*p == ',') {
			after_comma = 1;
			p++;
		}
	}
	rc = 0;
out:
	if (rc == -1)
		out->n = 0;
	return rc;
}

int
cidr_match(const struct cidr *c, const uint8_t addr[16])
{
	unsigned full = c->prefix / 8, rest = c->prefix % 8;
	uint8_t mask;

	if (c->prefix > 128)
		return 0;
	if (memcmp(c->addr, addr, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	/* Host bits in the rule ("10.1.2.3/8") are ignored, not an error. */
	mask = (uint8_t)(0xffu << (8 - rest));
	return (c->addr[full] & mask) == (addr[full] & mask);
}

int
cidr_list_match(const struct cidr_list *l, const uint8_t addr[16])
{
	size_t i;

	for (i = 0; i < l->n && i < CIDR_LIST_MAX; i++)
		if (cidr_match(&l->items[i], addr))
			return 1;
	return 0;
}

int
cidr_addr_format(const uint8_t addr[16], char *buf, size_t size)
{
	const char *r;

	if (size == 0 || size > 0x7fffffff)
		return -1;
	if (memcmp(addr, cidr_v4_mapped, sizeof(cidr_v4_mapped)) == 0)
		r = inet_ntop(AF_INET, addr + 12, buf, (socklen_t)size);
	else
		r = inet_ntop(AF_INET6, addr, buf, (socklen_t)size);
	if (r == NULL) {
		buf[0] = '\0';
		return -1;
	}
	return 0;
}

int
cidr_list_within(const struct cidr_list *inner, const struct cidr_list *outer)
{
	size_t i, j;
	int found;

	for (i = 0; i < inner->n; i++) {
		found = 0;
		for (j = 0; j < outer->n && !found; j++)
			found = outer->items[j].prefix <= inner->items[i].prefix &&
			    cidr_match(&outer->items[j], inner->items[i].addr);
		if (!found)
			return 0;
	}
	return 1;
}
