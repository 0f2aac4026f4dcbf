/* api_oauth.c: RFC 7662 token introspection and RFC 7009 revocation. */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "perm.h"
#include "scope.h"
#include "token.h"

static enum http_status
introspect_inactive(struct api_ctx *ctx)
{
	json_object *o = json_object_new_object();

	/* RFC 7662 2.2: nothing else, so an inactive answer leaks nothing. */
	json_object_object_add(o, "active", json_object_new_boolean(0));
	http_json(ctx->res, HTTP_OK, o);
	return HTTP_OK;
}

/* Admins see every token; users their own and their containers'; a scoped
 * token only itself. */
static int
introspect_may_see(struct api_ctx *ctx, const struct store_token *t)
{
	const struct auth_caller *c = &ctx->caller;

	if (scope_admin(c) || scope_identity_admin(c))
		return 1;
	if (c->kind == AUTH_TOKEN && c->token.id == t->id)
		return 1;
	if (!scope_user_full(c))
		return 0;
	return store_token_visible(&ctx->app->db, t, c->user.id);
}

/*
 * The token to introspect or revoke, from the body only: a token in a URL
 * ends up in access logs. 1 found, 0 absent, -1 with 400 set.
 */
static int
oauth_token_param(struct api_ctx *ctx, const char **tok)
{
	const char *q = ctx->req->query, *v;

	if (http_form_get(ctx->req->arena, q, strlen(q), "token", &v) != 0) {
		api_bad_request(ctx, "token_in_url");
		return -1;
	}
	return api_param(ctx, "token", tok);
}

/*
 * What the token may do: for one bound to a container, its effective
 * flags there right now; otherwise its ceiling (nothing for an identity
 * with org role no-access), since the rest depends on the container.
 */
static int
introspect_scope(struct api_ctx *ctx, const struct store_token *t,
    int64_t *mask)
{
	if (t->container_id != 0)
		return scope_token_perms(ctx->app, t, t->container_id, mask);
	*mask = t->permissions & PERM_ALL;
	if (strcmp(t->kind, "identity") == 0 &&
	    perm_org_role(t->identity_role) == PERM_ORG_NONE)
		*mask = 0;
	return DB_OK;
}

enum http_status
api_introspect(struct api_ctx *ctx)
{
	const struct conf *conf = ctx->app->conf;
	uint8_t hash[TOKEN_HASH_LEN];
	char scope[64], sub[STORE_NAME_MAX * 4 + 16];
	struct store_token t;
	const char *tok = NULL;
	json_object *o;
	int64_t mask;
	size_t len;
	int rc;

	if ((rc = oauth_token_param(ctx, &tok)) < 0)
		return ctx->res->status;
	if (rc == 0)
		return api_missing_field(ctx, "token");
	len = strlen(tok);
	if (len > TOKEN_MAX_LEN ||
	    token_parse(conf->token_prefix, tok, len) != TOKEN_OK)
		return introspect_inactive(ctx);
	token_hash(ctx->app->secret, tok, len, hash);
	if ((rc = store_token_by_hash(&ctx->app->db, hash, &t)) < 0)
		return api_db_error(ctx, rc);
	if (rc == 0 || auth_token_refusal(&t, ctx->now) != NULL)
		return introspect_inactive(ctx);
	if ((rc = introspect_may_see(ctx, &t)) < 0)
		return api_db_error(ctx, rc);
	if (rc == 0)
		return introspect_inactive(ctx);
	if ((rc = introspect_scope(ctx, &t, &mask)) != DB_OK)
		return api_db_error(ctx, rc);
	perm_scope((unsigned)mask, scope, sizeof(scope));
	if (t.identity_id != 0)
		snprintf(sub, sizeof(sub), "identity:%s", t.identity_name);
	else
		snprintf(sub, sizeof(sub), "%s", t.owner.login);
	o = json_object_new_object();
	json_object_object_add(o, "active", json_object_new_boolean(1));
	json_object_object_add(o, "scope", json_object_new_string(scope));
	json_object_object_add(o, "token_type", json_object_new_string("Bearer"));
	json_object_object_add(o, "sub", json_object_new_string(sub));
	json_object_object_add(o, "iat",
	    json_object_new_int64(t.created_at / 1000));
	if (t.expires_at != 0)
		json_object_object_add(o, "exp",
		    json_object_new_int64(t.expires_at / 1000));
	json_object_object_add(o, "id", json_object_new_string(t.public_id));
	json_object_object_add(o, "kind", json_object_new_string(t.kind));
	json_object_object_add(o, "container", t.container_id != 0 ?
	    json_object_new_int64(t.container_id) : NULL);
	json_object_object_add(o, "identity", t.identity_id != 0 ?
	    json_object_new_int64(t.identity_id) : NULL);
	http_json(ctx->res, HTTP_OK, o);
	return HTTP_OK;
}

/*
 * RFC 7009: 200 whether or not the token was valid. Holding a token is
 * enough to revoke it, so no other credential is asked for.
 */
enum http_status
api_revoke(struct api_ctx *ctx)
{
	const char *tok = NULL;
	int rc;

	if ((rc = oauth_token_param(ctx, &tok)) < 0)
		return ctx->res->status;
	if (rc == 1 && tok[0] != '\0' &&
	    (rc = api_revoke_presented(ctx, tok, strlen(tok), "rfc7009")) !=
	    DB_OK)
		return api_db_error(ctx, rc);
	http_json(ctx->res, HTTP_OK, json_object_new_object());
	return HTTP_OK;
}
