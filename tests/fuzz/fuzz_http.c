/*
 * fuzz_http.c: the request headers as FastCGI params: http_request_init,
 * http_env, the Cookie header (http_cookie_get), the credential headers
 * (auth_creds_parse), the CSRF rule (auth_csrf_ok) and response headers
 * (http_header_add). Checks that every view points into what was sent,
 * that a cookie value is a trimmed piece of its header, that credentials
 * are trimmed slices of their own header, and that no response header
 * line can be split by a value.
 *
 * Input: one byte picks the configured origin and cookie name, then
 * params as "NAME=value" lines (a FastCGI value may hold a newline; the
 * parsers give it no meaning, so lines lose nothing here).
 */
#include "arena.h"
#include "auth.h"
#include "cidr.h"
#include "conf.h"
#include "fuzz.h"
#include "http.h"

#define FUZZ_PARAMS_MAX	64

static const char *const fuzz_origins[] = {
	"", "https://app.example", "http://a.example:8080, https://b.example",
	"http://[::1]:8080",
};
static const char *const fuzz_cookies[] = {
	"apitoken_session", "sid", "a", "__Host-apitoken_session",
};

/* Whether p points into the string s. */
static int
fuzz_inside(const char *p, const char *s)
{
	return p >= s && p <= s + strlen(s);
}

static void
fuzz_cookie(struct arena *a, const char *header, const char *name)
{
	const char *v = http_cookie_get(a, header, name);
	size_t n;

	if (header == NULL) {
		FUZZ_CHECK(v == NULL, "a cookie without a header");
		return;
	}
	if (v == NULL)
		return;
	n = strlen(v);
	/* A piece of the header, without its separator or trailing blanks. */
	FUZZ_CHECK(n < strlen(header), "cookie value as long as its header");
	FUZZ_CHECK(strstr(header, v) != NULL, "cookie value not in its "
	    "header");
	FUZZ_CHECK(strchr(v, ';') == NULL, "cookie value holds a ';'");
	/* Blanks after a value are dropped; inside quotes they stay. */
	if (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t')) {
		char *q = malloc(n + 2);

		if (q == NULL)
			abort();
		memcpy(q, v, n);
		memcpy(q + n, "\"", 2);
		FUZZ_CHECK(strstr(header, q) != NULL, "cookie value ends with "
		    "a blank outside quotes");
		free(q);
	}
}

static void
fuzz_creds(const char *xat, const char *authz)
{
	struct auth_creds c;

	auth_creds_parse(xat, authz, &c);
	if (c.token != NULL) {
		FUZZ_CHECK(c.token_len > 0, "an empty token");
		FUZZ_CHECK(c.token_len <= HTTP_HEADER_MAX + 1, "token length");
		FUZZ_CHECK((xat != NULL && fuzz_inside(c.token, xat) &&
		    c.token + c.token_len <= xat + strlen(xat)) ||
		    (authz != NULL && fuzz_inside(c.token, authz) &&
		    c.token + c.token_len <= authz + strlen(authz)),
		    "token outside its header");
		FUZZ_CHECK(c.token[0] != ' ' && c.token[0] != '\t' &&
		    c.token[c.token_len - 1] != ' ' &&
		    c.token[c.token_len - 1] != '\t', "token not trimmed");
	}
	if (c.basic != NULL)
		FUZZ_CHECK(authz != NULL && fuzz_inside(c.basic, authz) &&
		    c.basic + c.basic_len <= authz + strlen(authz),
		    "basic outside Authorization");
	FUZZ_CHECK(!c.conflict || (xat != NULL && authz != NULL),
	    "a conflict with one header");
	FUZZ_CHECK(!(c.bad_scheme && c.basic != NULL), "basic and bad scheme");
}

static void
fuzz_header(const char *value)
{
	struct http_response res;
	size_t i;
	int rc;

	http_response_init(&res);
	rc = http_header_add(&res, "X-Fuzz", value);
	FUZZ_CHECK(res.hlen < sizeof(res.headers) &&
	    strlen(res.headers) == res.hlen, "header buffer");
	if (strpbrk(value, "\r\n") != NULL)
		FUZZ_CHECK(rc == -1, "a value with CR or LF was added");
	if (rc == 0) {
		/* Exactly one line: CR and LF only in its final "\r\n". */
		FUZZ_CHECK(res.hlen >= 2 &&
		    memcmp(res.headers + res.hlen - 2, "\r\n", 2) == 0, "end");
		for (i = 0; i + 2 < res.hlen; i++)
			FUZZ_CHECK(res.headers[i] != '\r' &&
			    res.headers[i] != '\n', "header split at %zu", i);
	}
	http_response_free(&res);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	static struct conf conf;
	char *envp[FUZZ_PARAMS_MAX + 1], *eq, name[64];
	const char *v, *site;
	struct http_request r;
	struct cidr_list tl;
	struct arena a;
	size_t n = 0, i, k;
	uint8_t sel = fuzz_byte(&in), back[16];
	int ok;

	while (in.n > 0 && n < FUZZ_PARAMS_MAX)
		envp[n++] = fuzz_piece(&in, '\n', NULL);
	envp[n] = NULL;
	arena_init(&a, 0);
	cidr_list_parse("127.0.0.1/32, ::1/128, 10.0.0.0/8", &tl, NULL, 0);

	http_request_init(&r, &a, envp, &tl);
	FUZZ_CHECK(r.method != NULL && r.path != NULL && r.query != NULL &&
	    r.content_type != NULL && r.user_agent != NULL && r.host != NULL,
	    "a NULL view");
	if (http_env(envp, "REQUEST_URI") != NULL)
		FUZZ_CHECK(strchr(r.path, '?') == NULL, "path keeps the query");
	FUZZ_CHECK(strnlen(r.client_ip, sizeof(r.client_ip)) <
	    sizeof(r.client_ip), "client_ip not terminated");
	if (r.client_ip[0] != '\0')
		FUZZ_CHECK(cidr_addr_parse(r.client_ip, strlen(r.client_ip),
		    back) == 0 && memcmp(back, r.client_addr, 16) == 0,
		    "client_ip \"%s\" is not client_addr", r.client_ip);

	/* http_env finds the first param of a name, and its value. */
	for (i = 0; i < n; i++) {
		if ((eq = strchr(envp[i], '=')) == NULL ||
		    (size_t)(eq - envp[i]) >= sizeof(name))
			continue;
		memcpy(name, envp[i], (size_t)(eq - envp[i]));
		name[eq - envp[i]] = '\0';
		v = http_env(envp, name);
		for (k = 0; k < i; k++)
			if (strncmp(envp[k], name, strlen(name)) == 0 &&
			    envp[k][strlen(name)] == '=')
				break;
		FUZZ_CHECK(v == envp[k] + strlen(name) + 1,
		    "http_env(%s) is not the first such param", name);
		fuzz_header(v);
	}

	v = http_env(envp, "HTTP_COOKIE");
	fuzz_cookie(&a, v, fuzz_cookies[sel % 4]);
	if (v != NULL && (eq = strchr(v, '=')) != NULL &&
	    (size_t)(eq - v) < sizeof(name)) {
		/* The first cookie's own name, as the header spells it. */
		memcpy(name, v, (size_t)(eq - v));
		name[eq - v] = '\0';
		fuzz_cookie(&a, v, name);
	}
	fuzz_creds(http_env(envp, "HTTP_X_AUTH_TOKEN"),
	    http_env(envp, "HTTP_AUTHORIZATION"));

	if (conf.cookie_name[0] == '\0')
		conf_defaults(&conf);
	memcpy(conf.public_origin, fuzz_origins[(sel >> 2) % 4],
	    strlen(fuzz_origins[(sel >> 2) % 4]) + 1);
	ok = auth_csrf_ok(&conf, &r);
	FUZZ_CHECK(ok == 0 || ok == 1, "csrf %d", ok);
	if ((site = http_env(envp, "HTTP_SEC_FETCH_SITE")) != NULL)
		FUZZ_CHECK(ok == (strcmp(site, "same-origin") == 0 ||
		    strcmp(site, "none") == 0), "Sec-Fetch-Site decides");
	else if (ok && http_env(envp, "HTTP_ORIGIN") == NULL)
		FUZZ_CHECK(http_env(envp, "HTTP_REFERER") != NULL,
		    "a state change passes without Origin or Referer");

	arena_free(&a);
	for (i = 0; i < n; i++)
		free(envp[i]);
	return 0;
}
