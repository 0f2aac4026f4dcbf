/* store_throttle.c: the SQL for failed-password counters (schema/005). */
#include <string.h>

#include "store_throttle.h"

#define THROTTLE_COLS "key_hash, kind, label, fails, window_start"

static struct db_stmt st_get = DB_STMT_INIT(
    "SELECT " THROTTLE_COLS " FROM login_throttle WHERE key_hash IN (?, ?)",
    1);
/*
 * Assignments run left to right: fails is decided on the old window_start
 * before window_start itself moves.
 */
static struct db_stmt st_fail = DB_STMT_INIT(
    "INSERT INTO login_throttle (key_hash, kind, label, fails, window_start) "
    "VALUES (?, ?, ?, 1, ?) ON DUPLICATE KEY UPDATE "
    "fails = IF(window_start <= ?, 1, fails + 1), "
    "window_start = IF(window_start <= ?, VALUES(window_start), "
    "window_start)", 0);
static struct db_stmt st_clear = DB_STMT_INIT(
    "DELETE FROM login_throttle WHERE key_hash = ?", 1);
static struct db_stmt st_clear_label = DB_STMT_INIT(
    "DELETE FROM login_throttle WHERE kind = 'ip' AND label = ?", 1);
static struct db_stmt st_clear_all = DB_STMT_INIT(
    "DELETE FROM login_throttle", 1);
static struct db_stmt st_purge = DB_STMT_INIT(
    "DELETE FROM login_throttle WHERE window_start < ? LIMIT 1000", 1);
static struct db_stmt st_list = DB_STMT_INIT(
    "SELECT " THROTTLE_COLS " FROM login_throttle "
    "ORDER BY window_start DESC LIMIT 1000", 1);

/* Runs st (already executed) row by row into fn. */
static int
throttle_rows(struct db *db, struct db_stmt *st, MYSQL_BIND *in,
    void (*fn)(const struct store_throttle_row *, void *), void *arg)
{
	struct store_throttle_row r;
	MYSQL_BIND out[5];
	my_bool isnull[5];
	unsigned long len[3];
	int rc;

	memset(&r, 0, sizeof(r));
	memset(out, 0, sizeof(out));
	out[0].buffer_type = MYSQL_TYPE_BLOB;
	out[0].buffer = r.key;
	out[0].buffer_length = sizeof(r.key);
	out[0].length = &len[0];
	out[0].is_null = &isnull[0];
	db_out_str(&out[1], r.kind, sizeof(r.kind), &len[1], &isnull[1]);
	db_out_str(&out[2], r.label, sizeof(r.label), &len[2], &isnull[2]);
	db_out_i64(&out[3], &r.fails, &isnull[3]);
	db_out_i64(&out[4], &r.window_start, &isnull[4]);
	if ((rc = db_exec(db, st, in, out)) != DB_OK)
		return rc;
	while ((rc = db_fetch(st)) == 1)
		fn(&r, arg);
	db_done(st);
	return rc == 0 ? DB_OK : DB_ERROR;
}

int
store_throttle_get(struct db *db, const uint8_t *k1, const uint8_t *k2,
    void (*fn)(const struct store_throttle_row *, void *), void *arg)
{
	static const uint8_t none[STORE_THROTTLE_KEY_LEN];
	MYSQL_BIND in[2];

	db_in_blob(&in[0], k1 != NULL ? k1 : none, STORE_THROTTLE_KEY_LEN);
	db_in_blob(&in[1], k2 != NULL ? k2 : none, STORE_THROTTLE_KEY_LEN);
	return throttle_rows(db, &st_get, in, fn, arg);
}

int
store_throttle_fail(struct db *db, const uint8_t *key, const char *kind,
    const char *label, int64_t now, int64_t window_ms, int *inserted)
{
	MYSQL_BIND in[6];
	int64_t stale = now - window_ms;
	int rc;

	db_in_blob(&in[0], key, STORE_THROTTLE_KEY_LEN);
	db_in_str(&in[1], kind);
	db_in_str(&in[2], label);
	db_in_i64(&in[3], &now);
	db_in_i64(&in[4], &stale);
	db_in_i64(&in[5], &stale);
	rc = db_exec(db, &st_fail, in, NULL);
	/* 1 affected row: inserted; 2: updated (MariaDB's upsert count). */
	*inserted = rc == DB_OK && db_affected(&st_fail) == 1;
	return rc;
}

int
store_throttle_clear(struct db *db, const uint8_t *key)
{
	MYSQL_BIND in[1];

	db_in_blob(&in[0], key, STORE_THROTTLE_KEY_LEN);
	return db_exec(db, &st_clear, in, NULL);
}

int
store_throttle_clear_label(struct db *db, const char *label)
{
	MYSQL_BIND in[1];

	if (label == NULL)
		return db_exec(db, &st_clear_all, NULL, NULL);
	db_in_str(&in[0], label);
	return db_exec(db, &st_clear_label, in, NULL);
}

int
store_throttle_purge(struct db *db, int64_t before)
{
	MYSQL_BIND in[1];

	db_in_i64(&in[0], &before);
	return db_exec(db, &st_purge, in, NULL);
}

int
store_throttle_list(struct db *db,
    void (*fn)(const struct store_throttle_row *, void *), void *arg)
{
	return throttle_rows(db, &st_list, NULL, fn, arg);
}
