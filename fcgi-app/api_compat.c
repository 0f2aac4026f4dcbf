/* api_compat.c: the Insight.io-compatible trio: create, list, revoke. */
#include <string.h>

#include <sodium.h>

#include "api.h"
#include "log.h"
#include "lifecycle.h"
#include "perm.h"
#include "scope.h"
#include "store_tokens.h"
#include "token.h"
#include "util.h"

enum http_status
api_create_token(struct api_ctx *ctx)
{
	const struct conf *c = ctx->app->conf;
	struct lifecycle_actor who;
	struct lifecycle_spec spec;
	struct lifecycle_new nt;
	const char *desc;
	int64_t expires_at, live;
	json_object *o;
	int rc;

	/* Only a person with full rights mints: never a scoped token. */
	if (!scope_user_full(&ctx->caller))
		return api_insufficient_scope(ctx, 0, 0);
	if (api_token_common_params(ctx, &desc, &expires_at) == -1)
		return ctx->res->status;
	rc = store_token_count_live(&ctx->app->db, ctx->caller.user.id,
	    ctx->now, &live);
	if (rc != DB_OK)
		return api_db_error(ctx, rc);
	if (live >= (int64_t)c->max_tokens_per_user) {
		http_error(ctx->res, HTTP_FORBIDDEN, "forbidden",
		    "token_limit_reached");
		return HTTP_FORBIDDEN;
	}
	api_actor(ctx, &who);
	memset(&spec, 0, sizeof(spec));
	spec.kind = "personal";
	spec.user_id = ctx->caller.user.id;
	spec.permissions = PERM_ALL;
	spec.description = desc;
	spec.expires_at = expires_at;
	rc = lifecycle_create(&ctx->app->db, c->token_prefix, ctx->app->secret,
	    &spec, ctx->now, &who, &nt);
	if (rc != DB_OK)
		return api_db_error(ctx, rc);
	log_info("token_created", "id=%s hint=%s user=%lld", nt.public_id,
	    nt.hint, (long long)ctx->caller.user.id);
	o = json_object_new_object();
	json_object_object_add(o, "apiToken", json_object_new_string(nt.token));
	json_object_object_add(o, "id", json_object_new_string(nt.public_id));
	json_object_object_add(o, "uid",
	    json_object_new_string(ctx->caller.user.login));
	json_object_object_add(o, "created", json_object_new_int64(ctx->now));
	json_object_object_add(o, "expires", api_time_json(expires_at));
	json_object_object_add(o, "description", json_object_new_string(desc));
	json_object_object_add(o, "hint", json_object_new_string(nt.hint));
	sodium_memzero(nt.token, sizeof(nt.token));
	http_json(ctx->res, HTTP_OK, o);
	return HTTP_OK;
}

struct list_arg {
	json_object	*arr;
	const char	*login;
	int64_t		 now;
};

static void
list_one(const struct store_token *t, void *arg)
{
	struct list_arg *a = arg;
	json_object *o = json_object_new_object();
	int expired = t->expires_at != 0 && t->expires_at <= a->now;

	json_object_object_add(o, "uid", json_object_new_string(a->login));
	json_object_object_add(o, "apiToken", json_object_new_string(t->hint));
	json_object_object_add(o, "created", json_object_new_int64(t->created_at));
	json_object_object_add(o, "lastUsed", api_time_json(t->last_used_at));
	json_object_object_add(o, "id", json_object_new_string(t->public_id));
	json_object_object_add(o, "description",
	    json_object_new_string(t->description));
	json_object_object_add(o, "expires", api_time_json(t->expires_at));
	json_object_object_add(o, "kind", json_object_new_string(t->kind));
	json_object_object_add(o, "state",
	    json_object_new_string(expired ? "expired" : "active"));
	json_object_array_add(a->arr, o);
}

enum http_status
api_get_tokens(struct api_ctx *ctx)
{
	struct list_arg a;
	int rc;

	/* A person's list: container and identity tokens have no person. */
	if (ctx->caller.kind == AUTH_TOKEN &&
	    strcmp(ctx->caller.token.kind, "personal") != 0)
		return api_insufficient_scope(ctx, 0, 0);
	a.arr = json_object_new_array();
	a.login = ctx->caller.user.login;
	a.now = ctx->now;
	rc = store_token_each_of_user(&ctx->app->db, ctx->caller.user.id,
	    (int)ctx->app->conf->max_tokens_per_user, list_one, &a);
	if (rc != DB_OK) {
		json_object_put(a.arr);
		return api_db_error(ctx, rc);
	}
	http_json(ctx->res, HTTP_OK, a.arr);
	return HTTP_OK;
}

int
api_revoke_presented(struct api_ctx *ctx, const char *tok, size_t len,
    const char *why)
{
	struct lifecycle_actor who;
	struct store_token t;
	const char *reason;
	enum auth_result ar;
	int rc, changed;

	ar = auth_token(ctx->app, ctx->req, tok, len, ctx->now,
	    AUTH_TOKEN_LOOKUP, &t, &reason);
	if (ar == AUTH_UNAVAILABLE)
		return DB_UNAVAILABLE;
	if (ar == AUTH_ERROR)
		return DB_ERROR;	/* nothing was revoked: never say it was */
	/* An expired or rotated token may still be revoked; a revoked one is done. */
	if (t.id == 0 || t.revoked_at != 0 || (ar != AUTH_OK &&
	    ar != AUTH_DENIED))
		return DB_OK;
	/* Whoever holds the token revokes it: no user is named for that. */
	who.user_id = 0;
	who.token_id = t.id;
	who.ip = ctx->req->client_ip;
	who.user_agent = ctx->req->user_agent;
	rc = lifecycle_revoke(&ctx->app->db, t.id, ctx->now, why, &who,
	    &changed);
	if (rc == DB_OK && changed)
		log_info("token_revoked", "id=%s hint=%s", t.public_id, t.hint);
	return rc;
}

/*
 * Always 200 for the token it is called with, valid or not, so the answer
 * tells nothing about the token. The one exception is a database that
 * cannot be reached: then nothing was revoked, and 503 says so.
 */
enum http_status
api_revoke_token(struct api_ctx *ctx)
{
	struct auth_creds cr;
	json_object *o;
	int rc;

	auth_creds_read(ctx->req->envp, &cr);
	if (cr.token != NULL && !cr.conflict) {
		rc = api_revoke_presented(ctx, cr.token, cr.token_len,
		    "revokeApiToken");
		if (rc != DB_OK)
			return api_db_error(ctx, rc);
	}
	o = json_object_new_object();
	json_object_object_add(o, "ok", json_object_new_boolean(1));
	http_json(ctx->res, HTTP_OK, o);
	return HTTP_OK;
}
