/* http.c: the request view (from FastCGI params) and the response builder. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "util.h"

const char *
http_env(char **envp, const char *name)
{
	size_t n = strlen(name);

	for (; envp != NULL && *envp != NULL; envp++)
		if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

size_t
http_env_count(char **envp, const char *name)
{
	size_t n = strlen(name), k = 0;

	for (; envp != NULL && *envp != NULL; envp++)
		if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=')
			k++;
	return k;
}

static const char *
http_env_or_empty(char **envp, const char *name)
{
	const char *v = http_env(envp, name);

	return v != NULL ? v : "";
}

void
http_request_init(struct http_request *r, struct arena *a, char **envp,
    const struct cidr_list *trusted_proxies)
{
	const char *uri, *q, *https, *scheme;

	memset(r, 0, sizeof(*r));
	r->arena = a;
	r->envp = envp;
	r->method = http_env_or_empty(envp, "REQUEST_METHOD");
	r->content_type = http_env_or_empty(envp, "CONTENT_TYPE");
	r->user_agent = http_env_or_empty(envp, "HTTP_USER_AGENT");
	r->host = http_env_or_empty(envp, "HTTP_HOST");
	r->query = http_env_or_empty(envp, "QUERY_STRING");

	/*
	 * REQUEST_URI is what the client asked for under lighttpd, nginx and
	 * Apache alike; SCRIPT_NAME/PATH_INFO differ between them.
	 */
	uri = http_env(envp, "REQUEST_URI");
	if (uri != NULL) {
		q = strchr(uri, '?');
		r->path = q != NULL ? arena_strndup(a, uri, (size_t)(q - uri)) :
		    uri;
	} else {
		const char *sn = http_env_or_empty(envp, "SCRIPT_NAME");
		const char *pi = http_env_or_empty(envp, "PATH_INFO");
		size_t sl = strlen(sn), pl = strlen(pi);
		char *p = arena_alloc(a, sl + pl + 1);

		if (p != NULL) {
			memcpy(p, sn, sl);
			memcpy(p + sl, pi, pl + 1);
		}
		r->path = p;
	}
	if (r->path == NULL)
		r->path = "";

	https = http_env(envp, "HTTPS");
	scheme = http_env(envp, "REQUEST_SCHEME");
	r->https = (https != NULL && strcasecmp(https, "on") == 0) ||
	    (scheme != NULL && strcmp(scheme, "https") == 0);

	http_client_addr(http_env(envp, "REMOTE_ADDR"),
	    http_env(envp, "HTTP_X_FORWARDED_FOR"), trusted_proxies,
	    r->client_ip, sizeof(r->client_ip), r->client_addr);
}

/* Reads exactly n bytes; the count read. */
static int
http_io_read(const struct http_io *io, char *buf, int n)
{
	size_t got = 0, k;

	if (io->in != NULL)
		return FCGX_GetStr(buf, n, io->in);
	while (got < (size_t)n && (k = fread(buf + got, 1, (size_t)n - got,
	    stdin)) > 0)
		got += k;
	return (int)got;
}

/* Writes all n bytes: 0, or -1. */
static int
http_io_write(const struct http_io *io, const char *buf, int n)
{
	if (io->out != NULL)
		return FCGX_PutStr(buf, n, io->out) == n ? 0 : -1;
	return fwrite(buf, 1, (size_t)n, stdout) == (size_t)n ? 0 : -1;
}

enum http_body_status
http_body_read(struct http_request *r, const struct http_io *io, size_t max)
{
	const char *cl = http_env(r->envp, "CONTENT_LENGTH");
	int64_t len;
	char *buf;
	int n;

	if (cl == NULL || cl[0] == '\0')
		return HTTP_BODY_OK;
	if (util_parse_i64(cl, strlen(cl), 0, INT64_MAX, &len) == -1)
		return HTTP_BODY_BAD_LENGTH;
	if ((uint64_t)len > max)
		return HTTP_BODY_TOO_LARGE;
	if ((buf = arena_alloc(r->arena, (size_t)len + 1)) == NULL)
		return HTTP_BODY_READ_ERROR;
	n = len > 0 ? http_io_read(io, buf, (int)len) : 0;
	if (n != (int)len)
		return HTTP_BODY_READ_ERROR;
	buf[len] = '\0';
	r->body = buf;
	r->body_len = (size_t)len;
	return HTTP_BODY_OK;
}

static int
http_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
http_url_decode(const char *s, size_t len, char *out)
{
	size_t i, o = 0;
	int hi, lo;

	for (i = 0; i < len; i++) {
		if (s[i] == '+')
			out[o++] = ' ';
		else if (s[i] == '%') {
			if (i + 2 >= len)
				return -1;
			hi = http_hexval(s[i + 1]);
			lo = http_hexval(s[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			/* A NUL byte inside a value is never legitimate here. */
			if (hi == 0 && lo == 0)
				return -1;
			out[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else if (s[i] == '\0')
			return -1;	/* raw, in a body: refused like %00 */
		else
			out[o++] = s[i];
	}
	out[o] = '\0';
	return (int)o;
}

int
http_form_get(struct arena *a, const char *s, size_t len, const char *name,
    const char **value)
{
	size_t nlen = strlen(name), i = 0, start, eq, klen;
	char *out;

	while (i < len) {
		start = i;
		while (i < len && s[i] != '&' && s[i] != ';')
			i++;
		for (eq = start; eq < i && s[eq] != '='; eq++)
			;
		klen = eq - start;
		if (klen == nlen && memcmp(s + start, name, nlen) == 0) {
			size_t vlen = eq < i ? i - eq - 1 : 0;

			if ((out = arena_alloc(a, vlen + 1)) == NULL)
				return -1;
			if (http_url_decode(s + eq + 1, vlen, out) < 0)
				return -1;
			*value = out;
			return 1;
		}
		i++;
	}
	return 0;
}

/*
 * The next "name=value" pair of a Cookie header from *p on: 1 with the
 * value in [*v, *end) (quotes and trailing blanks stripped) and *p past
 * it, or 0 when there is none. http_cookie_get and _count share it, so
 * both see the same pairs.
 */
static int
http_cookie_next(const char **p, const char *name, size_t nlen,
    const char **v, const char **end)
{
	const char *q = *p, *e;

	while (*q != '\0') {
		while (*q == ' ' || *q == '\t' || *q == ';')
			q++;
		e = strchr(q, ';');
		if (e == NULL)
			e = q + strlen(q);
		if ((size_t)(e - q) > nlen && memcmp(q, name, nlen) == 0 &&
		    q[nlen] == '=') {
			*p = e;
			*v = q + nlen + 1;
			/* Strip optional quotes and trailing blanks. */
			while (e > *v && (e[-1] == ' ' || e[-1] == '\t'))
				e--;
			if (e - *v >= 2 && (*v)[0] == '"' && e[-1] == '"') {
				(*v)++;
				e--;
			}
			*end = e;
			return 1;
		}
		q = e;
	}
	*p = q;
	return 0;
}

const char *
http_cookie_get(struct arena *a, const char *header, const char *name)
{
	const char *p = header, *v, *end;

	if (header == NULL || !http_cookie_next(&p, name, strlen(name), &v,
	    &end))
		return NULL;
	return arena_strndup(a, v, (size_t)(end - v));
}

size_t
http_cookie_count(const char *header, const char *name)
{
	const char *p = header, *v, *end;
	size_t nlen = strlen(name), k = 0;

	if (header == NULL)
		return 0;
	while (http_cookie_next(&p, name, nlen, &v, &end))
		k++;
	return k;
}

/* Parses the last comma-separated element of xff[0..len) ending at len. */
static int
http_xff_last(const char *xff, size_t *len, uint8_t addr[16],
    char *ip, size_t iplen)
{
	size_t end = *len, start;
	const char *s;
	size_t n;

	while (end > 0 && (xff[end - 1] == ' ' || xff[end - 1] == '\t'))
		end--;
	start = end;
	while (start > 0 && xff[start - 1] != ',')
		start--;
	*len = start > 0 ? start - 1 : 0;
	s = xff + start;
	n = end - start;
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	/* "[v6]:port" and "v4:port" forms are not valid in XFF; refuse. */
	if (n == 0 || n >= iplen || cidr_addr_parse(s, n, addr) == -1)
		return -1;
	return cidr_addr_format(addr, ip, iplen);
}

int
http_client_addr(const char *remote_addr, const char *xff,
    const struct cidr_list *trusted, char *ip, size_t iplen, uint8_t addr[16])
{
	size_t len;
	int hops;

	ip[0] = '\0';
	memset(addr, 0, 16);
	if (remote_addr == NULL ||
	    cidr_addr_parse(remote_addr, strlen(remote_addr), addr) == -1)
		return -1;
	if (cidr_addr_format(addr, ip, iplen) == -1)
		return -1;
	if (trusted == NULL || trusted->n == 0 || xff == NULL ||
	    !cidr_list_match(trusted, addr))
		return 0;
	len = strnlen(xff, HTTP_HEADER_MAX);
	/* Bounded: at most 32 hops are looked at. */
	for (hops = 0; len > 0 && hops < 32; hops++) {
		uint8_t a[16];
		char buf[48];

		/*
		 * Garbage, or a hop whose text ip cannot hold: keep the last
		 * good hop, so that ip and addr always name the same address.
		 */
		if (http_xff_last(xff, &len, a, buf, sizeof(buf)) == -1 ||
		    strlen(buf) >= iplen)
			return 0;
		memcpy(addr, a, 16);
		memcpy(ip, buf, strlen(buf) + 1);
		if (!cidr_list_match(trusted, addr))
			return 0;
	}
	return 0;
}

int
http_origin_matches(const char *value, const char *origin)
{
	size_t olen = strlen(origin);

	if (value == NULL || olen == 0)
		return 0;
	if (strncasecmp(value, origin, olen) != 0)
		return 0;
	/* "http://a.example" must not match "http://a.example.evil". */
	return value[olen] == '\0' || value[olen] == '/';
}

void
http_response_init(struct http_response *res)
{
	res->status = 200;
	res->hlen = 0;
	res->headers[0] = '\0';
	res->json = NULL;
	res->raw = NULL;
	res->raw_len = 0;
	res->raw_type = NULL;
}

void
http_response_free(struct http_response *res)
{
	if (res->json != NULL)
		json_object_put(res->json);
	res->json = NULL;
}

int
http_header_add(struct http_response *res, const char *name,
    const char *value)
{
	size_t i, room = sizeof(res->headers) - res->hlen;
	int n;

	/* Header injection guard: values never carry CR or LF. */
	for (i = 0; value[i] != '\0'; i++)
		if (value[i] == '\r' || value[i] == '\n')
			return -1;
	n = snprintf(res->headers + res->hlen, room, "%s: %s\r\n", name, value);
	if (n < 0 || (size_t)n >= room) {
		res->headers[res->hlen] = '\0';
		return -1;
	}
	res->hlen += (size_t)n;
	return 0;
}

void
http_json(struct http_response *res, int status, json_object *obj)
{
	if (res->json != NULL)
		json_object_put(res->json);
	res->status = status;
	res->json = obj;
	res->raw = NULL;
}

void
http_static(struct http_response *res, int status, const char *type,
    const char *body, size_t len)
{
	if (res->json != NULL)
		json_object_put(res->json);
	res->json = NULL;
	res->status = status;
	res->raw = body;
	res->raw_len = len;
	res->raw_type = type;
}

void
http_error(struct http_response *res, int status, const char *error,
    const char *reason)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "error", json_object_new_string(error));
	if (reason != NULL)
		json_object_object_add(o, "reason",
		    json_object_new_string(reason));
	http_json(res, status, o);
}

const char *
http_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	}
	return "Unknown";
}

int
http_response_write(struct http_response *res, const struct http_io *io,
    int head_only)
{
	char head[HTTP_RESP_HEADERS_MAX + 256];
	const char *body = "", *type = "application/json; charset=utf-8";
	size_t blen = 0;
	int n;

	if (res->json != NULL) {
		body = json_object_to_json_string_ext(res->json,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
		blen = strlen(body);
	} else if (res->raw != NULL) {
		body = res->raw;
		blen = res->raw_len;
		type = res->raw_type;
	}
	/* libfcgi's own printf knows no %zu: format here, write raw. */
	n = snprintf(head, sizeof(head), "Status: %d %s\r\n"
	    "Content-Type: %s\r\n"
	    "Content-Length: %zu\r\n"
	    "Cache-Control: no-store\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "%s\r\n", res->status, http_status_text(res->status), type,
	    blen, res->headers);
	if (n < 0 || (size_t)n >= sizeof(head))
		return -1;
	if (http_io_write(io, head, n) == -1)
		return -1;
	if (!head_only && blen > 0 && http_io_write(io, body, (int)blen) == -1)
		return -1;
	if (io->out == NULL && fflush(stdout) != 0)
		return -1;
	return 0;
}
