/* api_misc.c: GET /api/whoami (the reference protected route) and /healthz. */
#include "api.h"
#include "perm.h"
#include "scope.h"

enum http_status
api_whoami(struct api_ctx *ctx)
{
	const struct auth_caller *c = &ctx->caller;
	json_object *o, *u, *t;

	o = json_object_new_object();
	/* Identity tokens have no user: "user" is null, "identity" says who. */
	u = NULL;
	if (c->user.id != 0) {
		u = json_object_new_object();
		json_object_object_add(u, "id", json_object_new_int64(c->user.id));
		json_object_object_add(u, "login",
		    json_object_new_string(c->user.login));
		json_object_object_add(u, "admin",
		    json_object_new_boolean(c->user.is_admin));
	}
	json_object_object_add(o, "user", u);
	if (c->kind == AUTH_TOKEN && c->token.identity_id != 0) {
		u = json_object_new_object();
		json_object_object_add(u, "id",
		    json_object_new_int64(c->token.identity_id));
		json_object_object_add(u, "name",
		    json_object_new_string(c->token.identity_name));
		json_object_object_add(u, "org_role",
		    json_object_new_string(c->token.identity_role));
		json_object_object_add(o, "identity", u);
	}
	json_object_object_add(o, "auth",
	    json_object_new_string(auth_kind_name(c->kind)));
	if (c->kind == AUTH_TOKEN) {
		t = json_object_new_object();
		json_object_object_add(t, "id",
		    json_object_new_string(c->token.public_id));
		json_object_object_add(t, "kind",
		    json_object_new_string(c->token.kind));
		json_object_object_add(t, "hint",
		    json_object_new_string(c->token.hint));
		json_object_object_add(t, "created",
		    json_object_new_int64(c->token.created_at));
		json_object_object_add(t, "expires",
		    api_time_json(c->token.expires_at));
		json_object_object_add(t, "container", c->token.container_id ?
		    json_object_new_int64(c->token.container_id) : NULL);
		json_object_object_add(t, "permissions",
		    scope_token_full(&c->token) ? NULL :
		    perm_json((unsigned)c->token.permissions));
		json_object_object_add(o, "token", t);
	} else if (c->kind == AUTH_SESSION)
		json_object_object_add(o, "session_expires",
		    json_object_new_int64(c->session_expires));
	json_object_object_add(o, "client_ip",
	    json_object_new_string(ctx->req->client_ip));
	http_json(ctx->res, HTTP_OK, o);
	return HTTP_OK;
}

enum http_status
api_healthz(struct api_ctx *ctx)
{
	json_object *o = json_object_new_object();

	if (db_ping(&ctx->app->db) != DB_OK) {
		json_object_object_add(o, "status",
		    json_object_new_string("unavailable"));
		http_header_add(ctx->res, "Retry-After", "5");
		http_json(ctx->res, HTTP_SERVICE_UNAVAILABLE, o);
		return HTTP_SERVICE_UNAVAILABLE;
	}
	json_object_object_add(o, "status", json_object_new_string("ok"));
	http_json(ctx->res, HTTP_OK, o);
	return HTTP_OK;
}
