/*
 * bench/floor.c: the FastCGI "floor" bench/run compares apitoken with.
 *
 *   floor -s SOCKET -n WORKERS [-P PID_FILE]
 *         [-d DB_SOCKET -u USER -p PASSWORD_FILE -D NAME]
 *
 * Binds SOCKET, forks WORKERS processes that each answer every request with
 * a constant 200 JSON body (the hello floor). With -d, each request first
 * runs one prepared primary-key SELECT on the tokens table (the db floor):
 * the least any token check that reaches MariaDB can cost. Nothing else:
 * no parsing, no logging. SIGTERM to the parent stops the workers. With -P
 * the parent writes its pid there (bench/run stops it by that file, as
 * scripts/lib/stack.sh stops everything it starts).
 */
#include <errno.h>
#include <fcgiapp.h>
#include <mysql.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define FLOOR_MAX_WORKERS	64

/* libfcgi's own printf knows no %zu: the whole answer is one constant. */
static const char floor_answer[] = "Status: 200 OK\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 15\r\n\r\n"
    "{\"status\":\"ok\"}";
static const char floor_unavailable[] = "Status: 503 Service Unavailable\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 14\r\n\r\n"
    "{\"error\":\"db\"}";

struct floor_db {
	const char	*sock, *user, *pwfile, *name;
	MYSQL		*conn;
	MYSQL_STMT	*st;
	unsigned	 max_id;
};

static void
floor_die(const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
floor_db_open(struct floor_db *d)
{
	static const char sql[] = "SELECT id, public_id FROM tokens WHERE id = ?";
	char pw[256] = "";
	FILE *f;
	MYSQL_RES *res;
	MYSQL_ROW row;

	if ((f = fopen(d->pwfile, "r")) != NULL) {
		if (fgets(pw, sizeof(pw), f) != NULL)
			pw[strcspn(pw, "\r\n")] = '\0';
		fclose(f);
	}
	if ((d->conn = mysql_init(NULL)) == NULL ||
	    mysql_real_connect(d->conn, NULL, d->user, pw, d->name, 0,
	    d->sock, 0) == NULL) {
		fprintf(stderr, "floor: connect: %s\n", mysql_error(d->conn));
		exit(1);
	}
	/*
	 * Ids to draw from: the tokens the bench loaded. The same table (and
	 * size) a token check reads, so the floor costs what the least
	 * possible check that reaches MariaDB would.
	 */
	if (mysql_query(d->conn, "SELECT COALESCE(MAX(id), 1) FROM tokens") != 0 ||
	    (res = mysql_store_result(d->conn)) == NULL ||
	    (row = mysql_fetch_row(res)) == NULL) {
		fprintf(stderr, "floor: %s\n", mysql_error(d->conn));
		exit(1);
	}
	d->max_id = (unsigned)strtoul(row[0], NULL, 10);
	mysql_free_result(res);
	if ((d->st = mysql_stmt_init(d->conn)) == NULL ||
	    mysql_stmt_prepare(d->st, sql, sizeof(sql) - 1) != 0) {
		fprintf(stderr, "floor: prepare: %s\n", mysql_error(d->conn));
		exit(1);
	}
}

/* One round trip: execute, fetch the row, as a token lookup would. */
static int
floor_db_query(struct floor_db *d)
{
	MYSQL_BIND in, out[2];
	long long id = 1 + random() % d->max_id, got = 0;
	char login[256];
	unsigned long len = 0;
	int rc;

	memset(&in, 0, sizeof(in));
	memset(out, 0, sizeof(out));
	in.buffer_type = MYSQL_TYPE_LONGLONG;
	in.buffer = &id;
	out[0].buffer_type = MYSQL_TYPE_LONGLONG;
	out[0].buffer = &got;
	out[1].buffer_type = MYSQL_TYPE_STRING;
	out[1].buffer = login;
	out[1].buffer_length = sizeof(login);
	out[1].length = &len;
	if (mysql_stmt_bind_param(d->st, &in) != 0 ||
	    mysql_stmt_execute(d->st) != 0 ||
	    mysql_stmt_bind_result(d->st, out) != 0)
		return -1;
	while ((rc = mysql_stmt_fetch(d->st)) == 0)
		;
	mysql_stmt_free_result(d->st);
	return rc == MYSQL_NO_DATA ? 0 : -1;
}

static void
floor_serve(int fd, struct floor_db *d)
{
	FCGX_Request req;

	if (d->sock != NULL)
		floor_db_open(d);
	FCGX_Init();
	FCGX_InitRequest(&req, fd, 0);
	while (FCGX_Accept_r(&req) >= 0) {
		if (d->sock != NULL && floor_db_query(d) != 0)
			FCGX_PutStr(floor_unavailable,
			    sizeof(floor_unavailable) - 1, req.out);
		else
			FCGX_PutStr(floor_answer, sizeof(floor_answer) - 1,
			    req.out);
	}
	exit(0);
}

static volatile sig_atomic_t floor_stop;

static void
floor_on_term(int sig)
{
	(void)sig;
	floor_stop = 1;
}

int
main(int argc, char *argv[])
{
	struct floor_db d = { NULL, "apitoken", "", "apitoken", NULL, NULL, 0 };
	pid_t kids[FLOOR_MAX_WORKERS];
	const char *path = NULL, *pidfile = NULL;
	struct sigaction sa;
	sigset_t block, old;
	FILE *pf;
	int ch, n = 2, i, fd;

	while ((ch = getopt(argc, argv, "s:n:P:d:u:p:D:")) != -1) {
		switch (ch) {
		case 's': path = optarg; break;
		case 'P': pidfile = optarg; break;
		case 'n': n = atoi(optarg); break;
		case 'd': d.sock = optarg; break;
		case 'u': d.user = optarg; break;
		case 'p': d.pwfile = optarg; break;
		case 'D': d.name = optarg; break;
		default:
			fprintf(stderr, "usage: floor -s SOCKET -n WORKERS "
			    "[-P PID_FILE] [-d DB_SOCKET -u USER -p PASSWORD_FILE "
			    "-D NAME]\n");
			return 2;
		}
	}
	if (path == NULL || n < 1 || n > FLOOR_MAX_WORKERS) {
		fprintf(stderr, "floor: -s SOCKET and -n 1..%d are required\n",
		    FLOOR_MAX_WORKERS);
		return 2;
	}
	unlink(path);
	if ((fd = FCGX_OpenSocket(path, 1024)) < 0)
		floor_die("cannot listen");
	chmod(path, 0666);
	/*
	 * SIGTERM stays blocked until the workers exist and the handler is
	 * set: a stop that comes early must still reach them, not kill the
	 * parent alone and leave them serving.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);
	for (i = 0; i < n; i++) {
		if ((kids[i] = fork()) == -1)
			floor_die("fork");
		if (kids[i] == 0) {
			/* Workers die of SIGTERM at once, as they should. */
			sigprocmask(SIG_SETMASK, &old, NULL);
			srandom((unsigned)getpid());
			floor_serve(fd, &d);
		}
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = floor_on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (pidfile != NULL) {
		if ((pf = fopen(pidfile, "w")) == NULL)
			floor_die(pidfile);
		fprintf(pf, "%ld\n", (long)getpid());
		fclose(pf);
	}
	while (!floor_stop)
		sigsuspend(&old);
	for (i = 0; i < n; i++)
		kill(kids[i], SIGTERM);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	unlink(path);
	if (pidfile != NULL)
		unlink(pidfile);
	return 0;
}
