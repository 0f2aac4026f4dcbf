/* api_identities.c: machine identities (Infisical model): settings,
 * container roles and identity tokens. Admin users only (see route.c). */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "cidr.h"
#include "perm.h"
#include "store_containers.h"
#include "store_identities.h"

#define USES_MAX	1000000000000LL

static json_object *
identity_json(const struct store_identity *i)
{
	json_object *o = json_object_new_object(), *a;
	struct cidr_list l;
	char err[8];
	size_t k;

	json_object_object_add(o, "id", json_object_new_int64(i->id));
	json_object_object_add(o, "name", json_object_new_string(i->name));
	json_object_object_add(o, "org_role",
	    json_object_new_string(i->org_role));
	json_object_object_add(o, "created", json_object_new_int64(i->created_at));
	json_object_object_add(o, "disabled",
	    json_object_new_boolean(i->disabled_at != 0));
	json_object_object_add(o, "access_token_ttl",
	    json_object_new_int64(i->ttl));
	json_object_object_add(o, "access_token_max_ttl",
	    json_object_new_int64(i->max_ttl));
	json_object_object_add(o, "access_token_num_uses_limit",
	    json_object_new_int64(i->max_uses));
	a = json_object_new_array();
	/* Stored lists were validated on the way in; show them split. */
	if (cidr_list_parse(i->trusted_ips, &l, err, sizeof(err)) == 0) {
		const char *p = i->trusted_ips, *e;

		for (k = 0; k < l.n && *p != '\0'; k++) {
			while (*p == ' ' || *p == ',')
				p++;
			for (e = p; *e != '\0' && *e != ',' && *e != ' '; e++)
				;
			json_object_array_add(a,
			    json_object_new_string_len(p, (int)(e - p)));
			p = e;
		}
	}
	json_object_object_add(o, "access_token_trusted_ips", a);
	return o;
}

/*
 * Reads the settings fields present in the request into i (fields not sent
 * keep their value) and checks them together. -1 with 400 set.
 */
static int
identity_read_settings(struct api_ctx *ctx, struct store_identity *i)
{
	struct cidr_list l;
	const char *role = NULL;
	char ips[STORE_CIDRS_MAX + 1], err[128];
	int rc;

	if ((rc = api_param(ctx, "org_role", &role)) < 0)
		return -1;
	if (rc == 1) {
		if (perm_org_role(role) < 0) {
			api_bad_field(ctx, "org_role");
			return -1;
		}
		snprintf(i->org_role, sizeof(i->org_role), "%s", role);
	}
	if (api_param_i64(ctx, "access_token_ttl", 1, IDENTITY_TTL_MAX,
	    &i->ttl) < 0 ||
	    api_param_i64(ctx, "access_token_max_ttl", 1, IDENTITY_TTL_MAX,
	    &i->max_ttl) < 0 ||
	    api_param_i64(ctx, "access_token_num_uses_limit", 0, USES_MAX,
	    &i->max_uses) < 0)
		return -1;
	if (i->ttl > i->max_ttl) {
		api_bad_field(ctx, "access_token_ttl");
		return -1;
	}
	if ((rc = api_param_list(ctx, "access_token_trusted_ips", ips,
	    sizeof(ips))) < 0)
		return -1;
	if (rc == 1) {
		if (cidr_list_parse(ips, &l, err, sizeof(err)) == -1 ||
		    l.n == 0) {
			api_bad_field(ctx, "access_token_trusted_ips");
			return -1;
		}
		snprintf(i->trusted_ips, sizeof(i->trusted_ips), "%s", ips);
	}
	return 0;
}

/* The identity of path segment 0: 1, or 0 with the answer set. */
static int
identity_load(struct api_ctx *ctx, struct store_identity *i)
{
	int64_t id;
	int rc;

	if (api_path_id(ctx, 0, "no_such_identity", &id) == -1)
		return 0;
	if ((rc = store_identity_by_id(&ctx->app->db, id, i)) < 0) {
		api_db_error(ctx, rc);
		return 0;
	}
	if (rc == 0) {
		api_not_found(ctx, "no_such_identity");
		return 0;
	}
	return 1;
}

static enum http_status
identities_create(struct api_ctx *ctx)
{
	struct store_identity i;
	const char *name = NULL;
	int rc;

	memset(&i, 0, sizeof(i));
	if ((rc = api_param(ctx, "name", &name)) < 0)
		return ctx->res->status;
	if (rc == 0)
		return api_missing_field(ctx, "name");
	if (!api_name_valid(name))
		return api_bad_field(ctx, "name");
	snprintf(i.name, sizeof(i.name), "%s", name);
	snprintf(i.org_role, sizeof(i.org_role), "member");
	i.ttl = IDENTITY_TTL_DEFAULT;
	i.max_ttl = IDENTITY_TTL_DEFAULT;
	snprintf(i.trusted_ips, sizeof(i.trusted_ips), IDENTITY_CIDRS_DEFAULT);
	if (identity_read_settings(ctx, &i) == -1)
		return ctx->res->status;
	rc = store_identity_insert(&ctx->app->db, &i, ctx->now,
	    ctx->caller.user.id, &i.id);
	if (rc == DB_DUPLICATE)
		return api_conflict(ctx, "name_taken");
	if (rc != DB_OK)
		return api_db_error(ctx, rc);
	i.created_at = ctx->now;
	api_audit(ctx, "identity.create", "ok", 0, i.name);
	http_json(ctx->res, HTTP_CREATED, identity_json(&i));
	return HTTP_CREATED;
}

static void
identities_one(const struct store_identity *i, void *arg)
{
	json_object_array_add(arg, identity_json(i));
}

enum http_status
api_identities(struct api_ctx *ctx)
{
	json_object *arr;
	int rc;

	if (strcmp(ctx->req->method, "POST") == 0)
		return identities_create(ctx);
	arr = json_object_new_array();
	rc = store_identity_each(&ctx->app->db, identities_one, arr);
	return api_list_answer(ctx, "identities", arr, rc);
}

static void
roles_one(const struct store_identity_role *r, void *arg)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "container",
	    json_object_new_int64(r->container_id));
	json_object_object_add(o, "name",
	    json_object_new_string(r->container_name));
	json_object_object_add(o, "role", json_object_new_string(r->role));
	json_object_array_add(arg, o);
}

enum http_status
api_identity(struct api_ctx *ctx)
{
	struct store_identity i;
	json_object *o, *roles;
	int disabled, rc;

	if (!identity_load(ctx, &i))
		return ctx->res->status;
	if (strcmp(ctx->req->method, "PATCH") == 0) {
		if (identity_read_settings(ctx, &i) == -1 ||
		    (rc = api_param_bool(ctx, "disabled", &disabled)) < 0)
			return ctx->res->status;
		if (rc == 1)
			i.disabled_at = disabled ? (i.disabled_at != 0 ?
			    i.disabled_at : ctx->now) : 0;
		if ((rc = store_identity_update(&ctx->app->db, &i, ctx->now)) !=
		    DB_OK)
			return api_db_error(ctx, rc);
		api_audit(ctx, "identity.update", "ok", 0, i.name);
	}
	o = identity_json(&i);
	roles = json_object_new_array();
	if ((rc = store_identity_role_each(&ctx->app->db, i.id, roles_one,
	    roles)) != DB_OK) {
		json_object_put(roles);
		json_object_put(o);
		return api_db_error(ctx, rc);
	}
	json_object_object_add(o, "containers", roles);
	http_json(ctx->res, HTTP_OK, o);
	return HTTP_OK;
}

/* PUT or DELETE /api/identities/{id}/containers/{cid} */
enum http_status
api_identity_role(struct api_ctx *ctx)
{
	struct store_identity i;
	struct store_container c;
	const char *role = NULL;
	char why[512];
	json_object *o;
	int64_t cid;
	int rc, changed;

	if (!identity_load(ctx, &i) ||
	    api_path_id(ctx, 1, "no_such_container", &cid) == -1)
		return ctx->res->status;
	if ((rc = store_container_by_id(&ctx->app->db, cid, &c)) < 0)
		return api_db_error(ctx, rc);
	if (rc == 0)
		return api_not_found(ctx, "no_such_container");
	o = json_object_new_object();
	json_object_object_add(o, "identity", json_object_new_int64(i.id));
	json_object_object_add(o, "container", json_object_new_int64(cid));
	if (strcmp(ctx->req->method, "DELETE") == 0) {
		rc = store_identity_role_delete(&ctx->app->db, i.id, cid,
		    &changed);
		if (rc != DB_OK || !changed) {
			json_object_put(o);
			return rc != DB_OK ? api_db_error(ctx, rc) :
			    api_not_found(ctx, "no_such_role");
		}
		snprintf(why, sizeof(why), "identity=%lld container=%lld",
		    (long long)i.id, (long long)cid);
		api_audit(ctx, "identity.ungrant", "ok", 0, why);
		json_object_object_add(o, "ok", json_object_new_boolean(1));
		http_json(ctx->res, HTTP_OK, o);
		return HTTP_OK;
	}
	if ((rc = api_param(ctx, "role", &role)) <= 0 ||
	    perm_role_mask(role) < 0) {
		json_object_put(o);
		if (rc < 0)
			return ctx->res->status;
		return rc == 0 ? api_missing_field(ctx, "role") :
		    api_bad_field(ctx, "role");
	}
	rc = store_identity_role_set(&ctx->app->db, i.id, cid, role, ctx->now,
	    ctx->caller.user.id);
	if (rc != DB_OK) {
		json_object_put(o);
		return api_db_error(ctx, rc);
	}
	snprintf(why, sizeof(why), "identity=%lld container=%lld role=%s",
	    (long long)i.id, (long long)cid, role);
	api_audit(ctx, "identity.grant", "ok", 0, why);
	json_object_object_add(o, "role", json_object_new_string(role));
	http_json(ctx->res, HTTP_OK, o);
	return HTTP_OK;
}

/*
 * The settings of one token: the identity's, or narrower ones from the
 * request. Anything wider is a 400 naming the field. -1 with 400 set.
 */
static int
identity_token_settings(struct api_ctx *ctx, const struct store_identity *i,
    int64_t *ttl, int64_t *max_ttl, int64_t *max_uses, char *ips,
    size_t ipsize)
{
	struct cidr_list want, allowed;
	char err[128];
	int rc;

	*ttl = i->ttl;
	*max_ttl = i->max_ttl;
	*max_uses = i->max_uses;
	snprintf(ips, ipsize, "%s", i->trusted_ips);
	if (api_param_i64(ctx, "access_token_ttl", 1, i->ttl, ttl) < 0 ||
	    api_param_i64(ctx, "access_token_max_ttl", 1, i->max_ttl,
	    max_ttl) < 0 ||
	    api_param_i64(ctx, "access_token_num_uses_limit",
	    i->max_uses > 0 ? 1 : 0, i->max_uses > 0 ? i->max_uses : USES_MAX,
	    max_uses) < 0)
		return -1;
	if (*ttl > *max_ttl) {
		api_bad_field(ctx, "access_token_ttl");
		return -1;
	}
	if ((rc = api_param_list(ctx, "access_token_trusted_ips", ips,
	    ipsize)) < 0)
		return -1;
	if (rc == 1 && (cidr_list_parse(ips, &want, err, sizeof(err)) == -1 ||
	    want.n == 0 ||
	    cidr_list_parse(i->trusted_ips, &allowed, err, sizeof(err)) == -1 ||
	    !cidr_list_within(&want, &allowed))) {
		api_bad_field(ctx, "access_token_trusted_ips");
		return -1;
	}
	return 0;
}

enum http_status
api_identity_token_create(struct api_ctx *ctx)
{
	struct store_identity i;
	struct lifecycle_spec spec;
	const char *desc = "";
	char ips[STORE_CIDRS_MAX + 1];
	int64_t ttl, max_ttl, max_uses;

	if (!identity_load(ctx, &i))
		return ctx->res->status;
	if (i.disabled_at != 0)
		return api_conflict(ctx, "identity_disabled");
	if (api_param_text(ctx, "description", STORE_DESCRIPTION_MAX, &desc) < 0 ||
	    identity_token_settings(ctx, &i, &ttl, &max_ttl, &max_uses, ips,
	    sizeof(ips)) == -1)
		return ctx->res->status;
	memset(&spec, 0, sizeof(spec));
	spec.kind = "identity";
	spec.identity_id = i.id;
	spec.permissions = PERM_ALL;
	spec.description = desc != NULL ? desc : "";
	spec.expires_at = ctx->now + ttl * 1000;
	spec.max_expires_at = ctx->now + max_ttl * 1000;
	spec.ttl_ms = ttl * 1000;
	spec.max_uses = max_uses;
	spec.trusted_cidrs = ips;
	return api_mint(ctx, &spec);
}
