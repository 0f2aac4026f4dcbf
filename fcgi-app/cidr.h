/* cidr.h: IPv4/IPv6 addresses and CIDR lists (trusted proxies, trusted IPs). */
#ifndef APITOKEN_CIDR_H
#define APITOKEN_CIDR_H

#include <stddef.h>
#include <stdint.h>

#define CIDR_LIST_MAX	64	/* entries in one list */

struct cidr {
	uint8_t	 addr[16];	/* IPv4 stored as IPv4-mapped IPv6 (::ffff:a.b.c.d) */
	unsigned prefix;	/* 0..128, in the IPv6 space (IPv4 /n is 96+n) */
};

struct cidr_list {
	struct cidr	 items[CIDR_LIST_MAX];
	size_t		 n;
};

/*
 * Parses one address ("192.0.2.1", "2001:db8::1", "::ffff:192.0.2.1") into
 * 16 bytes, IPv4 as IPv4-mapped. s need not be NUL-terminated. 0 or -1.
 */
int	 cidr_addr_parse(const char *s, size_t len, uint8_t out[16]);
/* Parses "a.b.c.d/n", "x::/n" or a bare address (a host route). 0 or -1. */
int	 cidr_parse(const char *s, size_t len, struct cidr *out);
/*
 * Parses a comma- and/or space-separated list; an empty string is an empty
 * list. On error returns -1 and, if err is not NULL, writes a short message
 * naming the bad entry.
 */
int	 cidr_list_parse(const char *s, struct cidr_list *out,
	    char *err, size_t errlen);
int	 cidr_match(const struct cidr *c, const uint8_t addr[16]);
int	 cidr_list_match(const struct cidr_list *l, const uint8_t addr[16]);
/* Whether every network of inner lies inside some network of outer. */
int	 cidr_list_within(const struct cidr_list *inner,
	    const struct cidr_list *outer);
/* Writes the canonical text form of addr (IPv4-mapped shown as a.b.c.d). */
int	 cidr_addr_format(const uint8_t addr[16], char *buf, size_t size);

#endif
