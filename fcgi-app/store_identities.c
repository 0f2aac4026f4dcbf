/* store_identities.c: the SQL for machine identities, their token-auth
 * settings and their container roles. */
#include <string.h>

#include "store_identities.h"

#define IDENTITY_SELECT "SELECT i.id, i.name, i.org_role, i.created_at, " \
	"COALESCE(i.disabled_at, 0), a.access_token_ttl, " \
	"a.access_token_max_ttl, a.access_token_num_uses_limit, " \
	"a.access_token_trusted_ips FROM identities i " \
	"JOIN identity_token_auth a ON a.identity_id = i.id "
#define IDENTITY_NCOLS	9

static struct db_stmt st_insert = DB_STMT_INIT(
    "INSERT INTO identities (name, org_role, created_at, created_by, "
    "disabled_at) VALUES (?, ?, ?, NULLIF(?, 0), NULLIF(?, 0))", 0);
static struct db_stmt st_insert_auth = DB_STMT_INIT(
    "INSERT INTO identity_token_auth (identity_id, access_token_ttl, "
    "access_token_max_ttl, access_token_num_uses_limit, "
    "access_token_trusted_ips, updated_at) VALUES (?, ?, ?, ?, ?, ?)", 0);
static struct db_stmt st_update = DB_STMT_AUTH(
    "UPDATE identities i JOIN identity_token_auth a "
    "ON a.identity_id = i.id SET i.org_role = ?, "
    "i.disabled_at = NULLIF(?, 0), a.access_token_ttl = ?, "
    "a.access_token_max_ttl = ?, a.access_token_num_uses_limit = ?, "
    "a.access_token_trusted_ips = ?, a.updated_at = ? WHERE i.id = ?", 1);
static struct db_stmt st_by_id = DB_STMT_INIT(
    IDENTITY_SELECT "WHERE i.id = ?", 1);
static struct db_stmt st_by_name = DB_STMT_INIT(
    IDENTITY_SELECT "WHERE i.name = ?", 1);
static struct db_stmt st_each = DB_STMT_INIT(
    IDENTITY_SELECT "ORDER BY i.id", 1);
static struct db_stmt st_role = DB_STMT_INIT(
    "SELECT role FROM identity_container_roles "
    "WHERE identity_id = ? AND container_id = ?", 1);
static struct db_stmt st_role_set = DB_STMT_AUTH(
    "INSERT INTO identity_container_roles (identity_id, container_id, role, "
    "granted_at, granted_by) VALUES (?, ?, ?, ?, NULLIF(?, 0)) "
    "ON DUPLICATE KEY UPDATE role = VALUES(role), "
    "granted_at = VALUES(granted_at), granted_by = VALUES(granted_by)", 1);
static struct db_stmt st_role_delete = DB_STMT_AUTH(
    "DELETE FROM identity_container_roles "
    "WHERE identity_id = ? AND container_id = ?", 1);
static struct db_stmt st_role_each = DB_STMT_INIT(
    "SELECT r.container_id, c.name, r.role FROM identity_container_roles r "
    "JOIN containers c ON c.id = r.container_id WHERE r.identity_id = ? "
    "ORDER BY r.container_id", 1);

struct identity_row {
	MYSQL_BIND	 out[IDENTITY_NCOLS];
	my_bool		 isnull[IDENTITY_NCOLS];
	unsigned long	 len[IDENTITY_NCOLS];
};

static void
identity_bind(struct identity_row *r, struct store_identity *i)
{
	memset(i, 0, sizeof(*i));
	db_out_i64(&r->out[0], &i->id, &r->isnull[0]);
	db_out_str(&r->out[1], i->name, sizeof(i->name), &r->len[1],
	    &r->isnull[1]);
	db_out_str(&r->out[2], i->org_role, sizeof(i->org_role), &r->len[2],
	    &r->isnull[2]);
	db_out_i64(&r->out[3], &i->created_at, &r->isnull[3]);
	db_out_i64(&r->out[4], &i->disabled_at, &r->isnull[4]);
	db_out_i64(&r->out[5], &i->ttl, &r->isnull[5]);
	db_out_i64(&r->out[6], &i->max_ttl, &r->isnull[6]);
	db_out_i64(&r->out[7], &i->max_uses, &r->isnull[7]);
	db_out_str(&r->out[8], i->trusted_ips, sizeof(i->trusted_ips),
	    &r->len[8], &r->isnull[8]);
}

struct identity_tx {
	const struct store_identity *i;
	int64_t		 now, by, id;
};

static int
identity_insert_tx(struct db *db, void *arg)
{
	struct identity_tx *x = arg;
	MYSQL_BIND in[6];
	int rc;

	db_in_str(&in[0], x->i->name);
	db_in_str(&in[1], x->i->org_role);
	db_in_i64(&in[2], &x->now);
	db_in_i64(&in[3], &x->by);
	db_in_i64(&in[4], &x->i->disabled_at);
	if ((rc = db_exec(db, &st_insert, in, NULL)) != DB_OK)
		return rc;
	x->id = (int64_t)db_insert_id(&st_insert);
	db_in_i64(&in[0], &x->id);
	db_in_i64(&in[1], &x->i->ttl);
	db_in_i64(&in[2], &x->i->max_ttl);
	db_in_i64(&in[3], &x->i->max_uses);
	db_in_str(&in[4], x->i->trusted_ips);
	db_in_i64(&in[5], &x->now);
	return db_exec(db, &st_insert_auth, in, NULL);
}

int
store_identity_insert(struct db *db, const struct store_identity *i,
    int64_t now, int64_t by, int64_t *id)
{
	struct identity_tx x = { i, now, by, 0 };
	int rc;

	if ((rc = db_tx(db, identity_insert_tx, &x)) == DB_OK)
		*id = x.id;
	return rc;
}

int
store_identity_update(struct db *db, const struct store_identity *i,
    int64_t now)
{
	MYSQL_BIND in[8];

	db_in_str(&in[0], i->org_role);
	db_in_i64(&in[1], &i->disabled_at);
	db_in_i64(&in[2], &i->ttl);
	db_in_i64(&in[3], &i->max_ttl);
	db_in_i64(&in[4], &i->max_uses);
	db_in_str(&in[5], i->trusted_ips);
	db_in_i64(&in[6], &now);
	db_in_i64(&in[7], &i->id);
	return db_exec(db, &st_update, in, NULL);
}

int
store_identity_by_id(struct db *db, int64_t id, struct store_identity *i)
{
	struct identity_row r;
	MYSQL_BIND in[1];

	db_in_i64(&in[0], &id);
	identity_bind(&r, i);
	return db_fetch_one(db, &st_by_id, in, r.out);
}

int
store_identity_by_name(struct db *db, const char *name,
    struct store_identity *i)
{
	struct identity_row r;
	MYSQL_BIND in[1];

	db_in_str(&in[0], name);
	identity_bind(&r, i);
	return db_fetch_one(db, &st_by_name, in, r.out);
}

int
store_identity_each(struct db *db,
    void (*fn)(const struct store_identity *, void *), void *arg)
{
	struct store_identity i;
	struct identity_row r;
	int rc;

	identity_bind(&r, &i);
	if ((rc = db_exec(db, &st_each, NULL, r.out)) != DB_OK)
		return rc;
	while ((rc = db_fetch(&st_each)) == 1)
		fn(&i, arg);
	db_done(&st_each);
	return rc == 0 ? DB_OK : DB_ERROR;
}

int
store_identity_role(struct db *db, int64_t identity_id, int64_t container_id,
    char *role, size_t size)
{
	MYSQL_BIND in[2], out[1];
	unsigned long len;
	my_bool isnull;
	int rc;

	role[0] = '\0';
	db_in_i64(&in[0], &identity_id);
	db_in_i64(&in[1], &container_id);
	db_out_str(&out[0], role, size, &len, &isnull);
	rc = db_fetch_one(db, &st_role, in, out);
	if (rc == 0)
		role[0] = '\0';
	return rc < 0 ? rc : DB_OK;
}

int
store_identity_role_set(struct db *db, int64_t identity_id,
    int64_t container_id, const char *role, int64_t now, int64_t by)
{
	MYSQL_BIND in[5];

	db_in_i64(&in[0], &identity_id);
	db_in_i64(&in[1], &container_id);
	db_in_str(&in[2], role);
	db_in_i64(&in[3], &now);
	db_in_i64(&in[4], &by);
	return db_exec(db, &st_role_set, in, NULL);
}

int
store_identity_role_delete(struct db *db, int64_t identity_id,
    int64_t container_id, int *changed)
{
	MYSQL_BIND in[2];
	int rc;

	db_in_i64(&in[0], &identity_id);
	db_in_i64(&in[1], &container_id);
	if ((rc = db_exec(db, &st_role_delete, in, NULL)) != DB_OK)
		return rc;
	*changed = db_affected(&st_role_delete) > 0;
	return DB_OK;
}

int
store_identity_role_each(struct db *db, int64_t identity_id,
    void (*fn)(const struct store_identity_role *, void *), void *arg)
{
	struct store_identity_role r;
	MYSQL_BIND in[1], out[3];
	my_bool isnull[3];
	unsigned long len[3];
	int rc;

	memset(&r, 0, sizeof(r));
	db_in_i64(&in[0], &identity_id);
	db_out_i64(&out[0], &r.container_id, &isnull[0]);
	db_out_str(&out[1], r.container_name, sizeof(r.container_name),
	    &len[1], &isnull[1]);
	db_out_str(&out[2], r.role, sizeof(r.role), &len[2], &isnull[2]);
	if ((rc = db_exec(db, &st_role_each, in, out)) != DB_OK)
		return rc;
	while ((rc = db_fetch(&st_role_each)) == 1)
		fn(&r, arg);
	db_done(&st_role_each);
	return rc == 0 ? DB_OK : DB_ERROR;
}
