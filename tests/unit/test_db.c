/*
 * test_db.c: db.c without a server: the statement list, error classes, the
 * bound on error lines.
 */
#include <fcntl.h>
#include <unistd.h>

#include "db.c"

#include "unit.h"

static struct db_stmt st_a = DB_STMT_INIT("SELECT 1", 1);
static struct db_stmt st_b = DB_STMT_INIT("SELECT 2", 1);

/* Length of db_stmts, or -1 when it does not end within 100 links. */
static int
stmt_list_len(void)
{
	struct db_stmt *st;
	int n = 0;

	for (st = db_stmts; st != NULL; st = st->next)
		if (++n > 100)
			return -1;
	return n;
}

/* Lines of path that contain s. */
static int
count_lines(const char *path, const char *s)
{
	char line[1024];
	FILE *f = fopen(path, "r");
	int n = 0;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		n += strstr(line, s) != NULL;
	fclose(f);
	return n;
}

/* 100 failures in a row log DB_LOG_BURST lines; the next says the rest. */
static void
test_log_bound(void)
{
	char path[] = "/tmp/test_db_log.XXXXXX";
	int fd = mkstemp(path), i;

	if (fd == -1 || log_open(path, LOG_LEVEL_INFO) == -1) {
		UNIT_CHECK("a log file for the test", 0);
		return;
	}
	close(fd);
	db_log_window = 0;
	db_log_lines = 0;
	for (i = 0; i < 100; i++)
		db_log_error("db_exec_failed", "execute", 1021, "Disk full");
	UNIT_CHECK("100 failed statements in a row log DB_LOG_BURST lines",
	    count_lines(path, "event=db_exec_failed") == DB_LOG_BURST);
	/* The window is over: the next line counts what was left out. */
	db_log_window -= DB_LOG_WINDOW_MS;
	db_log_error("db_exec_failed", "execute", 1021, "Disk full");
	UNIT_CHECK("the first line of the next window says 90 were left out",
	    count_lines(path, "suppressed=90") == 1);
	db_log_error("db_exec_failed", "execute", 1021, "Disk full");
	UNIT_CHECK("and the line after it has no count",
	    count_lines(path, "event=db_exec_failed") == DB_LOG_BURST + 2 &&
	    count_lines(path, "suppressed=") == 1);
	log_open(NULL, LOG_LEVEL_INFO);
	unlink(path);
}

int
main(void)
{
	struct conf c;
	struct db db;
	unsigned err;

	memset(&c, 0, sizeof(c));
	db_init(&db, &c, 0);
	/* A handle that never connected: every prepare fails (2013/2006). */
	db.conn = mysql_init(NULL);
	db.gen = 1;
	UNIT_CHECK("prepare fails without a connection",
	    db_prepare(&db, &st_a, &err) != DB_OK);
	UNIT_CHECK("a second failed prepare of it", db_prepare(&db, &st_a, &err) !=
	    DB_OK);
	UNIT_CHECK("and one of another statement", db_prepare(&db, &st_b, &err) !=
	    DB_OK);
	UNIT_CHECK("prepare fails again after another statement",
	    db_prepare(&db, &st_a, &err) != DB_OK);
	UNIT_CHECK("a failed prepare says the server's error number",
	    err == CR_SERVER_LOST || err == CR_SERVER_GONE_ERROR);
	UNIT_CHECK("failed prepares leave the statement list finite",
	    stmt_list_len() >= 0);
	UNIT_CHECK("a statement is never linked to itself",
	    st_a.next != &st_a && st_b.next != &st_b);
	/* On a loop db_drop would spin: the checks above said so already. */
	if (stmt_list_len() >= 0) {
		db_drop(&db);
		UNIT_CHECK("db_drop returns and forgets the connection",
		    db.conn == NULL);
	}

	UNIT_CHECK("deadlock (1213) redoes the transaction",
	    db_errno_status(ER_LOCK_DEADLOCK) == DB_RETRY);
	UNIT_CHECK("lock wait timeout (1205) redoes the transaction",
	    db_errno_status(ER_LOCK_WAIT_TIMEOUT) == DB_RETRY);
	UNIT_CHECK("a lost server is unavailable",
	    db_errno_status(CR_SERVER_LOST) == DB_UNAVAILABLE &&
	    db_errno_lost(CR_SERVER_LOST));
	UNIT_CHECK("a Galera node not ready (1047) drops the connection",
	    db_errno_lost(1047) && db_errno_status(1047) == DB_UNAVAILABLE);
	UNIT_CHECK("a commit that lost the primary component (1180) too",
	    db_errno_lost(1180) && db_errno_status(1180) == DB_UNAVAILABLE);
	test_log_bound();
	return unit_summary("test_db");
}
