/* route.c: the route table: method + path -> handler + what auth it needs. */
#include <stdio.h>
#include <string.h>

#include "metrics.h"
#include "route.h"

/* Exact paths come before patterns that would also match them. */
static const struct route routes[] = {
	{ "/api/login", ROUTE_POST, api_login, ROUTE_PUBLIC, 0 },
	{ "/api/logout", ROUTE_POST, api_logout, ROUTE_PUBLIC, 1 },
	{ "/api/createApiToken", ROUTE_GET | ROUTE_POST, api_create_token,
	    ROUTE_CALLER, ROUTE_CSRF_ALWAYS },
	{ "/api/getApiTokens", ROUTE_GET | ROUTE_HEAD, api_get_tokens,
	    ROUTE_CALLER, 0 },
	{ "/api/revokeApiToken", ROUTE_GET | ROUTE_POST, api_revoke_token,
	    ROUTE_PUBLIC, 0 },
	{ "/api/whoami", ROUTE_GET | ROUTE_HEAD, api_whoami, ROUTE_CALLER, 0 },
	{ "/healthz", ROUTE_GET | ROUTE_HEAD, api_healthz, ROUTE_PUBLIC, 0 },
	/* The browser page: static files compiled in (api_page.c). */
	{ "/app/", ROUTE_GET | ROUTE_HEAD, api_page, ROUTE_PUBLIC, 0 },
	{ "/app/app.js", ROUTE_GET | ROUTE_HEAD, api_page, ROUTE_PUBLIC, 0 },
	{ "/app/app.css", ROUTE_GET | ROUTE_HEAD, api_page, ROUTE_PUBLIC, 0 },

	{ "/api/containers", ROUTE_GET | ROUTE_POST, api_containers,
	    ROUTE_USER, 1 },
	{ "/api/containers/*/members", ROUTE_GET, api_container_members,
	    ROUTE_USER, 0 },
	{ "/api/containers/*/members/*", ROUTE_PUT | ROUTE_DELETE,
	    api_container_member, ROUTE_USER, 1 },
	{ "/api/containers/*/tokens", ROUTE_POST, api_container_token_create,
	    ROUTE_USER, 1 },
	{ "/api/containers/*/check", ROUTE_GET | ROUTE_HEAD,
	    api_container_check, ROUTE_CALLER, 0 },

	{ "/api/identities", ROUTE_GET | ROUTE_POST, api_identities,
	    ROUTE_ADMIN, 1 },
	{ "/api/identities/*", ROUTE_GET | ROUTE_PATCH, api_identity,
	    ROUTE_ADMIN, 1 },
	{ "/api/identities/*/containers/*", ROUTE_PUT | ROUTE_DELETE,
	    api_identity_role, ROUTE_ADMIN, 1 },
	{ "/api/identities/*/tokens", ROUTE_POST, api_identity_token_create,
	    ROUTE_ADMIN, 1 },

	{ "/api/tokens", ROUTE_GET | ROUTE_POST, api_tokens, ROUTE_USER, 1 },
	{ "/api/tokens/self", ROUTE_GET | ROUTE_HEAD, api_token_self,
	    ROUTE_CALLER, 0 },
	{ "/api/tokens/renew", ROUTE_POST, api_token_renew, ROUTE_CALLER, 0 },
	{ "/api/tokens/*", ROUTE_GET | ROUTE_PATCH | ROUTE_DELETE, api_token,
	    ROUTE_USER, 1 },
	{ "/api/tokens/*/rotate", ROUTE_POST, api_token_rotate, ROUTE_USER, 1 },
	{ "/api/tokens/*/events", ROUTE_GET, api_token_events, ROUTE_USER, 0 },
	{ "/api/introspect", ROUTE_POST, api_introspect, ROUTE_CALLER, 0 },
	{ "/api/revoke", ROUTE_POST, api_revoke, ROUTE_PUBLIC, 0 },
	{ "/api/audit", ROUTE_GET, api_audit_list, ROUTE_ADMIN, 0 },
	/* Resolves its caller itself: it must answer 401/403 as the API does. */
	{ "/api/authorize", ROUTE_GET | ROUTE_HEAD, api_authorize,
	    ROUTE_PUBLIC, 0 },
	/* Answers only [http] metrics_allow addresses, itself. */
	{ "/metrics", ROUTE_GET | ROUTE_HEAD, api_metrics, ROUTE_PUBLIC, 0 },
};

/*
 * Matches path against a pattern segment by segment; "*" takes one
 * non-empty segment of at most ROUTE_SEGMENT_MAX bytes.
 */
static int
route_match(const char *pat, const char *path,
    char params[][ROUTE_SEGMENT_MAX + 1])
{
	size_t n = 0, len;
	const char *e;

	while (*pat != '\0' && *path != '\0') {
		if (*pat == '*') {
			e = strchr(path, '/');
			len = e != NULL ? (size_t)(e - path) : strlen(path);
			if (len == 0 || len > ROUTE_SEGMENT_MAX ||
			    n >= ROUTE_PARAMS_MAX)
				return 0;
			memcpy(params[n], path, len);
			params[n++][len] = '\0';
			pat++;
			path += len;
			continue;
		}
		if (*pat != *path)
			return 0;
		pat++;
		path++;
	}
	return *pat == '\0' && *path == '\0';
}

const struct route *
route_find(const char *path, char params[][ROUTE_SEGMENT_MAX + 1])
{
	size_t i;

	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (route_match(routes[i].path, path, params))
			return &routes[i];
	return NULL;
}

/* Every route has its own metrics row. */
_Static_assert(sizeof(routes) / sizeof(routes[0]) <= METRICS_ROUTES,
    "raise METRICS_ROUTES in metrics.h");

int
route_index(const struct route *rt)
{
	return rt != NULL ? (int)(rt - routes) : -1;
}

const char *
route_path_at(int i)
{
	if (i < 0 || (size_t)i >= sizeof(routes) / sizeof(routes[0]))
		return "unknown";
	return routes[i].path;
}

unsigned
route_method(const char *method)
{
	static const struct {
		const char	*name;
		unsigned	 bit;
	} m[] = {
		{ "GET", ROUTE_GET }, { "POST", ROUTE_POST },
		{ "HEAD", ROUTE_HEAD }, { "PUT", ROUTE_PUT },
		{ "DELETE", ROUTE_DELETE }, { "PATCH", ROUTE_PATCH },
	};
	size_t i;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (strcmp(method, m[i].name) == 0)
			return m[i].bit;
	return ROUTE_OTHER;
}

void
route_allow(const struct route *rt, char *buf, size_t size)
{
	static const struct {
		unsigned	 bit;
		const char	*name;
	} m[] = {
		{ ROUTE_GET, "GET" }, { ROUTE_HEAD, "HEAD" }, { ROUTE_POST, "POST" },
		{ ROUTE_PUT, "PUT" }, { ROUTE_PATCH, "PATCH" },
		{ ROUTE_DELETE, "DELETE" },
	};
	size_t i, o = 0;
	int n;

	buf[0] = '\0';
	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		if (!(rt->methods & m[i].bit))
			continue;
		n = snprintf(buf + o, size - o, "%s%s", o ? ", " : "", m[i].name);
		if (n < 0 || (size_t)n >= size - o) {
			buf[0] = '\0';
			return;
		}
		o += (size_t)n;
	}
}
