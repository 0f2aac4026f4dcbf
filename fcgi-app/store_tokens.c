/* store_tokens.c: the SQL for tokens (hash, public id, state, last use). */
#include <string.h>

#include "store_tokens.h"

#define TOKEN_COLS "t.id, t.public_id, t.hint, t.kind, " \
	"COALESCE(t.user_id, 0), t.created_at, COALESCE(t.expires_at, 0), " \
	"COALESCE(t.revoked_at, 0), COALESCE(t.last_used_at, 0), t.description"
#define TOKEN_NCOLS 10

static struct db_stmt st_insert = DB_STMT_INIT(
    "INSERT INTO tokens (token_hash, public_id, hint, kind, user_id, "
    "description, created_at, created_by, created_ip, created_user_agent, "
    "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0))", 0);
static struct db_stmt st_by_hash = DB_STMT_INIT(
    "SELECT " TOKEN_COLS ", COALESCE(u.login, ''), COALESCE(u.is_admin, 0), "
    "COALESCE(u.disabled_at, 0) FROM tokens t LEFT JOIN users u "
    "ON u.id = t.user_id WHERE t.token_hash = ?", 1);
static struct db_stmt st_by_public_id = DB_STMT_INIT(
    "SELECT " TOKEN_COLS " FROM tokens t WHERE t.public_id = ?", 1);
static struct db_stmt st_of_user = DB_STMT_INIT(
    "SELECT " TOKEN_COLS " FROM tokens t WHERE t.user_id = ? AND "
    "t.revoked_at IS NULL ORDER BY t.created_at DESC, t.id DESC LIMIT ?", 1);
static struct db_stmt st_count_live = DB_STMT_INIT(
    "SELECT COUNT(*) FROM tokens WHERE user_id = ? AND revoked_at IS NULL "
    "AND (expires_at IS NULL OR expires_at > ?)", 1);
static struct db_stmt st_revoke = DB_STMT_INIT(
    "UPDATE tokens SET revoked_at = ?, revoked_by = NULLIF(?, 0), "
    "revoked_reason = ? WHERE id = ? AND revoked_at IS NULL", 1);
static struct db_stmt st_touch = DB_STMT_INIT(
    "UPDATE tokens SET last_used_at = ?, last_used_ip = ? "
    "WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)", 1);

struct token_row {
	MYSQL_BIND	 out[TOKEN_NCOLS + 3];
	my_bool		 isnull[TOKEN_NCOLS + 3];
	unsigned long	 len[TOKEN_NCOLS + 3];
	int64_t		 admin;
};

static void
token_row_bind(struct token_row *r, struct store_token *t, int with_owner)
{
	memset(t, 0, sizeof(*t));
	db_out_i64(&r->out[0], &t->id, &r->isnull[0]);
	db_out_str(&r->out[1], t->public_id, sizeof(t->public_id), &r->len[1],
	    &r->isnull[1]);
	db_out_str(&r->out[2], t->hint, sizeof(t->hint), &r->len[2],
	    &r->isnull[2]);
	db_out_str(&r->out[3], t->kind, sizeof(t->kind), &r->len[3],
	    &r->isnull[3]);
	db_out_i64(&r->out[4], &t->user_id, &r->isnull[4]);
	db_out_i64(&r->out[5], &t->created_at, &r->isnull[5]);
	db_out_i64(&r->out[6], &t->expires_at, &r->isnull[6]);
	db_out_i64(&r->out[7], &t->revoked_at, &r->isnull[7]);
	db_out_i64(&r->out[8], &t->last_used_at, &r->isnull[8]);
	db_out_str(&r->out[9], t->description, sizeof(t->description),
	    &r->len[9], &r->isnull[9]);
	if (!with_owner)
		return;
	db_out_str(&r->out[10], t->owner.login, sizeof(t->owner.login),
	    &r->len[10], &r->isnull[10]);
	db_out_i64(&r->out[11], &r->admin, &r->isnull[11]);
	db_out_i64(&r->out[12], &t->owner.disabled_at, &r->isnull[12]);
}

int
store_token_insert(struct db *db, const struct store_token_new *t,
    int64_t *id)
{
	MYSQL_BIND in[11];
	int rc;

	db_in_blob(&in[0], t->hash, TOKEN_HASH_LEN);
	db_in_str(&in[1], t->public_id);
	db_in_str(&in[2], t->hint);
	db_in_str(&in[3], t->kind);
	db_in_i64(&in[4], &t->user_id);
	db_in_str(&in[5], t->description != NULL ? t->description : "");
	db_in_i64(&in[6], &t->created_at);
	db_in_i64(&in[7], &t->created_by);
	db_in_str_null(&in[8], t->created_ip);
	db_in_str_null(&in[9], t->created_user_agent);
	db_in_i64(&in[10], &t->expires_at);
	if ((rc = db_exec(db, &st_insert, in, NULL)) != DB_OK)
		return rc;
	*id = (int64_t)db_insert_id(&st_insert);
	return DB_OK;
}

static int
token_fetch_one(struct db *db, struct db_stmt *st, MYSQL_BIND *in,
    struct store_token *t, int with_owner)
{
	struct token_row r;
	int rc;

	token_row_bind(&r, t, with_owner);
	if ((rc = db_fetch_one(db, st, in, r.out)) < 0)
		return rc;
	if (with_owner) {
		t->owner.id = t->user_id;
		t->owner.is_admin = r.admin != 0;
	}
	return rc;
}

int
store_token_by_hash(struct db *db, const uint8_t *hash, struct store_token *t)
{
	MYSQL_BIND in[1];

	db_in_blob(&in[0], hash, TOKEN_HASH_LEN);
	return token_fetch_one(db, &st_by_hash, in, t, 1);
}

int
store_token_by_public_id(struct db *db, const char *public_id,
    struct store_token *t)
{
	MYSQL_BIND in[1];

	db_in_str(&in[0], public_id);
	return token_fetch_one(db, &st_by_public_id, in, t, 0);
}

int
store_token_each_of_user(struct db *db, int64_t user_id, int limit,
    void (*fn)(const struct store_token *, void *), void *arg)
{
	int64_t lim = limit;
	struct store_token t;
	struct token_row r;
	MYSQL_BIND in[2];
	int rc;

	db_in_i64(&in[0], &user_id);
	db_in_i64(&in[1], &lim);
	token_row_bind(&r, &t, 0);
	if ((rc = db_exec(db, &st_of_user, in, r.out)) != DB_OK)
		return rc;
	while ((rc = db_fetch(&st_of_user)) == 1)
		fn(&t, arg);
	db_done(&st_of_user);
	return rc == 0 ? DB_OK : DB_ERROR;
}

int
store_token_count_live(struct db *db, int64_t user_id, int64_t now,
    int64_t *count)
{
	MYSQL_BIND in[2], out[1];
	my_bool isnull;
	int rc;

	db_in_i64(&in[0], &user_id);
	db_in_i64(&in[1], &now);
	db_out_i64(&out[0], count, &isnull);
	rc = db_fetch_one(db, &st_count_live, in, out);
	return rc == 1 ? DB_OK : rc < 0 ? rc : DB_ERROR;
}

int
store_token_revoke(struct db *db, int64_t id, int64_t now, int64_t by,
    const char *reason, int *changed)
{
	MYSQL_BIND in[4];
	int rc;

	db_in_i64(&in[0], &now);
	db_in_i64(&in[1], &by);
	db_in_str_null(&in[2], reason);
	db_in_i64(&in[3], &id);
	if ((rc = db_exec(db, &st_revoke, in, NULL)) != DB_OK)
		return rc;
	*changed = db_affected(&st_revoke) > 0;
	return DB_OK;
}

int
store_token_touch(struct db *db, int64_t id, int64_t at, const char *ip)
{
	MYSQL_BIND in[4];

	db_in_i64(&in[0], &at);
	db_in_str(&in[1], ip);
	db_in_i64(&in[2], &id);
	db_in_i64(&in[3], &at);
	return db_exec(db, &st_touch, in, NULL);
}
