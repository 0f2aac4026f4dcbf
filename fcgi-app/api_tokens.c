/* api_tokens.c: tokens by id: list, create, show, rename, revoke, rotate,
 * renew, events. */
#include <string.h>

#include <sodium.h>

#include "api.h"
#include "log.h"
#include "perm.h"
#include "scope.h"
#include "store_containers.h"
#include "store_tokens.h"
#include "util.h"

#define TOKENS_PAGE_DEFAULT	50
#define TOKENS_PAGE_MAX		200
#define ROTATE_OVERLAP_MAX	604800		/* seconds: one week */
#define EXPIRES_IN_CAP		(10LL * 366 * 24 * 3600)

static const char *
token_state(const struct store_token *t, int64_t now)
{
	if (t->revoked_at != 0)
		return "revoked";
	if (t->superseded_at != 0)
		return "rotated";
	if (t->expires_at != 0 && t->expires_at <= now)
		return "expired";
	return "active";
}

static json_object *
api_id_json(int64_t id)
{
	return id != 0 ? json_object_new_int64(id) : NULL;
}

static json_object *
api_str_json(const char *s)
{
	return s[0] != '\0' ? json_object_new_string(s) : NULL;
}

/* "a, b" -> ["a","b"]; NULL for "". */
static json_object *
api_cidrs_json(const char *s)
{
	json_object *a;
	const char *p = s, *e;

	if (s[0] == '\0')
		return NULL;
	a = json_object_new_array();
	while (*p != '\0') {
		while (*p == ' ' || *p == ',')
			p++;
		for (e = p; *e != '\0' && *e != ',' && *e != ' '; e++)
			;
		if (e > p)
			json_object_array_add(a,
			    json_object_new_string_len(p, (int)(e - p)));
		p = e;
	}
	return a;
}

json_object *
api_token_json(const struct store_token *t, int64_t now)
{
	json_object *o = json_object_new_object();

#define ADD(k, v)	json_object_object_add(o, (k), (v))
	ADD("id", json_object_new_string(t->public_id));
	ADD("kind", json_object_new_string(t->kind));
	ADD("hint", json_object_new_string(t->hint));
	ADD("description", json_object_new_string(t->description));
	ADD("state", json_object_new_string(token_state(t, now)));
	ADD("user", api_str_json(t->owner.login));
	ADD("container", api_id_json(t->container_id));
	ADD("identity", api_id_json(t->identity_id));
	ADD("permissions", scope_token_full(t) ? NULL :
	    perm_json((unsigned)t->permissions));
	ADD("reason", api_str_json(t->reason));
	ADD("created", json_object_new_int64(t->created_at));
	ADD("created_by", api_id_json(t->created_by));
	ADD("created_ip", api_str_json(t->created_ip));
	ADD("created_user_agent", api_str_json(t->created_user_agent));
	ADD("expires", api_time_json(t->expires_at));
	ADD("max_expires", api_time_json(t->max_expires_at));
	ADD("uses", json_object_new_int64(t->uses));
	ADD("max_uses", json_object_new_int64(t->max_uses));
	ADD("trusted_ips", api_cidrs_json(t->trusted_cidrs));
	ADD("lastUsed", api_time_json(t->last_used_at));
	ADD("last_used_ip", api_str_json(t->last_used_ip));
	ADD("revoked", api_time_json(t->revoked_at));
	ADD("revoked_reason", api_str_json(t->revoked_reason));
	ADD("rotated_from", api_str_json(t->rotated_from_public));
	ADD("overlap_until", api_time_json(t->overlap_until));
#undef ADD
	return o;
}

/*
 * The token of path segment 0 if the caller may see it. 1 found; 0 when
 * the answer (404, 503, 500) is already set. Not visible and not existing
 * answer alike, so ids of other people's tokens leak nothing.
 */
static int
token_load(struct api_ctx *ctx, struct store_token *t)
{
	const char *id = ctx->params[0];
	int rc;

	if (strlen(id) != TOKEN_PUBLIC_ID_LEN)
		goto missing;
	if ((rc = store_token_by_public_id(&ctx->app->db, id, t)) < 0) {
		api_db_error(ctx, rc);
		return 0;
	}
	if (rc == 0)
		goto missing;
	if (scope_admin(&ctx->caller))
		return 1;
	rc = store_token_visible(&ctx->app->db, t, ctx->caller.user.id);
	if (rc < 0) {
		api_db_error(ctx, rc);
		return 0;
	}
	if (rc == 1)
		return 1;
missing:
	api_not_found(ctx, "no_such_token");
	return 0;
}

/*
 * Reads a new token back, so the answer is exactly what GET
 * /api/tokens/{id} shows, and answers 201 with its one-time plain text.
 */
static enum http_status
token_created(struct api_ctx *ctx, struct lifecycle_new *nt)
{
	struct store_token t;
	json_object *o;
	int rc;

	rc = store_token_by_public_id(&ctx->app->db, nt->public_id, &t);
	if (rc != 1) {
		sodium_memzero(nt->token, sizeof(nt->token));
		return api_db_error(ctx, rc < 0 ? rc : DB_ERROR);
	}
	o = api_token_json(&t, ctx->now);
	json_object_object_add(o, "apiToken", json_object_new_string(nt->token));
	sodium_memzero(nt->token, sizeof(nt->token));
	http_json(ctx->res, HTTP_CREATED, o);
	return HTTP_CREATED;
}

enum http_status
api_mint(struct api_ctx *ctx, const struct lifecycle_spec *spec)
{
	struct lifecycle_actor who;
	struct lifecycle_new nt;
	int rc;

	api_actor(ctx, &who);
	rc = lifecycle_create(&ctx->app->db, ctx->app->conf->token_prefix,
	    ctx->app->secret, spec, ctx->now, &who, &nt);
	if (rc != DB_OK)
		return api_db_error(ctx, rc);
	log_info("token_created", "id=%s hint=%s kind=%s by=%lld", nt.public_id,
	    nt.hint, spec->kind, (long long)ctx->caller.user.id);
	return token_created(ctx, &nt);
}

static enum http_status
token_answer(struct api_ctx *ctx, int status, const struct store_token *t)
{
	http_json(ctx->res, status, api_token_json(t, ctx->now));
	return (enum http_status)status;
}

/* Reads description and expires_in of a creation request. -1: 400 set. */
int
api_token_common_params(struct api_ctx *ctx, const char **desc,
    int64_t *expires_at)
{
	const struct conf *c = ctx->app->conf;
	int64_t secs = c->token_default_ttl;
	int64_t max = c->token_max_ttl ? c->token_max_ttl : EXPIRES_IN_CAP;

	*desc = "";
	if (api_param_text(ctx, "description", STORE_DESCRIPTION_MAX, desc) < 0)
		return -1;
	if (*desc == NULL)
		*desc = "";
	if (api_param_i64(ctx, "expires_in", 1, max, &secs) < 0)
		return -1;
	*expires_at = secs > 0 ? ctx->now + secs * 1000 : 0;
	return 0;
}

/* POST /api/tokens: a personal token, optionally narrowed. */
static enum http_status
tokens_create(struct api_ctx *ctx)
{
	const struct conf *c = ctx->app->conf;
	struct store_container con;
	struct lifecycle_spec spec;
	const char *desc;
	unsigned want = PERM_ALL;
	int64_t expires_at, cid = 0, have, live;
	int rc;

	if (api_token_common_params(ctx, &desc, &expires_at) == -1 ||
	    api_param_perms(ctx, "permissions", &want) < 0 ||
	    api_param_i64(ctx, "container", 1, INT64_MAX, &cid) < 0)
		return ctx->res->status;
	if (want == 0)
		return api_bad_field(ctx, "permissions");
	if (cid != 0) {
		rc = store_container_by_id(&ctx->app->db, cid, &con);
		if (rc < 0)
			return api_db_error(ctx, rc);
		if ((rc = scope_perms(ctx->app, &ctx->caller, cid, &have)) < 0)
			return api_db_error(ctx, rc);
		if (con.id == 0 || have == 0)
			return api_not_found(ctx, "no_such_container");
		if (perm_missing(want, (unsigned)have) != 0)
			return api_insufficient_scope(ctx,
			    perm_missing(want, (unsigned)have), cid);
	}
	rc = store_token_count_live(&ctx->app->db, ctx->caller.user.id,
	    ctx->now, &live);
	if (rc != DB_OK)
		return api_db_error(ctx, rc);
	if (live >= (int64_t)c->max_tokens_per_user)
		return api_forbidden(ctx, "token_limit_reached");
	memset(&spec, 0, sizeof(spec));
	spec.kind = "personal";
	spec.user_id = ctx->caller.user.id;
	spec.container_id = cid;
	spec.permissions = want;
	spec.description = desc;
	spec.expires_at = expires_at;
	return api_mint(ctx, &spec);
}

struct tokens_arg {
	json_object	*arr;
	int64_t		 now;
	int64_t		 left;	/* rows still wanted; the extra one is not shown */
	int		 more;
};

static void
tokens_one(const struct store_token *t, void *arg)
{
	struct tokens_arg *a = arg;

	if (a->left-- <= 0) {
		a->more = 1;
		return;
	}
	json_object_array_add(a->arr, api_token_json(t, a->now));
}

static int
one_of(const char *s, const char *const *allowed)
{
	for (; *allowed != NULL; allowed++)
		if (strcmp(s, *allowed) == 0)
			return 1;
	return 0;
}

/* GET /api/tokens */
static enum http_status
tokens_list(struct api_ctx *ctx)
{
	static const char *const kinds[] = { "personal", "container",
	    "identity", NULL };
	static const char *const states[] = { "active", "expired", "revoked",
	    NULL };
	struct store_token_filter f;
	struct tokens_arg a;
	json_object *o;
	int rc;

	memset(&f, 0, sizeof(f));
	f.kind = "";
	f.state = "";
	f.limit = TOKENS_PAGE_DEFAULT;
	if (api_param(ctx, "kind", &f.kind) < 0 ||
	    api_param(ctx, "state", &f.state) < 0 ||
	    api_param_i64(ctx, "container", 1, INT64_MAX, &f.container_id) < 0 ||
	    api_param_i64(ctx, "identity", 1, INT64_MAX, &f.identity_id) < 0 ||
	    api_param_i64(ctx, "limit", 1, TOKENS_PAGE_MAX, &f.limit) < 0 ||
	    api_param_i64(ctx, "offset", 0, 1000000000, &f.offset) < 0)
		return ctx->res->status;
	if (f.kind == NULL)
		f.kind = "";
	if (f.state == NULL)
		f.state = "";
	if (f.kind[0] != '\0' && !one_of(f.kind, kinds))
		return api_bad_field(ctx, "kind");
	if (f.state[0] != '\0' && !one_of(f.state, states))
		return api_bad_field(ctx, "state");
	f.admin = scope_admin(&ctx->caller);
	f.viewer_id = ctx->caller.user.id;
	f.now = ctx->now;
	a.arr = json_object_new_array();
	a.now = ctx->now;
	a.left = f.limit;
	a.more = 0;
	f.limit++;	/* one more row tells whether there is a next page */
	if ((rc = store_token_each(&ctx->app->db, &f, tokens_one, &a)) != DB_OK) {
		json_object_put(a.arr);
		return api_db_error(ctx, rc);
	}
	o = json_object_new_object();
	json_object_object_add(o, "tokens", a.arr);
	json_object_object_add(o, "next_offset", a.more ?
	    json_object_new_int64(f.offset + f.limit - 1) : NULL);
	http_json(ctx->res, HTTP_OK, o);
	return HTTP_OK;
}

enum http_status
api_tokens(struct api_ctx *ctx)
{
	if (strcmp(ctx->req->method, "POST") == 0)
		return tokens_create(ctx);
	return tokens_list(ctx);
}

enum http_status
api_token_self(struct api_ctx *ctx)
{
	int rc;

	if (ctx->caller.kind != AUTH_TOKEN)
		return api_bad_request(ctx, "token_required");
	if ((rc = auth_token_full(ctx->app, &ctx->caller.token)) != DB_OK)
		return api_db_error(ctx, rc);
	return token_answer(ctx, HTTP_OK, &ctx->caller.token);
}

enum http_status
api_token_renew(struct api_ctx *ctx)
{
	struct store_token *t = &ctx->caller.token;
	struct lifecycle_actor who;
	int64_t exp;
	json_object *o;
	int rc;

	if (ctx->caller.kind != AUTH_TOKEN)
		return api_bad_request(ctx, "token_required");
	if ((rc = auth_token_full(ctx->app, t)) != DB_OK)
		return api_db_error(ctx, rc);
	if (t->ttl_ms == 0)
		return api_bad_request(ctx, "not_renewable");
	exp = ctx->now + t->ttl_ms;
	if (t->max_expires_at != 0 && exp > t->max_expires_at)
		exp = t->max_expires_at;
	if (t->max_expires_at != 0 && t->expires_at >= t->max_expires_at)
		return api_bad_request(ctx, "max_ttl_reached");
	if (exp > t->expires_at) {
		api_actor(ctx, &who);
		rc = lifecycle_renew(&ctx->app->db, t, exp, ctx->now, &who);
		if (rc != DB_OK)
			return api_db_error(ctx, rc);
		t->expires_at = exp;
	}
	o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(t->public_id));
	json_object_object_add(o, "expires", api_time_json(t->expires_at));
	json_object_object_add(o, "max_expires",
	    api_time_json(t->max_expires_at));
	http_json(ctx->res, HTTP_OK, o);
	return HTTP_OK;
}

static enum http_status
token_patch(struct api_ctx *ctx, struct store_token *t)
{
	const char *desc = NULL;
	int rc;

	if ((rc = api_param_text(ctx, "description", STORE_DESCRIPTION_MAX,
	    &desc)) < 0)
		return ctx->res->status;
	if (rc == 0)
		return api_missing_field(ctx, "description");
	if ((rc = store_token_set_description(&ctx->app->db, t->id, desc)) !=
	    DB_OK)
		return api_db_error(ctx, rc);
	api_audit(ctx, "token.update", "ok", t->id, "description");
	util_utf8_clip(desc, t->description, sizeof(t->description),
	    STORE_DESCRIPTION_MAX);
	return token_answer(ctx, HTTP_OK, t);
}

static enum http_status
token_delete(struct api_ctx *ctx, struct store_token *t)
{
	struct lifecycle_actor who;
	const char *reason = NULL;
	json_object *o;
	int rc, changed;

	if (api_param_text(ctx, "reason", STORE_REASON_MAX, &reason) < 0)
		return ctx->res->status;
	api_actor(ctx, &who);
	rc = lifecycle_revoke(&ctx->app->db, t->id, ctx->now,
	    reason != NULL && reason[0] != '\0' ? reason : "deleted", &who,
	    &changed);
	if (rc != DB_OK)
		return api_db_error(ctx, rc);
	if (changed)
		log_info("token_revoked", "id=%s hint=%s by=%lld", t->public_id,
		    t->hint, (long long)ctx->caller.user.id);
	o = json_object_new_object();
	json_object_object_add(o, "ok", json_object_new_boolean(1));
	json_object_object_add(o, "revoked", json_object_new_boolean(changed));
	http_json(ctx->res, HTTP_OK, o);
	return HTTP_OK;
}

enum http_status
api_token(struct api_ctx *ctx)
{
	struct store_token t;

	if (!token_load(ctx, &t))
		return ctx->res->status;
	if (strcmp(ctx->req->method, "PATCH") == 0)
		return token_patch(ctx, &t);
	if (strcmp(ctx->req->method, "DELETE") == 0)
		return token_delete(ctx, &t);
	return token_answer(ctx, HTTP_OK, &t);
}

enum http_status
api_token_rotate(struct api_ctx *ctx)
{
	struct lifecycle_actor who;
	struct lifecycle_new nt;
	struct store_token t;
	int64_t overlap = 0, have;
	int rc, rotated;

	if (!token_load(ctx, &t))
		return ctx->res->status;
	if (api_param_i64(ctx, "overlap", 0, ROTATE_OVERLAP_MAX, &overlap) < 0)
		return ctx->res->status;
	if (t.revoked_at != 0)
		return api_conflict(ctx, "token_revoked");
	if (t.superseded_at != 0)
		return api_conflict(ctx, "already_rotated");
	/*
	 * The new token acts with the creator's rights: someone else who may
	 * see it (an access holder) must hold every flag it has, or rotation
	 * would hand them more than they could mint themselves.
	 */
	if (t.user_id != ctx->caller.user.id && !scope_admin(&ctx->caller)) {
		if ((rc = scope_perms(ctx->app, &ctx->caller, t.container_id,
		    &have)) != DB_OK)
			return api_db_error(ctx, rc);
		if (perm_missing((unsigned)t.permissions, (unsigned)have) != 0)
			return api_insufficient_scope(ctx,
			    perm_missing((unsigned)t.permissions, (unsigned)have),
			    t.container_id);
	}
	api_actor(ctx, &who);
	rc = lifecycle_rotate(&ctx->app->db, ctx->app->conf->token_prefix,
	    ctx->app->secret, &t, overlap * 1000, ctx->now, &who, &nt,
	    &rotated);
	if (rc != DB_OK)
		return api_db_error(ctx, rc);
	if (!rotated)	/* rotated or revoked by someone else meanwhile */
		return api_conflict(ctx, "already_rotated");
	log_info("token_rotated", "old=%s new=%s by=%lld", t.public_id,
	    nt.public_id, (long long)ctx->caller.user.id);
	return token_created(ctx, &nt);
}

enum http_status
api_token_events(struct api_ctx *ctx)
{
	struct store_audit_filter f;
	struct store_token t;

	if (!token_load(ctx, &t))
		return ctx->res->status;
	memset(&f, 0, sizeof(f));
	f.token = t.public_id;
	return api_audit_answer(ctx, &f);
}
