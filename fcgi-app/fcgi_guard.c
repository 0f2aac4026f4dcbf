/*
 * fcgi_guard.c: the FastCGI record check in front of libfcgi (why: see
 * fcgi_guard.h), and the OS_Read that puts it there.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fastcgi.h>
#include <fcgiapp.h>

#include "fcgi_guard.h"
#include "log.h"
#include "util.h"

/*
 * libfcgi's own declarations are in fcgios.h, which needs its config
 * header; these are the same functions.
 */
int	 OS_Read(int fd, char *buf, size_t len);
int	 OS_Write(int fd, char *buf, size_t len);
int	 OS_IpcClose(int ipcFd, int shutdown);

/*
 * How long closing a connection may wait for the peer to finish sending:
 * libfcgi waits 2 s for each piece, so a peer trickling bytes could hold
 * the worker for ever; here 2 s in all.
 */
#define FCGI_GUARD_CLOSE_MS	2000

/* The connection libfcgi is reading, its stream, and its deadlines. */
static struct fcgi_guard guard;
static int guard_fd = -1;
static int64_t guard_deadline;	/* util_mono_ms(); 0 = none */
static int64_t guard_first;	/* for the first byte */
static int guard_write_ms;	/* one write may wait this long; 0 = none */

void
fcgi_guard_init(struct fcgi_guard *g)
{
	memset(g, 0, sizeof(*g));
}

void
fcgi_guard_start(int fd, unsigned timeout_s)
{
	int64_t now = timeout_s > 0 ? util_mono_ms() : 0;

	fcgi_guard_init(&guard);
	guard_fd = fd;
	guard_deadline = timeout_s > 0 ? now + (int64_t)timeout_s * 1000 : 0;
	guard_first = timeout_s > 0 ? now + FCGI_GUARD_FIRST_BYTE_MS : 0;
	if (guard_first > guard_deadline)
		guard_first = guard_deadline;
	guard_write_ms = (int)(timeout_s * 1000);
}

/*
 * read(), but never past the request's deadline: a socket's own receive
 * timeout counts per read, so a client sending a byte now and then would
 * hold the worker for ever. One system call when data is waiting.
 */
static ssize_t
fcgi_guard_read(int fd, char *buf, size_t len)
{
	struct pollfd p;
	int64_t left;
	ssize_t n;
	int rc;

	for (;;) {
		n = recv(fd, buf, len, MSG_DONTWAIT);
		if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR))
			return n;
		if (errno == EINTR)
			continue;
		left = (guard.seen == 0 ? guard_first : guard_deadline) -
		    util_mono_ms();
		if (guard_deadline == 0)
			left = -1;	/* no deadline: poll waits */
		else if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		p.fd = fd;
		p.events = POLLIN;
		rc = poll(&p, 1, left > INT32_MAX ? INT32_MAX : (int)left);
		if (rc == -1 && errno != EINTR)
			return -1;
	}
}

static int
fcgi_guard_refuse(struct fcgi_guard *g, const char *why)
{
	g->refused = why;
	return -1;
}

/*
 * The name-value pairs of a PARAMS stream or a GET_VALUES record (lengths
 * of 1 byte, or 4 with the top bit set, then the bytes): counts them and
 * bounds each pair and their sum before libfcgi mallocs name + value.
 */
static int
fcgi_guard_pairs(struct fcgi_guard *g, struct fcgi_guard_pairs *p,
    const uint8_t *b, size_t n)
{
	size_t i = 0, k;
	uint32_t len;

	while (i < n) {
		if (p->skip > 0) {
			k = n - i < p->skip ? n - i : p->skip;
			p->skip -= (uint32_t)k;
			i += k;
			continue;
		}
		if (p->len_have == 0 && !(b[i] & 0x80)) {
			len = b[i++];
		} else {
			p->len = p->len << 8 | (p->len_have == 0 ?
			    (uint32_t)(b[i] & 0x7f) : b[i]);
			i++;
			if (++p->len_have < 4)
				continue;
			len = p->len;
			p->len = 0;
			p->len_have = 0;
		}
		if (!p->want_value) {
			if (len > FCGI_GUARD_PAIR_MAX)
				return fcgi_guard_refuse(g, "param_too_long");
			p->name_len = len;
			p->want_value = 1;
			continue;
		}
		p->want_value = 0;
		len += p->name_len;
		if (len > FCGI_GUARD_PAIR_MAX)
			return fcgi_guard_refuse(g, "param_too_long");
		p->bytes += len;
		if (p->bytes > FCGI_GUARD_PARAMS_MAX)
			return fcgi_guard_refuse(g, "params_too_long");
		if (++p->pairs > FCGI_GUARD_PAIRS_MAX)
			return fcgi_guard_refuse(g, "too_many_params");
		p->skip = len;
	}
	return 0;
}

/*
 * A whole header has been read: what its content is. The guard must read
 * the stream exactly as libfcgi does, or a length it skips as data could
 * be one libfcgi reads as a pair's: whatever libfcgi reads in a way of its
 * own, and no web server sends, is refused rather than modelled.
 */
static int
fcgi_guard_header(struct fcgi_guard *g)
{
	uint16_t id = (uint16_t)(g->hdr[2] << 8 | g->hdr[3]);

	g->type = g->hdr[1];
	g->content_left = (uint32_t)(g->hdr[4] << 8 | g->hdr[5]);
	g->pad_left = g->hdr[6];
	g->in_pairs = NULL;
	/*
	 * After a protocol error in the params libfcgi goes on as if they had
	 * ended, and forgets the record it stopped at: it would read that
	 * record's content as headers. So nothing that is libfcgi's protocol
	 * error passes: another version, a BEGIN_REQUEST body not of 8 bytes,
	 * a record of the request other than the one it reads next.
	 */
	if (g->hdr[0] != FCGI_VERSION_1)
		return fcgi_guard_refuse(g, "bad_version");
	/*
	 * Management records: libfcgi answers GET_VALUES (pairs, checked
	 * like params) and leaks 48 bytes on any other type it answers with
	 * UNKNOWN_TYPE (and hands that record's content to the stream being
	 * read). Web servers send none but GET_VALUES.
	 */
	if (id == FCGI_NULL_REQUEST_ID) {
		if (g->type != FCGI_GET_VALUES)
			return fcgi_guard_refuse(g, "management_record_type");
		memset(&g->mgmt, 0, sizeof(g->mgmt));
		g->in_pairs = &g->mgmt;
		return 0;
	}
	/*
	 * One request at a time: libfcgi follows the first BEGIN_REQUEST's id
	 * only, and a skipped record of another id (before it, too) can make
	 * it skip the next record of its own (its skip flag outlives an empty
	 * record).
	 */
	if (g->type == FCGI_BEGIN_REQUEST) {
		if (g->begun)
			return fcgi_guard_refuse(g, "multiplexed_request");
		/* libfcgi reads its 8 bytes, then the padding as a header. */
		if (g->pad_left != 0)
			return fcgi_guard_refuse(g, "padded_record");
		if (g->content_left != sizeof(FCGI_BeginRequestBody))
			return fcgi_guard_refuse(g, "bad_begin_request");
		g->begun = 1;
		g->req_id = id;
		return 0;
	}
	if (!g->begun || id != g->req_id)
		return fcgi_guard_refuse(g, "multiplexed_request");
	/* The empty record that ends a stream: libfcgi leaves its padding. */
	if (g->content_left == 0 && g->pad_left != 0)
		return fcgi_guard_refuse(g, "padded_record");
	/* PARAMS until the empty one, then STDIN until the empty one. */
	if (g->stdin_done || g->type != (g->params_done ? FCGI_STDIN :
	    FCGI_PARAMS))
		return fcgi_guard_refuse(g, "unexpected_record");
	if (g->type == FCGI_PARAMS) {
		g->in_pairs = &g->params;
		g->params_done = g->content_left == 0;
	} else
		g->stdin_done = g->content_left == 0;
	return 0;
}

/* The record's content and padding have been read. */
static int
fcgi_guard_record_end(struct fcgi_guard *g)
{
	g->hdr_have = 0;
	/* A GET_VALUES record holds whole pairs; libfcgi refuses the rest. */
	if (g->in_pairs == &g->mgmt && (g->mgmt.skip > 0 ||
	    g->mgmt.len_have > 0 || g->mgmt.want_value))
		return fcgi_guard_refuse(g, "management_record_truncated");
	g->in_pairs = NULL;
	return 0;
}

int
fcgi_guard_feed(struct fcgi_guard *g, const uint8_t *b, size_t n)
{
	size_t i = 0, k;

	if (g->refused != NULL)
		return -1;
	g->seen += n;
	while (i < n) {
		if (g->hdr_have < FCGI_HEADER_LEN) {
			g->hdr[g->hdr_have++] = b[i++];
			if (g->hdr_have == FCGI_HEADER_LEN &&
			    fcgi_guard_header(g) == -1)
				return -1;
		} else if (g->content_left > 0) {
			k = n - i < g->content_left ? n - i : g->content_left;
			if (g->in_pairs != NULL &&
			    fcgi_guard_pairs(g, g->in_pairs, b + i, k) == -1)
				return -1;
			g->content_left -= (uint32_t)k;
			i += k;
		} else {
			k = n - i < g->pad_left ? n - i : g->pad_left;
			g->pad_left -= (unsigned)k;
			i += k;
		}
		if (g->hdr_have == FCGI_HEADER_LEN && g->content_left == 0 &&
		    g->pad_left == 0 && fcgi_guard_record_end(g) == -1)
			return -1;
	}
	return 0;
}

/*
 * libfcgi's OS_Read (os_unix.c: a plain read), defined here so that libfcgi
 * calls this one: the bytes of the connection fcgi_guard_start named are
 * checked before libfcgi sees them, and read before its deadline. A refused
 * stream reads as EPROTO from then on, a late one as ETIMEDOUT; libfcgi
 * drops the connection.
 */
int
OS_Read(int fd, char *buf, size_t len)
{
	ssize_t n;

	if (fd != guard_fd)
		return (int)read(fd, buf, len);
	if (guard.refused != NULL) {
		errno = EPROTO;
		return -1;
	}
	n = fcgi_guard_read(fd, buf, len);
	if (n == -1 && errno == ETIMEDOUT) {
		log_info("request_timeout", "read_bytes=%llu",
		    (unsigned long long)guard.seen);
		goto cut;
	}
	if (n > 0 && fcgi_guard_feed(&guard, (const uint8_t *)buf,
	    (size_t)n) == -1) {
		log_warn("fcgi_records_refused", "reason=%s", guard.refused);
		errno = EPROTO;
		goto cut;
	}
	return (int)n;
cut:
	/* Nothing more is read: libfcgi's close need not wait for the peer. */
	(void)shutdown(fd, SHUT_RDWR);
	return -1;
}

/*
 * libfcgi's OS_Write (a plain write), with the socket's send timeout kept
 * here: one write may wait [server] io_timeout for a peer that does not
 * read. One system call when the peer reads.
 */
int
OS_Write(int fd, char *buf, size_t len)
{
	struct pollfd p;
	ssize_t n;
	int rc;

	if (fd != guard_fd)
		return (int)write(fd, buf, len);
	for (;;) {
		n = send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR))
			return (int)n;
		if (errno == EINTR)
			continue;
		p.fd = fd;
		p.events = POLLOUT;
		rc = poll(&p, 1, guard_write_ms > 0 ? guard_write_ms : -1);
		if (rc == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (rc == -1 && errno != EINTR)
			return -1;
	}
}

/*
 * libfcgi's OS_IpcClose (os_unix.c OS_Close): when asked to, shut the
 * sending side and read what the peer still sends before closing, so that
 * the answer is not lost to a reset; but for FCGI_GUARD_CLOSE_MS in all,
 * and not at all when the request has been read to the end of its STDIN
 * and nothing is left unread: the web server sends nothing more, and
 * waiting for its close cost a sleep and a wakeup per request. (Apache
 * sends the end of STDIN after the params, maybe after the answer to a
 * GET: closing before it arrives made Apache answer 503.)
 */
int
OS_IpcClose(int fd, int shutdown_first)
{
	int64_t end, left;
	struct pollfd p;
	char trash[4096];
	ssize_t n;

	if (fd < 0)
		return 0;
	if (shutdown_first && fd == guard_fd && guard.stdin_done) {
		n = recv(fd, trash, sizeof(trash), MSG_DONTWAIT);
		if (n <= 0)
			shutdown_first = 0;	/* nothing unread, or EOF */
	}
	end = shutdown_first ? util_mono_ms() + FCGI_GUARD_CLOSE_MS : 0;
	if (shutdown_first && shutdown(fd, SHUT_WR) == 0) {
		for (;;) {
			left = end - util_mono_ms();
			if (left <= 0)
				break;
			p.fd = fd;
			p.events = POLLIN;
			if (poll(&p, 1, (int)left) <= 0)
				break;
			n = read(fd, trash, sizeof(trash));
			if (n <= 0 && !(n == -1 && errno == EINTR))
				break;
		}
	}
	return close(fd);
}

int
fcgi_guard_selftest(void)
{
	/* BEGIN_REQUEST (responder), empty PARAMS, empty STDIN; id 1. */
	static const uint8_t req[] = {
		1, FCGI_BEGIN_REQUEST, 0, 1, 0, 8, 0, 0,
		0, FCGI_RESPONDER, 0, 0, 0, 0, 0, 0,
		1, FCGI_PARAMS, 0, 1, 0, 0, 0, 0,
		1, FCGI_STDIN, 0, 1, 0, 0, 0, 0,
	};
	FCGX_Request r;
	int sv[2], rc = -1;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	if (write(sv[1], req, sizeof(req)) != (ssize_t)sizeof(req) ||
	    FCGX_InitRequest(&r, -1, 0) != 0) {
		close(sv[0]);
		goto out;
	}
	r.ipcFd = sv[0];
	r.keepConnection = 1;
	/* Should libfcgi close it (a failure), at once. */
	r.detached = 1;
	fcgi_guard_start(sv[0], 5);
	if (FCGX_Accept_r(&r) == 0 && guard.seen == sizeof(req))
		rc = 0;
	/* Kept, so that libfcgi does not close it; if it does, at once. */
	r.keepConnection = 1;
	FCGX_Finish_r(&r);
	if (r.ipcFd >= 0)
		close(r.ipcFd);
out:
	fcgi_guard_start(-1, 0);
	close(sv[1]);
	return rc;
}
