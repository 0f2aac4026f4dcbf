/* api.h: what a handler gets (the process's app, the request, the caller). */
#ifndef APITOKEN_API_H
#define APITOKEN_API_H

#include <stdint.h>

#include "auth.h"
#include "conf.h"
#include "db.h"
#include "http.h"
#include "token.h"

/* Per process: built by the worker after the fork, lives until exit. */
struct app {
	const struct conf *conf;
	struct db	 db;
	uint8_t		 secret[TOKEN_SECRET_LEN];
	unsigned long	 requests;
};

struct api_ctx {
	struct app		*app;
	struct http_request	*req;
	struct http_response	*res;
	struct auth_caller	 caller;
	int64_t			 now;	/* ms since the epoch, once per request */
	json_object		*body_json;	/* parsed once by api_param */
	int			 body_parsed;
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
/* api_misc.c */
enum http_status api_whoami(struct api_ctx *ctx);
enum http_status api_healthz(struct api_ctx *ctx);

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

#endif
