/* api_common.c: what every handler needs: parameters, errors, audit rows. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "log.h"
#include "store_audit.h"

enum http_status
api_db_error(struct api_ctx *ctx, int db_status)
{
	if (db_status == DB_UNAVAILABLE) {
		http_header_add(ctx->res, "Retry-After", "5");
		http_error(ctx->res, HTTP_SERVICE_UNAVAILABLE,
		    "service_unavailable", "database_unavailable");
		return HTTP_SERVICE_UNAVAILABLE;
	}
	log_error("request_failed", "path=%s db_status=%d", ctx->req->path,
	    db_status);
	http_error(ctx->res, HTTP_INTERNAL_ERROR, "internal_error", NULL);
	return HTTP_INTERNAL_ERROR;
}

enum http_status
api_bad_request(struct api_ctx *ctx, const char *reason)
{
	http_error(ctx->res, HTTP_BAD_REQUEST, "invalid_request", reason);
	return HTTP_BAD_REQUEST;
}

static int
api_is_json(const struct http_request *r)
{
	return strncasecmp(r->content_type, "application/json", 16) == 0;
}

static int
api_is_form(const struct http_request *r)
{
	return r->content_type[0] == '\0' || strncasecmp(r->content_type,
	    "application/x-www-form-urlencoded", 33) == 0;
}

/* Parses a JSON object body once; -1 (400 set) if it is not one. */
static int
api_body_json(struct api_ctx *ctx)
{
	struct json_tokener *tok;
	json_object *o;

	if (ctx->body_parsed)
		return ctx->body_json != NULL ? 0 : -1;
	ctx->body_parsed = 1;
	if ((tok = json_tokener_new_ex(16)) == NULL)
		goto bad;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, ctx->req->body, (int)ctx->req->body_len);
	/* Trailing bytes after the object are an error too. */
	if (o == NULL || json_tokener_get_error(tok) != json_tokener_success ||
	    (size_t)json_tokener_get_parse_end(tok) != ctx->req->body_len ||
	    !json_object_is_type(o, json_type_object)) {
		if (o != NULL)
			json_object_put(o);
		json_tokener_free(tok);
		goto bad;
	}
	json_tokener_free(tok);
	ctx->body_json = o;
	return 0;
bad:
	api_bad_request(ctx, "invalid_json");
	return -1;
}

int
api_param(struct api_ctx *ctx, const char *name, const char **value)
{
	struct http_request *r = ctx->req;
	json_object *v;
	int rc;

	if (r->body != NULL && r->body_len > 0) {
		if (api_is_json(r)) {
			if (api_body_json(ctx) == -1)
				return -1;
			if (json_object_object_get_ex(ctx->body_json, name, &v)) {
				if (json_object_is_type(v, json_type_string) ||
				    json_object_is_type(v, json_type_int)) {
					*value = arena_strdup(r->arena,
					    json_object_get_string(v));
					return *value != NULL ? 1 : -1;
				}
				if (!json_object_is_type(v, json_type_null)) {
					api_bad_request(ctx, "invalid_field");
					return -1;
				}
			}
		} else if (!api_is_form(r)) {
			api_bad_request(ctx, "invalid_content_type");
			return -1;
		} else {
			rc = http_form_get(r->arena, r->body, r->body_len, name,
			    value);
			if (rc != 0) {
				if (rc < 0)
					api_bad_request(ctx, "invalid_form");
				return rc;
			}
		}
	}
	rc = http_form_get(r->arena, r->query, strlen(r->query), name, value);
	if (rc < 0)
		api_bad_request(ctx, "invalid_query");
	return rc;
}

void
api_audit(struct api_ctx *ctx, const char *action, const char *outcome,
    int64_t token_id, const char *reason)
{
	struct store_audit_event e;
	int rc;

	memset(&e, 0, sizeof(e));
	e.at = ctx->now;
	e.actor_user_id = ctx->caller.user.id;
	e.actor_token_id = ctx->caller.kind == AUTH_TOKEN ?
	    ctx->caller.token.id : 0;
	e.token_id = token_id;
	e.action = action;
	e.outcome = outcome;
	e.ip = ctx->req->client_ip;
	e.user_agent = ctx->req->user_agent;
	e.reason = reason != NULL ? reason : "";
	if ((rc = store_audit_add(&ctx->app->db, &e)) != DB_OK)
		log_warn("audit_failed", "action=%s db_status=%d", action, rc);
}

json_object *
api_time_json(int64_t ms)
{
	return ms != 0 ? json_object_new_int64(ms) : NULL;
}
