/* db.c: the MariaDB connection, prepared-statement cache, reconnect, retry. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errmsg.h>
#include <mysqld_error.h>

#include "db.h"
#include "log.h"
#include "util.h"

#define DB_DOWN_BACKOFF_MS	1000	/* after a failed connect, fail fast */
#define DB_TX_TRIES		3
/*
 * Run at connect when [database] host lists several servers. A Galera node
 * that is not ready (joining, or cut off from the primary component)
 * accepts connections but refuses queries (1047); SHOW is allowed and says
 * so. Another server has no such variable: ready.
 */
#define DB_READY_PROBE	"SHOW STATUS LIKE 'wsrep_ready'"

static struct db_stmt *db_stmts;	/* every statement prepared so far */

static int
db_errno_lost(unsigned e)
{
	return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST ||
	    e == CR_CONNECTION_ERROR || e == CR_CONN_HOST_ERROR ||
	    e == 4031 /* ER_CLIENT_INTERACTION_TIMEOUT */ ||
	    e == ER_SERVER_SHUTDOWN || e == ER_CONNECTION_KILLED ||
	    e == CR_COMMANDS_OUT_OF_SYNC ||
	    /*
	     * ER_UNKNOWN_COM_ERROR: a Galera node that is not ready (joining,
	     * or cut off from the primary component) refuses every query;
	     * ER_ERROR_DURING_COMMIT (1180): it lost the primary component
	     * while committing, and rolled back. The connection is no use:
	     * drop it, the next one goes to a node that serves
	     * (DB_READY_PROBE).
	     */
	    e == 1047 || e == 1180;
}

static int
db_errno_status(unsigned e)
{
	if (e == ER_DUP_ENTRY)
		return DB_DUPLICATE;
	if (e == ER_LOCK_DEADLOCK || e == ER_LOCK_WAIT_TIMEOUT)
		return DB_RETRY;
	if (db_errno_lost(e))
		return DB_UNAVAILABLE;
	/* Read-only server, disk full: the request cannot be served now. */
	if (e == ER_OPTION_PREVENTS_STATEMENT || e == ER_RECORD_FILE_FULL ||
	    e == 1021 /* ER_DISK_FULL */ || e == 1290)
		return DB_UNAVAILABLE;
	return DB_ERROR;
}

int
db_init(struct db *db, const struct conf *c, unsigned long client_flags)
{
	memset(db, 0, sizeof(*db));
	db->conf = c;
	db->client_flags = client_flags;
	return 0;
}

/*
 * A database that is down, full or read-only fails every statement of
 * every request: unbounded, the log grew by 21,115 lines in a minute with
 * the disk full (and a full disk is where that hurts). Each process logs
 * at most DB_LOG_BURST of these lines per DB_LOG_WINDOW_MS; the next line
 * it logs says how many it left out. The metrics still count every one.
 */
#define DB_LOG_BURST		10
#define DB_LOG_WINDOW_MS	10000
static int64_t db_log_window;	/* util_mono_ms() the window began */
static unsigned db_log_lines;	/* logged in this window */
static unsigned long db_log_dropped;

static void
db_log_error(const char *event, const char *what, unsigned e, const char *msg)
{
	int64_t now = util_mono_ms();
	char q[256];

	if (db_log_window == 0 || now - db_log_window >= DB_LOG_WINDOW_MS) {
		db_log_window = now;
		db_log_lines = 0;
	}
	if (db_log_lines >= DB_LOG_BURST) {
		db_log_dropped++;
		return;
	}
	db_log_lines++;
	if (db_log_dropped > 0)
		log_warn(event, "what=%s errno=%u msg=%s suppressed=%lu", what,
		    e, log_quote(q, sizeof(q), msg), db_log_dropped);
	else
		log_warn(event, "what=%s errno=%u msg=%s", what, e,
		    log_quote(q, sizeof(q), msg));
	db_log_dropped = 0;
}

/* A handle with our options, not connected yet. */
static MYSQL *
db_handle_new(const struct conf *c)
{
	unsigned int ct = c->db_connect_timeout, rt = c->db_read_timeout,
	    wt = c->db_write_timeout;
	my_bool off = 0;
	MYSQL *m;

	if ((m = mysql_init(NULL)) == NULL)
		return NULL;
	mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &ct);
	mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &rt);
	mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &wt);
	mysql_options(m, MYSQL_OPT_RECONNECT, &off);
	mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(m, MYSQL_INIT_COMMAND,
	    "SET SESSION sql_mode='STRICT_ALL_TABLES,NO_ZERO_DATE,"
	    "NO_ENGINE_SUBSTITUTION,ERROR_FOR_DIVISION_BY_ZERO',"
	    "time_zone='+00:00'");
	return m;
}

/* 1 when the server m is connected to serves queries (DB_READY_PROBE). */
static int
db_host_ready(MYSQL *m)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	int ready = 1;

	if (mysql_real_query(m, DB_READY_PROBE, strlen(DB_READY_PROBE)) != 0 ||
	    (res = mysql_store_result(m)) == NULL)
		return 0;
	if ((row = mysql_fetch_row(res)) != NULL && row[1] != NULL &&
	    strcmp(row[1], "ON") != 0)
		ready = 0;
	mysql_free_result(res);
	return ready;
}

/*
 * Tries each host of the comma-separated list in order; one that accepts
 * the connection but does not serve is closed and the next one tried
 * (*mp is then a new handle).
 */
static int
db_connect_hosts(struct db *db, MYSQL **mp)
{
	const struct conf *c = db->conf;
	char host[256];
	const char *p = c->db_host, *end;
	size_t n;
	MYSQL *m = *mp;
	int several = strchr(c->db_host, ',') != NULL;

	if (c->db_socket[0] != '\0')
		return mysql_real_connect(m, "localhost", c->db_user,
		    c->db_password, c->db_name, 0, c->db_socket,
		    db->client_flags) != NULL ? 0 : -1;
	while (*p != '\0') {
		while (*p == ' ' || *p == ',')
			p++;
		end = p;
		while (*end != '\0' && *end != ',')
			end++;
		n = (size_t)(end - p);
		while (n > 0 && p[n - 1] == ' ')
			n--;
		if (n > 0 && n < sizeof(host)) {
			unsigned port = c->db_port;
			char *colon;

			memcpy(host, p, n);
			host[n] = '\0';
			/* "host:port"; a bare IPv6 literal has several colons. */
			colon = strrchr(host, ':');
			if (colon != NULL && strchr(host, ':') == colon) {
				int64_t v;

				if (util_parse_i64(colon + 1, strlen(colon + 1),
				    1, 65535, &v) == 0) {
					port = (unsigned)v;
					*colon = '\0';
				}
			}
			if (mysql_real_connect(m, host, c->db_user,
			    c->db_password, c->db_name, port, NULL,
			    db->client_flags) != NULL) {
				if (!several || db_host_ready(m))
					return 0;
				log_warn("db_host_not_ready", "host=%s port=%u",
				    host, port);
				mysql_close(m);
				if ((m = *mp = db_handle_new(c)) == NULL)
					return -1;
			} else
				db_log_error("db_connect_failed", host,
				    mysql_errno(m), mysql_error(m));
		}
		p = end;
	}
	return -1;
}

int
db_connect(struct db *db)
{
	const struct conf *c = db->conf;
	MYSQL *m;
	int64_t now;

	if (db->conn != NULL)
		return DB_OK;
	now = util_mono_ms();
	if (now < db->down_until_ms)
		return DB_UNAVAILABLE;
	if ((m = db_handle_new(c)) == NULL)
		return DB_UNAVAILABLE;
	if (db_connect_hosts(db, &m) == -1) {
		if (m == NULL) {
			db->down_until_ms = now + DB_DOWN_BACKOFF_MS;
			return DB_UNAVAILABLE;
		}
		db_log_error("db_connect_failed", c->db_socket[0] != '\0' ?
		    c->db_socket : "hosts", mysql_errno(m), mysql_error(m));
		mysql_close(m);
		db->down_until_ms = now + DB_DOWN_BACKOFF_MS;
		return DB_UNAVAILABLE;
	}
	db->conn = m;
	db->gen++;
	if (db->gen > 1) {
		db->reconnects++;
		log_info("db_reconnect", "count=%lu", db->reconnects);
	}
	return DB_OK;
}

/* Drops a broken connection; statements re-prepare on the next one. */
static void
db_drop(struct db *db)
{
	struct db_stmt *st;

	/* Every live handle belongs to this connection. */
	for (st = db_stmts; st != NULL; st = st->next) {
		if (st->h != NULL)
			mysql_stmt_close(st->h);
		st->h = NULL;
	}
	if (db->conn != NULL)
		mysql_close(db->conn);
	db->conn = NULL;
	db->in_tx = 0;
}

void
db_close(struct db *db)
{
	db_drop(db);
}

int
db_ping(struct db *db)
{
	int rc;

	if ((rc = db_connect(db)) != DB_OK)
		return rc;
	if (mysql_ping(db->conn) == 0)
		return DB_OK;
	db_log_error("db_ping_failed", "ping", mysql_errno(db->conn),
	    mysql_error(db->conn));
	db_drop(db);
	if ((rc = db_connect(db)) != DB_OK)
		return rc;
	return mysql_ping(db->conn) == 0 ? DB_OK : DB_UNAVAILABLE;
}

void
db_in_i64(MYSQL_BIND *b, const int64_t *v)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_LONGLONG;
	b->buffer = (void *)(uintptr_t)v;
}

void
db_in_i64_null(MYSQL_BIND *b, const int64_t *v)
{
	memset(b, 0, sizeof(*b));
	if (v == NULL) {
		b->buffer_type = MYSQL_TYPE_NULL;
		return;
	}
	db_in_i64(b, v);
}

void
db_in_str(MYSQL_BIND *b, const char *s)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_STRING;
	b->buffer = (void *)(uintptr_t)s;
	b->buffer_length = strlen(s);
}

void
db_in_str_null(MYSQL_BIND *b, const char *s)
{
	memset(b, 0, sizeof(*b));
	if (s == NULL) {
		b->buffer_type = MYSQL_TYPE_NULL;
		return;
	}
	db_in_str(b, s);
}

void
db_in_blob(MYSQL_BIND *b, const void *p, size_t len)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_BLOB;
	b->buffer = (void *)(uintptr_t)p;
	b->buffer_length = len;
}

void
db_out_i64(MYSQL_BIND *b, int64_t *v, my_bool *is_null)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_LONGLONG;
	b->buffer = v;
	b->is_null = is_null;
	*v = 0;
}

void
db_out_str(MYSQL_BIND *b, char *buf, size_t cap, unsigned long *len,
    my_bool *is_null)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_STRING;
	b->buffer = buf;
	/* One byte is kept for the NUL that db_fetch adds. */
	b->buffer_length = cap > 0 ? cap - 1 : 0;
	b->length = len;
	b->is_null = is_null;
	if (cap > 0)
		buf[0] = '\0';
}

/* *err: the server's error number when it failed (it is the statement's). */
static int
db_prepare(struct db *db, struct db_stmt *st, unsigned *err)
{
	MYSQL_STMT *h;

	*err = 0;
	if (st->h != NULL && st->gen == db->gen)
		return DB_OK;
	if ((h = mysql_stmt_init(db->conn)) == NULL) {
		*err = mysql_errno(db->conn);
		return DB_UNAVAILABLE;
	}
	if (mysql_stmt_prepare(h, st->sql, strlen(st->sql)) != 0) {
		unsigned e = mysql_stmt_errno(h);

		db_log_error("db_prepare_failed", "prepare", e,
		    mysql_stmt_error(h));
		mysql_stmt_close(h);
		*err = e;
		return db_errno_status(e);
	}
	/*
	 * First prepared in this process: remember it for db_drop. Only
	 * here, once: a statement whose first prepare failed was linked
	 * again on its next try and made the list a loop (db_drop spun).
	 */
	if (st->gen == 0) {
		st->next = db_stmts;
		db_stmts = st;
	}
	st->h = h;
	st->gen = db->gen;
	return DB_OK;
}

static int
db_exec_once(struct db *db, struct db_stmt *st, MYSQL_BIND *in,
    MYSQL_BIND *out, unsigned *err)
{
	int rc;

	*err = 0;
	if ((rc = db_connect(db)) != DB_OK)
		return rc;
	if ((rc = db_prepare(db, st, err)) != DB_OK)
		return rc;
	if (in != NULL && mysql_stmt_bind_param(st->h, in) != 0)
		goto fail;
	if (mysql_stmt_execute(st->h) != 0)
		goto fail;
	st->out = out;
	if (out != NULL) {
		if (mysql_stmt_bind_result(st->h, out) != 0)
			goto fail;
		if (mysql_stmt_store_result(st->h) != 0)
			goto fail;
	}
	return DB_OK;
fail:
	*err = mysql_stmt_errno(st->h);
	rc = db_errno_status(*err);
	if (rc != DB_DUPLICATE)
		db_log_error("db_exec_failed", "execute", *err,
		    mysql_stmt_error(st->h));
	return rc;
}

static void (*db_change_hook)(void);

void
db_set_change_hook(void (*fn)(void))
{
	db_change_hook = fn;
}

/* st ran: announce an auth change now, or at COMMIT inside a transaction. */
static void
db_note_change(struct db *db, const struct db_stmt *st)
{
	if (!st->auth_change)
		return;
	if (db->in_tx)
		db->tx_auth_change = 1;
	else if (db_change_hook != NULL)
		db_change_hook();
}

/*
 * Still a deadlock, lock wait timeout or lost certification after every
 * try. Under Galera it is also what a causal read (wsrep_sync_wait) gets
 * on a node cut off from the cluster (1205): drop the connection, so that
 * the next request connects again, to a node that serves, and answer 503
 * (try again) rather than 500.
 */
static int
db_retries_exhausted(struct db *db)
{
	log_warn("db_retries_exhausted", "errno=%u", db->last_errno);
	db_drop(db);
	return DB_UNAVAILABLE;
}

static int
db_exec_retry(struct db *db, struct db_stmt *st, MYSQL_BIND *in,
    MYSQL_BIND *out)
{
	unsigned err;
	int rc, in_tx = db->in_tx, try;

	rc = db_exec_once(db, st, in, out, &err);
	/*
	 * Outside a transaction, a deadlock or lock wait timeout rolled the
	 * statement back, and so did a lost Galera certification (1213: a
	 * conflicting write committed first on another node): running it
	 * again cannot count anything twice. Inside one, db_tx redoes the
	 * whole transaction.
	 */
	for (try = 1; rc == DB_RETRY && !in_tx && try < DB_TX_TRIES; try++) {
		log_info("db_retry", "try=%d errno=%u", try, err);
		rc = db_exec_once(db, st, in, out, &err);
	}
	if (rc == DB_OK)
		return DB_OK;
	db->errors++;
	db->last_errno = err;
	if (rc == DB_RETRY && !in_tx)
		return db_retries_exhausted(db);
	if (err == 0 || !db_errno_lost(err))
		return rc;
	/*
	 * The connection is gone: drop it so the next call reconnects and
	 * re-prepares. Inside a transaction the work is lost, so the caller
	 * (db_tx) decides; outside, an idempotent statement is retried once.
	 */
	db_drop(db);
	if (in_tx || !st->idempotent)
		return DB_UNAVAILABLE;
	rc = db_exec_once(db, st, in, out, &err);
	if (rc != DB_OK && err != 0 && db_errno_lost(err))
		db_drop(db);
	return rc;
}

/* Every auth change moves the epoch that other hosts poll (cache.c). */
static struct db_stmt st_epoch_bump = DB_STMT_INIT(
    "UPDATE auth_epoch SET n = n + 1 WHERE id = 1", 0);
static struct db_stmt st_epoch_read = DB_STMT_INIT(
    "SELECT n FROM auth_epoch WHERE id = 1", 1);

struct db_auth_stmt {
	struct db_stmt	*st;
	MYSQL_BIND	*in, *out;
};

static int
db_exec_auth(struct db *db, void *arg)
{
	struct db_auth_stmt *a = arg;
	int rc;

	if ((rc = db_exec_retry(db, a->st, a->in, a->out)) != DB_OK)
		return rc;
	return db_exec_retry(db, &st_epoch_bump, NULL, NULL);
}

int
db_exec(struct db *db, struct db_stmt *st, MYSQL_BIND *in, MYSQL_BIND *out)
{
	struct db_auth_stmt a = { st, in, out };
	int rc;

	if (!st->auth_change)
		return db_exec_retry(db, st, in, out);
	/*
	 * The change and the epoch move together: inside the caller's
	 * transaction, or in one of their own.
	 */
	rc = db->in_tx ? db_exec_auth(db, &a) : db_tx(db, db_exec_auth, &a);
	/* Even when it failed: a lost reply may hide a committed change. */
	db_note_change(db, st);
	return rc;
}

int
db_auth_epoch(struct db *db, int64_t *n)
{
	MYSQL_BIND out[1];
	my_bool isnull = 0;
	int rc;

	db_out_i64(&out[0], n, &isnull);
	rc = db_fetch_one(db, &st_epoch_read, NULL, out);
	if (rc == 0)
		return DB_ERROR;	/* the migration's row is missing */
	return rc < 0 ? rc : DB_OK;
}

int
db_fetch(struct db_stmt *st)
{
	unsigned int i, n;
	MYSQL_BIND *b;
	int rc;

	rc = mysql_stmt_fetch(st->h);
	if (rc == MYSQL_NO_DATA)
		return 0;
	if (rc != 0 && rc != MYSQL_DATA_TRUNCATED)
		return -1;
	/*
	 * NUL-terminate string outputs; truncated values stay truncated. A
	 * NULL is the empty string: the connector writes no length for it
	 * (valgrind saw the old code read an uninitialised one).
	 */
	n = mysql_stmt_field_count(st->h);
	b = st->out;
	for (i = 0; b != NULL && i < n; i++) {
		unsigned long l;

		if (b[i].buffer_type != MYSQL_TYPE_STRING || b[i].length == NULL)
			continue;
		l = b[i].is_null != NULL && *b[i].is_null ? 0 : *b[i].length;
		if (l > b[i].buffer_length)
			l = b[i].buffer_length;
		((char *)b[i].buffer)[l] = '\0';
		*b[i].length = l;
	}
	return 1;
}

int
db_fetch_one(struct db *db, struct db_stmt *st, MYSQL_BIND *in,
    MYSQL_BIND *out)
{
	int rc;

	if ((rc = db_exec(db, st, in, out)) != DB_OK)
		return rc;
	rc = db_fetch(st);
	db_done(st);
	return rc < 0 ? DB_ERROR : rc;
}

void
db_done(struct db_stmt *st)
{
	if (st->h != NULL)
		mysql_stmt_free_result(st->h);
}

uint64_t
db_affected(struct db_stmt *st)
{
	return st->h != NULL ? (uint64_t)mysql_stmt_affected_rows(st->h) : 0;
}

uint64_t
db_insert_id(struct db_stmt *st)
{
	return st->h != NULL ? (uint64_t)mysql_stmt_insert_id(st->h) : 0;
}

int
db_query(struct db *db, const char *sql)
{
	unsigned e;
	int rc;

	if ((rc = db_connect(db)) != DB_OK)
		return rc;
	if (mysql_real_query(db->conn, sql, strlen(sql)) == 0) {
		MYSQL_RES *res;

		/* Drain every result (multi-statement migrations). */
		do {
			if ((res = mysql_store_result(db->conn)) != NULL)
				mysql_free_result(res);
		} while (mysql_next_result(db->conn) == 0);
		if (mysql_errno(db->conn) == 0)
			return DB_OK;
	}
	e = mysql_errno(db->conn);
	db->last_errno = e;
	db->errors++;
	db_log_error("db_query_failed", "query", e, mysql_error(db->conn));
	rc = db_errno_status(e);
	if (db_errno_lost(e))
		db_drop(db);
	return rc;
}

int
db_tx(struct db *db, int (*fn)(struct db *, void *), void *arg)
{
	int rc = DB_ERROR, try;

	for (try = 0; try < DB_TX_TRIES; try++) {
		if ((rc = db_query(db, "START TRANSACTION")) != DB_OK) {
			/* Galera: a causal wait that timed out (1205). */
			if (rc != DB_RETRY)
				return rc;
			log_info("db_tx_retry", "try=%d errno=%u", try + 1,
			    db->last_errno);
			continue;
		}
		db->in_tx = 1;
		db->tx_auth_change = 0;
		rc = fn(db, arg);
		if (rc == DB_OK)
			rc = db_query(db, "COMMIT");
		db->in_tx = 0;
		/*
		 * Also after a failed COMMIT: whether it happened is unknown,
		 * and forgetting cached tokens is always safe.
		 */
		if (db->tx_auth_change && db_change_hook != NULL)
			db_change_hook();
		db->tx_auth_change = 0;
		if (rc == DB_OK)
			return DB_OK;
		if (db->conn != NULL)
			(void)db_query(db, "ROLLBACK");
		if (rc != DB_RETRY)
			return rc;
		log_info("db_tx_retry", "try=%d errno=%u", try + 1,
		    db->last_errno);
	}
	return db_retries_exhausted(db);
}
