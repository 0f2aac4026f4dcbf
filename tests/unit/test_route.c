/* test_route.c: the route table: exact paths, "*" segments, methods. */
#include <string.h>

#include "route.h"
#include "unit.h"

static char params[ROUTE_PARAMS_MAX][ROUTE_SEGMENT_MAX + 1];

static const char *
found(const char *path)
{
	const struct route *rt = route_find(path, params);

	return rt != NULL ? rt->path : "(none)";
}

int
main(void)
{
	char allow[64], longseg[200];
	const struct route *rt;

	UNIT_CHECK_STR("exact path", found("/api/whoami"), "/api/whoami");
	UNIT_CHECK_STR("unknown path", found("/api/whoami/x"), "(none)");
	UNIT_CHECK_STR("trailing slash is another path", found("/api/whoami/"),
	    "(none)");
	UNIT_CHECK_STR("exact beats a pattern", found("/api/tokens/self"),
	    "/api/tokens/self");
	UNIT_CHECK_STR("one parameter", found("/api/tokens/abcDEF0123456789"),
	    "/api/tokens/*");
	UNIT_CHECK_STR("parameter value", params[0], "abcDEF0123456789");
	UNIT_CHECK_STR("parameter then a suffix",
	    found("/api/tokens/abc/rotate"), "/api/tokens/*/rotate");
	UNIT_CHECK_STR("two parameters",
	    found("/api/containers/12/members/alice"),
	    "/api/containers/*/members/*");
	UNIT_CHECK("both values", strcmp(params[0], "12") == 0 &&
	    strcmp(params[1], "alice") == 0);
	UNIT_CHECK_STR("empty segment does not match",
	    found("/api/containers//members"), "(none)");
	memset(longseg, 'a', sizeof(longseg) - 1);
	longseg[sizeof(longseg) - 1] = '\0';
	memcpy(longseg, "/api/tokens/", 12);
	UNIT_CHECK_STR("over-long segment does not match", found(longseg),
	    "(none)");
	UNIT_CHECK_STR("a segment never spans a slash",
	    found("/api/tokens/a/b"), "(none)");

	rt = route_find("/api/tokens/x", params);
	UNIT_CHECK("method bits", rt != NULL &&
	    (rt->methods & route_method("PATCH")) &&
	    (rt->methods & route_method("DELETE")) &&
	    !(rt->methods & route_method("PUT")));
	route_allow(rt, allow, sizeof(allow));
	UNIT_CHECK_STR("Allow lists every method", allow, "GET, PATCH, DELETE");
	UNIT_CHECK("unknown method", route_method("BREW") == ROUTE_OTHER);
	rt = route_find("/api/createApiToken", params);
	UNIT_CHECK("createApiToken always passes the CSRF rule", rt != NULL &&
	    rt->csrf == ROUTE_CSRF_ALWAYS);
	rt = route_find("/api/revoke", params);
	UNIT_CHECK("RFC 7009 revoke needs no caller", rt != NULL &&
	    rt->auth == ROUTE_PUBLIC);

	return unit_summary("test_route");
}
