/* store_tokens.c: the SQL for tokens (hash, public id, state, use, rotation). */
#include <stddef.h>
#include <string.h>

#include "store_tokens.h"

/*
 * Every read returns the same columns, described once by token_cols below;
 * the owner, identity and predecessor come with the row (primary-key joins).
 */
#define TOKEN_SELECT "SELECT t.id, t.public_id, t.hint, t.kind, " \
	"COALESCE(t.user_id, 0), COALESCE(t.container_id, 0), " \
	"COALESCE(t.identity_id, 0), t.permissions, t.created_at, " \
	"COALESCE(t.created_by, 0), COALESCE(t.created_ip, ''), " \
	"COALESCE(t.created_user_agent, ''), t.description, " \
	"COALESCE(t.reason, ''), COALESCE(t.expires_at, 0), " \
	"COALESCE(t.max_expires_at, 0), COALESCE(t.ttl_ms, 0), t.uses, " \
	"t.max_uses, COALESCE(t.trusted_cidrs, ''), " \
	"COALESCE(t.last_used_at, 0), COALESCE(t.last_used_ip, ''), " \
	"COALESCE(t.revoked_at, 0), COALESCE(t.revoked_reason, ''), " \
	"COALESCE(t.rotated_from, 0), COALESCE(p.public_id, ''), " \
	"COALESCE(t.family_id, 0), COALESCE(t.superseded_at, 0), " \
	"COALESCE(t.overlap_until, 0), COALESCE(u.login, ''), " \
	"COALESCE(u.is_admin, 0), COALESCE(u.disabled_at, 0), " \
	"COALESCE(i.name, ''), COALESCE(i.org_role, ''), " \
	"COALESCE(i.disabled_at, 0) " \
	"FROM tokens t LEFT JOIN users u ON u.id = t.user_id " \
	"LEFT JOIN identities i ON i.id = t.identity_id " \
	"LEFT JOIN tokens p ON p.id = t.rotated_from "

#define OFF(f)		offsetof(struct store_token, f)
#define SZ(f)		sizeof(((struct store_token *)0)->f)
#define I64(f)		{ OFF(f), 0 }
#define STR(f)		{ OFF(f), SZ(f) }

/* size 0: an int64_t; otherwise a string buffer of that size. */
struct token_col {
	size_t	 off;
	size_t	 size;
};

static const struct token_col token_cols[] = {
	I64(id), STR(public_id), STR(hint), STR(kind), I64(user_id),
	I64(container_id), I64(identity_id), I64(permissions), I64(created_at),
	I64(created_by), STR(created_ip), STR(created_user_agent),
	STR(description), STR(reason), I64(expires_at), I64(max_expires_at),
	I64(ttl_ms), I64(uses), I64(max_uses), STR(trusted_cidrs),
	I64(last_used_at), STR(last_used_ip), I64(revoked_at),
	STR(revoked_reason), I64(rotated_from), STR(rotated_from_public),
	I64(family_id), I64(superseded_at), I64(overlap_until),
	STR(owner.login), I64(owner_admin),
	I64(owner.disabled_at), STR(identity_name), STR(identity_role),
	I64(identity_disabled_at),
};

#define TOKEN_NCOLS	(sizeof(token_cols) / sizeof(token_cols[0]))

/*
 * The token check reads only what deciding and whoami need: no texts, no
 * predecessor join, no COALESCE (a NULL leaves the zeroed field as is).
 * MariaDB's share of the hottest query is what bench/run's cache-off
 * scenario measures.
 */
#define TOKEN_AUTH_SELECT "SELECT t.id, t.public_id, t.kind, t.user_id, " \
	"t.container_id, t.identity_id, t.permissions, t.created_at, " \
	"t.expires_at, t.uses, t.max_uses, t.trusted_cidrs, t.revoked_at, " \
	"t.rotated_from, t.family_id, t.superseded_at, t.overlap_until, " \
	"t.last_used_at, u.login, u.is_admin, u.disabled_at, i.name, " \
	"i.org_role, i.disabled_at " \
	"FROM tokens t LEFT JOIN users u ON u.id = t.user_id " \
	"LEFT JOIN identities i ON i.id = t.identity_id "

static const struct token_col token_auth_cols[] = {
	I64(id), STR(public_id), STR(kind), I64(user_id), I64(container_id),
	I64(identity_id), I64(permissions), I64(created_at), I64(expires_at),
	I64(uses), I64(max_uses), STR(trusted_cidrs), I64(revoked_at),
	I64(rotated_from), I64(family_id), I64(superseded_at),
	I64(overlap_until), I64(last_used_at), STR(owner.login),
	I64(owner_admin), I64(owner.disabled_at), STR(identity_name),
	STR(identity_role), I64(identity_disabled_at),
};

#define TOKEN_AUTH_NCOLS \
	(sizeof(token_auth_cols) / sizeof(token_auth_cols[0]))

static struct db_stmt st_insert = DB_STMT_INIT(
    "INSERT INTO tokens (token_hash, public_id, hint, kind, user_id, "
    "container_id, identity_id, permissions, description, reason, "
    "created_at, created_by, created_ip, created_user_agent, expires_at, "
    "max_expires_at, ttl_ms, uses, max_uses, trusted_cidrs, rotated_from, "
    "family_id) VALUES (?, ?, ?, ?, NULLIF(?, 0), NULLIF(?, 0), "
    "NULLIF(?, 0), ?, ?, ?, ?, NULLIF(?, 0), ?, ?, NULLIF(?, 0), "
    "NULLIF(?, 0), NULLIF(?, 0), ?, ?, ?, NULLIF(?, 0), NULLIF(?, 0))", 0);
static struct db_stmt st_by_hash = DB_STMT_INIT(
    TOKEN_SELECT "WHERE t.token_hash = ?", 1);
static struct db_stmt st_auth_by_hash = DB_STMT_INIT(
    TOKEN_AUTH_SELECT "WHERE t.token_hash = ?", 1);
static struct db_stmt st_by_public_id = DB_STMT_INIT(
    TOKEN_SELECT "WHERE t.public_id = ?", 1);
static struct db_stmt st_visible = DB_STMT_INIT(
    "SELECT COUNT(*) FROM container_members WHERE container_id = ? AND "
    "user_id = ? AND (permissions & 8) <> 0", 1);
static struct db_stmt st_of_user = DB_STMT_INIT(
    TOKEN_SELECT "WHERE t.user_id = ? AND t.kind = 'personal' AND "
    "t.revoked_at IS NULL ORDER BY t.created_at DESC, t.id DESC LIMIT ?", 1);
/* The filter values come in once, as a one-row derived table f. */
static struct db_stmt st_each = DB_STMT_INIT(
    TOKEN_SELECT "JOIN (SELECT ? AS adm, ? AS uid, ? AS kind, ? AS cid, "
    "? AS iid, ? AS state, ? AS now) f "
    "WHERE (f.adm = 1 OR t.user_id = f.uid OR (t.kind = 'container' AND "
    "t.container_id IN (SELECT m.container_id FROM container_members m "
    "WHERE m.user_id = f.uid AND (m.permissions & 8) <> 0))) "
    "AND (f.kind = '' OR t.kind = f.kind) "
    "AND (f.cid = 0 OR t.container_id = f.cid) "
    "AND (f.iid = 0 OR t.identity_id = f.iid) "
    "AND (f.state = '' "
    "OR (f.state = 'revoked' AND t.revoked_at IS NOT NULL) "
    "OR (f.state = 'expired' AND t.revoked_at IS NULL "
    "AND t.expires_at <= f.now) "
    "OR (f.state = 'active' AND t.revoked_at IS NULL "
    "AND (t.expires_at IS NULL OR t.expires_at > f.now))) "
    "ORDER BY t.created_at DESC, t.id DESC LIMIT ? OFFSET ?", 1);
static struct db_stmt st_count_live = DB_STMT_INIT(
    "SELECT COUNT(*) FROM tokens WHERE user_id = ? AND kind = 'personal' "
    "AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)", 1);
static struct db_stmt st_revoke = DB_STMT_AUTH(
    "UPDATE tokens SET revoked_at = ?, revoked_by = NULLIF(?, 0), "
    "revoked_reason = ? WHERE id = ? AND revoked_at IS NULL", 1);
static struct db_stmt st_revoke_family = DB_STMT_AUTH(
    "UPDATE tokens SET revoked_at = ?, revoked_reason = ? "
    "WHERE (id = ? OR family_id = ?) AND revoked_at IS NULL", 1);
/*
 * lastUsed of up to STORE_TOUCH_BATCH tokens in one statement, built once
 * by store_touch_sql: "UPDATE tokens t JOIN (SELECT ? AS id, ? AS at, ? AS
 * ip UNION ALL SELECT ?, ?, ? ...) v ON t.id = v.id SET ...". A flush after
 * a busy minute may hold a thousand tokens: one round trip per token would
 * make the flush as costly as the requests it saved.
 */
#define TOUCH_HEAD "UPDATE tokens t JOIN (SELECT ? AS id, ? AS at, ? AS ip"
#define TOUCH_ROW " UNION ALL SELECT ?, ?, ?"
#define TOUCH_TAIL ") v ON t.id = v.id SET t.last_used_at = v.at, " \
	"t.last_used_ip = v.ip WHERE t.last_used_at IS NULL OR " \
	"t.last_used_at < v.at"
static char touch_sql[sizeof(TOUCH_HEAD) + sizeof(TOUCH_TAIL) +
    (STORE_TOUCH_BATCH - 1) * (sizeof(TOUCH_ROW) - 1)];
static struct db_stmt st_touch_many = DB_STMT_INIT(touch_sql, 1);
/* Not idempotent: a retry after a lost reply could count a use twice. */
static struct db_stmt st_use = DB_STMT_INIT(
    "UPDATE tokens SET uses = uses + 1 WHERE id = ? AND uses < max_uses", 0);
static struct db_stmt st_set_description = DB_STMT_INIT(
    "UPDATE tokens SET description = ? WHERE id = ?", 1);
static struct db_stmt st_set_expires = DB_STMT_AUTH(
    "UPDATE tokens SET expires_at = ? WHERE id = ?", 1);
static struct db_stmt st_supersede = DB_STMT_AUTH(
    "UPDATE tokens SET superseded_at = ?, overlap_until = ? "
    "WHERE id = ? AND superseded_at IS NULL AND revoked_at IS NULL", 1);

struct token_row {
	MYSQL_BIND	 out[TOKEN_NCOLS];
	my_bool		 isnull[TOKEN_NCOLS];
	unsigned long	 len[TOKEN_NCOLS];
};

static void
token_row_bind_cols(struct token_row *r, struct store_token *t,
    const struct token_col *cols, size_t n)
{
	size_t i;
	char *base = (char *)t;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < n; i++) {
		if (cols[i].size == 0)
			db_out_i64(&r->out[i], (int64_t *)(void *)(base +
			    cols[i].off), &r->isnull[i]);
		else
			db_out_str(&r->out[i], base + cols[i].off,
			    cols[i].size, &r->len[i], &r->isnull[i]);
	}
}

static void
token_row_bind(struct token_row *r, struct store_token *t)
{
	token_row_bind_cols(r, t, token_cols, TOKEN_NCOLS);
}

static void
token_row_finish(struct store_token *t)
{
	t->owner.id = t->user_id;
	t->owner.is_admin = t->owner_admin != 0;
}

int
store_token_insert(struct db *db, const struct store_token_new *t,
    int64_t *id)
{
	MYSQL_BIND in[22];
	int rc;

	db_in_blob(&in[0], t->hash, TOKEN_HASH_LEN);
	db_in_str(&in[1], t->public_id);
	db_in_str(&in[2], t->hint);
	db_in_str(&in[3], t->kind);
	db_in_i64(&in[4], &t->user_id);
	db_in_i64(&in[5], &t->container_id);
	db_in_i64(&in[6], &t->identity_id);
	db_in_i64(&in[7], &t->permissions);
	db_in_str(&in[8], t->description != NULL ? t->description : "");
	db_in_str_null(&in[9], t->reason);
	db_in_i64(&in[10], &t->created_at);
	db_in_i64(&in[11], &t->created_by);
	db_in_str_null(&in[12], t->created_ip);
	db_in_str_null(&in[13], t->created_user_agent);
	db_in_i64(&in[14], &t->expires_at);
	db_in_i64(&in[15], &t->max_expires_at);
	db_in_i64(&in[16], &t->ttl_ms);
	db_in_i64(&in[17], &t->uses);
	db_in_i64(&in[18], &t->max_uses);
	db_in_str_null(&in[19], t->trusted_cidrs);
	db_in_i64(&in[20], &t->rotated_from);
	db_in_i64(&in[21], &t->family_id);
	if ((rc = db_exec(db, &st_insert, in, NULL)) != DB_OK)
		return rc;
	*id = (int64_t)db_insert_id(&st_insert);
	return DB_OK;
}

/* One row of st into t, reading the columns cols describes. */
static int
token_fetch_cols(struct db *db, struct db_stmt *st, MYSQL_BIND *in,
    struct store_token *t, const struct token_col *cols, size_t n)
{
	struct token_row r;
	int rc;

	token_row_bind_cols(&r, t, cols, n);
	if ((rc = db_fetch_one(db, st, in, r.out)) == 1)
		token_row_finish(t);
	return rc;
}

static int
token_fetch_one(struct db *db, struct db_stmt *st, MYSQL_BIND *in,
    struct store_token *t)
{
	return token_fetch_cols(db, st, in, t, token_cols, TOKEN_NCOLS);
}

int
store_token_by_hash(struct db *db, const uint8_t *hash, struct store_token *t)
{
	MYSQL_BIND in[1];

	db_in_blob(&in[0], hash, TOKEN_HASH_LEN);
	return token_fetch_one(db, &st_by_hash, in, t);
}

int
store_token_auth_by_hash(struct db *db, const uint8_t *hash,
    struct store_token *t)
{
	MYSQL_BIND in[1];
	int rc;

	db_in_blob(&in[0], hash, TOKEN_HASH_LEN);
	rc = token_fetch_cols(db, &st_auth_by_hash, in, t, token_auth_cols,
	    TOKEN_AUTH_NCOLS);
	if (rc == 1)
		t->partial = 1;
	return rc;
}

int
store_token_by_public_id(struct db *db, const char *public_id,
    struct store_token *t)
{
	MYSQL_BIND in[1];

	db_in_str(&in[0], public_id);
	return token_fetch_one(db, &st_by_public_id, in, t);
}

int
store_token_visible(struct db *db, const struct store_token *t,
    int64_t user_id)
{
	MYSQL_BIND in[2], out[1];
	int64_t n = 0;
	my_bool isnull;
	int rc;

	if (t->user_id != 0 && t->user_id == user_id)
		return 1;
	/* A personal token narrowed to a container is still its owner's alone. */
	if (strcmp(t->kind, "container") != 0 || t->container_id == 0)
		return 0;
	db_in_i64(&in[0], &t->container_id);
	db_in_i64(&in[1], &user_id);
	db_out_i64(&out[0], &n, &isnull);
	rc = db_fetch_one(db, &st_visible, in, out);
	return rc < 0 ? rc : n > 0;
}

/* Runs a prepared list query and calls fn on each row. */
static int
token_each(struct db *db, struct db_stmt *st, MYSQL_BIND *in,
    void (*fn)(const struct store_token *, void *), void *arg)
{
	struct store_token row, *t = &row;
	struct token_row r;
	int rc;

	token_row_bind(&r, t);
	if ((rc = db_exec(db, st, in, r.out)) != DB_OK)
		return rc;
	while ((rc = db_fetch(st)) == 1) {
		token_row_finish(t);
		fn(t, arg);
	}
	db_done(st);
	return rc == 0 ? DB_OK : DB_ERROR;
}

int
store_token_each_of_user(struct db *db, int64_t user_id, int limit,
    void (*fn)(const struct store_token *, void *), void *arg)
{
	int64_t lim = limit;
	MYSQL_BIND in[2];

	db_in_i64(&in[0], &user_id);
	db_in_i64(&in[1], &lim);
	return token_each(db, &st_of_user, in, fn, arg);
}

int
store_token_each(struct db *db, const struct store_token_filter *f,
    void (*fn)(const struct store_token *, void *), void *arg)
{
	int64_t adm = f->admin ? 1 : 0;
	MYSQL_BIND in[9];

	db_in_i64(&in[0], &adm);
	db_in_i64(&in[1], &f->viewer_id);
	db_in_str(&in[2], f->kind != NULL ? f->kind : "");
	db_in_i64(&in[3], &f->container_id);
	db_in_i64(&in[4], &f->identity_id);
	db_in_str(&in[5], f->state != NULL ? f->state : "");
	db_in_i64(&in[6], &f->now);
	db_in_i64(&in[7], &f->limit);
	db_in_i64(&in[8], &f->offset);
	return token_each(db, &st_each, in, fn, arg);
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
store_token_revoke_family(struct db *db, int64_t family_id, int64_t now,
    const char *reason, int64_t *n)
{
	MYSQL_BIND in[4];
	int rc;

	db_in_i64(&in[0], &now);
	db_in_str(&in[1], reason);
	db_in_i64(&in[2], &family_id);
	db_in_i64(&in[3], &family_id);
	if ((rc = db_exec(db, &st_revoke_family, in, NULL)) != DB_OK)
		return rc;
	*n = (int64_t)db_affected(&st_revoke_family);
	return DB_OK;
}

static void
store_touch_sql(void)
{
	char *p = touch_sql;
	size_t i;

	if (touch_sql[0] != '\0')
		return;
	memcpy(p, TOUCH_HEAD, sizeof(TOUCH_HEAD) - 1);
	p += sizeof(TOUCH_HEAD) - 1;
	for (i = 1; i < STORE_TOUCH_BATCH; i++) {
		memcpy(p, TOUCH_ROW, sizeof(TOUCH_ROW) - 1);
		p += sizeof(TOUCH_ROW) - 1;
	}
	memcpy(p, TOUCH_TAIL, sizeof(TOUCH_TAIL));
}

int
store_token_touch_many(struct db *db, const struct store_touch *v, size_t n)
{
	static const int64_t none = 0;
	MYSQL_BIND in[STORE_TOUCH_BATCH * 3];
	size_t i, k;
	int rc;

	store_touch_sql();
	for (i = 0; i < n; i += STORE_TOUCH_BATCH) {
		/* Short batches are padded with id 0, which no token has. */
		for (k = 0; k < STORE_TOUCH_BATCH; k++) {
			if (i + k < n) {
				db_in_i64(&in[k * 3], &v[i + k].id);
				db_in_i64(&in[k * 3 + 1], &v[i + k].at);
				db_in_str(&in[k * 3 + 2], v[i + k].ip);
			} else {
				db_in_i64(&in[k * 3], &none);
				db_in_i64(&in[k * 3 + 1], &none);
				db_in_str(&in[k * 3 + 2], "");
			}
		}
		if ((rc = db_exec(db, &st_touch_many, in, NULL)) != DB_OK)
			return rc;
	}
	return DB_OK;
}

int
store_token_use(struct db *db, int64_t id)
{
	MYSQL_BIND in[1];
	int rc;

	db_in_i64(&in[0], &id);
	if ((rc = db_exec(db, &st_use, in, NULL)) != DB_OK)
		return rc;
	return db_affected(&st_use) > 0;
}

int
store_token_set_description(struct db *db, int64_t id, const char *desc)
{
	MYSQL_BIND in[2];

	db_in_str(&in[0], desc);
	db_in_i64(&in[1], &id);
	return db_exec(db, &st_set_description, in, NULL);
}

int
store_token_set_expires(struct db *db, int64_t id, int64_t expires_at)
{
	MYSQL_BIND in[2];

	db_in_i64(&in[0], &expires_at);
	db_in_i64(&in[1], &id);
	return db_exec(db, &st_set_expires, in, NULL);
}

int
store_token_supersede(struct db *db, int64_t id, int64_t now,
    int64_t overlap_until, int *changed)
{
	MYSQL_BIND in[3];
	int rc;

	db_in_i64(&in[0], &now);
	db_in_i64(&in[1], &overlap_until);
	db_in_i64(&in[2], &id);
	if ((rc = db_exec(db, &st_supersede, in, NULL)) != DB_OK)
		return rc;
	*changed = db_affected(&st_supersede) > 0;
	return DB_OK;
}
