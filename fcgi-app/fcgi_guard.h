/*
 * fcgi_guard.h: checks the FastCGI records of a connection before libfcgi
 * parses them, to refuse what libfcgi 2.4.2 cannot survive.
 *
 * libfcgi trusts the lengths a client announces: one name-value pair whose
 * 4-byte lengths add up to 2-4 GiB makes it malloc that much and abort on
 * failure (the worker dies), and every unknown management record leaks 48
 * bytes (NewParams in ProcessManagementRecord). No web server sends either;
 * anything that can reach the socket can. libfcgi reads through OS_Read, a
 * function of its own OS layer that it calls through the dynamic linker,
 * so the worker defines OS_Read (fcgi_guard.c): every byte libfcgi reads
 * passes fcgi_guard_feed first, and a refused stream reads as an error
 * (libfcgi closes the connection; the worker goes on).
 */
#ifndef APITOKEN_FCGI_GUARD_H
#define APITOKEN_FCGI_GUARD_H

#include <stddef.h>
#include <stdint.h>

/*
 * Bounds on one request's params (its CGI environment). Web servers send a
 * few kB (lighttpd, Apache and nginx refuse request headers past 8-64 kB by
 * default); these leave room for raised limits and stay far from anything
 * that could exhaust a worker.
 */
#define FCGI_GUARD_PAIR_MAX	(256u * 1024)	/* one name plus its value */
#define FCGI_GUARD_PARAMS_MAX	(1024u * 1024)	/* all pairs of a request */
#define FCGI_GUARD_PAIRS_MAX	4096u		/* pairs of a request */
/*
 * A new connection with nothing to read by then is dropped, as libfcgi's
 * own accept does with unix sockets.
 */
#define FCGI_GUARD_FIRST_BYTE_MS	2000

/* A stream of name-value pairs being checked. */
struct fcgi_guard_pairs {
	uint64_t	 bytes;		/* names and values so far */
	uint32_t	 skip;		/* name and value bytes still to pass */
	uint32_t	 len;		/* a 4-byte length being read */
	uint32_t	 name_len;
	unsigned	 len_have;	/* bytes of len read, 0 when none */
	unsigned	 pairs;
	int		 want_value;	/* the next length is the value's */
};

/* The state of one connection's record stream. */
struct fcgi_guard {
	struct fcgi_guard_pairs	 params;	/* the request's PARAMS */
	struct fcgi_guard_pairs	 mgmt;		/* one GET_VALUES record */
	struct fcgi_guard_pairs	*in_pairs;	/* the content's, or NULL */
	uint64_t		 seen;		/* bytes checked */
	const char		*refused;	/* why, once refused */
	uint32_t		 content_left;	/* of the record being read */
	unsigned		 pad_left;
	unsigned		 hdr_have;
	int			 begun;		/* a BEGIN_REQUEST was read */
	int			 params_done;	/* and the end of its PARAMS */
	int			 stdin_done;	/* and the end of its STDIN */
	uint16_t		 req_id;	/* the first BEGIN_REQUEST's */
	uint8_t			 hdr[8];
	uint8_t			 type;
};

/*
 * Starts checking a request on connection fd, forgetting the last one: its
 * records must all arrive within timeout_s seconds (0: no bound).
 */
void	 fcgi_guard_start(int fd, unsigned timeout_s);
/* Resets g for a new stream. */
void	 fcgi_guard_init(struct fcgi_guard *g);
/*
 * Checks the next n bytes of a stream (any split: a header or a length may
 * straddle two calls). 0, or -1 once the stream is refused: g->refused
 * names the reason, and every later call fails too.
 */
int	 fcgi_guard_feed(struct fcgi_guard *g, const uint8_t *b, size_t n);
/*
 * Whether libfcgi's reads reach fcgi_guard_feed (a libfcgi that binds
 * OS_Read to itself would bypass it): runs one request over a socket pair.
 * 0 when they do, -1 otherwise. Needs FCGX_Init.
 */
int	 fcgi_guard_selftest(void);

#endif
