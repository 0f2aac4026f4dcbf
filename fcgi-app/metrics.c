/* metrics.c: counters shared by the master and every worker, and their
 * Prometheus text form for GET /metrics. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "metrics.h"

/* The statuses we answer with; anything else counts as "other". */
static const int metrics_statuses[] = {
	200, 201, 400, 401, 403, 404, 405, 409, 413, 415, 429, 500, 503,
};
#define METRICS_NSTATUS	(sizeof(metrics_statuses) / sizeof(int) + 1)

/* Refusal reasons of doc/api.md; anything else counts as "other". */
static const char *const metrics_reasons[] = {
	"missing_credentials", "malformed_token", "invalid_token",
	"token_revoked", "token_rotated", "token_expired", "user_disabled",
	"identity_disabled", "token_uses_exhausted", "ip_not_trusted",
	"insufficient_scope", "invalid_session", "invalid_login",
	"multiple_credentials", "malformed_credentials",
	"unsupported_auth_scheme", "csrf_check_failed", "too_many_attempts",
};
#define METRICS_NREASON	(sizeof(metrics_reasons) / sizeof(char *) + 1)

/* Latency bucket upper bounds in ms; the last bucket is +Inf. */
static const int metrics_le_ms[] = {
	1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500,
};
#define METRICS_NLE	(sizeof(metrics_le_ms) / sizeof(int) + 1)

struct metrics_shm {
	/* rows: the routes, then "unknown", then "authorizer" */
	uint64_t requests[METRICS_ROUTES + 2][METRICS_NSTATUS];
	uint64_t latency[METRICS_NLE];	/* not cumulative; summed on render */
	uint64_t latency_sum_us;
	uint64_t auth_failures[METRICS_NREASON];
	uint64_t tokens_created;
	uint64_t tokens_revoked;
	uint64_t cache_hits;
	uint64_t cache_misses;
	uint64_t db_errors;
	uint64_t db_reconnects;
	uint64_t worker_restarts;
};

static struct metrics_shm metrics_local;
static struct metrics_shm *m = &metrics_local;

/* Relaxed atomics: counters need no ordering, only no lost increments. */
#define METRICS_ADD(x, n)	__atomic_fetch_add(&(x), (n), __ATOMIC_RELAXED)
#define METRICS_GET(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)

int
metrics_init(void)
{
	void *p;

	p = mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	memset(p, 0, sizeof(*m));
	m = p;
	return 0;
}

static size_t
metrics_status_index(int status)
{
	size_t i;

	for (i = 0; i < METRICS_NSTATUS - 1; i++)
		if (metrics_statuses[i] == status)
			return i;
	return METRICS_NSTATUS - 1;
}

void
metrics_request(int route, int status, int64_t elapsed_us)
{
	size_t r = route >= 0 && route < METRICS_ROUTES ? (size_t)route :
	    route == METRICS_ROUTE_AUTHORIZER ? METRICS_ROUTES + 1 :
	    METRICS_ROUTES, i;

	METRICS_ADD(m->requests[r][metrics_status_index(status)], 1);
	for (i = 0; i < METRICS_NLE - 1; i++)
		if (elapsed_us <= (int64_t)metrics_le_ms[i] * 1000)
			break;
	METRICS_ADD(m->latency[i], 1);
	METRICS_ADD(m->latency_sum_us, elapsed_us > 0 ? (uint64_t)elapsed_us :
	    0);
}

void
metrics_auth_failure(const char *reason)
{
	size_t i;

	for (i = 0; i < METRICS_NREASON - 1; i++)
		if (reason != NULL && strcmp(reason, metrics_reasons[i]) == 0)
			break;
	METRICS_ADD(m->auth_failures[i], 1);
}

void
metrics_token_created(void)
{
	METRICS_ADD(m->tokens_created, 1);
}

void
metrics_token_revoked(void)
{
	METRICS_ADD(m->tokens_revoked, 1);
}

void
metrics_token_cache(int hit)
{
	if (hit)
		METRICS_ADD(m->cache_hits, 1);
	else
		METRICS_ADD(m->cache_misses, 1);
}

void
metrics_db(unsigned long errors, unsigned long reconnects)
{
	METRICS_ADD(m->db_errors, errors);
	METRICS_ADD(m->db_reconnects, reconnects);
}

void
metrics_worker_restart(void)
{
	METRICS_ADD(m->worker_restarts, 1);
}

struct metrics_out {
	char	*buf;
	size_t	 size;
	size_t	 len;
	int	 full;
};

static void
metrics_printf(struct metrics_out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
metrics_printf(struct metrics_out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->size - o->len)
		o->full = 1;
	else
		o->len += (size_t)n;
}

static void
metrics_counter(struct metrics_out *o, const char *name, const char *help,
    uint64_t v)
{
	metrics_printf(o, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", name,
	    help, name, name, (unsigned long long)v);
}

long
metrics_render(char *buf, size_t size, const char *(*route_name)(int))
{
	struct metrics_out o = { buf, size, 0, 0 };
	uint64_t v, cum = 0;
	size_t r, s;
	char st[8];

	metrics_printf(&o, "# HELP apitoken_requests_total Requests answered, "
	    "by route and status.\n# TYPE apitoken_requests_total counter\n");
	for (r = 0; r < METRICS_ROUTES + 2; r++) {
		for (s = 0; s < METRICS_NSTATUS; s++) {
			if ((v = METRICS_GET(m->requests[r][s])) == 0)
				continue;
			if (s < METRICS_NSTATUS - 1)
				snprintf(st, sizeof(st), "%d",
				    metrics_statuses[s]);
			else
				snprintf(st, sizeof(st), "other");
			metrics_printf(&o, "apitoken_requests_total{route=\"%s\","
			    "status=\"%s\"} %llu\n", r < METRICS_ROUTES ?
			    route_name((int)r) : r == METRICS_ROUTES ? "unknown" :
			    "authorizer", st,
			    (unsigned long long)v);
		}
	}
	metrics_printf(&o, "# HELP apitoken_request_duration_seconds Time "
	    "from accept to answer.\n"
	    "# TYPE apitoken_request_duration_seconds histogram\n");
	for (s = 0; s < METRICS_NLE; s++) {
		cum += METRICS_GET(m->latency[s]);
		if (s < METRICS_NLE - 1)
			metrics_printf(&o, "apitoken_request_duration_seconds_"
			    "bucket{le=\"%g\"} %llu\n",
			    metrics_le_ms[s] / 1000.0, (unsigned long long)cum);
		else
			metrics_printf(&o, "apitoken_request_duration_seconds_"
			    "bucket{le=\"+Inf\"} %llu\n",
			    (unsigned long long)cum);
	}
	metrics_printf(&o, "apitoken_request_duration_seconds_sum %.6f\n"
	    "apitoken_request_duration_seconds_count %llu\n",
	    METRICS_GET(m->latency_sum_us) / 1e6, (unsigned long long)cum);
	metrics_printf(&o, "# HELP apitoken_auth_failures_total Refused "
	    "credentials, by reason.\n"
	    "# TYPE apitoken_auth_failures_total counter\n");
	for (s = 0; s < METRICS_NREASON; s++)
		if ((v = METRICS_GET(m->auth_failures[s])) != 0)
			metrics_printf(&o, "apitoken_auth_failures_total{reason="
			    "\"%s\"} %llu\n", s < METRICS_NREASON - 1 ?
			    metrics_reasons[s] : "other",
			    (unsigned long long)v);
	metrics_counter(&o, "apitoken_tokens_created_total",
	    "Tokens minted (every kind, rotations included).",
	    METRICS_GET(m->tokens_created));
	metrics_counter(&o, "apitoken_tokens_revoked_total",
	    "Tokens revoked (one by one, and whole families on reuse).",
	    METRICS_GET(m->tokens_revoked));
	metrics_counter(&o, "apitoken_token_cache_hits_total",
	    "Token checks answered from a worker's token cache.",
	    METRICS_GET(m->cache_hits));
	metrics_counter(&o, "apitoken_token_cache_misses_total",
	    "Token checks that read the database (cache on).",
	    METRICS_GET(m->cache_misses));
	metrics_counter(&o, "apitoken_db_errors_total",
	    "MariaDB statements that failed.", METRICS_GET(m->db_errors));
	metrics_counter(&o, "apitoken_db_reconnects_total",
	    "Connections to MariaDB made again.",
	    METRICS_GET(m->db_reconnects));
	metrics_counter(&o, "apitoken_worker_restarts_total",
	    "Workers that died and were started again.",
	    METRICS_GET(m->worker_restarts));
	return o.full ? -1 : (long)o.len;
}
