/* test_http.c: request parsing helpers, client address, response builder,
 * and how credentials are read from the two headers. */
#include <string.h>

#include "arena.h"
#include "auth.h"
#include "cidr.h"
#include "http.h"
#include "unit.h"

static struct arena arena;

/* The decoded value of name in a form string, "(absent)" or "(bad)". */
static const char *
form(const char *s, const char *name)
{
	const char *v = NULL;

	switch (http_form_get(&arena, s, strlen(s), name, &v)) {
	case 1:
		return v;
	case 0:
		return "(absent)";
	default:
		return "(bad)";
	}
}

static const char *
decode(const char *s, char *out)
{
	return http_url_decode(s, strlen(s), out) < 0 ? "(bad)" : out;
}

static const char *
cookie(const char *header, const char *name)
{
	const char *v = http_cookie_get(&arena, header, name);

	return v != NULL ? v : "(absent)";
}

/* The client address seen for REMOTE_ADDR ra and X-Forwarded-For xff. */
static const char *
client(const char *ra, const char *xff, const struct cidr_list *trusted,
    char *ip, size_t size)
{
	uint8_t addr[16];

	if (http_client_addr(ra, xff, trusted, ip, size, addr) == -1)
		return "(none)";
	return ip;
}

static struct auth_creds
creds(const char *xat, const char *authz)
{
	struct auth_creds c;

	auth_creds_parse(xat, authz, &c);
	return c;
}

static int
creds_token_is(const struct auth_creds *c, const char *want)
{
	return c->token != NULL && c->token_len == strlen(want) &&
	    memcmp(c->token, want, c->token_len) == 0;
}

int
main(void)
{
	char *env[] = {
		"REQUEST_METHOD=GET",
		"REQUEST_URI=/api/getApiTokens?x=1",
		"QUERY_STRING=x=1",
		"HTTP_HOST=example.org",
		"HTTP_X_AUTH_TOKEN=abc",
		"HTTP_X_AUTH=wrong",
		"REMOTE_ADDR=127.0.0.1",
		"HTTPS=on",
		NULL
	};
	char *env_pi[] = {
		"REQUEST_METHOD=POST",
		"SCRIPT_NAME=/api",
		"PATH_INFO=/login",
		"REMOTE_ADDR=::1",
		NULL
	};
	/* nginx 1.22 passes a header sent twice as two params. */
	char *env_dup[] = {
		"HTTP_X_AUTH_TOKEN=atk_a",
		"HTTP_X_AUTH_TOKEN=atk_b",
		NULL
	};
	struct cidr_list trusted;
	struct http_request r;
	struct http_response res;
	struct auth_creds c;
	char out[128], ip[48], err[128], longval[3000];
	int i;

	arena_init(&arena, 4096);

	/* http_env */
	UNIT_CHECK_STR("env finds a param", http_env(env, "HTTP_X_AUTH_TOKEN"),
	    "abc");
	UNIT_CHECK_STR("env does not match a prefix of a name",
	    http_env(env, "HTTP_X_AUTH"), "wrong");
	UNIT_CHECK("env absent is NULL", http_env(env, "HTTP_COOKIE") == NULL);
	UNIT_CHECK("env of NULL envp is NULL", http_env(NULL, "X") == NULL);
	UNIT_CHECK("env count of a param once", http_env_count(env,
	    "HTTP_X_AUTH_TOKEN") == 1);
	UNIT_CHECK("env count of an absent param", http_env_count(env,
	    "HTTP_COOKIE") == 0);
	UNIT_CHECK("env count of a repeated param (nginx)",
	    http_env_count(env_dup, "HTTP_X_AUTH_TOKEN") == 2);
	auth_creds_read(env_dup, &c);
	UNIT_CHECK("creds of a repeated X-Auth-Token conflict", c.conflict == 1);
	auth_creds_read(env, &c);
	UNIT_CHECK("creds of one X-Auth-Token do not conflict",
	    c.conflict == 0 && creds_token_is(&c, "abc"));

	/* http_request_init */
	http_request_init(&r, &arena, env, NULL);
	UNIT_CHECK_STR("request path drops the query", r.path,
	    "/api/getApiTokens");
	UNIT_CHECK_STR("request query", r.query, "x=1");
	UNIT_CHECK_STR("request method", r.method, "GET");
	UNIT_CHECK("request HTTPS=on is https", r.https == 1);
	UNIT_CHECK_STR("request client ip", r.client_ip, "127.0.0.1");
	UNIT_CHECK_STR("request absent content type is empty",
	    r.content_type, "");
	http_request_init(&r, &arena, env_pi, NULL);
	UNIT_CHECK_STR("request path from SCRIPT_NAME + PATH_INFO", r.path,
	    "/api/login");
	UNIT_CHECK("request without HTTPS is http", r.https == 0);
	UNIT_CHECK_STR("request ipv6 client", r.client_ip, "::1");

	/* http_url_decode */
	UNIT_CHECK_STR("decode plain", decode("abc", out), "abc");
	UNIT_CHECK_STR("decode plus is space", decode("a+b", out), "a b");
	UNIT_CHECK_STR("decode percent", decode("%41%62%2b", out), "Ab+");
	UNIT_CHECK_STR("decode utf-8", decode("caf%C3%A9", out), "caf\xc3\xa9");
	UNIT_CHECK_STR("decode truncated escape", decode("a%4", out), "(bad)");
	UNIT_CHECK_STR("decode lone percent", decode("%", out), "(bad)");
	UNIT_CHECK_STR("decode bad hex", decode("%zz", out), "(bad)");
	UNIT_CHECK_STR("decode NUL refused", decode("a%00b", out), "(bad)");

	/* http_form_get */
	UNIT_CHECK_STR("form first", form("a=1&b=2", "a"), "1");
	UNIT_CHECK_STR("form second", form("a=1&b=2", "b"), "2");
	UNIT_CHECK_STR("form absent", form("a=1&b=2", "c"), "(absent)");
	UNIT_CHECK_STR("form name is not a prefix match",
	    form("ab=1&a=2", "a"), "2");
	UNIT_CHECK_STR("form first of duplicates wins", form("a=1&a=2", "a"),
	    "1");
	UNIT_CHECK_STR("form key without value is empty", form("a&b=2", "a"),
	    "");
	UNIT_CHECK_STR("form empty value", form("a=&b=2", "a"), "");
	UNIT_CHECK_STR("form decodes", form("d=hello+world%21", "d"),
	    "hello world!");
	UNIT_CHECK_STR("form semicolon separator", form("a=1;b=2", "b"), "2");
	UNIT_CHECK_STR("form malformed escape", form("a=%G1", "a"), "(bad)");
	UNIT_CHECK_STR("form empty string", form("", "a"), "(absent)");
	/*
	 * A body is read with its length and may hold a raw NUL: the value
	 * was cut there ("x"). Found by tests/fuzz/fuzz_form.
	 */
	{
		const char *v = NULL;

		UNIT_CHECK("decode raw NUL refused",
		    http_url_decode("a\0b", 3, out) == -1);
		UNIT_CHECK("form raw NUL in a body value refused",
		    http_form_get(&arena, "a=x\0y&b=2", 9, "a", &v) == -1);
		UNIT_CHECK("form raw NUL in another pair does not matter",
		    http_form_get(&arena, "a=x\0y&b=2", 9, "b", &v) == 1 &&
		    strcmp(v, "2") == 0);
	}
	UNIT_CHECK("form honours len",
	    http_form_get(&arena, "a=1&b=2", 3, "b", &(const char *){0}) == 0);

	/* http_cookie_get */
	UNIT_CHECK_STR("cookie single", cookie("sid=abc", "sid"), "abc");
	UNIT_CHECK_STR("cookie among others",
	    cookie("a=1; sid=xyz; b=2", "sid"), "xyz");
	UNIT_CHECK_STR("cookie name is not a suffix match",
	    cookie("xsid=1; sid=2", "sid"), "2");
	UNIT_CHECK_STR("cookie name is not a prefix match",
	    cookie("sidx=1", "sid"), "(absent)");
	UNIT_CHECK_STR("cookie quoted", cookie("sid=\"q\"", "sid"), "q");
	UNIT_CHECK_STR("cookie trailing blanks", cookie("sid=v  ; a=1", "sid"),
	    "v");
	UNIT_CHECK_STR("cookie absent", cookie("a=1", "sid"), "(absent)");
	UNIT_CHECK("cookie count once", http_cookie_count("a=1; sid=x", "sid") == 1);
	UNIT_CHECK("cookie count twice", http_cookie_count(
	    "sid=x; a=1; sid=y", "sid") == 2);
	UNIT_CHECK("cookie count ignores longer names", http_cookie_count(
	    "xsid=1; sidx=2; sid=3", "sid") == 1);
	UNIT_CHECK("cookie count of no header", http_cookie_count(NULL,
	    "sid") == 0);
	UNIT_CHECK("cookie of NULL header is NULL",
	    http_cookie_get(&arena, NULL, "sid") == NULL);

	/* http_client_addr with and without trusted proxies */
	if (cidr_list_parse("127.0.0.1/32, 10.0.0.0/8", &trusted, err,
	    sizeof(err)) == -1)
		return 1;
	UNIT_CHECK_STR("client untrusted remote ignores XFF",
	    client("192.0.2.7", "198.51.100.1", &trusted, ip, sizeof(ip)),
	    "192.0.2.7");
	UNIT_CHECK_STR("client no proxy list ignores XFF",
	    client("127.0.0.1", "198.51.100.1", NULL, ip, sizeof(ip)),
	    "127.0.0.1");
	UNIT_CHECK_STR("client trusted remote uses XFF",
	    client("127.0.0.1", "198.51.100.1", &trusted, ip, sizeof(ip)),
	    "198.51.100.1");
	UNIT_CHECK_STR("client skips trusted hops right to left",
	    client("127.0.0.1", "203.0.113.9, 198.51.100.1, 10.1.2.3",
	    &trusted, ip, sizeof(ip)), "198.51.100.1");
	UNIT_CHECK_STR("client ignores a spoofed leftmost entry",
	    client("127.0.0.1", "1.2.3.4, 198.51.100.1", &trusted, ip,
	    sizeof(ip)), "198.51.100.1");
	UNIT_CHECK_STR("client keeps last good hop on garbage",
	    client("127.0.0.1", "junk, 10.0.0.5", &trusted, ip, sizeof(ip)),
	    "10.0.0.5");
	UNIT_CHECK_STR("client refuses host:port in XFF",
	    client("127.0.0.1", "198.51.100.1:80", &trusted, ip, sizeof(ip)),
	    "127.0.0.1");
	/* Found by tests/fuzz/fuzz_xff: the text was cut to its first byte. */
	{
		char small[10];
		uint8_t addr[16], back[16];

		UNIT_CHECK("client hop too long for a small ip buffer keeps "
		    "the last hop that fits", http_client_addr("127.0.0.1",
		    "2001:db8::1234:5678", &trusted, small, sizeof(small),
		    addr) == 0 && strcmp(small, "127.0.0.1") == 0 &&
		    cidr_addr_parse(small, strlen(small), back) == 0 &&
		    memcmp(back, addr, 16) == 0);
	}
	UNIT_CHECK_STR("client without REMOTE_ADDR",
	    client(NULL, NULL, &trusted, ip, sizeof(ip)), "(none)");
	UNIT_CHECK_STR("client bad REMOTE_ADDR",
	    client("not-an-ip", NULL, &trusted, ip, sizeof(ip)), "(none)");

	/* http_origin_matches */
	UNIT_CHECK("origin equal",
	    http_origin_matches("https://a.example", "https://a.example"));
	UNIT_CHECK("origin referer with path",
	    http_origin_matches("https://a.example/x", "https://a.example"));
	UNIT_CHECK("origin case-insensitive",
	    http_origin_matches("HTTPS://A.example", "https://a.example"));
	UNIT_CHECK("origin longer host refused",
	    !http_origin_matches("https://a.example.evil", "https://a.example"));
	UNIT_CHECK("origin other port refused",
	    !http_origin_matches("https://a.example:8443", "https://a.example"));
	UNIT_CHECK("origin other scheme refused",
	    !http_origin_matches("http://a.example", "https://a.example"));
	UNIT_CHECK("origin NULL refused",
	    !http_origin_matches(NULL, "https://a.example"));
	UNIT_CHECK("origin empty expected refused",
	    !http_origin_matches("https://a.example", ""));

	/* The response builder. */
	http_response_init(&res);
	UNIT_CHECK("header added", http_header_add(&res, "X-A", "1") == 0);
	UNIT_CHECK_STR("header text", res.headers, "X-A: 1\r\n");
	UNIT_CHECK("header with CR refused",
	    http_header_add(&res, "X-B", "a\rSet-Cookie: x") == -1);
	UNIT_CHECK("header with LF refused",
	    http_header_add(&res, "X-B", "a\nb") == -1);
	UNIT_CHECK_STR("refused header leaves no trace", res.headers,
	    "X-A: 1\r\n");
	memset(longval, 'v', sizeof(longval) - 1);
	longval[sizeof(longval) - 1] = '\0';
	UNIT_CHECK("header larger than the buffer refused",
	    http_header_add(&res, "X-Long", longval) == -1);
	UNIT_CHECK_STR("overflowing header leaves no trace", res.headers,
	    "X-A: 1\r\n");
	http_error(&res, 401, "Credentials required", NULL);
	UNIT_CHECK("error status", res.status == 401);
	UNIT_CHECK_STR("error body",
	    json_object_to_json_string_ext(res.json, JSON_C_TO_STRING_PLAIN),
	    "{\"error\":\"Credentials required\"}");
	http_error(&res, 400, "Bad request", "bad_ttl");
	UNIT_CHECK_STR("error body with reason",
	    json_object_to_json_string_ext(res.json, JSON_C_TO_STRING_PLAIN),
	    "{\"error\":\"Bad request\",\"reason\":\"bad_ttl\"}");
	http_response_free(&res);
	UNIT_CHECK("free clears the body", res.json == NULL);
	UNIT_CHECK_STR("status text 401", http_status_text(401),
	    "Unauthorized");
	UNIT_CHECK_STR("status text 503", http_status_text(503),
	    "Service Unavailable");

	/* Credentials from X-Auth-Token and Authorization. */
	c = creds("atk_x", NULL);
	UNIT_CHECK("creds X-Auth-Token", creds_token_is(&c, "atk_x") &&
	    !c.conflict && !c.bad_scheme);
	c = creds(NULL, "Bearer atk_y");
	UNIT_CHECK("creds Bearer", creds_token_is(&c, "atk_y"));
	c = creds(NULL, "bearer   atk_y  ");
	UNIT_CHECK("creds bearer is case-insensitive and trimmed",
	    creds_token_is(&c, "atk_y"));
	c = creds("atk_same", "Bearer atk_same");
	UNIT_CHECK("creds same token twice is no conflict",
	    creds_token_is(&c, "atk_same") && !c.conflict);
	c = creds("atk_a", "Bearer atk_b");
	UNIT_CHECK("creds two different tokens conflict", c.conflict == 1);
	c = creds("atk_a", "Basic dXNlcjpwYXNz");
	UNIT_CHECK("creds Basic with a token header conflict", c.conflict == 1);
	c = creds(NULL, "Basic dXNlcjpwYXNz");
	UNIT_CHECK("creds Basic", c.token == NULL && c.basic != NULL &&
	    c.basic_len == 12 && memcmp(c.basic, "dXNlcjpwYXNz", 12) == 0);
	c = creds(NULL, "Digest realm=x");
	UNIT_CHECK("creds other scheme flagged", c.bad_scheme == 1 &&
	    c.token == NULL);
	c = creds("   ", NULL);
	UNIT_CHECK("creds blank X-Auth-Token is absent", c.token == NULL);
	c = creds(NULL, "Bearer ");
	UNIT_CHECK("creds empty Bearer is not a token", c.token == NULL);
	c = creds(NULL, NULL);
	UNIT_CHECK("creds none", c.token == NULL && c.basic == NULL &&
	    !c.conflict && !c.bad_scheme);

	/* The arena survives many requests' worth of parsing. */
	for (i = 0; i < 100; i++)
		(void)form("a=1&b=2&c=3", "c");
	arena_free(&arena);

	return unit_summary("test_http");
}
