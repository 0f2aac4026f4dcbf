/*
 * fuzz_fcgi.c: the FastCGI record guard (fcgi_guard_feed) on arbitrary
 * record streams. Checks that the verdict does not depend on how the
 * stream is cut into reads, that it is the verdict of a plain model
 * written here (records walked on the whole buffer, the request's params
 * joined, then their pairs checked), and, above all, against libfcgi
 * itself: the stream goes to FCGX_Accept_r (and its body is read) over a
 * socket pair with the guard in libfcgi's reads, and libfcgi must never
 * allocate more than a pair may hold nor answer an unknown management
 * record (its leak), whatever the guard decided.
 *
 * Input: one byte seeds the read sizes, the rest is the stream.
 */
#include <errno.h>
#include <fcntl.h>
#include <sanitizer/allocator_interface.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fastcgi.h>
#include <fcgiapp.h>

#include "fcgi_guard.h"
#include "fuzz.h"
#include "log.h"

/* The largest allocation while libfcgi reads (see fuzz_libfcgi). */
static volatile size_t fuzz_max_alloc;
static volatile int fuzz_watch;

static void
fuzz_on_malloc(const volatile void *p, size_t size)
{
	(void)p;
	if (fuzz_watch && size > fuzz_max_alloc)
		fuzz_max_alloc = size;
}

static void
fuzz_on_free(const volatile void *p)
{
	(void)p;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* A refusal is logged as a warning: one line per input otherwise. */
	log_set_level(LOG_LEVEL_ERROR);
	__sanitizer_install_malloc_and_free_hooks(fuzz_on_malloc, fuzz_on_free);
	FUZZ_CHECK(FCGX_Init() == 0, "FCGX_Init");
	FUZZ_CHECK(fcgi_guard_selftest() == 0, "libfcgi's reads do not pass "
	    "the guard (OS_Read not interposed)");
	return 0;
}

/* The stream through libfcgi, as the worker runs it. */
static void
fuzz_libfcgi(const uint8_t *b, size_t n)
{
	FCGX_Request r;
	uint8_t reply[65536];
	char body[4096];
	size_t have = 0, i;
	ssize_t k;
	int sv[2], big = 8 << 20;

	FUZZ_CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0,
	    "socketpair");
	/*
	 * libfcgi answers each GET_VALUES as it reads it, and nothing reads
	 * the answers until the end: room for 8 kB of 8-byte records' worth
	 * (a unix socket counts each small write as about 1 kB).
	 */
	if (setsockopt(sv[0], SOL_SOCKET, SO_SNDBUFFORCE, &big,
	    sizeof(big)) == -1)
		(void)setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &big,
		    sizeof(big));
	/* Inputs are at most 8 kB: the socket's buffer holds them whole. */
	FUZZ_CHECK(n == 0 || write(sv[1], b, n) == (ssize_t)n, "write");
	shutdown(sv[1], SHUT_WR);
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	FCGX_InitRequest(&r, -1, 0);
	r.ipcFd = sv[0];
	r.keepConnection = 1;
	r.detached = 1;
	/* Reads end at EOF; a write that still finds no room fails in 2 s. */
	fcgi_guard_start(sv[0], 2);
	fuzz_max_alloc = 0;
	fuzz_watch = 1;
	/* As the worker does: a request with a read error is dropped. */
	if (FCGX_Accept_r(&r) == 0 && FCGX_GetError(r.in) == 0)
		while (FCGX_GetStr(body, sizeof(body), r.in) > 0)
			;
	fuzz_watch = 0;
	FUZZ_CHECK(fuzz_max_alloc <= FCGI_GUARD_PAIR_MAX + 2,
	    "libfcgi allocated %zu bytes", (size_t)fuzz_max_alloc);
	FCGX_Finish_r(&r);
	if (r.ipcFd >= 0)
		close(r.ipcFd);
	fcgi_guard_start(-1, 0);
	/* What libfcgi answered: never UNKNOWN_TYPE. */
	while (have < sizeof(reply) &&
	    (k = read(sv[1], reply + have, sizeof(reply) - have)) > 0)
		have += (size_t)k;
	for (i = 0; i + FCGI_HEADER_LEN <= have;
	    i += FCGI_HEADER_LEN + (size_t)(reply[i + 4] << 8 | reply[i + 5]) +
	    reply[i + 6])
		FUZZ_CHECK(reply[i + 1] != FCGI_UNKNOWN_TYPE, "libfcgi answered "
		    "a management record of type %u", reply[i + FCGI_HEADER_LEN]);
	close(sv[1]);
}

/* Pair bounds on n bytes of pairs: 1 refused, 0 fine, 2 ends mid-pair. */
static int
fuzz_model_pairs(const uint8_t *b, size_t n, uint64_t *bytes,
    unsigned *pairs)
{
	size_t i = 0;
	uint32_t len[2];
	int k;

	while (i < n) {
		for (k = 0; k < 2; k++) {
			if (i >= n)
				return 2;
			if (!(b[i] & 0x80)) {
				len[k] = b[i++];
			} else {
				if (n - i < 4)
					return 2;
				len[k] = (uint32_t)(b[i] & 0x7f) << 24 |
				    (uint32_t)b[i + 1] << 16 |
				    (uint32_t)b[i + 2] << 8 | b[i + 3];
				i += 4;
			}
			if (len[0] > FCGI_GUARD_PAIR_MAX)
				return 1;
		}
		if ((uint64_t)len[0] + len[1] > FCGI_GUARD_PAIR_MAX)
			return 1;
		*bytes += len[0] + len[1];
		if (*bytes > FCGI_GUARD_PARAMS_MAX ||
		    ++*pairs > FCGI_GUARD_PAIRS_MAX)
			return 1;
		if (n - i < (size_t)len[0] + len[1])
			return 2;
		i += len[0] + len[1];
	}
	return 0;
}

/* The model's verdict on the whole stream: 1 refused, 0 fine. */
static int
fuzz_model(const uint8_t *b, size_t n)
{
	uint8_t *params = malloc(n + 1);
	size_t pos = 0, np = 0, clen, have, end;
	uint64_t bytes = 0, mbytes;
	unsigned pairs = 0, mpairs, id, req = 0;
	int begun = 0, params_done = 0, stdin_done = 0, rc = 0, r;

	FUZZ_CHECK(params != NULL, "malloc");
	while (rc == 0 && pos <= n && n - pos >= FCGI_HEADER_LEN) {
		id = (unsigned)b[pos + 2] << 8 | b[pos + 3];
		clen = (size_t)b[pos + 4] << 8 | b[pos + 5];
		end = pos + FCGI_HEADER_LEN + clen + b[pos + 6];
		have = n - pos - FCGI_HEADER_LEN;
		if (have > clen)
			have = clen;
		if (b[pos] != FCGI_VERSION_1) {
			rc = 1;
		} else if (id == 0 && b[pos + 1] != FCGI_GET_VALUES) {
			rc = 1;		/* only GET_VALUES is managed */
		} else if (id == 0) {
			mbytes = 0;
			mpairs = 0;
			r = fuzz_model_pairs(b + pos + FCGI_HEADER_LEN, have,
			    &mbytes, &mpairs);
			/* A whole record (padding too) must hold whole pairs. */
			rc = r == 1 || (r == 2 && end <= n);
		} else if (b[pos + 1] == FCGI_BEGIN_REQUEST) {
			/* One request, its BEGIN unpadded, of 8 bytes. */
			rc = begun || b[pos + 6] != 0 || clen != 8;
			begun = 1;
			req = id;
		} else if (!begun || id != req) {
			rc = 1;		/* another id, or before BEGIN */
		} else if (clen == 0 && b[pos + 6] != 0) {
			rc = 1;		/* a padded end of stream */
		} else if (stdin_done || b[pos + 1] != (params_done ?
		    FCGI_STDIN : FCGI_PARAMS)) {
			rc = 1;		/* not the record libfcgi reads next */
		} else if (b[pos + 1] == FCGI_PARAMS) {
			memcpy(params + np, b + pos + FCGI_HEADER_LEN, have);
			np += have;
			params_done = clen == 0;
		} else {
			stdin_done = clen == 0;
		}
		pos = end;
	}
	if (rc == 0)
		rc = fuzz_model_pairs(params, np, &bytes, &pairs) == 1;
	free(params);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fcgi_guard whole, cut;
	struct fuzz_in in = { data, size };
	uint32_t seed = fuzz_byte(&in) * 2654435761u + 1;
	size_t i, k;
	int rc_whole, rc_cut = 0, model;

	fcgi_guard_init(&whole);
	rc_whole = fcgi_guard_feed(&whole, in.p, in.n);
	FUZZ_CHECK((rc_whole == -1) == (whole.refused != NULL), "reason");
	FUZZ_CHECK(rc_whole == 0 || fcgi_guard_feed(&whole, in.p, 1) == -1,
	    "a refused stream must stay refused");

	fcgi_guard_init(&cut);
	for (i = 0; i < in.n && rc_cut == 0; i += k) {
		seed = seed * 1103515245u + 12345;
		k = 1 + (seed >> 16) % 64;
		if (k > in.n - i)
			k = in.n - i;
		rc_cut = fcgi_guard_feed(&cut, in.p + i, k);
	}
	FUZZ_CHECK(rc_cut == rc_whole, "cut into reads: %d, whole: %d",
	    rc_cut, rc_whole);
	FUZZ_CHECK(rc_cut == 0 || strcmp(cut.refused, whole.refused) == 0,
	    "reasons %s and %s", cut.refused, whole.refused);
	model = fuzz_model(in.p, in.n);
	FUZZ_CHECK((rc_whole == -1) == model, "guard %s, model %s",
	    whole.refused ? whole.refused : "passes",
	    model ? "refuses" : "passes");
	fuzz_libfcgi(in.p, in.n);
	return 0;
}
