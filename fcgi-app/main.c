/* main.c: apitoken-fcgi: options, config, listen socket, hands over to pool. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <sodium.h>

#include "conf.h"
#include "log.h"
#include "pool.h"
#include "secret.h"
#include "sock.h"
#include "worker.h"

#ifndef SYSCONF_FILE
#define SYSCONF_FILE "/etc/apitoken/apitoken.conf"
#endif

static void
usage(FILE *f)
{
	fprintf(f, "usage: apitoken-fcgi [-t] [-c FILE]\n"
	    "  -c FILE  configuration file (default %s)\n"
	    "  -t       check the configuration and exit\n"
	    "  -V       print the version and exit\n"
	    "Listens on [server] listen, or on fd 0 when a web server or\n"
	    "spawn-fcgi hands over a socket; run as a CGI program (no socket,\n"
	    "GATEWAY_INTERFACE set) it answers one request and exits.\n"
	    "APITOKEN_CONFIG names the file when -c is not given.\n"
	    "Signals: TERM/INT stop, HUP reloads, USR1 reopens the log.\n",
	    SYSCONF_FILE);
}

static int
main_pid_file(const char *path)
{
	char buf[32];
	int fd, n;

	if (path[0] == '\0')
		return 0;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644))
	    == -1)
		return -1;
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (n < 0 || write(fd, buf, (size_t)n) != n) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/*
 * Started as a CGI program: no socket on fd 0, the web server's CGI
 * variables set, and not set-id (a CGI's environment is its caller's to
 * choose).
 */
static int
main_is_cgi(void)
{
	return !sock_inherited() && getenv("GATEWAY_INTERFACE") != NULL &&
	    getenv("REQUEST_METHOD") != NULL && getuid() == geteuid() &&
	    getgid() == getegid();
}

/*
 * Plain CGI: no socket on fd 0 and the web server's CGI variables set.
 * The log goes to the web server's error log when its file cannot be
 * opened by the CGI user.
 */
static int
main_cgi(struct conf *c)
{
	uint8_t secret[TOKEN_SECRET_LEN];
	char err[1024];

	if (log_open(c->log_file, c->log_level) == -1 &&
	    log_open("", c->log_level) == -1)
		return 1;
	if (secret_load(c->secret_file, secret, err, sizeof(err)) == -1) {
		log_error("cgi_start_failed", "what=secret");
		fputs("Status: 500 Internal Server Error\r\n"
		    "Content-Type: application/json; charset=utf-8\r\n\r\n"
		    "{\"error\":\"internal_error\"}", stdout);
		return 1;
	}
	worker_cgi(c, secret, environ);
}

/* What -t checks beyond the file itself: the secret, the user, the log. */
static int
main_check(const struct conf *c, char *err, size_t errlen)
{
	uint8_t secret[TOKEN_SECRET_LEN];
	uid_t uid;
	gid_t gid;

	if (secret_load(c->secret_file, secret, err, errlen) == -1)
		return -1;
	sodium_memzero(secret, sizeof(secret));
	if (pool_user_resolve(c, &uid, &gid, err, errlen) == -1)
		return -1;
	return 0;
}

int
main(int argc, char *argv[])
{
	static struct conf c;
	static const char default_path[] = SYSCONF_FILE;
	const char *path = default_path, *sockpath = NULL;
	char err[1024];
	int ch, test = 0, fd, rc;
	uid_t uid;
	gid_t gid;

	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};

	while ((ch = getopt_long(argc, argv, "c:thV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 't':
			test = 1;
			break;
		case 'V':
			printf("apitoken-fcgi %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	/*
	 * Web servers that spawn us cannot always pass arguments. Never from
	 * the environment of a set-id run: the caller would choose the file.
	 */
	if (path == default_path && secure_getenv("APITOKEN_CONFIG") != NULL &&
	    secure_getenv("APITOKEN_CONFIG")[0] != '\0')
		path = secure_getenv("APITOKEN_CONFIG");
	if (sodium_init() < 0) {
		fprintf(stderr, "apitoken-fcgi: libsodium failed to start\n");
		return 1;
	}
	if (conf_load(&c, path, err, sizeof(err)) == -1) {
		fprintf(stderr, "apitoken-fcgi: %s\n", err);
		return 1;
	}
	if (test) {
		if (main_check(&c, err, sizeof(err)) == -1) {
			fprintf(stderr, "apitoken-fcgi: %s\n", err);
			return 1;
		}
		printf("apitoken-fcgi: configuration %s is valid\n", path);
		return 0;
	}
	if (main_is_cgi())
		return main_cgi(&c);
	if (log_open(c.log_file, c.log_level) == -1) {
		fprintf(stderr, "apitoken-fcgi: %s: %s\n", c.log_file,
		    strerror(errno));
		return 1;
	}
	if (pool_user_resolve(&c, &uid, &gid, err, sizeof(err)) == -1) {
		fprintf(stderr, "apitoken-fcgi: %s\n", err);
		return 1;
	}
	if (sock_inherited()) {
		fd = 0;
	} else {
		if ((fd = sock_listen(&c, geteuid() == 0 ? uid : (uid_t)-1,
		    geteuid() == 0 ? gid : (gid_t)-1, err, sizeof(err))) == -1) {
			fprintf(stderr, "apitoken-fcgi: listen: %s\n", err);
			log_error("listen_failed", "listen=%s", c.listen);
			return 1;
		}
		if (sock_is_unix(c.listen))
			sockpath = strncmp(c.listen, "unix:", 5) == 0 ?
			    c.listen + 5 : c.listen;
	}
	/*
	 * apitokenctl signals the pid in pid_file only if /proc/PID/comm is
	 * apitoken-fcgi (a stale file must not make it signal another
	 * process). Started through a wrapper (valgrind, the dynamic loader)
	 * our comm is the wrapper's: name ourselves. Workers inherit it.
	 */
	prctl(PR_SET_NAME, "apitoken-fcgi");
	if (main_pid_file(c.pid_file) == -1) {
		fprintf(stderr, "apitoken-fcgi: %s: %s\n", c.pid_file,
		    strerror(errno));
		return 1;
	}
	rc = pool_run(&c, path, fd, sockpath);
	if (c.pid_file[0] != '\0')
		unlink(c.pid_file);
	return rc;
}
