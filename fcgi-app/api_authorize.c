/*
 * api_authorize.c: lets the web server guard any other location with these
 * tokens: the FastCGI Authorizer role (lighttpd "mode" => "authorizer",
 * Apache mod_authnz_fcgi) and GET /api/authorize (nginx auth_request).
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "log.h"
#include "perm.h"
#include "scope.h"
#include "util.h"

/* What the guarded location requires: 0 = any valid caller. */
struct authorize_need {
	int64_t		 container;	/* 0: no container */
	unsigned	 flag;		/* 0: any flag on the container */
};

/*
 * One requirement: the web server's FastCGI param (APITOKEN_CONTAINER,
 * set in the guarded location's config), else, for /api/authorize only,
 * the query string. The query of an authorizer request belongs to the
 * guarded request, so a client could choose it: never read it there.
 * 1 found, 0 absent, -1 answer set.
 */
static int
authorize_value(struct api_ctx *ctx, int role, const char *param,
    const char *field, const char **v)
{
	int rc;

	if ((*v = http_env(ctx->req->envp, param)) != NULL && (*v)[0] != '\0')
		return 1;
	if (role)
		return 0;
	rc = api_param(ctx, field, v);
	return rc == 1 && (*v)[0] == '\0' ? 0 : rc;
}

/* A requirement the server config got wrong is its operator's to fix. */
static int
authorize_misconfigured(struct api_ctx *ctx, const char *what)
{
	log_error("authorize_misconfigured", "param=%s path=%.64s", what,
	    ctx->req->path);
	http_error(ctx->res, HTTP_INTERNAL_ERROR, "internal_error",
	    "authorizer_misconfigured");
	return -1;
}

static int
authorize_need(struct api_ctx *ctx, int role, struct authorize_need *n)
{
	const char *c = NULL, *p = NULL;
	int rc;

	memset(n, 0, sizeof(*n));
	if ((rc = authorize_value(ctx, role, "APITOKEN_CONTAINER", "container",
	    &c)) < 0 ||
	    authorize_value(ctx, role, "APITOKEN_PERMISSION", "permission",
	    &p) < 0)
		return -1;
	if (rc == 1 && util_parse_i64(c, strlen(c), 1, INT64_MAX,
	    &n->container) == -1) {
		if (http_env(ctx->req->envp, "APITOKEN_CONTAINER") != NULL)
			return authorize_misconfigured(ctx, "APITOKEN_CONTAINER");
		api_bad_field(ctx, "container");
		return -1;
	}
	if (p != NULL && (n->flag = perm_from_name(p, strlen(p))) == 0) {
		if (http_env(ctx->req->envp, "APITOKEN_PERMISSION") != NULL)
			return authorize_misconfigured(ctx, "APITOKEN_PERMISSION");
		api_bad_field(ctx, "permission");
		return -1;
	}
	/* A permission means nothing without the container it is held on. */
	if (n->flag != 0 && n->container == 0)
		return authorize_misconfigured(ctx, "APITOKEN_CONTAINER");
	return 0;
}

/*
 * Tells the guarded application who called: "Variable-" headers become
 * its environment under the Authorizer role; nginx copies X-Apitoken-*
 * with auth_request_set.
 */
static void
authorize_tell(struct api_ctx *ctx, const char *name, const char *value)
{
	char h[64];

	snprintf(h, sizeof(h), "Variable-APITOKEN_%s", name);
	http_header_add(ctx->res, h, value);
	snprintf(h, sizeof(h), "X-Apitoken-%s", name);
	/* X-Apitoken-USER reads oddly; header names are case-blind anyway. */
	http_header_add(ctx->res, h, value);
}

enum http_status
api_authorize(struct api_ctx *ctx)
{
	const struct auth_caller *c = &ctx->caller;
	struct authorize_need need;
	const char *reason = NULL;
	char who[STORE_NAME_MAX * 4 + 16], scope[64], num[24];
	enum auth_result ar;
	json_object *o;
	int64_t perms = 0;
	int rc;

	if (authorize_need(ctx, ctx->authorizer_role, &need) == -1)
		return ctx->res->status;
	ar = auth_resolve(ctx->app, ctx->req, ctx->now, &ctx->caller, &reason);
	if (ar != AUTH_OK)
		return api_auth_failed(ctx, ar, reason);
	if (need.container != 0) {
		if ((rc = scope_perms(ctx->app, c, need.container, &perms)) !=
		    DB_OK)
			return api_db_error(ctx, rc);
		if (need.flag != 0 ? !(perms & need.flag) : perms == 0)
			return api_insufficient_scope(ctx, need.flag,
			    need.container);
	}
	if (c->kind == AUTH_TOKEN && c->token.identity_id != 0)
		snprintf(who, sizeof(who), "identity:%s", c->token.identity_name);
	else
		snprintf(who, sizeof(who), "%s", c->user.login);
	authorize_tell(ctx, "USER", who);
	authorize_tell(ctx, "AUTH", auth_kind_name(c->kind));
	if (c->kind == AUTH_TOKEN) {
		authorize_tell(ctx, "TOKEN_ID", c->token.public_id);
		authorize_tell(ctx, "KIND", c->token.kind);
	}
	if (need.container != 0) {
		perm_scope((unsigned)perms, scope, sizeof(scope));
		snprintf(num, sizeof(num), "%lld", (long long)need.container);
		/*
		 * In the Authorizer role the guarded app already has the
		 * server's APITOKEN_CONTAINER; lighttpd would append ours ("1, 1").
		 */
		if (ctx->authorizer_role)
			http_header_add(ctx->res, "X-Apitoken-CONTAINER", num);
		else
			authorize_tell(ctx, "CONTAINER", num);
		authorize_tell(ctx, "PERMISSIONS", scope);
	}
	o = json_object_new_object();
	json_object_object_add(o, "allowed", json_object_new_boolean(1));
	json_object_object_add(o, "user", json_object_new_string(who));
	http_json(ctx->res, HTTP_OK, o);
	return HTTP_OK;
}
