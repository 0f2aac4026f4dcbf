/* route.h: the route table: method + path -> handler + what auth it needs. */
#ifndef APITOKEN_ROUTE_H
#define APITOKEN_ROUTE_H

#include <stddef.h>

#include "api.h"

enum route_method {
	ROUTE_GET = 1 << 0,
	ROUTE_POST = 1 << 1,
	ROUTE_HEAD = 1 << 2,	/* only on routes that change nothing */
	ROUTE_PUT = 1 << 3,
	ROUTE_DELETE = 1 << 4,
	ROUTE_PATCH = 1 << 5,
	ROUTE_OTHER = 1 << 6,
};

enum route_auth {
	ROUTE_PUBLIC = 0,	/* the handler looks at credentials itself */
	ROUTE_CALLER,		/* a resolved caller is required */
	ROUTE_USER,		/* a user with full rights: 403 for scoped tokens */
	ROUTE_ADMIN,		/* a full user who is an admin */
};

#define ROUTE_CSRF_UNSAFE	1	/* on every method but GET and HEAD */
#define ROUTE_CSRF_ALWAYS	2	/* createApiToken: a GET that mints */
#define ROUTE_PARAMS_MAX	API_PARAMS_MAX
#define ROUTE_SEGMENT_MAX	API_SEGMENT_MAX

struct route {
	const char	*path;	/* "*" matches one non-empty segment */
	unsigned	 methods;
	api_handler	 handler;
	enum route_auth	 auth;
	int		 csrf;	/* ROUTE_CSRF_*: when cookie callers pass the CSRF rule */
};

/*
 * The route for path; each "*" segment's text is copied into params
 * (ROUTE_PARAMS_MAX buffers of ROUTE_SEGMENT_MAX + 1 bytes).
 */
const struct route *route_find(const char *path,
	    char params[][ROUTE_SEGMENT_MAX + 1]);
unsigned route_method(const char *method);
/* The route's index in the table (for metrics), and the path at an index. */
int	 route_index(const struct route *rt);
const char *route_path_at(int i);
/* "GET, HEAD, POST": the Allow header of a 405. */
void	 route_allow(const struct route *rt, char *buf, size_t size);

#endif
