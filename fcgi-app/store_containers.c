/* store_containers.c: the SQL for containers and their members' flags. */
#include <string.h>

#include "store_containers.h"

static struct db_stmt st_insert = DB_STMT_INIT(
    "INSERT INTO containers (name, created_at, created_by) "
    "VALUES (?, ?, NULLIF(?, 0))", 0);
static struct db_stmt st_by_id = DB_STMT_INIT(
    "SELECT id, name, created_at, 0 FROM containers WHERE id = ?", 1);
static struct db_stmt st_by_name = DB_STMT_INIT(
    "SELECT id, name, created_at, 0 FROM containers WHERE name = ?", 1);
static struct db_stmt st_each = DB_STMT_INIT(
    "SELECT c.id, c.name, c.created_at, COALESCE(m.permissions, 0) "
    "FROM containers c LEFT JOIN container_members m "
    "ON m.container_id = c.id AND m.user_id = ? "
    "WHERE ? = 1 OR m.user_id IS NOT NULL ORDER BY c.id", 1);
static struct db_stmt st_perms = DB_STMT_INIT(
    "SELECT permissions FROM container_members "
    "WHERE container_id = ? AND user_id = ?", 1);
static struct db_stmt st_member_set = DB_STMT_AUTH(
    "INSERT INTO container_members (container_id, user_id, permissions, "
    "granted_at, granted_by) VALUES (?, ?, ?, ?, NULLIF(?, 0)) "
    "ON DUPLICATE KEY UPDATE permissions = VALUES(permissions), "
    "granted_at = VALUES(granted_at), granted_by = VALUES(granted_by)", 1);
static struct db_stmt st_member_delete = DB_STMT_AUTH(
    "DELETE FROM container_members WHERE container_id = ? AND user_id = ?",
    1);
static struct db_stmt st_member_each = DB_STMT_INIT(
    "SELECT m.user_id, u.login, m.permissions, m.granted_at "
    "FROM container_members m JOIN users u ON u.id = m.user_id "
    "WHERE m.container_id = ? ORDER BY u.login", 1);

static void
container_bind(MYSQL_BIND *out, my_bool *isnull, unsigned long *len,
    struct store_container *c)
{
	memset(c, 0, sizeof(*c));
	db_out_i64(&out[0], &c->id, &isnull[0]);
	db_out_str(&out[1], c->name, sizeof(c->name), &len[1], &isnull[1]);
	db_out_i64(&out[2], &c->created_at, &isnull[2]);
	db_out_i64(&out[3], &c->perms, &isnull[3]);
}

int
store_container_insert(struct db *db, const char *name, int64_t now,
    int64_t by, int64_t *id)
{
	MYSQL_BIND in[3];
	int rc;

	db_in_str(&in[0], name);
	db_in_i64(&in[1], &now);
	db_in_i64(&in[2], &by);
	if ((rc = db_exec(db, &st_insert, in, NULL)) != DB_OK)
		return rc;
	*id = (int64_t)db_insert_id(&st_insert);
	return DB_OK;
}

int
store_container_by_id(struct db *db, int64_t id, struct store_container *c)
{
	MYSQL_BIND in[1], out[4];
	my_bool isnull[4];
	unsigned long len[4];

	db_in_i64(&in[0], &id);
	container_bind(out, isnull, len, c);
	return db_fetch_one(db, &st_by_id, in, out);
}

int
store_container_by_name(struct db *db, const char *name,
    struct store_container *c)
{
	MYSQL_BIND in[1], out[4];
	my_bool isnull[4];
	unsigned long len[4];

	db_in_str(&in[0], name);
	container_bind(out, isnull, len, c);
	return db_fetch_one(db, &st_by_name, in, out);
}

int
store_container_each(struct db *db, int64_t user_id, int all,
    void (*fn)(const struct store_container *, void *), void *arg)
{
	struct store_container c;
	MYSQL_BIND in[2], out[4];
	my_bool isnull[4];
	unsigned long len[4];
	int64_t a = all ? 1 : 0;
	int rc;

	db_in_i64(&in[0], &user_id);
	db_in_i64(&in[1], &a);
	container_bind(out, isnull, len, &c);
	if ((rc = db_exec(db, &st_each, in, out)) != DB_OK)
		return rc;
	while ((rc = db_fetch(&st_each)) == 1)
		fn(&c, arg);
	db_done(&st_each);
	return rc == 0 ? DB_OK : DB_ERROR;
}

int
store_member_perms(struct db *db, int64_t container_id, int64_t user_id,
    int64_t *perms)
{
	MYSQL_BIND in[2], out[1];
	my_bool isnull;
	int rc;

	*perms = 0;
	db_in_i64(&in[0], &container_id);
	db_in_i64(&in[1], &user_id);
	db_out_i64(&out[0], perms, &isnull);
	rc = db_fetch_one(db, &st_perms, in, out);
	if (rc == 0)
		*perms = 0;
	return rc < 0 ? rc : DB_OK;
}

int
store_member_set(struct db *db, int64_t container_id, int64_t user_id,
    int64_t perms, int64_t now, int64_t by)
{
	MYSQL_BIND in[5];

	db_in_i64(&in[0], &container_id);
	db_in_i64(&in[1], &user_id);
	db_in_i64(&in[2], &perms);
	db_in_i64(&in[3], &now);
	db_in_i64(&in[4], &by);
	return db_exec(db, &st_member_set, in, NULL);
}

int
store_member_delete(struct db *db, int64_t container_id, int64_t user_id,
    int *changed)
{
	MYSQL_BIND in[2];
	int rc;

	db_in_i64(&in[0], &container_id);
	db_in_i64(&in[1], &user_id);
	if ((rc = db_exec(db, &st_member_delete, in, NULL)) != DB_OK)
		return rc;
	*changed = db_affected(&st_member_delete) > 0;
	return DB_OK;
}

int
store_member_each(struct db *db, int64_t container_id,
    void (*fn)(const struct store_member *, void *), void *arg)
{
	struct store_member m;
	MYSQL_BIND in[1], out[4];
	my_bool isnull[4];
	unsigned long len[4];
	int rc;

	memset(&m, 0, sizeof(m));
	db_in_i64(&in[0], &container_id);
	db_out_i64(&out[0], &m.user_id, &isnull[0]);
	db_out_str(&out[1], m.login, sizeof(m.login), &len[1], &isnull[1]);
	db_out_i64(&out[2], &m.permissions, &isnull[2]);
	db_out_i64(&out[3], &m.granted_at, &isnull[3]);
	if ((rc = db_exec(db, &st_member_each, in, out)) != DB_OK)
		return rc;
	while ((rc = db_fetch(&st_member_each)) == 1)
		fn(&m, arg);
	db_done(&st_member_each);
	return rc == 0 ? DB_OK : DB_ERROR;
}
