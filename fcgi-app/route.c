/* route.c: the route table: method + path -> handler + what auth it needs. */
#include <stdio.h>
#include <string.h>

#include "route.h"

static const struct route routes[] = {
	{ "/api/login", ROUTE_POST, api_login, ROUTE_PUBLIC, 0 },
	{ "/api/logout", ROUTE_POST, api_logout, ROUTE_PUBLIC, 1 },
	{ "/api/createApiToken", ROUTE_GET | ROUTE_POST, api_create_token,
	    ROUTE_CALLER, 1 },
	{ "/api/getApiTokens", ROUTE_GET | ROUTE_HEAD, api_get_tokens,
	    ROUTE_CALLER, 0 },
	{ "/api/revokeApiToken", ROUTE_GET | ROUTE_POST, api_revoke_token,
	    ROUTE_PUBLIC, 0 },
	{ "/api/whoami", ROUTE_GET | ROUTE_HEAD, api_whoami, ROUTE_CALLER, 0 },
	{ "/healthz", ROUTE_GET | ROUTE_HEAD, api_healthz, ROUTE_PUBLIC, 0 },
};

const struct route *
route_find(const char *path)
{
	size_t i;

	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (strcmp(routes[i].path, path) == 0)
			return &routes[i];
	return NULL;
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
