/* api_common.c: what every handler needs: parameters, errors, audit rows. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "api.h"
#include "log.h"
#include "metrics.h"
#include "perm.h"
#include "store_audit.h"
#include "util.h"

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
	/*
	 * json-c's own UTF-8 check lets overlong forms and encoded surrogates
	 * through (C0 AF, ED A0 80); the whole body is checked strictly first.
	 */
	if (util_utf8_len(ctx->req->body, ctx->req->body_len) < 0)
		goto bad;
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

/*
 * A JSON string with "\u0000" in it: every caller reads values as C
 * strings and would silently get only what comes before it (like %00 in
 * a form, it is refused).
 */
static int
api_json_has_nul(json_object *v)
{
	const char *s = json_object_get_string(v);

	return strlen(s) != (size_t)json_object_get_string_len(v);
}

/* The field of a JSON body: 1 with *v, 0 absent or not JSON, -1 (400 set). */
static int
api_json_field(struct api_ctx *ctx, const char *name, json_object **v)
{
	struct http_request *r = ctx->req;

	if (r->body == NULL || r->body_len == 0 || !api_is_json(r))
		return 0;
	if (api_body_json(ctx) == -1)
		return -1;
	return json_object_object_get_ex(ctx->body_json, name, v) &&
	    !json_object_is_type(*v, json_type_null) ? 1 : 0;
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
				if (json_object_is_type(v, json_type_string) &&
				    api_json_has_nul(v)) {
					api_bad_field(ctx, name);
					return -1;
				}
				if (json_object_is_type(v, json_type_string) ||
				    json_object_is_type(v, json_type_int) ||
				    json_object_is_type(v, json_type_boolean)) {
					*value = arena_strdup(r->arena,
					    json_object_get_string(v));
					return *value != NULL ? 1 : -1;
				}
				if (!json_object_is_type(v, json_type_null)) {
					api_bad_field(ctx, name);
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

/* {"error":"invalid_request","reason":reason,"field":field} */
static enum http_status
api_field_error(struct api_ctx *ctx, const char *reason, const char *field)
{
	api_bad_request(ctx, reason);
	json_object_object_add(ctx->res->json, "field",
	    json_object_new_string(field));
	return HTTP_BAD_REQUEST;
}

enum http_status
api_bad_field(struct api_ctx *ctx, const char *field)
{
	return api_field_error(ctx, "invalid_field", field);
}

enum http_status
api_missing_field(struct api_ctx *ctx, const char *field)
{
	return api_field_error(ctx, "missing_field", field);
}

enum http_status
api_forbidden(struct api_ctx *ctx, const char *reason)
{
	http_error(ctx->res, HTTP_FORBIDDEN, "forbidden", reason);
	return HTTP_FORBIDDEN;
}

enum http_status
api_not_found(struct api_ctx *ctx, const char *reason)
{
	http_error(ctx->res, HTTP_NOT_FOUND, "not_found", reason);
	return HTTP_NOT_FOUND;
}

enum http_status
api_conflict(struct api_ctx *ctx, const char *reason)
{
	http_error(ctx->res, HTTP_CONFLICT, "conflict", reason);
	return HTTP_CONFLICT;
}

enum http_status
api_insufficient_scope(struct api_ctx *ctx, unsigned flag,
    int64_t container_id)
{
	const char *name = perm_name(flag);

	metrics_auth_failure("insufficient_scope");
	api_forbidden(ctx, "insufficient_scope");
	if (name != NULL)
		json_object_object_add(ctx->res->json, "permission",
		    json_object_new_string(name));
	if (container_id != 0)
		json_object_object_add(ctx->res->json, "container",
		    json_object_new_int64(container_id));
	if (ctx->caller.kind == AUTH_TOKEN) {
		http_header_add(ctx->res, "WWW-Authenticate",
		    "Bearer realm=\"apitoken\", error=\"insufficient_scope\"");
		api_audit(ctx, "token.use", "denied", ctx->caller.token.id,
		    "insufficient_scope");
	}
	return HTTP_FORBIDDEN;
}

int
api_param_i64(struct api_ctx *ctx, const char *name, int64_t min,
    int64_t max, int64_t *v)
{
	const char *s = NULL;
	int rc;

	/* "limit=" is as good as no limit at all: forms send empty fields. */
	if ((rc = api_param(ctx, name, &s)) <= 0 || s[0] == '\0')
		return rc < 0 ? -1 : 0;
	if (util_parse_i64(s, strlen(s), min, max, v) == -1) {
		api_bad_field(ctx, name);
		return -1;
	}
	return 1;
}

int
api_param_bool(struct api_ctx *ctx, const char *name, int *v)
{
	const char *s = NULL;
	int rc;

	if ((rc = api_param(ctx, name, &s)) <= 0)
		return rc;
	if (strcmp(s, "true") == 0 || strcmp(s, "1") == 0)
		*v = 1;
	else if (strcmp(s, "false") == 0 || strcmp(s, "0") == 0)
		*v = 0;
	else {
		api_bad_field(ctx, name);
		return -1;
	}
	return 1;
}

int
api_param_list(struct api_ctx *ctx, const char *name, char *buf, size_t size)
{
	json_object *v, *e;
	const char *s = NULL;
	size_t i, n, o = 0, len;
	int rc;

	/* Absent: buf keeps the caller's default. */
	if (size == 0)
		return -1;
	if ((rc = api_json_field(ctx, name, &v)) < 0)
		return -1;
	if (rc == 1 && json_object_is_type(v, json_type_array)) {
		buf[0] = '\0';
		n = json_object_array_length(v);
		for (i = 0; i < n; i++) {
			e = json_object_array_get_idx(v, i);
			if (!json_object_is_type(e, json_type_string) ||
			    api_json_has_nul(e))
				goto bad;
			s = json_object_get_string(e);
			len = strlen(s);
			/* Elements never contain the separator (or a NUL). */
			if ((size_t)json_object_get_string_len(e) != len ||
			    strchr(s, ',') != NULL ||
			    o + len + (o ? 2 : 0) + 1 > size)
				goto bad;
			if (o) {
				memcpy(buf + o, ", ", 2);
				o += 2;
			}
			memcpy(buf + o, s, len + 1);
			o += len;
		}
		return 1;
	}
	if ((rc = api_param(ctx, name, &s)) <= 0)
		return rc;
	if (strlen(s) + 1 > size)
		goto bad;
	memcpy(buf, s, strlen(s) + 1);
	return 1;
bad:
	api_bad_field(ctx, name);
	return -1;
}

int
api_param_perms(struct api_ctx *ctx, const char *name, unsigned *mask)
{
	char buf[256], bad[40];
	int rc;

	/* Absent: *mask keeps the caller's default. */
	if ((rc = api_param_list(ctx, name, buf, sizeof(buf))) <= 0)
		return rc;
	if (perm_parse_list(buf, mask, bad, sizeof(bad)) == -1) {
		api_bad_field(ctx, name);
		json_object_object_add(ctx->res->json, "value",
		    json_object_new_string(bad));
		return -1;
	}
	return 1;
}

int
api_param_text(struct api_ctx *ctx, const char *name, size_t max,
    const char **v)
{
	long chars;
	int rc;

	if ((rc = api_param(ctx, name, v)) <= 0)
		return rc;
	chars = util_utf8_len(*v, strlen(*v));
	if (chars < 0 || (size_t)chars > max) {
		api_bad_field(ctx, name);
		return -1;
	}
	return 1;
}

int
api_path_id(struct api_ctx *ctx, int i, const char *what, int64_t *id)
{
	const char *s = ctx->params[i];

	if (util_parse_i64(s, strlen(s), 1, INT64_MAX, id) == -1 ||
	    s[0] == '+') {
		api_not_found(ctx, what);
		return -1;
	}
	return 0;
}

void
api_actor(const struct api_ctx *ctx, struct lifecycle_actor *who)
{
	who->user_id = ctx->caller.user.id;
	who->token_id = ctx->caller.kind == AUTH_TOKEN ? ctx->caller.token.id : 0;
	who->ip = ctx->req->client_ip;
	who->user_agent = ctx->req->user_agent;
}

enum http_status
api_list_answer(struct api_ctx *ctx, const char *key, json_object *arr, int rc)
{
	json_object *o;

	if (rc != DB_OK) {
		json_object_put(arr);
		return api_db_error(ctx, rc);
	}
	o = json_object_new_object();
	json_object_object_add(o, key, arr);
	http_json(ctx->res, HTTP_OK, o);
	return HTTP_OK;
}

enum http_status
api_auth_failed(struct api_ctx *ctx, enum auth_result ar, const char *reason)
{
	struct http_response *res = ctx->res;

	if (ar != AUTH_OK && ar != AUTH_UNAVAILABLE && ar != AUTH_ERROR)
		metrics_auth_failure(reason);
	switch (ar) {
	case AUTH_MISSING:
	case AUTH_DENIED:
		http_header_add(res, "WWW-Authenticate", ctx->caller.token_sent ?
		    "Bearer realm=\"apitoken\", error=\"invalid_token\"" :
		    "Bearer realm=\"apitoken\"");
		http_error(res, HTTP_UNAUTHORIZED, "Credentials required",
		    reason);
		return HTTP_UNAUTHORIZED;
	case AUTH_FORBIDDEN:
		return api_forbidden(ctx, reason);
	case AUTH_BAD_REQUEST:
		http_header_add(res, "WWW-Authenticate",
		    "Bearer realm=\"apitoken\", error=\"invalid_request\"");
		return api_bad_request(ctx, reason);
	case AUTH_THROTTLED:
		return api_throttled(ctx, ctx->caller.retry_after);
	case AUTH_UNAVAILABLE:
		return api_db_error(ctx, DB_UNAVAILABLE);
	case AUTH_OK:
	case AUTH_ERROR:
		break;
	}
	return api_db_error(ctx, DB_ERROR);
}

enum http_status
api_throttled(struct api_ctx *ctx, unsigned retry_after)
{
	char v[16];

	snprintf(v, sizeof(v), "%u", retry_after > 0 ? retry_after : 1);
	http_header_add(ctx->res, "Retry-After", v);
	http_error(ctx->res, HTTP_TOO_MANY_REQUESTS, "Too many attempts",
	    "too_many_attempts");
	return HTTP_TOO_MANY_REQUESTS;
}

enum http_status
api_csrf_failed(struct api_ctx *ctx)
{
	metrics_auth_failure("csrf_check_failed");
	return api_forbidden(ctx, "csrf_check_failed");
}
