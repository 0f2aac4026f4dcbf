/* test_db.c: db.c without a server: the statement list, error classes. */
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
	return unit_summary("test_db");
}
