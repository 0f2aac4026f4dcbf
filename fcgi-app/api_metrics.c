/* api_metrics.c: GET /metrics, the shared counters in Prometheus text
 * format, for the addresses in [http] metrics_allow only. */
#include "api.h"
#include "metrics.h"
#include "route.h"

/* Every route × every status with a count stays well below this. */
#define METRICS_TEXT_MAX	(128 * 1024)

enum http_status
api_metrics(struct api_ctx *ctx)
{
	char *buf;
	long n;

	/* The client address, after trusted proxies: see http_client_addr. */
	if (ctx->req->client_ip[0] == '\0' ||
	    !cidr_list_match(&ctx->app->conf->metrics_allow,
	    ctx->req->client_addr))
		return api_forbidden(ctx, "metrics_not_allowed");
	if ((buf = arena_alloc(ctx->req->arena, METRICS_TEXT_MAX)) == NULL ||
	    (n = metrics_render(buf, METRICS_TEXT_MAX, route_path_at)) < 0)
		return api_db_error(ctx, DB_ERROR);
	http_static(ctx->res, HTTP_OK, "text/plain; version=0.0.4; "
	    "charset=utf-8", buf, (size_t)n);
	return HTTP_OK;
}
