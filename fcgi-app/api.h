/* api.h: what a handler gets (the process's app, the request, the caller). */
#ifndef APITOKEN_API_H
#define APITOKEN_API_H

#include <stdint.h>

#include "auth.h"
#include "conf.h"
#include "db.h"
#include "http.h"
#include "lifecycle.h"
#include "store_audit.h"
#include "token.h"

#define API_PARAMS_MAX	2	/* "*" segments in one route's path */
#define API_SEGMENT_MAX	64	/* longer path segments never match */

/* Per process: built by the worker after the fork, lives until exit. */
struct app {
	const struct conf *conf;
	struct db	 db;
	uint8_t		 secret[TOKEN_SECRET_LEN];
	unsigned long	 requests;
	int		 one_shot;	/* plain CGI: this process answers once */
	unsigned long	 db_errors_seen;	/* published to metrics */
	unsigned long	 db_reconnects_seen;
};

struct api_ctx {
	struct app		*app;
	struct http_request	*req;
	struct http_response	*res;
	struct auth_caller	 caller;
	int64_t			 now;	/* ms since the epoch, once per request */
	json_object		*body_json;	/* parsed once by api_param */
	int			 body_parsed;
	char			 params[API_PARAMS_MAX][API_SEGMENT_MAX + 1];
	int			 authorizer_role;	/* FastCGI Authorizer request */
	int			 route_index;	/* for metrics; -1 = none */
};

/* A handler fills ctx->res and returns its HTTP status. */
typedef enum http_status (*api_handler)(struct api_ctx *ctx);

/* api_session.c */
enum http_status api_login(struct api_ctx *ctx);
enum http_status api_logout(struct api_ctx *ctx);
/* api_compat.c: the Insight.io-compatible trio */
enum http_status api_create_token(struct api_ctx *ctx);
enum http_status api_get_tokens(struct api_ctx *ctx);
enum http_status api_revoke_token(struct api_ctx *ctx);
/* Revokes the token tok if it exists and is live; a db_status. */
int	 api_revoke_presented(struct api_ctx *ctx, const char *tok, size_t len,
	    const char *why);
/* api_misc.c */
enum http_status api_whoami(struct api_ctx *ctx);
enum http_status api_healthz(struct api_ctx *ctx);
/* api_page.c: the browser page, /app/ and its script and style sheet */
enum http_status api_page(struct api_ctx *ctx);

/* api_containers.c */
/* Container and identity names: 1..64 of [A-Za-z0-9._-]. */
int	 api_name_valid(const char *s);
enum http_status api_containers(struct api_ctx *ctx);
enum http_status api_container_members(struct api_ctx *ctx);
enum http_status api_container_member(struct api_ctx *ctx);
enum http_status api_container_token_create(struct api_ctx *ctx);
enum http_status api_container_check(struct api_ctx *ctx);
/* api_identities.c */
enum http_status api_identities(struct api_ctx *ctx);
enum http_status api_identity(struct api_ctx *ctx);
enum http_status api_identity_role(struct api_ctx *ctx);
enum http_status api_identity_token_create(struct api_ctx *ctx);
/* api_tokens.c: management by id */
/* description and expires_in of a creation request; -1 with 400 set. */
int	 api_token_common_params(struct api_ctx *ctx, const char **desc,
	    int64_t *expires_at);
enum http_status api_tokens(struct api_ctx *ctx);
enum http_status api_token_self(struct api_ctx *ctx);
enum http_status api_token_renew(struct api_ctx *ctx);
enum http_status api_token(struct api_ctx *ctx);
enum http_status api_token_rotate(struct api_ctx *ctx);
enum http_status api_token_events(struct api_ctx *ctx);
/* api_oauth.c: RFC 7662 introspection and RFC 7009 revocation */
enum http_status api_introspect(struct api_ctx *ctx);
enum http_status api_revoke(struct api_ctx *ctx);
/* api_authorize.c: the web server asks whether a request may pass */
enum http_status api_authorize(struct api_ctx *ctx);
/* api_metrics.c: GET /metrics (Prometheus text) */
enum http_status api_metrics(struct api_ctx *ctx);
/* api_audit.c */
enum http_status api_audit_list(struct api_ctx *ctx);
/* Reads limit and offset, lists events matching f as {"events":[..]}. */
enum http_status api_audit_answer(struct api_ctx *ctx,
	    struct store_audit_filter *f);

/* Maps a store failure to 503 (unavailable) or 500; returns the status. */
enum http_status api_db_error(struct api_ctx *ctx, int db_status);
/*
 * A request parameter: the query string, or on POST the form or JSON body.
 * 1 found, 0 absent, -1 malformed (the response is then already set).
 */
int	 api_param(struct api_ctx *ctx, const char *name, const char **value);
/* 400 {"error":"invalid_request","reason":reason}; returns 400. */
enum http_status api_bad_request(struct api_ctx *ctx, const char *reason);
/* Appends an audit event for this request (actor = the caller). */
void	 api_audit(struct api_ctx *ctx, const char *action,
	    const char *outcome, int64_t token_id, const char *reason);
/* JSON value for a ms time, null when 0. */
json_object *api_time_json(int64_t ms);

/* The answer for a caller that could not be resolved (401/400/403/503). */
enum http_status api_auth_failed(struct api_ctx *ctx, enum auth_result ar,
	    const char *reason);
/* 400 invalid_request, reason invalid_field, naming the field. */
enum http_status api_bad_field(struct api_ctx *ctx, const char *field);
/* 400 invalid_request, reason missing_field, naming the field. */
enum http_status api_missing_field(struct api_ctx *ctx, const char *field);
enum http_status api_forbidden(struct api_ctx *ctx, const char *reason);
/* 403 csrf_check_failed (counted in the metrics). */
enum http_status api_csrf_failed(struct api_ctx *ctx);
/* 429 too_many_attempts with Retry-After (seconds, at least 1). */
enum http_status api_throttled(struct api_ctx *ctx, unsigned retry_after);
enum http_status api_not_found(struct api_ctx *ctx, const char *reason);
enum http_status api_conflict(struct api_ctx *ctx, const char *reason);
/*
 * 403 insufficient_scope, naming the missing flag and container when
 * known (0 = not named); a denied use of a token is audited.
 */
enum http_status api_insufficient_scope(struct api_ctx *ctx, unsigned flag,
	    int64_t container_id);
/* A whole number in [min, max]: 1 found, 0 absent or empty, -1 (400 set). */
int	 api_param_i64(struct api_ctx *ctx, const char *name, int64_t min,
	    int64_t max, int64_t *v);
/* true/false (JSON boolean, or "true"/"false"/"1"/"0"). */
int	 api_param_bool(struct api_ctx *ctx, const char *name, int *v);
/*
 * A list: a JSON array of strings, or one comma-separated string. Joined
 * into buf with ", ". 1 found, 0 absent (buf untouched), -1 (400 set; too
 * long, not strings).
 */
int	 api_param_list(struct api_ctx *ctx, const char *name, char *buf,
	    size_t size);
/* A list of permission names into flags. 1, 0, or -1 (400 set). */
int	 api_param_perms(struct api_ctx *ctx, const char *name, unsigned *mask);
/* Free text of 0..max characters of UTF-8. 1, 0, or -1 (400 set). */
int	 api_param_text(struct api_ctx *ctx, const char *name, size_t max,
	    const char **v);
/* The numeric id in path segment i; -1 when it is not one (404 set). */
int	 api_path_id(struct api_ctx *ctx, int i, const char *what, int64_t *id);
/* The actor of this request, for lifecycle_* calls. */
void	 api_actor(const struct api_ctx *ctx, struct lifecycle_actor *who);
/* A token as management answers show it (see doc/api.md). */
json_object *api_token_json(const struct store_token *t, int64_t now);
/*
 * Mints the token of spec for the caller and answers 201 with the token
 * object and the one-time plain token.
 */
enum http_status api_mint(struct api_ctx *ctx, const struct lifecycle_spec *spec);
/* {"key": arr} with 200; or, when rc is a store failure, frees arr and
 * answers that. */
enum http_status api_list_answer(struct api_ctx *ctx, const char *key,
	    json_object *arr, int rc);

#endif
