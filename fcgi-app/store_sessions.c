/* store_sessions.c: the SQL for browser sessions (stored by hash only). */
#include <string.h>

#include "store_sessions.h"

static struct db_stmt st_insert = DB_STMT_INIT(
    "INSERT INTO sessions (id_hash, user_id, created_at, expires_at, ip, "
    "user_agent) VALUES (?, ?, ?, ?, ?, ?)", 0);
static struct db_stmt st_user = DB_STMT_INIT(
    "SELECT u.id, u.login, u.is_admin, COALESCE(u.disabled_at, 0), "
    "s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id "
    "WHERE s.id_hash = ? AND s.expires_at > ?", 1);
static struct db_stmt st_delete = DB_STMT_INIT(
    "DELETE FROM sessions WHERE id_hash = ?", 1);
static struct db_stmt st_delete_user = DB_STMT_INIT(
    "DELETE FROM sessions WHERE user_id = ?", 1);
static struct db_stmt st_purge = DB_STMT_INIT(
    "DELETE FROM sessions WHERE expires_at < ? LIMIT 1000", 1);

int
store_session_insert(struct db *db, const uint8_t *hash, int64_t user_id,
    int64_t now, int64_t expires_at, const char *ip, const char *user_agent)
{
	MYSQL_BIND in[6];

	db_in_blob(&in[0], hash, STORE_SESSION_HASH_LEN);
	db_in_i64(&in[1], &user_id);
	db_in_i64(&in[2], &now);
	db_in_i64(&in[3], &expires_at);
	db_in_str(&in[4], ip);
	db_in_str(&in[5], user_agent);
	return db_exec(db, &st_insert, in, NULL);
}

int
store_session_user(struct db *db, const uint8_t *hash, int64_t now,
    struct store_user *u, int64_t *expires_at)
{
	MYSQL_BIND in[2], out[5];
	my_bool isnull[5];
	unsigned long len;
	int64_t admin;
	int rc;

	memset(u, 0, sizeof(*u));
	db_in_blob(&in[0], hash, STORE_SESSION_HASH_LEN);
	db_in_i64(&in[1], &now);
	db_out_i64(&out[0], &u->id, &isnull[0]);
	db_out_str(&out[1], u->login, sizeof(u->login), &len, &isnull[1]);
	db_out_i64(&out[2], &admin, &isnull[2]);
	db_out_i64(&out[3], &u->disabled_at, &isnull[3]);
	db_out_i64(&out[4], expires_at, &isnull[4]);
	rc = db_fetch_one(db, &st_user, in, out);
	u->is_admin = admin != 0;
	return rc;
}

int
store_session_delete(struct db *db, const uint8_t *hash)
{
	MYSQL_BIND in[1];

	db_in_blob(&in[0], hash, STORE_SESSION_HASH_LEN);
	return db_exec(db, &st_delete, in, NULL);
}

int
store_session_delete_user(struct db *db, int64_t user_id)
{
	MYSQL_BIND in[1];

	db_in_i64(&in[0], &user_id);
	return db_exec(db, &st_delete_user, in, NULL);
}

int
store_session_purge(struct db *db, int64_t now)
{
	MYSQL_BIND in[1];

	db_in_i64(&in[0], &now);
	return db_exec(db, &st_purge, in, NULL);
}
