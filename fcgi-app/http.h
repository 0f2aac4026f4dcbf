/* http.h: the request view (from FastCGI params) and the response builder. */
#ifndef APITOKEN_HTTP_H
#define APITOKEN_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include <fcgiapp.h>
#include <json-c/json.h>

#include "arena.h"
#include "cidr.h"

#define HTTP_PATH_MAX		2048	/* longer request paths get 414-like 404 */
#define HTTP_HEADER_MAX		8192	/* longer credential headers are refused */
#define HTTP_RESP_HEADERS_MAX	2048

enum http_status {
	HTTP_OK = 200,
	HTTP_CREATED = 201,
	HTTP_BAD_REQUEST = 400,
	HTTP_UNAUTHORIZED = 401,
	HTTP_FORBIDDEN = 403,
	HTTP_NOT_FOUND = 404,
	HTTP_METHOD_NOT_ALLOWED = 405,
	HTTP_CONFLICT = 409,
	HTTP_PAYLOAD_TOO_LARGE = 413,
	HTTP_UNSUPPORTED_MEDIA_TYPE = 415,
	HTTP_TOO_MANY_REQUESTS = 429,
	HTTP_INTERNAL_ERROR = 500,
	HTTP_SERVICE_UNAVAILABLE = 503,
};

struct http_request {
	struct arena	*arena;
	char		**envp;		/* lives until FCGX_Finish_r */
	const char	*method;
	const char	*path;		/* without the query string */
	const char	*query;		/* raw, "" when absent */
	const char	*content_type;	/* "" when absent */
	const char	*user_agent;	/* "" when absent */
	const char	*host;		/* "" when absent */
	const char	*body;		/* NUL-terminated copy, NULL when none */
	size_t		 body_len;
	int		 https;
	char		 client_ip[48];
	uint8_t		 client_addr[16];
};

struct http_response {
	int		 status;
	size_t		 hlen;
	char		 headers[HTTP_RESP_HEADERS_MAX];
	json_object	*json;		/* owned; freed after writing */
	const char	*raw;		/* or a non-JSON body, not owned */
	size_t		 raw_len;
	const char	*raw_type;	/* its Content-Type */
};

/*
 * Where a request's body comes from and its response goes: the FastCGI
 * streams, or (both NULL) stdin and stdout for a plain CGI run.
 */
struct http_io {
	FCGX_Stream	*in;
	FCGX_Stream	*out;
};

enum http_body_status {
	HTTP_BODY_OK = 0,
	HTTP_BODY_TOO_LARGE,
	HTTP_BODY_BAD_LENGTH,
	HTTP_BODY_READ_ERROR,
};

/* Looks up a FastCGI param ("HTTP_X_AUTH_TOKEN", "REQUEST_METHOD"). */
const char *http_env(char **envp, const char *name);
/* How often the param is there: nginx passes a repeated header twice. */
size_t	 http_env_count(char **envp, const char *name);
void	 http_request_init(struct http_request *r, struct arena *a,
	    char **envp, const struct cidr_list *trusted_proxies);
enum http_body_status http_body_read(struct http_request *r,
	    const struct http_io *io, size_t max);

/*
 * Finds name in an application/x-www-form-urlencoded string and decodes
 * its value into the arena. Returns 1 found, 0 absent, -1 malformed.
 */
int	 http_form_get(struct arena *a, const char *s, size_t len,
	    const char *name, const char **value);
/*
 * Decodes %XX and '+' into out (size >= len + 1). Returns length or -1;
 * a NUL byte, raw or as %00, is -1.
 */
int	 http_url_decode(const char *s, size_t len, char *out);
/* Value of cookie name in a Cookie header, in the arena; NULL if absent. */
const char *http_cookie_get(struct arena *a, const char *header,
	    const char *name);
/* How many cookies of that name the header carries. */
size_t	 http_cookie_count(const char *header, const char *name);
/*
 * The client address: REMOTE_ADDR, unless that is a trusted proxy; then
 * X-Forwarded-For read right to left, skipping trusted proxies. Writes the
 * text form to ip and 16 bytes to addr. Returns 0, or -1 when no usable
 * address was found (ip is then "").
 */
int	 http_client_addr(const char *remote_addr, const char *xff,
	    const struct cidr_list *trusted, char *ip, size_t iplen,
	    uint8_t addr[16]);
/* Scheme and host of an Origin or Referer value compare equal to origin. */
int	 http_origin_matches(const char *value, const char *origin);

void	 http_response_init(struct http_response *res);
void	 http_response_free(struct http_response *res);
int	 http_header_add(struct http_response *res, const char *name,
	    const char *value);
/* Sets the status and the JSON body (ownership of obj passes to res). */
void	 http_json(struct http_response *res, int status, json_object *obj);
/*
 * A non-JSON body (the browser page, /metrics): body must outlive the
 * response (static, or in the request's arena).
 */
void	 http_static(struct http_response *res, int status, const char *type,
	    const char *body, size_t len);
/* {"error": error, "reason": reason}; reason may be NULL. */
void	 http_error(struct http_response *res, int status, const char *error,
	    const char *reason);
int	 http_response_write(struct http_response *res,
	    const struct http_io *io, int head_only);
const char *http_status_text(int status);

#endif
