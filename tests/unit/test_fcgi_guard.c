/*
 * test_fcgi_guard.c: the FastCGI record check in front of libfcgi: what it
 * lets through (whatever the split of the stream), what it refuses, and
 * that libfcgi's reads really pass through it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fastcgi.h>
#include <fcgiapp.h>

#include "fcgi_guard.h"
#include "log.h"
#include "unit.h"

#define STREAM_MAX	(2u << 20)

/* libfcgi's read and close, as fcgi_guard.c defines them. */
int	 OS_Read(int fd, char *buf, size_t len);
int	 OS_Write(int fd, char *buf, size_t len);
int	 OS_IpcClose(int ipcFd, int shutdown);

struct stream {
	uint8_t	*b;
	size_t	 n;
};

static void
put(struct stream *s, const void *p, size_t n)
{
	if (s->n + n > STREAM_MAX)
		abort();
	if (n > 0)	/* p is NULL for an empty record */
		memcpy(s->b + s->n, p, n);
	s->n += n;
}

static void
record(struct stream *s, int type, int id, const void *p, size_t n, int pad)
{
	uint8_t h[8] = { 1, (uint8_t)type, (uint8_t)(id >> 8), (uint8_t)id,
		(uint8_t)(n >> 8), (uint8_t)n, (uint8_t)pad, 0 };
	uint8_t junk[255];

	put(s, h, sizeof(h));
	put(s, p, n);
	/* Padding of 0xff: read as pairs, it would be a 4-byte length. */
	memset(junk, 0xff, sizeof(junk));
	put(s, junk, (size_t)pad);
}

static void
begin(struct stream *s, int id)
{
	static const uint8_t body[8] = { 0, FCGI_RESPONDER, 1 };

	record(s, FCGI_BEGIN_REQUEST, id, body, sizeof(body), 0);
}

/* Pairs (n bytes) as PARAMS records of id, 60000 bytes each at most. */
static void
params_records(struct stream *s, int id, const uint8_t *p, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i += k) {
		k = n - i < 60000 ? n - i : 60000;
		record(s, FCGI_PARAMS, id, p + i, k, 0);
	}
}

/* A pair's lengths: 1 byte under 128 unless long4, 4 bytes otherwise. */
static size_t
lens(uint8_t *b, uint32_t name, uint32_t value, int long4)
{
	size_t n = 0;
	uint32_t v[2] = { name, value };
	int i;

	for (i = 0; i < 2; i++) {
		if (v[i] < 128 && !long4) {
			b[n++] = (uint8_t)v[i];
			continue;
		}
		b[n++] = (uint8_t)(v[i] >> 24 | 0x80);
		b[n++] = (uint8_t)(v[i] >> 16);
		b[n++] = (uint8_t)(v[i] >> 8);
		b[n++] = (uint8_t)v[i];
	}
	return n;
}

/* Feeds the whole stream at once: 0, or -1 with *why. */
static int
feed_whole(const struct stream *s, const char **why)
{
	struct fcgi_guard g;
	int rc;

	fcgi_guard_init(&g);
	rc = fcgi_guard_feed(&g, s->b, s->n);
	*why = g.refused;
	return rc;
}

/* Feeds it in pieces of size step: the verdict must not depend on it. */
static int
feed_steps(const struct stream *s, size_t step, const char **why)
{
	struct fcgi_guard g;
	size_t i, k;

	fcgi_guard_init(&g);
	*why = NULL;
	for (i = 0; i < s->n; i += k) {
		k = s->n - i < step ? s->n - i : step;
		if (fcgi_guard_feed(&g, s->b + i, k) == -1) {
			*why = g.refused;
			return -1;
		}
	}
	return 0;
}

/* Every split into two pieces gives the same verdict as the whole. */
static int
every_split_agrees(const struct stream *s)
{
	struct fcgi_guard g;
	size_t cut;
	int whole, rc;
	const char *why;

	whole = feed_whole(s, &why);
	for (cut = 0; cut <= s->n; cut++) {
		fcgi_guard_init(&g);
		rc = fcgi_guard_feed(&g, s->b, cut);
		if (rc == 0)
			rc = fcgi_guard_feed(&g, s->b + cut, s->n - cut);
		if (rc != whole)
			return 0;
	}
	return 1;
}

/* A request as a web server sends it, with a long value in two records. */
static void
valid_request(struct stream *s)
{
	uint8_t b[4096];
	size_t n;

	begin(s, 1);
	n = lens(b, 14, 3, 0);
	memcpy(b + n, "REQUEST_METHODGET", 17);
	n += 17;
	n += lens(b + n, 11, 300, 0);
	memcpy(b + n, "HTTP_COOKIE", 11);
	n += 11;
	memset(b + n, 'c', 300);
	n += 300;
	/* The second record starts inside the value. */
	record(s, FCGI_PARAMS, 1, b, n - 100, 7);
	record(s, FCGI_PARAMS, 1, b + n - 100, 100, 0);
	n = lens(b, 11, 0, 1);
	memcpy(b + n, "REQUEST_URI", 11);
	record(s, FCGI_PARAMS, 1, b, n + 11, 255);
	record(s, FCGI_PARAMS, 1, NULL, 0, 0);
	record(s, FCGI_STDIN, 1, "{\"a\":1}", 7, 1);
	record(s, FCGI_STDIN, 1, NULL, 0, 0);
}

/* BEGIN, then one PARAMS record holding a pair of these lengths. */
static void
one_pair(struct stream *s, uint32_t name, uint32_t value)
{
	uint8_t b[64];
	size_t n;

	begin(s, 1);
	n = lens(b, name, value, 1);
	memset(b + n, 'x', 16);
	record(s, FCGI_PARAMS, 1, b, n + 16, 0);
}

static void
test_valid(struct stream *s)
{
	const char *why;

	s->n = 0;
	valid_request(s);
	UNIT_CHECK("a web server's request passes whole",
	    feed_whole(s, &why) == 0 && why == NULL);
	UNIT_CHECK("and byte by byte", feed_steps(s, 1, &why) == 0);
	UNIT_CHECK("and in 7-byte pieces", feed_steps(s, 7, &why) == 0);
	UNIT_CHECK("and cut anywhere in two", every_split_agrees(s));
	/*
	 * Keep-alive: the worker starts the guard again for each request
	 * (libfcgi reads each into a new buffer); without that, a second
	 * BEGIN_REQUEST is multiplexing.
	 */
	valid_request(s);
	UNIT_CHECK("a second request on the same guard is refused",
	    feed_whole(s, &why) == -1);
	UNIT_CHECK_STR("as multiplexed_request", why, "multiplexed_request");
}

static void
test_lengths(struct stream *s)
{
	const char *why;

	s->n = 0;
	one_pair(s, 0x40000000, 0x40000000);
	UNIT_CHECK("a pair of 2^30 + 2^30 bytes is refused",
	    feed_whole(s, &why) == -1);
	UNIT_CHECK_STR("as param_too_long", why, "param_too_long");
	UNIT_CHECK("byte by byte too", feed_steps(s, 1, &why) == -1);
	UNIT_CHECK("and cut anywhere", every_split_agrees(s));

	s->n = 0;
	one_pair(s, 0x7fffffff, 1);
	UNIT_CHECK("a name of 2^31 - 1 bytes is refused",
	    feed_whole(s, &why) == -1);

	s->n = 0;
	one_pair(s, 5, FCGI_GUARD_PAIR_MAX - 5);
	UNIT_CHECK("a pair of exactly FCGI_GUARD_PAIR_MAX bytes passes "
	    "(its bytes still to come)", feed_whole(s, &why) == 0);
	s->n = 0;
	one_pair(s, 5, FCGI_GUARD_PAIR_MAX - 4);
	UNIT_CHECK("one byte more is refused", feed_whole(s, &why) == -1);
}

static void
test_counts(struct stream *s)
{
	uint8_t b[16], *pairs;
	const char *why;
	size_t n;
	unsigned i;

	s->n = 0;
	begin(s, 1);
	for (i = 0; i <= FCGI_GUARD_PAIRS_MAX; i++) {
		n = lens(b, 1, 1, 0);
		memcpy(b + n, "ab", 2);
		record(s, FCGI_PARAMS, 1, b, n + 2, 0);
	}
	UNIT_CHECK("FCGI_GUARD_PAIRS_MAX + 1 pairs are refused",
	    feed_whole(s, &why) == -1);
	UNIT_CHECK_STR("as too_many_params", why, "too_many_params");

	/* Pairs of 65000 bytes, cut into records of 60000. */
	s->n = 0;
	begin(s, 1);
	pairs = malloc(FCGI_GUARD_PARAMS_MAX + 2 * 65008);
	if (pairs == NULL)
		abort();
	for (n = 0; n <= FCGI_GUARD_PARAMS_MAX; n += 65008) {
		lens(pairs + n, 8, 65000 - 8, 1);
		memset(pairs + n + 8, 'v', 65000);
	}
	params_records(s, 1, pairs, n);
	free(pairs);
	UNIT_CHECK("params past FCGI_GUARD_PARAMS_MAX in all are refused",
	    feed_whole(s, &why) == -1);
	UNIT_CHECK_STR("as params_too_long", why, "params_too_long");
}

static void
test_records(struct stream *s)
{
	uint8_t b[64];
	const char *why;
	size_t n;

	s->n = 0;
	record(s, 11, 0, "\0\0\0\0\0\0\0\0", 8, 0);
	UNIT_CHECK("an unknown management record is refused",
	    feed_whole(s, &why) == -1);
	UNIT_CHECK_STR("as management_record_type", why,
	    "management_record_type");
	UNIT_CHECK("and every read after it fails too",
	    feed_whole(s, &why) == -1);

	s->n = 0;
	n = lens(b, 14, 0, 0);
	memcpy(b + n, "FCGI_MAX_CONNS", 14);
	record(s, FCGI_GET_VALUES, 0, b, n + 14, 2);
	valid_request(s);
	UNIT_CHECK("GET_VALUES, then a request, passes",
	    feed_whole(s, &why) == 0);
	UNIT_CHECK("cut anywhere", every_split_agrees(s));

	s->n = 0;
	n = lens(b, 40, 0, 0);
	memcpy(b + n, "FCGI_MAX_CONNS", 14);
	record(s, FCGI_GET_VALUES, 0, b, n + 14, 0);
	UNIT_CHECK("a GET_VALUES pair longer than its record is refused",
	    feed_whole(s, &why) == -1);
	s->n = 0;
	n = lens(b, 0x40000000, 0x40000000, 1);
	record(s, FCGI_GET_VALUES, 0, b, n, 0);
	UNIT_CHECK("a GET_VALUES pair of 2 GiB is refused",
	    feed_whole(s, &why) == -1);

	/*
	 * Where libfcgi reads records its own way, a length the guard would
	 * skip as data is one libfcgi reads as a pair's (c0 05 05 05 c0 00 00
	 * 00: 2^30 + 2^30). Each such stream is refused.
	 */
	static const uint8_t evil[8] = { 0xc0, 5, 5, 5, 0xc0, 0, 0, 0 };
	static const uint8_t body[8] = { 0, FCGI_RESPONDER, 1 };

	s->n = 0;	/* libfcgi reads the padding of BEGIN as a header */
	record(s, FCGI_BEGIN_REQUEST, 1, body, 8, 8);
	UNIT_CHECK("a padded BEGIN_REQUEST is refused",
	    feed_whole(s, &why) == -1);
	UNIT_CHECK_STR("as padded_record", why, "padded_record");

	s->n = 0;	/* an empty record of another id sets libfcgi's skip */
	begin(s, 1);
	record(s, FCGI_PARAMS, 2, NULL, 0, 0);
	record(s, FCGI_PARAMS, 1, "\0\x80\x03\xff\xf0", 5, 3);
	record(s, FCGI_PARAMS, 1, evil, 8, 0);
	UNIT_CHECK("a record of another id is refused",
	    feed_whole(s, &why) == -1);
	UNIT_CHECK_STR("as multiplexed_request", why, "multiplexed_request");

	s->n = 0;	/* libfcgi leaves the padding of the empty PARAMS */
	begin(s, 1);
	record(s, FCGI_PARAMS, 1, "\1\1Ab", 4, 0);
	record(s, FCGI_PARAMS, 1, NULL, 0, 8);
	UNIT_CHECK("the empty record ending a stream, padded, is refused",
	    feed_whole(s, &why) == -1);

	/*
	 * After a protocol error in the params libfcgi reads on as if they
	 * had ended, the record it stopped at forgotten: none may pass.
	 */
	s->n = 0;
	begin(s, 1);
	record(s, 126, 1, evil, 8, 0);
	UNIT_CHECK("a record of the request of an unknown type is refused",
	    feed_whole(s, &why) == -1);
	UNIT_CHECK_STR("as unexpected_record", why, "unexpected_record");
	s->n = 0;
	begin(s, 1);
	record(s, FCGI_STDIN, 1, "x", 1, 0);
	UNIT_CHECK("STDIN before the end of PARAMS is refused",
	    feed_whole(s, &why) == -1);
	s->n = 0;
	valid_request(s);
	s->b[0] = 2;
	UNIT_CHECK("a record of another version is refused",
	    feed_whole(s, &why) == -1);
	UNIT_CHECK_STR("as bad_version", why, "bad_version");
	s->n = 0;
	record(s, FCGI_BEGIN_REQUEST, 1, body, 7, 0);
	UNIT_CHECK("a BEGIN_REQUEST body of 7 bytes is refused",
	    feed_whole(s, &why) == -1);

	s->n = 0;	/* records before any BEGIN_REQUEST */
	record(s, FCGI_PARAMS, 1, NULL, 0, 0);
	begin(s, 1);
	UNIT_CHECK("a stream record before BEGIN_REQUEST is refused",
	    feed_whole(s, &why) == -1);
}

/* A connected socket pair; a failed check when there is none. */
static int
pair(int sv[2])
{
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0)
		return 0;
	UNIT_CHECK("socketpair", 0);
	return -1;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A request that stops coming is cut at its deadline, not per read. */
static void
test_deadline(void)
{
	char buf[64];
	int sv[2], n, e;
	double t0, took;

	if (pair(sv) == -1)
		return;
	/* Without the deadline the last read would wait for ever. */
	alarm(10);
	fcgi_guard_start(sv[0], 1);
	t0 = now_s();
	(void)!write(sv[1], "\1\1\0\1\0\10\0\0", 8);
	n = OS_Read(sv[0], buf, sizeof(buf));
	UNIT_CHECK("what has arrived is read at once", n == 8);
	(void)!write(sv[1], "\0", 1);
	n = OS_Read(sv[0], buf, sizeof(buf));
	UNIT_CHECK("a byte that trickles in is read", n == 1);
	n = OS_Read(sv[0], buf, sizeof(buf));
	e = errno;
	took = now_s() - t0;
	UNIT_CHECK("then nothing: the read fails at the request's deadline",
	    n == -1 && e == ETIMEDOUT);
	UNIT_CHECK("about 1 s after the request started", took > 0.9 &&
	    took < 3);
	alarm(0);
	fcgi_guard_start(-1, 0);
	close(sv[0]);
	close(sv[1]);
}

/* A peer that reads nothing: one write waits io_timeout, not for ever. */
static void
test_write_timeout(void)
{
	static char big[65536];
	int sv[2], n, e, i;
	double t0, took;

	if (pair(sv) == -1)
		return;
	alarm(20);
	fcgi_guard_start(sv[0], 1);
	t0 = now_s();
	for (i = 0; i < 1000; i++)
		if ((n = OS_Write(sv[0], big, sizeof(big))) <= 0)
			break;
	e = errno;
	took = now_s() - t0;
	UNIT_CHECK("writes to a peer that reads nothing fail with ETIMEDOUT",
	    n == -1 && e == ETIMEDOUT);
	UNIT_CHECK("after io_timeout (1 s)", took > 0.9 && took < 3);
	alarm(0);
	fcgi_guard_start(-1, 0);
	close(sv[0]);
	close(sv[1]);
}

/*
 * A request read to the end of its STDIN, nothing unread: the close does
 * not wait for the peer at all. Before that end it waits (2 s at most):
 * Apache sends it late, and a close before it arrives is an error there.
 */
static void
test_close_quiet(struct stream *s, int whole)
{
	char buf[8192];
	int sv[2];
	double t0, took;

	if (pair(sv) == -1)
		return;
	s->n = 0;
	valid_request(s);
	if (!whole)
		s->n -= FCGI_HEADER_LEN;	/* no empty STDIN record */
	(void)!write(sv[1], s->b, s->n);
	fcgi_guard_start(sv[0], 5);
	UNIT_CHECK("the request is read", OS_Read(sv[0], buf, sizeof(buf)) ==
	    (int)s->n);
	t0 = now_s();
	OS_IpcClose(sv[0], 1);
	took = now_s() - t0;
	if (whole)
		UNIT_CHECK("read to the end of STDIN, closing does not wait "
		    "for the peer", took < 0.5);
	else
		UNIT_CHECK("before the end of STDIN, closing waits for the "
		    "peer (2 s at most)", took > 1.5 && took < 4);
	fcgi_guard_start(-1, 0);
	close(sv[1]);
}

/* A peer that keeps sending cannot hold a closing worker past 2 s. */
static void
test_close(void)
{
	int sv[2], i, status;
	double t0, took;
	pid_t pid;

	if (pair(sv) == -1)
		return;
	if ((pid = fork()) == 0) {
		close(sv[0]);
		/* A byte every 100 ms for 8 s, until the socket is gone. */
		for (i = 0; i < 80; i++) {
			if (send(sv[1], "x", 1, MSG_NOSIGNAL) != 1)
				_exit(0);
			usleep(100000);
		}
		_exit(1);
	}
	close(sv[1]);
	alarm(20);
	usleep(50000);	/* a byte is unread: the close drains */
	t0 = now_s();
	OS_IpcClose(sv[0], 1);
	took = now_s() - t0;
	UNIT_CHECK("closing waits for a trickling peer 2 s in all, not for "
	    "ever", took > 1.5 && took < 4);
	UNIT_CHECK("and the peer finds the socket gone",
	    pid > 0 && waitpid(pid, &status, 0) == pid &&
	    WIFEXITED(status) && WEXITSTATUS(status) == 0);
	alarm(0);
}

static void
test_libfcgi(void)
{
	/*
	 * The worker defines OS_Read for libfcgi to call; a libfcgi linked
	 * to its own would never feed the guard, and this would fail.
	 */
	UNIT_CHECK("FCGX_Init", FCGX_Init() == 0);
	UNIT_CHECK("libfcgi's reads pass through the guard",
	    fcgi_guard_selftest() == 0);
}

int
main(void)
{
	struct stream s;

	if ((s.b = malloc(STREAM_MAX)) == NULL)
		return 1;
	/* The timeout's info line would end up after the summary line. */
	log_set_level(LOG_LEVEL_WARN);
	test_valid(&s);
	test_lengths(&s);
	test_counts(&s);
	test_records(&s);
	test_libfcgi();
	test_deadline();
	test_write_timeout();
	test_close_quiet(&s, 1);
	test_close_quiet(&s, 0);
	test_close();
	free(s.b);
	return unit_summary("test_fcgi_guard");
}
