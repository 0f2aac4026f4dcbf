/* api_page.c: GET /app/, /app/app.js, /app/app.css: the browser token page. */
#include <string.h>

#include "api.h"
#include "page.h"

/*
 * Scripts and styles come only from this origin, as files: no inline
 * script or style, no eval, no other site; the page calls only /api/ of
 * its own origin. Trusted Types forbid HTML sinks such as innerHTML.
 */
#define PAGE_CSP	"default-src 'none'; script-src 'self'; " \
	"style-src 'self'; connect-src 'self'; img-src 'self'; " \
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; " \
	"require-trusted-types-for 'script'"

static const struct {
	const char	*path;
	const char	*type;
	const char	*body;
	const size_t	*len;
} page_files[] = {
	{ "/app/", "text/html; charset=utf-8", page_index_html,
	    &page_index_html_len },
	{ "/app/app.js", "text/javascript; charset=utf-8", page_app_js,
	    &page_app_js_len },
	{ "/app/app.css", "text/css; charset=utf-8", page_app_css,
	    &page_app_css_len },
};

enum http_status
api_page(struct api_ctx *ctx)
{
	size_t i;

	for (i = 0; i < sizeof(page_files) / sizeof(page_files[0]); i++) {
		if (strcmp(ctx->req->path, page_files[i].path) != 0)
			continue;
		if (http_header_add(ctx->res, "Content-Security-Policy",
		    PAGE_CSP) == -1 ||
		    http_header_add(ctx->res, "X-Frame-Options", "DENY") == -1 ||
		    http_header_add(ctx->res, "Referrer-Policy",
		    "same-origin") == -1 ||
		    http_header_add(ctx->res, "Cross-Origin-Opener-Policy",
		    "same-origin") == -1) {
			http_error(ctx->res, HTTP_INTERNAL_ERROR,
			    "internal_error", NULL);
			return HTTP_INTERNAL_ERROR;
		}
		http_static(ctx->res, HTTP_OK, page_files[i].type,
		    page_files[i].body, *page_files[i].len);
		return HTTP_OK;
	}
	http_error(ctx->res, HTTP_NOT_FOUND, "not_found", "no_such_route");
	return HTTP_NOT_FOUND;
}
