/* metrics.h: counters shared by the master and every worker, and their
 * Prometheus text form for GET /metrics. */
#ifndef APITOKEN_METRICS_H
#define APITOKEN_METRICS_H

#include <stddef.h>
#include <stdint.h>

#define METRICS_ROUTES	48	/* route table entries at most */
#define METRICS_ROUTE_AUTHORIZER	(-2)	/* the FastCGI Authorizer role */

/*
 * Maps the counters into memory shared with every process forked later
 * (call once in the master before forking; plain CGI gets its own). 0/-1.
 */
int	 metrics_init(void);
/* route: index in the route table, -1 when no route matched, or
 * METRICS_ROUTE_AUTHORIZER. */
void	 metrics_request(int route, int status, int64_t elapsed_us);
void	 metrics_auth_failure(const char *reason);
void	 metrics_token_created(void);
void	 metrics_token_revoked(void);
/* A token check with the cache on: answered from it (1) or not (0). */
void	 metrics_token_cache(int hit);
/* The growth of a worker's db error and reconnect counts since last time. */
void	 metrics_db(unsigned long errors, unsigned long reconnects);
void	 metrics_worker_restart(void);
/*
 * Writes the exposition text into buf; route_name(i) names route i.
 * Returns the length, or -1 if buf is too small.
 */
long	 metrics_render(char *buf, size_t size, const char *(*route_name)(int));

#endif
