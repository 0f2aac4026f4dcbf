/* pool.c: the master process: prefork, respawn with backoff, signals, reload. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "log.h"
#include "cache.h"
#include "metrics.h"
#include "password.h"
#include "pool.h"
#include "secret.h"
#include "throttle.h"
#include "util.h"
#include "worker.h"

#define POOL_FAST_DEATH_MS	2000	/* dying younger than this is a failure */
#define POOL_BACKOFF_MAX_MS	30000

struct pool_slot {
	pid_t		 pid;		/* 0 = empty */
	int64_t		 started;	/* monotonic ms */
	int64_t		 respawn_at;	/* monotonic ms; 0 = now */
	unsigned	 fails;		/* consecutive fast deaths */
};

struct pool {
	struct conf	 conf;
	const char	*conf_path;
	const char	*socket_path;	/* to unlink at exit; NULL if inherited */
	int		 listen_fd;
	uint8_t		 secret[TOKEN_SECRET_LEN];
	uid_t		 uid;
	gid_t		 gid;
	pid_t		 master;
	unsigned	 nworkers;
	struct pool_slot slots[POOL_MAX_WORKERS];
	pid_t		 retiring[POOL_MAX_WORKERS * 4];	/* old generations */
	int		 stopping;
	int64_t		 stop_deadline;
	int		 killed;
};

static volatile sig_atomic_t got_term, got_hup, got_usr1, got_chld;
static int pool_pipe[2] = { -1, -1 };

static void
pool_on_signal(int sig)
{
	int saved = errno;
	char b = (char)sig;

	/*
	 * apitokenctl changed a token, user or identity: every worker drops
	 * its cached tokens (one atomic add, safe here). Nothing else to do,
	 * so no wake-up: after fork this handler may run in a worker, where
	 * pool_pipe's numbers can belong to other files.
	 */
	if (sig == SIGUSR2) {
		cache_invalidate();
		return;
	}
	switch (sig) {
	case SIGTERM:
	case SIGINT:
		got_term = 1;
		break;
	case SIGHUP:
		got_hup = 1;
		break;
	case SIGUSR1:
		got_usr1 = 1;
		break;
	case SIGCHLD:
		got_chld = 1;
		break;
	}
	(void)!write(pool_pipe[1], &b, 1);
	errno = saved;
}

static int
pool_signals(void)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2,
	    SIGCHLD };
	struct sigaction sa;
	size_t i;

	if (pipe2(pool_pipe, O_CLOEXEC | O_NONBLOCK) == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = pool_on_signal;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], &sa, NULL) == -1)
			return -1;
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	return 0;
}

int
pool_user_resolve(const struct conf *c, uid_t *uid, gid_t *gid, char *err,
    size_t errlen)
{
	struct passwd *pw;
	struct group *gr;

	*uid = (uid_t)-1;
	*gid = (gid_t)-1;
	if (c->user[0] == '\0')
		return 0;
	if ((pw = getpwnam(c->user)) == NULL) {
		snprintf(err, errlen, "user \"%s\": no such user", c->user);
		return -1;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	if (c->group[0] != '\0') {
		if ((gr = getgrnam(c->group)) == NULL) {
			snprintf(err, errlen, "group \"%s\": no such group",
			    c->group);
			return -1;
		}
		*gid = gr->gr_gid;
	}
	return 0;
}

/* In the child: give up root before touching any request. */
static int
pool_drop_privileges(const struct pool *p)
{
	if (p->uid == (uid_t)-1 || geteuid() != 0)
		return 0;
	if (setgroups(1, &p->gid) == -1 || setgid(p->gid) == -1 ||
	    setuid(p->uid) == -1)
		return -1;
	/* Must not be able to get root back. */
	if (setuid(0) == 0)
		return -1;
	return 0;
}

static void
pool_child(struct pool *p, int slot)
{
	struct sigaction sa;
	sigset_t none;

	close(pool_pipe[0]);
	close(pool_pipe[1]);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (pool_drop_privileges(p) == -1) {
		log_error("worker_privilege_drop_failed", "user=%s errno=%d",
		    p->conf.user, errno);
		_exit(78);
	}
	/* Set after the uid change, which clears it; then close the race. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != p->master)
		_exit(0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	worker_run(&p->conf, p->listen_fd, slot, p->secret);
}

static void
pool_spawn(struct pool *p, int slot)
{
	sigset_t all, old;
	pid_t pid;

	/* Blocked across fork so the child never runs the master's handler. */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	pid = fork();
	if (pid == 0)
		pool_child(p, slot);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid == -1) {
		log_error("fork_failed", "slot=%d errno=%d", slot, errno);
		p->slots[slot].respawn_at = util_mono_ms() + 1000;
		return;
	}
	p->slots[slot].pid = pid;
	p->slots[slot].started = util_mono_ms();
	p->slots[slot].respawn_at = 0;
	log_info("worker_spawned", "slot=%d child=%ld", slot, (long)pid);
}

static void
pool_retire_add(struct pool *p, pid_t pid)
{
	size_t i;

	for (i = 0; i < sizeof(p->retiring) / sizeof(p->retiring[0]); i++) {
		if (p->retiring[i] == 0) {
			p->retiring[i] = pid;
			return;
		}
	}
	log_warn("retire_table_full", "child=%ld", (long)pid);
}

static int
pool_children(const struct pool *p)
{
	size_t i;
	int n = 0;

	for (i = 0; i < POOL_MAX_WORKERS; i++)
		n += p->slots[i].pid != 0;
	for (i = 0; i < sizeof(p->retiring) / sizeof(p->retiring[0]); i++)
		n += p->retiring[i] != 0;
	return n;
}

static void
pool_signal_all(struct pool *p, int sig)
{
	size_t i;

	for (i = 0; i < POOL_MAX_WORKERS; i++)
		if (p->slots[i].pid != 0)
			kill(p->slots[i].pid, sig);
	for (i = 0; i < sizeof(p->retiring) / sizeof(p->retiring[0]); i++)
		if (p->retiring[i] != 0)
			kill(p->retiring[i], sig);
}

/* The pool stops: each worker serves what is queued, then exits. */
static void
pool_stop_all(struct pool *p)
{
	union sigval v = { .sival_int = WORKER_STOP_DRAIN };
	size_t i;

	for (i = 0; i < POOL_MAX_WORKERS; i++)
		if (p->slots[i].pid != 0)
			sigqueue(p->slots[i].pid, SIGTERM, v);
	for (i = 0; i < sizeof(p->retiring) / sizeof(p->retiring[0]); i++)
		if (p->retiring[i] != 0)
			sigqueue(p->retiring[i], SIGTERM, v);
}

static void
pool_describe(int status, char *buf, size_t size)
{
	int n;

	if (WIFEXITED(status))
		n = snprintf(buf, size, "exit:%d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		n = snprintf(buf, size, "signal:%d%s", WTERMSIG(status),
		    WCOREDUMP(status) ? ":core" : "");
	else
		n = snprintf(buf, size, "unknown:%d", status);
	if (n < 0 || (size_t)n >= size)
		buf[0] = '\0';
}

static void
pool_reap(struct pool *p)
{
	char how[32];
	int status, slot, clean;
	int64_t now, lived, delay;
	size_t i;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		now = util_mono_ms();
		pool_describe(status, how, sizeof(how));
		for (i = 0; i < sizeof(p->retiring) / sizeof(p->retiring[0]); i++) {
			if (p->retiring[i] == pid) {
				p->retiring[i] = 0;
				log_info("worker_retired", "child=%ld status=%s",
				    (long)pid, how);
				break;
			}
		}
		for (slot = 0; slot < POOL_MAX_WORKERS; slot++)
			if (p->slots[slot].pid == pid)
				break;
		if (slot == POOL_MAX_WORKERS)
			continue;
		lived = now - p->slots[slot].started;
		p->slots[slot].pid = 0;
		clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
		log_msg(clean ? LOG_LEVEL_INFO : LOG_LEVEL_WARN, "worker_exited",
		    "slot=%d child=%ld status=%s lived_ms=%lld", slot, (long)pid,
		    how, (long long)lived);
		if (p->stopping || (size_t)slot >= p->nworkers)
			continue;
		if (!clean)
			metrics_worker_restart();
		/* Children dying young in a loop: back off, double each time. */
		if (!clean && lived < POOL_FAST_DEATH_MS)
			p->slots[slot].fails++;
		else
			p->slots[slot].fails = 0;
		delay = 0;
		if (p->slots[slot].fails > 0) {
			unsigned f = p->slots[slot].fails > 9 ? 9 :
			    p->slots[slot].fails;

			delay = 100LL << f;
			if (delay > POOL_BACKOFF_MAX_MS)
				delay = POOL_BACKOFF_MAX_MS;
			log_warn("worker_respawn_backoff", "slot=%d delay_ms=%lld "
			    "fails=%u", slot, (long long)delay,
			    p->slots[slot].fails);
		}
		p->slots[slot].respawn_at = now + delay;
	}
}

static unsigned
pool_worker_count(const struct conf *c)
{
	long n = c->workers;

	if (n == 0)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	if (n > POOL_MAX_WORKERS)
		n = POOL_MAX_WORKERS;
	return (unsigned)n;
}

/*
 * New workers start before the old ones are told to finish, and all
 * share the listen socket, so a reload fails no request.
 */
static void
pool_reload(struct pool *p)
{
	struct conf nc;
	uint8_t secret[TOKEN_SECRET_LEN];
	char err[512], q[600];
	uid_t uid;
	gid_t gid;
	unsigned i;

	if (conf_load(&nc, p->conf_path, err, sizeof(err)) == -1) {
		log_error("reload_failed", "error=%s", log_quote(q, sizeof(q),
		    err));
		return;
	}
	if (strcmp(nc.listen, p->conf.listen) != 0) {
		log_warn("reload_listen_unchanged", "hint=\"a new listen "
		    "address needs a restart\"");
		memcpy(nc.listen, p->conf.listen, sizeof(nc.listen));
	}
	if (secret_load(nc.secret_file, secret, err, sizeof(err)) == -1 ||
	    pool_user_resolve(&nc, &uid, &gid, err, sizeof(err)) == -1) {
		log_error("reload_failed", "error=%s", log_quote(q, sizeof(q),
		    err));
		sodium_memzero(secret, sizeof(secret));
		return;
	}
	if (strcmp(nc.log_file, p->conf.log_file) != 0 &&
	    log_open(nc.log_file, nc.log_level) == -1)
		log_warn("log_open_failed", "errno=%d", errno);
	log_set_level(nc.log_level);
	memcpy(p->secret, secret, sizeof(secret));
	sodium_memzero(secret, sizeof(secret));
	p->conf = nc;
	p->uid = uid;
	p->gid = gid;
	for (i = 0; i < POOL_MAX_WORKERS; i++) {
		if (p->slots[i].pid != 0)
			pool_retire_add(p, p->slots[i].pid);
		memset(&p->slots[i], 0, sizeof(p->slots[i]));
	}
	p->nworkers = pool_worker_count(&p->conf);
	for (i = 0; i < p->nworkers; i++)
		pool_spawn(p, (int)i);
	for (i = 0; i < sizeof(p->retiring) / sizeof(p->retiring[0]); i++)
		if (p->retiring[i] != 0)
			kill(p->retiring[i], SIGTERM);
	log_info("reloaded", "workers=%u", p->nworkers);
}

static void
pool_reopen(struct pool *p)
{
	if (log_reopen() == -1) {
		log_warn("log_reopen_failed", "errno=%d", errno);
		return;
	}
	/* Workers reopen the same path after the uid drop: give it to them. */
	if (p->uid != (uid_t)-1 && log_fd() > 2 &&
	    fchown(log_fd(), p->uid, p->gid) == -1)
		log_warn("log_chown_failed", "errno=%d", errno);
	pool_signal_all(p, SIGUSR1);
}

static int
pool_timeout(const struct pool *p)
{
	int64_t now = util_mono_ms(), next = now + 1000;
	unsigned i;

	if (p->stopping)
		next = p->stop_deadline < next ? p->stop_deadline : next;
	else
		for (i = 0; i < p->nworkers; i++)
			if (p->slots[i].pid == 0 && p->slots[i].respawn_at < next)
				next = p->slots[i].respawn_at;
	return next <= now ? 0 : (int)(next - now);
}

int
pool_run(const struct conf *c, const char *conf_path, int listen_fd,
    const char *socket_path)
{
	static struct pool p;
	struct pollfd pfd;
	char err[512], buf[600];
	unsigned i;
	int64_t now;

	memset(&p, 0, sizeof(p));
	p.conf = *c;
	p.conf_path = conf_path;
	p.socket_path = socket_path;
	p.listen_fd = listen_fd;
	p.master = getpid();
	if (pool_user_resolve(c, &p.uid, &p.gid, err, sizeof(err)) == -1 ||
	    secret_load(c->secret_file, p.secret, err, sizeof(err)) == -1) {
		log_error("start_failed", "error=%s", log_quote(buf, sizeof(buf),
		    err));
		fprintf(stderr, "apitoken-fcgi: %s\n", err);
		return 1;
	}
	if (p.uid != (uid_t)-1 && geteuid() != 0)
		log_warn("user_ignored", "hint=\"not started as root\"");
	if (p.uid == (uid_t)-1 && geteuid() == 0)
		log_warn("running_as_root", "hint=\"set [server] user\"");
	if (p.uid != (uid_t)-1 && geteuid() == 0 && log_fd() > 2 &&
	    fchown(log_fd(), p.uid, p.gid) == -1)
		log_warn("log_chown_failed", "errno=%d", errno);
	/* Once here, not per worker: every fork inherits the dummy hash. */
	/* Before any fork: every worker shares these counters. */
	if (metrics_init() != 0)
		log_warn("metrics_unshared", "errno=%d", errno);
	/* Without a shared generation there is no token cache (cache.c). */
	if (cache_init_shared() != 0)
		log_warn("token_cache_off", "errno=%d", errno);
	/* Guesses keep counting across worker recycling and reloads. */
	if (throttle_init_shared() != 0)
		log_warn("throttle_unshared", "errno=%d", errno);
	if (password_init() != 0) {
		log_error("start_failed", "what=password_init");
		return 1;
	}
	if (pool_signals() == -1) {
		log_error("start_failed", "what=signals errno=%d", errno);
		return 1;
	}
	p.nworkers = pool_worker_count(c);
	log_info("master_start", "workers=%u max_requests=%u listen=%s",
	    p.nworkers, c->max_requests, socket_path ? socket_path :
	    (listen_fd == 0 ? "inherited" : c->listen));
	for (i = 0; i < p.nworkers; i++)
		pool_spawn(&p, (int)i);

	for (;;) {
		pfd.fd = pool_pipe[0];
		pfd.events = POLLIN;
		if (poll(&pfd, 1, pool_timeout(&p)) > 0)
			while (read(pool_pipe[0], buf, sizeof(buf)) > 0)
				;
		if (got_chld) {
			got_chld = 0;
			pool_reap(&p);
		}
		if (got_term && !p.stopping) {
			p.stopping = 1;
			p.stop_deadline = util_mono_ms() +
			    (int64_t)p.conf.shutdown_timeout * 1000;
			log_info("master_stopping", "children=%d timeout_s=%u",
			    pool_children(&p), p.conf.shutdown_timeout);
			/*
			 * New connections fail at once (the web server can
			 * answer or go elsewhere) while the workers serve
			 * what is queued (worker_drain). Only once: a pool
			 * started meanwhile may own the path by our exit.
			 */
			if (p.socket_path != NULL)
				unlink(p.socket_path);
			p.socket_path = NULL;
			pool_stop_all(&p);
		}
		if (got_hup) {
			got_hup = 0;
			if (!p.stopping)
				pool_reload(&p);
		}
		if (got_usr1) {
			got_usr1 = 0;
			pool_reopen(&p);
		}
		now = util_mono_ms();
		if (p.stopping) {
			if (pool_children(&p) == 0)
				break;
			if (now >= p.stop_deadline && !p.killed) {
				log_warn("master_kill", "children=%d",
				    pool_children(&p));
				pool_signal_all(&p, SIGKILL);
				p.killed = 1;
			}
			continue;
		}
		for (i = 0; i < p.nworkers; i++)
			if (p.slots[i].pid == 0 && p.slots[i].respawn_at <= now)
				pool_spawn(&p, (int)i);
	}
	if (p.socket_path != NULL)
		unlink(p.socket_path);
	sodium_memzero(p.secret, sizeof(p.secret));
	log_info("master_exit", "status=0");
	return 0;
}
