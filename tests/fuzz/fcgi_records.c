/*
 * fcgi_records.c: raw FastCGI records against the pool's unix socket, for
 * tests/integration/93_fcgi_records.sh. Speaks the protocol directly, so it
 * can send what no web server would: bad versions, unknown types, huge
 * lengths, truncated streams, 4-byte param lengths up to 2^31, aborts,
 * multiplexed ids, stdin past every limit, random bytes.
 *
 *   fcgi_records SOCKET request PATH     a valid GET; prints its Status line
 *   fcgi_records SOCKET fuzz SEED COUNT  hand-picked cases, then random ones
 *                                        from SEED, COUNT connections in all
 *   fcgi_records SOCKET case I           hand-picked case I alone
 *   fcgi_records SOCKET idle N SECONDS   N connections that stop sending
 *                                        mid-request; waits (at most
 *                                        SECONDS) until the pool closes them
 *   fcgi_records SOCKET drip SECONDS     one request whose params come a
 *                                        byte every 500 ms; prints when the
 *                                        pool closed it (status 1 if it
 *                                        did not within SECONDS)
 *
 * The fuzz mode ends with "connections=N records=N bytes=N answered=N
 * hung=N": hung counts connections the pool neither answered nor closed
 * within 10 s of the end of what was sent (the write side is shut first).
 * Exit status 0, or 1 when a connection hung or the socket is unreachable.
 *
 * Cases 27-31 send what libfcgi 2.4.2 (Debian 12) cannot survive by
 * itself: a PARAMS pair whose lengths add up to 2-4 GiB (Debian's fix for
 * CVE-2025-23016 refuses a length of 2^31 - 1, but 2^30 + 2^30 still
 * reaches its Malloc, which fails an assertion: the worker aborts) and
 * unknown management records (48 bytes leaked each). The worker's record guard (fcgi-app/fcgi_guard.c)
 * drops such connections before libfcgi reads them. The random records of
 * the fuzz mode always fill what their lengths announce.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define REC_BEGIN	1
#define REC_ABORT	2
#define REC_END		3
#define REC_PARAMS	4
#define REC_STDIN	5
#define REC_STDOUT	6
#define REC_GET_VALUES	9

#define BUF_MAX		(4 << 20)	/* one connection's bytes at most */

static const char *sock_path;
static uint64_t rng_state;
static unsigned long n_conn, n_rec, n_bytes, n_answered, n_hung;

/* The bytes of one connection. */
struct out {
	unsigned char	*b;
	size_t		 n;
};

static uint64_t
rng(void)
{
	/* xorshift64*: reproducible from the seed. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static unsigned
rng_below(unsigned n)
{
	return n > 0 ? (unsigned)(rng() % n) : 0;
}

static void
put(struct out *o, const void *p, size_t n)
{
	if (o->n + n > BUF_MAX)
		n = BUF_MAX - o->n;
	memcpy(o->b + o->n, p, n);
	o->n += n;
	n_bytes += n;
}

/* A record header with any version, type, id, lengths. */
static void
header(struct out *o, unsigned version, unsigned type, unsigned id,
    unsigned clen, unsigned plen)
{
	unsigned char h[8] = { (unsigned char)version, (unsigned char)type,
	    (unsigned char)(id >> 8), (unsigned char)id,
	    (unsigned char)(clen >> 8), (unsigned char)clen,
	    (unsigned char)plen, 0 };

	put(o, h, sizeof(h));
	n_rec++;
}

/* A well-formed record: header, content, padding. */
static void
record(struct out *o, unsigned type, unsigned id, const void *c, size_t n)
{
	static const unsigned char pad[8];
	size_t p = (8 - n % 8) % 8;

	header(o, 1, type, id, (unsigned)n, (unsigned)p);
	put(o, c, n);
	put(o, pad, p);
}

static void
begin(struct out *o, unsigned id, unsigned role, unsigned flags)
{
	unsigned char b[8] = { (unsigned char)(role >> 8), (unsigned char)role,
	    (unsigned char)flags, 0, 0, 0, 0, 0 };

	record(o, REC_BEGIN, id, b, sizeof(b));
}

/* A name or value length: 1 byte below 128, else 4 bytes (top bit set). */
static size_t
len_enc(unsigned char *p, uint32_t n, int force4)
{
	if (n < 128 && !force4) {
		p[0] = (unsigned char)n;
		return 1;
	}
	p[0] = (unsigned char)(0x80 | (n >> 24));
	p[1] = (unsigned char)(n >> 16);
	p[2] = (unsigned char)(n >> 8);
	p[3] = (unsigned char)n;
	return 4;
}

/* NAME=VALUE pairs ("\n"-separated) as PARAMS records, then the empty one. */
static void
params(struct out *o, unsigned id, const char *pairs)
{
	unsigned char buf[65535];
	const char *p = pairs, *eq, *nl;
	size_t n = 0, nl_len, vl_len;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		eq = memchr(p, '=', (size_t)(nl - p));
		if (eq == NULL)
			break;
		nl_len = (size_t)(eq - p);
		vl_len = (size_t)(nl - eq - 1);
		if (n + 8 + nl_len + vl_len > sizeof(buf)) {
			record(o, REC_PARAMS, id, buf, n);
			n = 0;
		}
		n += len_enc(buf + n, (uint32_t)nl_len, 0);
		n += len_enc(buf + n, (uint32_t)vl_len, 0);
		memcpy(buf + n, p, nl_len);
		n += nl_len;
		memcpy(buf + n, eq + 1, vl_len);
		n += vl_len;
		p = *nl != '\0' ? nl + 1 : nl;
	}
	if (n > 0)
		record(o, REC_PARAMS, id, buf, n);
	record(o, REC_PARAMS, id, NULL, 0);
}

static const char healthz[] = "REQUEST_METHOD=GET\nREQUEST_URI=/healthz\n"
    "SCRIPT_NAME=/healthz\nQUERY_STRING=\nREMOTE_ADDR=127.0.0.1\n"
    "SERVER_PROTOCOL=HTTP/1.1\nHTTP_HOST=localhost";

static int
conn_open(void)
{
	struct sockaddr_un a;
	struct timeval tv = { 5, 0 };
	int fd;

	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	if (strlen(sock_path) >= sizeof(a.sun_path))
		return -1;
	memcpy(a.sun_path, sock_path, strlen(sock_path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	/* A worker that stops reading must not block us for ever either. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == -1) {
		close(fd);
		return -1;
	}
	n_conn++;
	return fd;
}

/* Sends what it can (the pool may stop reading, or close). */
static void
conn_send(int fd, const struct out *o)
{
	size_t off = 0;
	ssize_t w;

	while (off < o->n) {
		w = send(fd, o->b + off, o->n - off, MSG_NOSIGNAL);
		if (w <= 0) {
			if (w == -1 && errno == EINTR)
				continue;
			return;
		}
		off += (size_t)w;
	}
}

/*
 * Shuts our side and reads until the pool closes the connection. 1 if it
 * answered something, 0 if it closed without a word, -1 if it did neither
 * within 10 s. Prints the Status line when show is set.
 */
static int
conn_finish(int fd, int show)
{
	char buf[16384], *st;
	struct pollfd p = { fd, POLLIN, 0 };
	size_t got = 0;
	ssize_t r;
	int64_t end;
	struct timespec ts;

	shutdown(fd, SHUT_WR);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	end = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + 10000;
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		int64_t left = end - ((int64_t)ts.tv_sec * 1000 +
		    ts.tv_nsec / 1000000);
		if (left <= 0 || poll(&p, 1, (int)left) == 0) {
			close(fd);
			return -1;
		}
		r = recv(fd, buf + (got < 8192 ? got : 8192),
		    sizeof(buf) - 1 - (got < 8192 ? got : 8192), 0);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (show) {
		buf[got < 8192 ? got : 8192] = '\0';
		st = memmem(buf, got < 8192 ? got : 8192, "Status: ", 8);
		if (st != NULL)
			printf("%.*s\n", (int)strcspn(st, "\r\n"), st);
		else
			printf("no Status line in %zu bytes\n", got);
	}
	return got > 0 ? 1 : 0;
}

/* One connection: send o, then read to the end, or close at once. */
static void
conn_run(struct out *o, int close_at_once)
{
	int fd = conn_open(), r;

	if (fd == -1) {
		fprintf(stderr, "connect %s: %s\n", sock_path, strerror(errno));
		n_hung++;
		return;
	}
	conn_send(fd, o);
	if (close_at_once) {
		close(fd);
		return;
	}
	r = conn_finish(fd, 0);
	if (r == 1)
		n_answered++;
	else if (r == -1)
		n_hung++;
}

/* The hand-picked cases; each fills o. Returns 0 past the last one. */
static int
handpicked(int i, struct out *o, int *close_at_once)
{
	unsigned char b[64];
	size_t n;
	int k;

	*close_at_once = 0;
	switch (i) {
	case 0:		/* bad versions */
	case 1:
	case 2:
		header(o, i == 0 ? 0 : i == 1 ? 2 : 255, REC_BEGIN, 1, 8, 0);
		put(o, "\0\1\0\0\0\0\0\0", 8);
		params(o, 1, healthz);
		return 1;
	case 3:		/* unknown record types, application and management */
		begin(o, 1, 1, 0);
		record(o, 200, 1, "xyz", 3);
		record(o, 0, 1, "", 0);
		record(o, 77, 0, "abc", 3);
		record(o, REC_GET_VALUES, 0, "\x0e\0FCGI_MAX_CONNS", 16);
		params(o, 1, healthz);
		return 1;
	case 4:		/* content length 65535, 10 bytes sent, then close */
		begin(o, 1, 1, 0);
		header(o, 1, REC_PARAMS, 1, 65535, 255);
		put(o, "0123456789", 10);
		*close_at_once = 1;
		return 1;
	case 5:		/* padding 255 around real params */
		begin(o, 1, 1, 0);
		header(o, 1, REC_PARAMS, 1, 0, 255);
		memset(b, 0xee, sizeof(b));
		for (k = 0; k < 4; k++)
			put(o, b, 255 / 4 + (k < 3 ? 0 : 3));
		params(o, 1, healthz);
		record(o, REC_STDIN, 1, NULL, 0);
		return 1;
	case 6:		/* 3 bytes of a header, then close */
		put(o, "\1\1\0", 3);
		*close_at_once = 1;
		return 1;
	case 7:		/* bad roles: 0, 4, 65535; and FILTER (3) */
	case 8:
	case 9:
	case 10:
		begin(o, 1, i == 7 ? 0 : i == 8 ? 4 : i == 9 ? 65535 : 3, 0);
		params(o, 1, healthz);
		record(o, REC_STDIN, 1, NULL, 0);
		return 1;
	case 11:	/* name length 2^31 - 1 and value length 2^31 - 1 */
	case 12:	/* 0x80000000 (a 0 length in 4 bytes), 2^31 - 1 */
	case 13:	/* the sum of both wraps a 32-bit int to 0 */
		begin(o, 1, 1, 0);
		n = len_enc(b, i == 12 ? 0 : 0x7fffffff, 1);
		n += len_enc(b + n, i == 13 ? 0x7ffffffe : 0x7fffffff, 1);
		memcpy(b + n, "REQUEST_METHODGET", 17);
		record(o, REC_PARAMS, 1, b, n + 17);
		record(o, REC_PARAMS, 1, NULL, 0);
		return 1;
	case 14:	/* a 2^31 - 1 value length, 6400 bytes of it, then EOF */
		begin(o, 1, 1, 0);
		n = len_enc(b, 5, 0);
		n += len_enc(b + n, 0x7fffffff, 1);
		record(o, REC_PARAMS, 1, b, n);
		memset(b, 'A', sizeof(b));
		for (k = 0; k < 100; k++)
			record(o, REC_PARAMS, 1, b, sizeof(b));
		return 1;
	case 15: {	/* many params: 20000 small pairs */
		size_t size = 20000 * 24 + sizeof(healthz), m = 0;
		char *pairs = malloc(size);

		if (pairs == NULL)
			abort();
		for (k = 0; k < 20000; k++)
			m += (size_t)snprintf(pairs + m, size - m,
			    "HTTP_X_%d=%d\n", k, k);
		memcpy(pairs + m, healthz, sizeof(healthz));
		begin(o, 1, 1, 0);
		params(o, 1, pairs);
		record(o, REC_STDIN, 1, NULL, 0);
		free(pairs);
		return 1;
	}
	case 16:	/* ABORT_REQUEST before, inside and after params */
		record(o, REC_ABORT, 1, NULL, 0);
		begin(o, 1, 1, 0);
		record(o, REC_ABORT, 1, NULL, 0);
		params(o, 1, healthz);
		record(o, REC_ABORT, 1, NULL, 0);
		record(o, REC_STDIN, 1, NULL, 0);
		return 1;
	case 17:	/* multiplexed ids: two BEGINs, interleaved params */
		begin(o, 1, 1, 1);
		begin(o, 2, 1, 1);
		record(o, REC_PARAMS, 2, "\x0e\x03REQUEST_METHODGET", 20);
		params(o, 1, healthz);
		params(o, 2, healthz);
		record(o, REC_STDIN, 2, NULL, 0);
		record(o, REC_STDIN, 1, NULL, 0);
		return 1;
	case 18:	/* stdin past CONTENT_LENGTH: 1 MiB for 10 declared */
	case 19:	/* a body far over max_body */
	case 20:	/* CONTENT_LENGTH 10^15, -1, garbage */
	case 21:
	case 22:	/* a body shorter than announced, then close */
		begin(o, 1, 1, 0);
		params(o, 1, i == 18 ? "REQUEST_METHOD=POST\nREQUEST_URI=/api/login"
		    "\nCONTENT_TYPE=application/json\nCONTENT_LENGTH=10" :
		    i == 19 ? "REQUEST_METHOD=POST\nREQUEST_URI=/api/login\n"
		    "CONTENT_LENGTH=1048576" :
		    i == 20 ? "REQUEST_METHOD=POST\nREQUEST_URI=/api/login\n"
		    "CONTENT_LENGTH=1000000000000000" :
		    i == 21 ? "REQUEST_METHOD=POST\nREQUEST_URI=/api/login\n"
		    "CONTENT_LENGTH=-1" :
		    "REQUEST_METHOD=POST\nREQUEST_URI=/api/login\n"
		    "CONTENT_TYPE=application/json\nCONTENT_LENGTH=5000");
		memset(b, '{', sizeof(b));
		for (k = 0; k < (i == 22 ? 10 : i <= 19 ? 16384 : 1); k++)
			record(o, REC_STDIN, 1, b, sizeof(b));
		if (i == 22)
			*close_at_once = 1;
		else
			record(o, REC_STDIN, 1, NULL, 0);
		return 1;
	case 23:	/* records a client never sends: END_REQUEST, STDOUT */
		begin(o, 1, 1, 0);
		record(o, REC_END, 1, "\0\0\0\0\0\0\0\0", 8);
		record(o, REC_STDOUT, 1, "Status: 200\r\n\r\n", 15);
		params(o, 1, healthz);
		return 1;
	case 24:	/* a good request with keep_conn, then garbage after it */
		begin(o, 1, 1, 1);
		params(o, 1, healthz);
		record(o, REC_STDIN, 1, NULL, 0);
		memset(b, 0xff, sizeof(b));
		put(o, b, sizeof(b));
		return 1;
	case 25:	/* params on request id 0 (management), and on id 9 */
		begin(o, 1, 1, 0);
		params(o, 0, healthz);
		params(o, 9, healthz);
		params(o, 1, healthz);
		record(o, REC_STDIN, 1, NULL, 0);
		return 1;
	case 26:	/* a NUL and a missing '=' inside param names */
		begin(o, 1, 1, 0);
		record(o, REC_PARAMS, 1, "\x0e\x03REQUEST\0METHODGET", 20);
		record(o, REC_PARAMS, 1, "\x00\x05" "abcde", 7);
		params(o, 1, healthz);
		record(o, REC_STDIN, 1, NULL, 0);
		return 1;
	case 27:	/* lengths adding up past INT_MAX (libfcgi aborted) */
	case 28:
	case 29:
	case 30:
		begin(o, 1, 1, 0);
		n = len_enc(b, i == 27 ? 0x40000000 : i == 28 ? 0x42d64f5b :
		    i == 29 ? 0x7fffffff : 0x3fffffff, 1);
		n += len_enc(b + n, i == 27 ? 0x40000000 : i == 28 ?
		    0x57d2f053 : i == 29 ? 1 : 0x3fffffff, 1);
		memcpy(b + n, "REQUEST_METHODGET", 17);
		record(o, REC_PARAMS, 1, b, n + 17);
		record(o, REC_PARAMS, 1, NULL, 0);
		return 1;
	case 31:	/* 1000 unknown management records, then a request */
		for (k = 0; k < 1000; k++)
			record(o, 11 + k % 200, 0, "\0\0\0\0\0\0\0\0", 8);
		begin(o, 1, 1, 0);
		params(o, 1, healthz);
		record(o, REC_STDIN, 1, NULL, 0);
		return 1;
	}
	return 0;
}

/* A random connection: a few records, mostly plausible, often broken. */
static void
random_conn(struct out *o, int *close_at_once)
{
	static const unsigned types[] = { 1, 2, 3, 4, 4, 4, 5, 5, 6, 9, 11, 0,
	    200 };
	unsigned char c[65535 + 255];
	unsigned nrec = 1 + rng_below(8), r, type, clen, plen, i, id;
	int huge = 0;
	size_t n;

	*close_at_once = rng_below(4) == 0;
	if (rng_below(8) == 0) {	/* raw random bytes */
		n = rng_below(4096);
		for (i = 0; i < n; i++)
			c[i] = (unsigned char)rng();
		put(o, c, n);
		return;
	}
	if (rng_below(2) == 0)
		begin(o, 1, rng_below(8) == 0 ? rng_below(65536) : 1,
		    rng_below(2));
	for (r = 0; r < nrec; r++) {
		type = types[rng_below(sizeof(types) / sizeof(types[0]))];
		id = rng_below(4) == 0 ? rng_below(65536) : 1;
		clen = rng_below(4) == 0 ? rng_below(65536) : rng_below(300);
		plen = rng_below(4) == 0 ? rng_below(256) : 0;
		n = 0;
		if (type == REC_PARAMS) {
			/*
			 * Pairs of every length, 1- or 4-byte encoded, whose
			 * data fills exactly what they announce: libfcgi then
			 * never reads data bytes as lengths. A pair too long
			 * for the record ends the stream inside its data.
			 */
			while (n + 8 < clen && !huge) {
				uint32_t nl = rng_below(3) == 0 ?
				    (uint32_t)rng() & 0x1fffffff : rng_below(40);
				uint32_t vl = rng_below(3) == 0 ?
				    (uint32_t)rng() & 0x1fffffff : rng_below(60);

				n += len_enc(c + n, nl, rng_below(4) == 0);
				n += len_enc(c + n, vl, rng_below(4) == 0);
				if (nl + vl > clen - n) {
					huge = 1;
					nl = rng_below(17);
					vl = 0;
				}
				for (i = 0; i < nl + vl; i++)
					c[n++] = (unsigned char)rng();
			}
			clen = (unsigned)n;
		}
		for (; n < clen + plen; n++)
			c[n] = (unsigned char)rng();
		header(o, rng_below(16) == 0 ? rng_below(256) : 1, type, id,
		    clen, plen);
		/* Sometimes the stream stops inside the record. */
		n = clen + plen;
		if (rng_below(6) == 0)
			n = rng_below((unsigned)n + 1);
		put(o, c, n);
		if (n < clen + plen || huge)
			break;
	}
}

static int
mode_fuzz(unsigned long seed, unsigned long count)
{
	const char *dump = getenv("FCGI_RECORDS_DUMP");
	struct out o;
	int close_at_once, i = 0;
	unsigned long done;

	if ((o.b = malloc(BUF_MAX)) == NULL)
		return 1;
	rng_state = seed * 2654435761u + 1;
	for (done = 0; done < count; done++) {
		o.n = 0;
		if (!handpicked(i, &o, &close_at_once))
			random_conn(&o, &close_at_once);
		i++;
		/* FCGI_RECORDS_DUMP=N: connection N's bytes to stdout instead. */
		if (dump != NULL && strtoul(dump, NULL, 10) == done + 1) {
			fwrite(o.b, 1, o.n, stdout);
			return 0;
		}
		conn_run(&o, close_at_once);
		if (n_hung > 0 && n_hung == n_conn)
			break;	/* nothing answers at all: stop early */
	}
	printf("connections=%lu records=%lu bytes=%lu answered=%lu hung=%lu\n",
	    n_conn, n_rec, n_bytes, n_answered, n_hung);
	free(o.b);
	return n_hung > 0;
}

/* One hand-picked case, to reproduce what the fuzz mode found. */
static int
mode_case(int i)
{
	struct out o;
	int close_at_once;

	if ((o.b = malloc(BUF_MAX)) == NULL)
		return 1;
	o.n = 0;
	if (!handpicked(i, &o, &close_at_once)) {
		fprintf(stderr, "no case %d\n", i);
		return 2;
	}
	conn_run(&o, close_at_once);
	printf("case %d: records=%lu bytes=%lu answered=%lu hung=%lu\n", i,
	    n_rec, n_bytes, n_answered, n_hung);
	free(o.b);
	return n_hung > 0;
}

static int
mode_request(const char *path)
{
	struct out o;
	char pairs[512];
	int fd;

	if ((o.b = malloc(BUF_MAX)) == NULL)
		return 1;
	o.n = 0;
	snprintf(pairs, sizeof(pairs), "REQUEST_METHOD=GET\nREQUEST_URI=%s\n"
	    "REMOTE_ADDR=127.0.0.1\nHTTP_HOST=localhost", path);
	begin(&o, 1, 1, 0);
	params(&o, 1, pairs);
	record(&o, REC_STDIN, 1, NULL, 0);
	if ((fd = conn_open()) == -1) {
		fprintf(stderr, "connect %s: %s\n", sock_path, strerror(errno));
		return 1;
	}
	conn_send(fd, &o);
	free(o.b);
	return conn_finish(fd, 1) == 1 ? 0 : 1;
}

/* Connections stopping mid-request; waits for the pool to close them. */
static int
mode_idle(int n, int seconds)
{
	struct pollfd p[64];
	struct out o;
	unsigned char b[64];
	int i, open, closed = 0;
	time_t start = time(NULL), last = 0;
	char junk[256];

	if (n > 64 || (o.b = malloc(BUF_MAX)) == NULL)
		return 1;
	for (i = 0; i < n; i++) {
		o.n = 0;
		/* Nothing at all; half a header; a BEGIN and half a PARAMS. */
		if (i % 3 == 1)
			put(&o, "\1\1\0\1", 4);
		else if (i % 3 == 2) {
			begin(&o, 1, 1, 0);
			header(&o, 1, REC_PARAMS, 1, 100, 0);
			memset(b, 'x', sizeof(b));
			put(&o, b, 10);
		}
		if ((p[i].fd = conn_open()) == -1) {
			fprintf(stderr, "connect: %s\n", strerror(errno));
			return 1;
		}
		p[i].events = POLLIN;
		conn_send(p[i].fd, &o);
	}
	printf("idle=%d\n", n);
	fflush(stdout);
	for (open = n; open > 0 && time(NULL) - start < seconds;) {
		if (poll(p, (nfds_t)n, 1000) <= 0)
			continue;
		for (i = 0; i < n; i++) {
			if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP |
			    POLLERR)))
				continue;
			if (recv(p[i].fd, junk, sizeof(junk), 0) > 0)
				continue;
			close(p[i].fd);
			p[i].fd = -1;
			open--;
			closed++;
			last = time(NULL) - start;
		}
	}
	for (i = 0; i < n; i++)
		if (p[i].fd >= 0)
			close(p[i].fd);
	printf("closed=%d of %d, last after %ld s\n", closed, n, (long)last);
	free(o.b);
	return closed == n ? 0 : 1;
}

/*
 * A request trickling in: must be cut at the request's deadline. The
 * connection counts as closed when a byte can no longer be sent (a shut
 * write side alone is not enough: the worker would still be reading).
 */
static int
mode_drip(int seconds)
{
	struct out o;
	time_t start = time(NULL);
	int fd, closed = 0;

	if ((o.b = malloc(BUF_MAX)) == NULL)
		return 1;
	o.n = 0;
	begin(&o, 1, 1, 0);
	header(&o, 1, REC_PARAMS, 1, 1000, 0);
	if ((fd = conn_open()) == -1) {
		fprintf(stderr, "connect: %s\n", strerror(errno));
		return 1;
	}
	conn_send(fd, &o);
	while (!closed && time(NULL) - start < seconds) {
		usleep(500000);
		closed = send(fd, "x", 1, MSG_NOSIGNAL) != 1;
	}
	printf("drip: %s after %ld s\n", closed ? "closed" : "still open",
	    (long)(time(NULL) - start));
	close(fd);
	free(o.b);
	return closed ? 0 : 1;
}

int
main(int argc, char **argv)
{
	if (argc < 3)
		goto usage;
	sock_path = argv[1];
	if (strcmp(argv[2], "request") == 0 && argc == 4)
		return mode_request(argv[3]);
	if (strcmp(argv[2], "fuzz") == 0 && argc == 5)
		return mode_fuzz(strtoul(argv[3], NULL, 10),
		    strtoul(argv[4], NULL, 10));
	if (strcmp(argv[2], "case") == 0 && argc == 4)
		return mode_case(atoi(argv[3]));
	if (strcmp(argv[2], "idle") == 0 && argc == 5)
		return mode_idle(atoi(argv[3]), atoi(argv[4]));
	if (strcmp(argv[2], "drip") == 0 && argc == 4)
		return mode_drip(atoi(argv[3]));
usage:
	fprintf(stderr, "usage: fcgi_records SOCKET request PATH | fuzz SEED "
	    "COUNT | case I | idle N SECONDS | drip SECONDS\n");
	return 2;
}
