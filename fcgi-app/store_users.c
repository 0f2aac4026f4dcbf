/* store_users.c: the SQL for users. */
#include <string.h>

#include "store_users.h"

#define USER_COLS "id, login, password_hash, is_admin, created_at, " \
	"COALESCE(disabled_at, 0)"

static struct db_stmt st_by_login = DB_STMT_INIT(
    "SELECT " USER_COLS " FROM users WHERE login = ?", 1);
static struct db_stmt st_by_id = DB_STMT_INIT(
    "SELECT " USER_COLS " FROM users WHERE id = ?", 1);
static struct db_stmt st_all = DB_STMT_INIT(
    "SELECT " USER_COLS " FROM users ORDER BY id", 1);
static struct db_stmt st_insert = DB_STMT_INIT(
    "INSERT INTO users (login, password_hash, is_admin, created_at) "
    "VALUES (?, ?, ?, ?)", 0);
static struct db_stmt st_set_password = DB_STMT_INIT(
    "UPDATE users SET password_hash = ? WHERE id = ?", 1);
static struct db_stmt st_set_disabled = DB_STMT_AUTH(
    "UPDATE users SET disabled_at = NULLIF(?, 0) WHERE id = ?", 1);

struct user_row {
	MYSQL_BIND	 out[6];
	my_bool		 isnull[6];
	unsigned long	 len[6];
	int64_t		 is_admin;
};

static void
user_row_bind(struct user_row *r, struct store_user *u)
{
	memset(u, 0, sizeof(*u));
	db_out_i64(&r->out[0], &u->id, &r->isnull[0]);
	db_out_str(&r->out[1], u->login, sizeof(u->login), &r->len[1],
	    &r->isnull[1]);
	db_out_str(&r->out[2], u->password_hash, sizeof(u->password_hash),
	    &r->len[2], &r->isnull[2]);
	db_out_i64(&r->out[3], &r->is_admin, &r->isnull[3]);
	db_out_i64(&r->out[4], &u->created_at, &r->isnull[4]);
	db_out_i64(&r->out[5], &u->disabled_at, &r->isnull[5]);
}

static int
user_fetch_one(struct db *db, struct db_stmt *st, MYSQL_BIND *in,
    struct store_user *u)
{
	struct user_row r;
	int rc;

	user_row_bind(&r, u);
	if ((rc = db_fetch_one(db, st, in, r.out)) < 0)
		return rc;
	u->is_admin = r.is_admin != 0;
	return rc;
}

int
store_user_by_login(struct db *db, const char *login, struct store_user *u)
{
	MYSQL_BIND in[1];

	db_in_str(&in[0], login);
	return user_fetch_one(db, &st_by_login, in, u);
}

int
store_user_by_id(struct db *db, int64_t id, struct store_user *u)
{
	MYSQL_BIND in[1];

	db_in_i64(&in[0], &id);
	return user_fetch_one(db, &st_by_id, in, u);
}

int
store_user_insert(struct db *db, const char *login, const char *hash,
    int is_admin, int64_t now, int64_t *id)
{
	int64_t admin = is_admin ? 1 : 0;
	MYSQL_BIND in[4];
	int rc;

	db_in_str(&in[0], login);
	db_in_str(&in[1], hash);
	db_in_i64(&in[2], &admin);
	db_in_i64(&in[3], &now);
	if ((rc = db_exec(db, &st_insert, in, NULL)) != DB_OK)
		return rc;
	*id = (int64_t)db_insert_id(&st_insert);
	return DB_OK;
}

int
store_user_set_password(struct db *db, int64_t id, const char *hash)
{
	MYSQL_BIND in[2];

	db_in_str(&in[0], hash);
	db_in_i64(&in[1], &id);
	return db_exec(db, &st_set_password, in, NULL);
}

int
store_user_set_disabled(struct db *db, int64_t id, int64_t disabled_at)
{
	MYSQL_BIND in[2];

	db_in_i64(&in[0], &disabled_at);
	db_in_i64(&in[1], &id);
	return db_exec(db, &st_set_disabled, in, NULL);
}

int
store_user_each(struct db *db, void (*fn)(const struct store_user *, void *),
    void *arg)
{
	struct store_user u;
	struct user_row r;
	int rc;

	user_row_bind(&r, &u);
	if ((rc = db_exec(db, &st_all, NULL, r.out)) != DB_OK)
		return rc;
	while ((rc = db_fetch(&st_all)) == 1) {
		u.is_admin = r.is_admin != 0;
		fn(&u, arg);
	}
	db_done(&st_all);
	return rc == 0 ? DB_OK : DB_ERROR;
}
