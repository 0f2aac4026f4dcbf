/* api_containers.c: containers, their members, container tokens, and the
 * permission check route. */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "perm.h"
#include "scope.h"
#include "store_containers.h"
#include "store_users.h"

/* 1..64 of [A-Za-z0-9._-]: safe in paths, logs and command lines. */
int
api_name_valid(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > STORE_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

/*
 * The container of path segment 0 and the caller's flags on it. 1 found;
 * 0 when the answer is set: 404 also for a container the caller has no
 * flag on, so ids tell outsiders nothing.
 */
static int
container_load(struct api_ctx *ctx, struct store_container *c,
    int64_t *perms)
{
	int64_t id;
	int rc, prc;

	if (api_path_id(ctx, 0, "no_such_container", &id) == -1)
		return 0;
	*perms = 0;
	if ((rc = store_container_by_id(&ctx->app->db, id, c)) == 1 &&
	    (prc = scope_perms(ctx->app, &ctx->caller, id, perms)) != DB_OK)
		rc = prc;
	if (rc < 0) {
		api_db_error(ctx, rc);
		return 0;
	}
	if (rc == 0 || *perms == 0) {
		api_not_found(ctx, "no_such_container");
		return 0;
	}
	return 1;
}

struct containers_arg {
	json_object	*arr;
	int		 admin;
};

static void
containers_one(const struct store_container *c, void *arg)
{
	struct containers_arg *a = arg;
	json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(c->id));
	json_object_object_add(o, "name", json_object_new_string(c->name));
	json_object_object_add(o, "created", json_object_new_int64(c->created_at));
	json_object_object_add(o, "permissions",
	    perm_json(a->admin ? PERM_ALL : (unsigned)c->perms));
	json_object_array_add(a->arr, o);
}

static enum http_status
containers_create(struct api_ctx *ctx)
{
	const char *name = NULL;
	json_object *o;
	int64_t id;
	int rc;

	if (!scope_admin(&ctx->caller))
		return api_forbidden(ctx, "admin_required");
	if ((rc = api_param(ctx, "name", &name)) < 0)
		return ctx->res->status;
	if (rc == 0)
		return api_missing_field(ctx, "name");
	if (!api_name_valid(name))
		return api_bad_field(ctx, "name");
	rc = store_container_insert(&ctx->app->db, name, ctx->now,
	    ctx->caller.user.id, &id);
	if (rc == DB_DUPLICATE)
		return api_conflict(ctx, "name_taken");
	if (rc != DB_OK)
		return api_db_error(ctx, rc);
	api_audit(ctx, "container.create", "ok", 0, name);
	o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_int64(id));
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "created", json_object_new_int64(ctx->now));
	http_json(ctx->res, HTTP_CREATED, o);
	return HTTP_CREATED;
}

enum http_status
api_containers(struct api_ctx *ctx)
{
	struct containers_arg a;
	int rc;

	if (strcmp(ctx->req->method, "POST") == 0)
		return containers_create(ctx);
	a.arr = json_object_new_array();
	a.admin = ctx->caller.user.is_admin;
	rc = store_container_each(&ctx->app->db, ctx->caller.user.id, a.admin,
	    containers_one, &a);
	return api_list_answer(ctx, "containers", a.arr, rc);
}

static void
members_one(const struct store_member *m, void *arg)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "user", json_object_new_string(m->login));
	json_object_object_add(o, "permissions",
	    perm_json((unsigned)m->permissions));
	json_object_object_add(o, "granted", json_object_new_int64(m->granted_at));
	json_object_array_add(arg, o);
}

enum http_status
api_container_members(struct api_ctx *ctx)
{
	struct store_container c;
	json_object *arr;
	int64_t perms;
	int rc;

	if (!container_load(ctx, &c, &perms))
		return ctx->res->status;
	if (!(perms & (PERM_MANAGE | PERM_ACCESS)))
		return api_insufficient_scope(ctx, PERM_MANAGE, c.id);
	arr = json_object_new_array();
	rc = store_member_each(&ctx->app->db, c.id, members_one, arr);
	return api_list_answer(ctx, "members", arr, rc);
}

/* PUT or DELETE /api/containers/{id}/members/{login} */
enum http_status
api_container_member(struct api_ctx *ctx)
{
	struct store_container c;
	struct store_user u;
	unsigned want = 0;
	char why[512];
	json_object *o;
	int64_t perms, theirs;
	int rc, changed;

	if (!container_load(ctx, &c, &perms))
		return ctx->res->status;
	if (!(perms & PERM_MANAGE))
		return api_insufficient_scope(ctx, PERM_MANAGE, c.id);
	if ((rc = store_user_by_login(&ctx->app->db, ctx->params[1], &u)) < 0)
		return api_db_error(ctx, rc);
	if (rc == 0)
		return api_not_found(ctx, "no_such_user");
	/* Nobody changes a member who holds a flag they lack themselves. */
	if ((rc = store_member_perms(&ctx->app->db, c.id, u.id, &theirs)) !=
	    DB_OK)
		return api_db_error(ctx, rc);
	if (perm_missing((unsigned)theirs, (unsigned)perms) != 0)
		return api_insufficient_scope(ctx,
		    perm_missing((unsigned)theirs, (unsigned)perms), c.id);
	if (strcmp(ctx->req->method, "DELETE") == 0) {
		rc = store_member_delete(&ctx->app->db, c.id, u.id, &changed);
		if (rc != DB_OK)
			return api_db_error(ctx, rc);
		if (!changed)
			return api_not_found(ctx, "no_such_member");
		snprintf(why, sizeof(why), "container=%lld user=%s",
		    (long long)c.id, u.login);
		api_audit(ctx, "member.revoke", "ok", 0, why);
		o = json_object_new_object();
		json_object_object_add(o, "ok", json_object_new_boolean(1));
		http_json(ctx->res, HTTP_OK, o);
		return HTTP_OK;
	}
	if ((rc = api_param_perms(ctx, "permissions", &want)) < 0)
		return ctx->res->status;
	if (rc == 0)
		return api_missing_field(ctx, "permissions");
	if (want == 0)	/* a member without flags: DELETE says it better */
		return api_bad_field(ctx, "permissions");
	/* Nobody hands out a flag they do not hold themselves. */
	if (perm_missing(want, (unsigned)perms) != 0)
		return api_insufficient_scope(ctx,
		    perm_missing(want, (unsigned)perms), c.id);
	rc = store_member_set(&ctx->app->db, c.id, u.id, want, ctx->now,
	    ctx->caller.user.id);
	if (rc != DB_OK)
		return api_db_error(ctx, rc);
	snprintf(why, sizeof(why), "container=%lld user=%s permissions=%u",
	    (long long)c.id, u.login, want);
	api_audit(ctx, "member.grant", "ok", 0, why);
	o = json_object_new_object();
	json_object_object_add(o, "container", json_object_new_int64(c.id));
	json_object_object_add(o, "user", json_object_new_string(u.login));
	json_object_object_add(o, "permissions", perm_json(want));
	http_json(ctx->res, HTTP_OK, o);
	return HTTP_OK;
}

enum http_status
api_container_token_create(struct api_ctx *ctx)
{
	struct store_container c;
	struct lifecycle_spec spec;
	const char *desc, *reason = NULL;
	unsigned want = 0;
	int64_t perms, expires_at;
	int rc;

	if (!container_load(ctx, &c, &perms))
		return ctx->res->status;
	if (!(perms & PERM_ACCESS))
		return api_insufficient_scope(ctx, PERM_ACCESS, c.id);
	if (api_token_common_params(ctx, &desc, &expires_at) == -1 ||
	    (rc = api_param_text(ctx, "reason", STORE_REASON_MAX, &reason)) < 0)
		return ctx->res->status;
	if (rc == 0 || reason[0] == '\0')
		return api_missing_field(ctx, "reason");
	if ((rc = api_param_perms(ctx, "permissions", &want)) < 0)
		return ctx->res->status;
	if (rc == 0 || want == 0)
		return api_missing_field(ctx, "permissions");
	if (perm_missing(want, (unsigned)perms) != 0)
		return api_insufficient_scope(ctx,
		    perm_missing(want, (unsigned)perms), c.id);
	memset(&spec, 0, sizeof(spec));
	spec.kind = "container";
	spec.user_id = ctx->caller.user.id;
	spec.container_id = c.id;
	spec.permissions = want;
	spec.description = desc;
	spec.reason = reason;
	spec.expires_at = expires_at;
	return api_mint(ctx, &spec);
}

/* The reference scoped route: does the caller hold a flag right now? */
enum http_status
api_container_check(struct api_ctx *ctx)
{
	struct store_container c;
	const char *p = NULL;
	unsigned flag;
	int64_t id, perms;
	json_object *o;
	int rc;

	if (api_path_id(ctx, 0, "no_such_container", &id) == -1)
		return ctx->res->status;
	if ((rc = api_param(ctx, "permission", &p)) < 0)
		return ctx->res->status;
	if (rc == 0)
		return api_missing_field(ctx, "permission");
	if ((flag = perm_from_name(p, strlen(p))) == 0)
		return api_bad_field(ctx, "permission");
	if ((rc = store_container_by_id(&ctx->app->db, id, &c)) < 0)
		return api_db_error(ctx, rc);
	if (rc == 0)
		return api_not_found(ctx, "no_such_container");
	if ((rc = scope_perms(ctx->app, &ctx->caller, id, &perms)) < 0)
		return api_db_error(ctx, rc);
	if (!(perms & flag))
		return api_insufficient_scope(ctx, flag, id);
	o = json_object_new_object();
	json_object_object_add(o, "container", json_object_new_int64(id));
	json_object_object_add(o, "permission", json_object_new_string(p));
	json_object_object_add(o, "allowed", json_object_new_boolean(1));
	http_json(ctx->res, HTTP_OK, o);
	return HTTP_OK;
}
