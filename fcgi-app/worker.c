/* worker.c: one worker process: accept loop, per-request arena, dispatch. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <string.h>
#include <unistd.h>

#include <fastcgi.h>
#include <fcgiapp.h>
#include <sodium.h>

#include "api.h"
#include "cache.h"
#include "fcgi_guard.h"
#include "lastused.h"
#include "log.h"
#include "metrics.h"
#include "password.h"
#include "route.h"
#include "scope.h"
#include "util.h"
#include "worker.h"


static volatile sig_atomic_t worker_stop, worker_reopen, worker_drain_wanted;
static int worker_pipe[2] = { -1, -1 };

/*
 * LeakSanitizer's entry point, defined only in a --enable-sanitizers build
 * (weak: NULL otherwise). Workers leave with _exit, which skips the leak
 * check LSan runs at exit(), so worker_exit calls it itself.
 */
extern void __lsan_do_leak_check(void) __attribute__((weak));

static void
worker_on_signal(int sig, siginfo_t *si, void *uctx)
{
	int saved = errno;
	char b = (char)sig;

	(void)uctx;
	if (sig == SIGTERM || sig == SIGINT) {
		worker_stop = 1;
		if (si != NULL && si->si_code == SI_QUEUE &&
		    si->si_value.sival_int == WORKER_STOP_DRAIN)
			worker_drain_wanted = 1;
	} else if (sig == SIGUSR1)
		worker_reopen = 1;
	(void)!write(worker_pipe[1], &b, 1);
	errno = saved;
}

/*
 * SA_RESTART keeps a signal from breaking a request's reads and writes;
 * the self-pipe wakes the poll() that waits between requests.
 */
static int
worker_signals(void)
{
	struct sigaction sa;

	if (pipe2(worker_pipe, O_CLOEXEC | O_NONBLOCK) == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART | SA_SIGINFO;
	sa.sa_sigaction = worker_on_signal;
	if (sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGUSR1, &sa, NULL) == -1)
		return -1;
	sa.sa_flags = 0;
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	return 0;
}

static enum http_status
worker_dispatch(struct api_ctx *ctx, const struct http_io *io, int role,
    unsigned method)
{
	struct http_request *req = ctx->req;
	const struct route *rt;
	const char *reason = NULL, *v;
	enum auth_result ar;
	char allow[64];

	/*
	 * FastCGI Authorizer role: the web server asks about a request to some
	 * other location (lighttpd "mode" => "authorizer", mod_authnz_fcgi).
	 * Its path is not ours to route and it has no body for us.
	 */
	if (role == FCGI_AUTHORIZER) {
		ctx->authorizer_role = 1;
		ctx->route_index = METRICS_ROUTE_AUTHORIZER;
		return api_authorize(ctx);
	}
	rt = route_find(req->path, ctx->params);
	ctx->route_index = route_index(rt);
	if (rt == NULL) {
		http_error(ctx->res, HTTP_NOT_FOUND, "not_found", "no_such_route");
		return HTTP_NOT_FOUND;
	}
	/* HEAD only where nothing changes: a HEAD must never mint a token. */
	if (!(rt->methods & method)) {
		route_allow(rt, allow, sizeof(allow));
		http_header_add(ctx->res, "Allow", allow);
		http_error(ctx->res, HTTP_METHOD_NOT_ALLOWED,
		    "method_not_allowed", "wrong_method");
		return HTTP_METHOD_NOT_ALLOWED;
	}
	switch (http_body_read(req, io, ctx->app->conf->max_body)) {
	case HTTP_BODY_OK:
		break;
	case HTTP_BODY_TOO_LARGE:
		http_error(ctx->res, HTTP_PAYLOAD_TOO_LARGE,
		    "payload_too_large", "body_too_large");
		return HTTP_PAYLOAD_TOO_LARGE;
	case HTTP_BODY_BAD_LENGTH:
	case HTTP_BODY_READ_ERROR:
		return api_bad_request(ctx, "invalid_body");
	}
	/* Tokens in URLs end up in logs and histories: refused outright. */
	if (http_form_get(req->arena, req->query, strlen(req->query),
	    "access_token", &v) != 0)
		return api_bad_request(ctx, "token_in_url");
	if (rt->auth == ROUTE_PUBLIC)
		return rt->handler(ctx);
	ar = auth_resolve(ctx->app, req, ctx->now, &ctx->caller, &reason);
	if (ar != AUTH_OK)
		return api_auth_failed(ctx, ar, reason);
	if (ctx->caller.kind == AUTH_SESSION && (rt->csrf == ROUTE_CSRF_ALWAYS ||
	    (rt->csrf == ROUTE_CSRF_UNSAFE && method != ROUTE_GET &&
	    method != ROUTE_HEAD)) && !auth_csrf_ok(ctx->app->conf, req)) {
		http_error(ctx->res, HTTP_FORBIDDEN, "forbidden",
		    "csrf_check_failed");
		return HTTP_FORBIDDEN;
	}
	/* Scoped tokens act on resources, never on management routes. */
	if (rt->auth >= ROUTE_USER && !scope_user_full(&ctx->caller))
		return api_insufficient_scope(ctx, 0, 0);
	if (rt->auth == ROUTE_ADMIN && !scope_admin(&ctx->caller))
		return api_forbidden(ctx, "admin_required");
	return rt->handler(ctx);
}

/* One request: envp are its params, io its body and response, role its
 * FastCGI role (FCGI_RESPONDER for plain CGI). */
static void
worker_handle(struct app *app, char **envp, const struct http_io *io,
    int role, struct arena *a)
{
	struct http_request req;
	struct http_response res;
	struct api_ctx ctx;
	unsigned method;
	int64_t t0 = util_mono_ms();

	http_request_init(&req, a, envp, &app->conf->trusted_proxies);
	http_response_init(&res);
	memset(&ctx, 0, sizeof(ctx));
	ctx.app = app;
	ctx.req = &req;
	ctx.res = &res;
	ctx.now = util_now_ms();
	method = route_method(req.method);
	ctx.route_index = -1;
	(void)worker_dispatch(&ctx, io, role, method);
	/*
	 * A CGI process may be killed once its answer is complete: write
	 * lastUsed first.
	 */
	if (app->one_shot && lastused_flush(&app->db) != DB_OK)
		log_warn("lastused_lost", "pending=%zu", lastused_pending());
	if (http_response_write(&res, io, method == ROUTE_HEAD) == -1)
		log_info("response_write_failed", "path=%.64s", req.path);
	log_debug("request", "method=%.8s path=%.64s status=%d ms=%lld",
	    req.method, req.path, res.status, (long long)(util_mono_ms() - t0));
	metrics_request(ctx.route_index, res.status,
	    (util_mono_ms() - t0) * 1000);
	/* The connection counts only grow: publish what this request added. */
	metrics_db(app->db.errors - app->db_errors_seen,
	    app->db.reconnects - app->db_reconnects_seen);
	app->db_errors_seen = app->db.errors;
	app->db_reconnects_seen = app->db.reconnects;
	http_response_free(&res);
	if (ctx.body_json != NULL)
		json_object_put(ctx.body_json);
	sodium_memzero(&ctx.caller, sizeof(ctx.caller));
	arena_reset(a);
}

static void worker_exit(struct app *, int) __attribute__((noreturn));

static void
worker_exit(struct app *app, int code)
{
	uint64_t hits, misses;
	size_t cached;
	int rc;

	if ((rc = lastused_flush(&app->db)) != DB_OK)
		log_warn("lastused_lost", "pending=%zu db_status=%d",
		    lastused_pending(), rc);
	db_close(&app->db);
	sodium_memzero(app->secret, sizeof(app->secret));
	cache_stats(&cached, &hits, &misses);
	log_info("worker_exit", "requests=%lu token_cache_entries=%zu "
	    "token_cache_hits=%llu token_cache_misses=%llu", app->requests,
	    cached, (unsigned long long)hits, (unsigned long long)misses);
	if (__lsan_do_leak_check != NULL)
		__lsan_do_leak_check();
	_exit(code);
}

/* Whether the coalesced lastUsed writes are due. */
static int
worker_flush_due(struct app *app)
{
	int64_t due = lastused_due(app->conf->last_used_flush);

	return due != 0 && util_mono_ms() >= due;
}

/* Waits for a connection, a signal or the lastUsed deadline. */
static int
worker_wait(struct app *app, FCGX_Request *fr, int listen_fd)
{
	struct pollfd p[3];
	int64_t due = lastused_due(app->conf->last_used_flush), timeout = -1;
	char buf[16];

	if (due != 0) {
		timeout = due - util_mono_ms();
		if (timeout < 0)
			timeout = 0;
	}
	/*
	 * A poll cut short by a signal (EINTR) sets no revents: they must read
	 * as "nothing", or garbage could send the worker to wait on an idle
	 * kept connection (valgrind saw them read uninitialised).
	 */
	memset(p, 0, sizeof(p));
	p[0].fd = worker_pipe[0];
	p[0].events = POLLIN;
	/*
	 * A kept-alive web-server connection (fastcgi_keep_conn, enablereuse)
	 * carries the next request; new connections are watched too.
	 */
	p[1].fd = fr->ipcFd >= 0 ? fr->ipcFd : listen_fd;
	p[1].events = POLLIN;
	p[2].fd = listen_fd;
	p[2].events = POLLIN;
	if (poll(p, fr->ipcFd >= 0 ? 3 : 2, (int)timeout) == -1 &&
	    errno != EINTR)
		return -1;
	if (p[0].revents & POLLIN)
		while (read(worker_pipe[0], buf, sizeof(buf)) > 0)
			;
	if (worker_reopen) {
		worker_reopen = 0;
		if (log_reopen() == -1)
			log_warn("log_reopen_failed", "errno=%d", errno);
	}
	if (due != 0 && util_mono_ms() >= due &&
	    lastused_flush(&app->db) != DB_OK)
		log_warn("lastused_flush_failed", "pending=%zu",
		    lastused_pending());
	if (p[1].revents & (POLLIN | POLLHUP | POLLERR))
		return 1;
	/*
	 * A new connection waits while this worker idles on a kept one:
	 * hand the kept one back (the web server reconnects when it needs
	 * to), so kept connections can never starve the pool.
	 */
	if (fr->ipcFd >= 0 && (p[2].revents & POLLIN)) {
		log_debug("keep_conn_released", "fd=%d", fr->ipcFd);
		/* Plain close: libfcgi would otherwise wait up to 2 s for EOF. */
		fr->detached = 1;
		FCGX_Free(fr, 1);
		return 1;
	}
	return 0;
}

/*
 * Whether libfcgi's reads and writes go through the record guard (its self
 * test at start): then the guard bounds them (fcgi_guard_start), else the
 * socket's own timeouts do.
 */
static int worker_guarded;

/*
 * Accepts a connection and hands it to libfcgi as if it were a kept
 * connection. libfcgi reads and writes blocking: without a bound, a
 * connection that stops sending holds its worker forever, and as many
 * such connections as workers freeze the pool. With the guard (the usual
 * case) the bounds cost no system call here: the first byte within 2 s,
 * the request whole within [server] io_timeout, each write within it too.
 * Without it, the socket's timeouts (per read and write) and a poll for
 * the first byte. 0, or -1 when none was taken.
 */
static int
worker_accept(const struct conf *c, FCGX_Request *fr, int listen_fd)
{
	struct timeval tv = { (time_t)c->io_timeout, 0 };
	struct pollfd p;
	int fd, rc;

	do
		fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	while (fd == -1 && errno == EINTR);
	if (fd == -1) {
		if (errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != ECONNABORTED) {
			log_debug("accept_failed", "errno=%d", errno);
			/* EMFILE and the like: do not spin. */
			usleep(10000);
		}
		return -1;
	}
	if (!worker_guarded) {
		if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
		    sizeof(tv)) == -1 || setsockopt(fd, SOL_SOCKET,
		    SO_SNDTIMEO, &tv, sizeof(tv)) == -1) {
			log_warn("accept_failed", "what=timeouts errno=%d",
			    errno);
			close(fd);
			return -1;
		}
		p.fd = fd;
		p.events = POLLIN;
		do
			rc = poll(&p, 1, FCGI_GUARD_FIRST_BYTE_MS);
		while (rc == -1 && errno == EINTR);
		if (rc != 1) {
			close(fd);
			return -1;
		}
	}
	fr->ipcFd = fd;
	/* FCGX_Accept_r first finishes the last request: keep fd open. */
	fr->keepConnection = 1;
	return 0;
}

/*
 * libfcgi ends a request's params at a failed read as if they were whole
 * (a stream the record guard refused or cut at its deadline): such a
 * request is dropped, never served. 1 when it was.
 */
static int
worker_drop_broken(FCGX_Request *fr)
{
	if (FCGX_GetError(fr->in) == 0)
		return 0;
	fr->detached = 1;	/* close at once: nothing more is read */
	FCGX_Free(fr, 1);
	return 1;
}

/*
 * The pool stops (WORKER_STOP_DRAIN): the web server has already sent the
 * requests still queued on the listen socket and waits for their answers,
 * which closing it would turn into errors (500 from lighttpd). The master
 * has removed the socket's path (pool_run), so no new ones come: serve
 * what is queued, until accept finds none, or one backlog's worth on an
 * inherited or TCP socket that cannot stop new connections.
 */
static void
worker_drain(struct app *app, FCGX_Request *fr, int listen_fd,
    struct arena *a)
{
	struct http_io io;
	unsigned n;
	int rc;

	/* A kept connection may never send again: not waited for. */
	if (fr->ipcFd >= 0) {
		fr->detached = 1;
		FCGX_Free(fr, 1);
	}
	for (n = 0; n < app->conf->backlog; n++) {
		/* The listening socket is non-blocking: none queued, done. */
		if (worker_accept(app->conf, fr, listen_fd) == -1)
			break;
		fcgi_guard_start(fr->ipcFd, app->conf->io_timeout);
		if ((rc = FCGX_Accept_r(fr)) < 0 || worker_drop_broken(fr))
			continue;	/* a bad connection, dropped */
		app->requests++;
		io.in = fr->in;
		io.out = fr->out;
		worker_handle(app, fr->envp, &io, fr->role, a);
		/* Kept or not, the connection goes: nothing more is read. */
		fr->keepConnection = 0;
		FCGX_Finish_r(fr);
	}
	if (n > 0)
		log_info("worker_drained", "requests=%u", n);
}

void
worker_run(const struct conf *c, int listen_fd, int worker_id,
    const uint8_t secret[TOKEN_SECRET_LEN])
{
	static struct app app;
	FCGX_Request fr;
	struct http_io io;
	struct arena arena;
	int rc, fl, busy = 0;

	log_set_role("worker", worker_id);
	memset(&app, 0, sizeof(app));
	app.conf = c;
	memcpy(app.secret, secret, TOKEN_SECRET_LEN);
	if (worker_signals() == -1 || FCGX_Init() != 0) {
		log_error("worker_init_failed", "errno=%d", errno);
		_exit(1);
	}
	/* Non-blocking: a worker that loses the accept race goes back to poll. */
	fl = fcntl(listen_fd, F_GETFL);
	if (fl == -1 || fcntl(listen_fd, F_SETFL, fl | O_NONBLOCK) == -1) {
		log_error("worker_init_failed", "what=nonblock errno=%d", errno);
		_exit(1);
	}
	/*
	 * libfcgi gets no listening socket (-1): were it to accept a
	 * connection itself (after dropping a bad one), that connection would
	 * lack the timeouts. Every connection comes from worker_accept.
	 */
	if (FCGX_InitRequest(&fr, -1, 0) != 0 || password_init() != 0) {
		log_error("worker_init_failed", "what=fcgi_or_password");
		_exit(1);
	}
	worker_guarded = fcgi_guard_selftest() == 0;
	if (!worker_guarded)
		log_warn("fcgi_guard_inactive", "libfcgi reads past the "
		    "record check (fcgi_guard.h): malformed records are "
		    "not refused, requests bounded per read only");
	db_init(&app.db, c, 0);
	cache_configure(c->cache_entries, c->cache_ttl);
	db_set_change_hook(cache_invalidate);
	if (db_connect(&app.db) != DB_OK)
		log_warn("worker_db_unavailable", "will retry per request");
	arena_init(&arena, 16384);
	log_info("worker_start", "max_requests=%u token_cache=%s",
	    c->max_requests, cache_enabled() ? "on" : "off");

	while (!worker_stop &&
	    (c->max_requests == 0 || app.requests < c->max_requests)) {
		/*
		 * Under load the next connection is usually queued already:
		 * after a request, try accept() first and poll only when it
		 * finds none (one system call less per request). A kept
		 * connection, a log reopen or a due lastUsed flush go through
		 * worker_wait as before.
		 */
		if (!busy || fr.ipcFd >= 0 || worker_reopen ||
		    worker_flush_due(&app)) {
			if ((rc = worker_wait(&app, &fr, listen_fd)) <= 0) {
				if (rc < 0)
					log_warn("worker_poll_failed",
					    "errno=%d", errno);
				continue;
			}
		}
		if (worker_stop)
			break;
		if (fr.ipcFd < 0 && worker_accept(c, &fr, listen_fd) == -1) {
			busy = 0;
			continue;
		}
		/*
		 * libfcgi reads each request into a new buffer (it drops
		 * what it read past the last one): so does the guard.
		 */
		fcgi_guard_start(fr.ipcFd, c->io_timeout);
		rc = FCGX_Accept_r(&fr);
		busy = rc >= 0;
		if (rc < 0) {
			/* -EBADF: the connection was dropped (see above). */
			if (rc != -EAGAIN && rc != -EWOULDBLOCK && rc != -EINTR &&
			    rc != -EBADF) {
				log_debug("accept_failed", "rc=%d", rc);
				/* EMFILE and the like: do not spin. */
				usleep(10000);
			}
			continue;
		}
		if (worker_drop_broken(&fr)) {
			busy = 0;
			continue;
		}
		app.requests++;
		io.in = fr.in;
		io.out = fr.out;
		worker_handle(&app, fr.envp, &io, fr.role, &arena);
		FCGX_Finish_r(&fr);
	}
	FCGX_Finish_r(&fr);
	if (worker_stop && worker_drain_wanted)
		worker_drain(&app, &fr, listen_fd, &arena);
	arena_free(&arena);
	worker_exit(&app, 0);
}

void
worker_cgi(const struct conf *c, const uint8_t secret[TOKEN_SECRET_LEN],
    char **envp)
{
	static struct app app;
	struct http_io io = { NULL, NULL };
	struct arena arena;

	log_set_role("cgi", 0);
	app.conf = c;
	memcpy(app.secret, secret, TOKEN_SECRET_LEN);
	if (password_init() != 0) {
		log_error("cgi_init_failed", "what=password");
		exit(1);
	}
	db_init(&app.db, c, 0);
	if (db_connect(&app.db) != DB_OK)
		log_warn("cgi_db_unavailable", "answering 503");
	arena_init(&arena, 16384);
	app.requests = 1;
	app.one_shot = 1;
	worker_handle(&app, envp, &io, FCGI_RESPONDER, &arena);
	arena_free(&arena);
	db_close(&app.db);
	sodium_memzero(app.secret, sizeof(app.secret));
	exit(0);
}
