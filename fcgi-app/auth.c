/* auth.c: who is calling: session cookie, X-Auth-Token, Bearer, Basic; CSRF. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "api.h"
#include "auth.h"
#include "lastused.h"
#include "password.h"
#include "store_sessions.h"
#include "token.h"
#include "util.h"

#define AUTH_BASIC_MAX	(PASSWORD_MAX + STORE_LOGIN_MAX * 4 + 2)

static void
auth_trim(const char **s, size_t *len)
{
	while (*len > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

void
auth_creds_parse(const char *x_auth_token, const char *authorization,
    struct auth_creds *out)
{
	const char *b = NULL, *v;
	size_t blen = 0, len;

	memset(out, 0, sizeof(*out));
	if (authorization != NULL) {
		v = authorization;
		len = strnlen(v, HTTP_HEADER_MAX + 1);
		auth_trim(&v, &len);
		if (len > 7 && strncasecmp(v, "Bearer ", 7) == 0) {
			b = v + 7;
			blen = len - 7;
			auth_trim(&b, &blen);
		} else if (len > 6 && strncasecmp(v, "Basic ", 6) == 0) {
			out->basic = v + 6;
			out->basic_len = len - 6;
			auth_trim(&out->basic, &out->basic_len);
		} else if (len > 0)
			out->bad_scheme = 1;
	}
	if (x_auth_token != NULL) {
		v = x_auth_token;
		len = strnlen(v, HTTP_HEADER_MAX + 1);
		auth_trim(&v, &len);
		if (len > 0) {
			out->token = v;
			out->token_len = len;
		}
	}
	if (b != NULL && blen > 0) {
		if (out->token != NULL && (out->token_len != blen ||
		    memcmp(out->token, b, blen) != 0))
			out->conflict = 1;
		out->token = b;
		out->token_len = blen;
	}
}

void
auth_session_hash(const char *sid, size_t len, uint8_t out[32])
{
	crypto_hash_sha256(out, (const unsigned char *)sid, len);
}

const char *
auth_cookie_name(const struct conf *c, const struct http_request *r,
    char *buf, size_t size)
{
	int secure = c->secure_cookies == CONF_ON ||
	    (c->secure_cookies == CONF_AUTO && r->https);
	int n;

	n = snprintf(buf, size, "%s%s", secure ? "__Host-" : "",
	    c->cookie_name);
	if (n < 0 || (size_t)n >= size)
		return c->cookie_name;
	return buf;
}

enum auth_result
auth_token(struct app *app, const char *tok, size_t len, int64_t now,
    struct store_token *t, const char **reason)
{
	uint8_t hash[TOKEN_HASH_LEN];
	int rc;

	/* Shape and checksum first: garbage never costs a query. */
	if (len > TOKEN_MAX_LEN ||
	    token_parse(app->conf->token_prefix, tok, len) != TOKEN_OK) {
		*reason = "malformed_token";
		return AUTH_DENIED;
	}
	token_hash(app->secret, tok, len, hash);
	rc = store_token_by_hash(&app->db, hash, t);
	if (rc == DB_UNAVAILABLE)
		return AUTH_UNAVAILABLE;
	if (rc < 0)
		return AUTH_ERROR;
	if (rc == 0) {
		*reason = "invalid_token";
		return AUTH_DENIED;
	}
	if (t->revoked_at != 0) {
		*reason = "token_revoked";
		return AUTH_DENIED;
	}
	if (t->expires_at != 0 && t->expires_at <= now) {
		*reason = "token_expired";
		return AUTH_DENIED;
	}
	if (t->owner.id == 0 || t->owner.disabled_at != 0) {
		*reason = "user_disabled";
		return AUTH_DENIED;
	}
	return AUTH_OK;
}

static enum auth_result
auth_basic(struct app *app, const struct auth_creds *cr,
    struct auth_caller *c, const char **reason)
{
	unsigned char raw[AUTH_BASIC_MAX + 1];
	size_t rawlen = 0;
	const unsigned char *colon;
	enum auth_result ar = AUTH_DENIED;
	size_t ci;
	int rc, found;

	*reason = "invalid_login";
	if (cr->basic_len > (AUTH_BASIC_MAX / 3 + 1) * 4 ||
	    sodium_base642bin(raw, AUTH_BASIC_MAX, cr->basic, cr->basic_len,
	    NULL, &rawlen, NULL, sodium_base64_VARIANT_ORIGINAL) != 0) {
		*reason = "malformed_credentials";
		return AUTH_BAD_REQUEST;
	}
	raw[rawlen] = '\0';
	colon = memchr(raw, ':', rawlen);
	if (colon == NULL || colon == raw || memchr(raw, '\0', rawlen) != NULL) {
		*reason = "malformed_credentials";
		ar = AUTH_BAD_REQUEST;
		goto out;
	}
	ci = (size_t)(colon - raw);
	raw[ci] = '\0';
	found = store_user_by_login(&app->db, (const char *)raw, &c->user);
	if (found < 0) {
		ar = found == DB_UNAVAILABLE ? AUTH_UNAVAILABLE : AUTH_ERROR;
		goto out;
	}
	/* The dummy check keeps unknown logins as slow as known ones. */
	rc = password_verify(found ? c->user.password_hash : NULL,
	    (const char *)raw + ci + 1, rawlen - ci - 1);
	if (rc == 1 && c->user.disabled_at == 0) {
		c->kind = AUTH_BASIC;
		ar = AUTH_OK;
	}
out:
	sodium_memzero(raw, sizeof(raw));
	sodium_memzero(c->user.password_hash, sizeof(c->user.password_hash));
	return ar;
}

static enum auth_result
auth_session(struct app *app, int64_t now, const char *sid,
    struct auth_caller *c, const char **reason)
{
	size_t len = strlen(sid);
	int rc;

	*reason = "invalid_session";
	if (len < 16 || len > 128)
		return AUTH_DENIED;
	auth_session_hash(sid, len, c->session_hash);
	rc = store_session_user(&app->db, c->session_hash, now, &c->user,
	    &c->session_expires);
	if (rc == DB_UNAVAILABLE)
		return AUTH_UNAVAILABLE;
	if (rc < 0)
		return AUTH_ERROR;
	if (rc == 0)
		return AUTH_DENIED;
	if (c->user.disabled_at != 0) {
		*reason = "user_disabled";
		return AUTH_DENIED;
	}
	c->kind = AUTH_SESSION;
	return AUTH_OK;
}

enum auth_result
auth_resolve(struct app *app, struct http_request *r, int64_t now,
    struct auth_caller *c, const char **reason)
{
	struct auth_creds cr;
	enum auth_result ar;
	const char *sid;
	char name[CONF_NAME_MAX + 8];

	memset(c, 0, sizeof(*c));
	*reason = "missing_credentials";
	auth_creds_parse(http_env(r->envp, "HTTP_X_AUTH_TOKEN"),
	    http_env(r->envp, "HTTP_AUTHORIZATION"), &cr);
	if (cr.conflict) {
		*reason = "multiple_credentials";
		return AUTH_BAD_REQUEST;
	}
	if (cr.token != NULL) {
		c->token_sent = 1;
		ar = auth_token(app, cr.token, cr.token_len, now, &c->token,
		    reason);
		if (ar != AUTH_OK)
			return ar;
		c->kind = AUTH_TOKEN;
		c->user = c->token.owner;
		/* lastUsed is coalesced: no write on the read path. */
		if (lastused_note(c->token.id, now, r->client_ip))
			(void)lastused_flush(&app->db);
		return AUTH_OK;
	}
	if (cr.basic != NULL)
		return auth_basic(app, &cr, c, reason);
	if (cr.bad_scheme) {
		*reason = "unsupported_auth_scheme";
		return AUTH_DENIED;
	}
	sid = http_cookie_get(r->arena, http_env(r->envp, "HTTP_COOKIE"),
	    auth_cookie_name(app->conf, r, name, sizeof(name)));
	if (sid != NULL)
		return auth_session(app, now, sid, c, reason);
	return AUTH_MISSING;
}

int
auth_csrf_ok(const struct conf *c, const struct http_request *r)
{
	const char *site = http_env(r->envp, "HTTP_SEC_FETCH_SITE");
	const char *origin, *referer;
	char derived[CONF_PATH_MAX];
	const char *want = c->public_origin;
	int n;

	if (site != NULL)
		return strcmp(site, "same-origin") == 0 ||
		    strcmp(site, "none") == 0;
	if (want[0] == '\0') {
		/* No configured origin: the request's own scheme and Host. */
		if (r->host[0] == '\0')
			return 0;
		n = snprintf(derived, sizeof(derived), "%s://%s",
		    r->https ? "https" : "http", r->host);
		if (n < 0 || (size_t)n >= sizeof(derived))
			return 0;
		want = derived;
	}
	origin = http_env(r->envp, "HTTP_ORIGIN");
	if (origin != NULL)
		return strcasecmp(origin, want) == 0;
	referer = http_env(r->envp, "HTTP_REFERER");
	return referer != NULL && http_origin_matches(referer, want);
}
