/*
 * api_authorize.c: lets the web server guard any other location with these
 * tokens: the FastCGI Authorizer role (lighttpd "mode" => "authorizer",
 * Apache mod_authnz_fcgi) and GET /api/authorize (nginx auth_request).
 */
#include <ctype.h>
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

/* name=value from the query string only (never the body); NULL if absent. */
static const char *
authorize_query(struct api_ctx *ctx, const char *name)
{
	const char *q = ctx->req->query, *v = NULL;

	if (http_form_get(ctx->req->arena, q, strlen(q), name, &v) != 1 ||
	    v == NULL || v[0] == '\0')
		return NULL;
	return v;
}

/*
 * What the location requires. The web server's FastCGI params decide
 * alone whenever either is set, even to nothing: an empty value is a
 * config mistake and fails closed, never "anyone may pass". Only without
 * them does /api/authorize read its own query string; in the Authorizer
 * role the query belongs to the guarded request, so a client could choose
 * it: it is never read there. -1 with the answer set.
 */
static int
authorize_need(struct api_ctx *ctx, int role, struct authorize_need *n)
{
	const char *c = http_env(ctx->req->envp, "APITOKEN_CONTAINER");
	const char *p = http_env(ctx->req->envp, "APITOKEN_PERMISSION");
	int server = c != NULL || p != NULL;

	memset(n, 0, sizeof(*n));
	if (!server && !role) {
		c = authorize_query(ctx, "container");
		p = authorize_query(ctx, "permission");
	}
	if (c != NULL && util_parse_i64(c, strlen(c), 1, INT64_MAX,
	    &n->container) == -1) {
		if (server)
			return authorize_misconfigured(ctx, "APITOKEN_CONTAINER");
		api_bad_field(ctx, "container");
		return -1;
	}
	if (p != NULL && (n->flag = perm_from_name(p, strlen(p))) == 0) {
		if (server)
			return authorize_misconfigured(ctx, "APITOKEN_PERMISSION");
		api_bad_field(ctx, "permission");
		return -1;
	}
	/* A permission means nothing without the container it is held on. */
	if (n->flag != 0 && n->container == 0) {
		if (server)
			return authorize_misconfigured(ctx, "APITOKEN_CONTAINER");
		api_missing_field(ctx, "container");
		return -1;
	}
	return 0;
}

/*
 * Tells the guarded application who called: "Variable-" headers become
 * its environment under the Authorizer role; nginx copies X-Apitoken-*
 * with auth_request_set.
 */
static const char *
authorize_xname(const char *name, char *buf, size_t size)
{
	size_t o, i;
	int first = 1;

	o = (size_t)snprintf(buf, size, "X-Apitoken-");
	for (i = 0; name[i] != '\0' && o + 1 < size; i++, o++) {
		if (name[i] == '_') {
			buf[o] = '-';
			first = 1;
			continue;
		}
		buf[o] = first ? name[i] : (char)tolower((unsigned char)name[i]);
		first = 0;
	}
	buf[o] = '\0';
	return buf;
}

static int
authorize_tell(struct api_ctx *ctx, const char *name, const char *value)
{
	char h[64];

	snprintf(h, sizeof(h), "Variable-APITOKEN_%s", name);
	if (http_header_add(ctx->res, h, value) == -1)
		return -1;
	/* TOKEN_ID becomes X-Apitoken-Token-Id, the way HTTP names read. */
	return http_header_add(ctx->res, authorize_xname(name, h, sizeof(h)),
	    value);
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
	int rc, bad;

	if (authorize_need(ctx, ctx->authorizer_role, &need) == -1)
		return ctx->res->status;
	ar = auth_resolve(ctx->app, ctx->req, ctx->now, &ctx->caller, &reason);
	if (ar != AUTH_OK)
		return api_auth_failed(ctx, ar, reason);
	/* A guarded POST by cookie passes the same CSRF rule as the API. */
	if (c->kind == AUTH_SESSION && strcmp(ctx->req->method, "GET") != 0 &&
	    strcmp(ctx->req->method, "HEAD") != 0 &&
	    !auth_csrf_ok(ctx->app->conf, ctx->req))
		return api_csrf_failed(ctx);
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
	/* A 200 that fails to say who called must not go out: fail closed. */
	bad = authorize_tell(ctx, "USER", who) == -1 ||
	    authorize_tell(ctx, "AUTH", auth_kind_name(c->kind)) == -1;
	if (!bad && c->kind == AUTH_TOKEN)
		bad = authorize_tell(ctx, "TOKEN_ID", c->token.public_id) == -1 ||
		    authorize_tell(ctx, "KIND", c->token.kind) == -1;
	if (!bad && need.container != 0) {
		perm_scope((unsigned)perms, scope, sizeof(scope));
		snprintf(num, sizeof(num), "%lld", (long long)need.container);
		/*
		 * In the Authorizer role the guarded app already has the
		 * server's APITOKEN_CONTAINER; lighttpd would append ours ("1, 1").
		 */
		bad = (ctx->authorizer_role ? http_header_add(ctx->res,
		    "X-Apitoken-Container", num) :
		    authorize_tell(ctx, "CONTAINER", num)) == -1 ||
		    authorize_tell(ctx, "PERMISSIONS", scope) == -1;
	}
	if (bad)
		return api_db_error(ctx, DB_ERROR);
	o = json_object_new_object();
	json_object_object_add(o, "allowed", json_object_new_boolean(1));
	json_object_object_add(o, "user", json_object_new_string(who));
	http_json(ctx->res, HTTP_OK, o);
	return HTTP_OK;
}
