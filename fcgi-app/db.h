/* db.h: the MariaDB connection, prepared-statement cache, reconnect, retry. */
#ifndef APITOKEN_DB_H
#define APITOKEN_DB_H

#include <stddef.h>
#include <stdint.h>

#include <mysql.h>

#include "conf.h"

enum db_status {
	DB_OK = 0,
	DB_ERROR = -1,		/* a bug or a constraint we did not expect */
	DB_UNAVAILABLE = -2,	/* cannot reach the server: 503 */
	DB_DUPLICATE = -3,	/* unique key violation (1062) */
	DB_RETRY = -4,		/* deadlock or lock wait timeout: redo the tx */
};

/*
 * A statement owned by a store: its SQL, whether running it twice is
 * harmless (then a lost connection is retried once), and the handle
 * prepared on the current connection. Declare them static in the store.
 */
struct db_stmt {
	const char	*sql;
	int		 idempotent;
	MYSQL_STMT	*h;
	unsigned	 gen;	/* connection generation it was prepared on */
	struct db_stmt	*next;	/* every statement prepared so far */
	MYSQL_BIND	*out;	/* result binds of the last db_exec */
	int		 auth_change;	/* may make a cached token unusable */
};

#define DB_STMT_INIT(sql, idem)	{ (sql), (idem), NULL, 0, NULL, NULL, 0 }
/*
 * A statement that can revoke, shorten, disable or narrow what a token may
 * do: once it is committed, db calls the change hook (the token cache).
 */
#define DB_STMT_AUTH(sql, idem)	{ (sql), (idem), NULL, 0, NULL, NULL, 1 }

struct db {
	MYSQL		*conn;
	const struct conf *conf;
	unsigned	 gen;		/* bumped by every (re)connect */
	int		 in_tx;
	int64_t		 down_until_ms;	/* fail fast after a failed connect */
	unsigned long	 reconnects;
	unsigned long	 errors;
	unsigned	 last_errno;
	unsigned long	 client_flags;
	int		 tx_auth_change;	/* an auth change waits for COMMIT */
};

/*
 * Called after an auth change is committed (or, outside a transaction, has
 * run), never before: see cache.c for why the order matters.
 */
void	 db_set_change_hook(void (*fn)(void));
/*
 * The auth epoch (schema/004): moved by every committed auth change, on
 * any host. One round trip. A db_status.
 */
int	 db_auth_epoch(struct db *db, int64_t *n);

int	 db_init(struct db *db, const struct conf *c, unsigned long client_flags);
/* Connects if not connected. DB_OK or DB_UNAVAILABLE. */
int	 db_connect(struct db *db);
void	 db_close(struct db *db);
int	 db_ping(struct db *db);

void	 db_in_i64(MYSQL_BIND *b, const int64_t *v);
/* A NULL pointer binds SQL NULL. */
void	 db_in_i64_null(MYSQL_BIND *b, const int64_t *v);
void	 db_in_str(MYSQL_BIND *b, const char *s);
void	 db_in_str_null(MYSQL_BIND *b, const char *s);
void	 db_in_blob(MYSQL_BIND *b, const void *p, size_t len);
void	 db_out_i64(MYSQL_BIND *b, int64_t *v, my_bool *is_null);
/* buf is NUL-terminated after each fetch by db_fetch. */
void	 db_out_str(MYSQL_BIND *b, char *buf, size_t cap, unsigned long *len,
	    my_bool *is_null);

/*
 * Runs st with the input binds in (may be NULL) and, for a query, binds
 * out (may be NULL) and buffers the result: call db_fetch until it returns
 * 0, then db_done. Returns a db_status. Outside a transaction a deadlock,
 * lock wait timeout or lost certification (rolled back) is run again, up
 * to 3 times in all; then as db_tx.
 */
int	 db_exec(struct db *db, struct db_stmt *st, MYSQL_BIND *in,
	    MYSQL_BIND *out);
/* 1: a row, 0: no more rows, -1: error. */
int	 db_fetch(struct db_stmt *st);
void	 db_done(struct db_stmt *st);
/* db_exec + one db_fetch + db_done: 1 a row, 0 none, or a db_status. */
int	 db_fetch_one(struct db *db, struct db_stmt *st, MYSQL_BIND *in,
	    MYSQL_BIND *out);
uint64_t db_affected(struct db_stmt *st);
uint64_t db_insert_id(struct db_stmt *st);

/*
 * Runs fn inside BEGIN ... COMMIT. On a deadlock, lock wait timeout or
 * lost Galera certification the whole transaction is retried (up to 3
 * times), then the connection is dropped and DB_UNAVAILABLE returned.
 * fn returns a db_status.
 */
int	 db_tx(struct db *db, int (*fn)(struct db *, void *), void *arg);
/* Plain statement without parameters (DDL, migrations). */
int	 db_query(struct db *db, const char *sql);

#endif
