/* auth.c: who is calling: session cookie, X-Auth-Token, Bearer, Basic; CSRF. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "api.h"
#include "auth.h"
#include "cache.h"
#include "lastused.h"
#include "lifecycle.h"
#include "log.h"
#include "metrics.h"
#include "password.h"
#include "store_audit.h"
#include "store_sessions.h"
#include "throttle.h"
#include "throttle_login.h"
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

const char *
auth_kind_name(enum auth_kind k)
{
	switch (k) {
	case AUTH_SESSION:
		return "session";
	case AUTH_TOKEN:
		return "token";
	case AUTH_BASIC:
		return "basic";
	case AUTH_NONE:
		break;
	}
	return "none";
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
	/* A login and a token may name two principals: never pick one. */
	if (out->basic != NULL && out->token != NULL)
		out->conflict = 1;
}

void
auth_creds_read(char **envp, struct auth_creds *out)
{
	auth_creds_parse(http_env(envp, "HTTP_X_AUTH_TOKEN"),
	    http_env(envp, "HTTP_AUTHORIZATION"), out);
	/*
	 * lighttpd and Apache join a repeated header with ", " (which no
	 * token or Basic value survives); nginx passes each one as a param
	 * of its own, and http_env would see only the first.
	 */
	if (http_env_count(envp, "HTTP_X_AUTH_TOKEN") > 1 ||
	    http_env_count(envp, "HTTP_AUTHORIZATION") > 1)
		out->conflict = 1;
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

const char *
auth_token_refusal(const struct store_token *t, int64_t now)
{
	if (t->revoked_at != 0)
		return "token_revoked";
	if (t->superseded_at != 0 && now >= t->overlap_until)
		return "token_rotated";
	if (t->expires_at != 0 && t->expires_at <= now)
		return "token_expired";
	/* A deleted owner reads as an empty login: as good as disabled. */
	if (t->user_id != 0 && (t->owner.login[0] == '\0' ||
	    t->owner.disabled_at != 0))
		return "user_disabled";
	if (strcmp(t->kind, "identity") != 0 && t->user_id == 0)
		return "user_disabled";
	if (t->identity_id != 0 && (t->identity_name[0] == '\0' ||
	    t->identity_disabled_at != 0))
		return "identity_disabled";
	if (t->max_uses > 0 && t->uses >= t->max_uses)
		return "token_uses_exhausted";
	return NULL;
}

/* A refused use of an authentic token is an audit event. */
static void
auth_audit_denied(struct app *app, const struct http_request *r,
    const struct store_token *t, int64_t now, const char *reason)
{
	struct store_audit_event e;
	int rc;

	memset(&e, 0, sizeof(e));
	e.at = now;
	e.actor_user_id = t->user_id;
	e.actor_token_id = t->id;
	e.token_id = t->id;
	e.action = "token.use";
	e.outcome = "denied";
	e.ip = r->client_ip;
	e.user_agent = r->user_agent;
	e.reason = reason;
	if ((rc = store_audit_add(&app->db, &e)) != DB_OK)
		log_warn("audit_failed", "action=token.use db_status=%d", rc);
}

/* Whether the client address is inside the token's trusted list. */
static int
auth_ip_trusted(const struct store_token *t, const struct http_request *r)
{
	struct cidr_list l;
	char err[128];

	if (t->trusted_cidrs[0] == '\0')
		return 1;
	/* A list we stored ourselves always parses; fail closed if not. */
	if (cidr_list_parse(t->trusted_cidrs, &l, err, sizeof(err)) == -1 ||
	    r->client_ip[0] == '\0')
		return 0;
	return cidr_list_match(&l, r->client_addr);
}

/*
 * The two refusals that are guesses (a token that was never real): the
 * bad-token throttle counts only these, recognised by address.
 */
static const char auth_malformed[] = "malformed_token";
static const char auth_unknown[] = "invalid_token";

/*
 * lastUsed is coalesced (no write on the read path: lastused.c flushes in
 * batches) and kept to [tokens] last_used_grain (5 minutes), so a token
 * costs one row write per grain at most, not one per request: with many
 * tokens in use those writes were most of MariaDB's work on reads.
 */
static void
auth_note_use(struct app *app, const struct http_request *r,
    const struct store_token *t, const uint8_t *hash, int64_t now)
{
	if (t->last_used_at != 0 && now - t->last_used_at <
	    (int64_t)app->conf->last_used_grain * 1000)
		return;
	cache_used(hash, now);
	if (lastused_note(t->id, now, r->client_ip))
		(void)lastused_flush(&app->db);
}

enum auth_result
auth_token(struct app *app, const struct http_request *r, const char *tok,
    size_t len, int64_t now, enum auth_token_mode mode, struct store_token *t,
    const char **reason)
{
	struct lifecycle_actor who;
	uint8_t hash[TOKEN_HASH_LEN];
	const char *why;
	int64_t revoked;
	uint32_t gen;
	int rc;

	t->id = 0;
	/* Shape and checksum first: garbage never costs a query. */
	if (len > TOKEN_MAX_LEN ||
	    token_parse(app->conf->token_prefix, tok, len) != TOKEN_OK) {
		*reason = auth_malformed;
		return AUTH_DENIED;
	}
	token_hash(app->secret, tok, len, hash);
	if (mode == AUTH_TOKEN_USE && cache_enabled()) {
		cache_sync(&app->db);
		/* Only usable tokens are cached; expiry is checked here. */
		if (cache_get(hash, t) && auth_token_refusal(t, now) == NULL) {
			metrics_token_cache(1);
			token_hint(app->conf->token_prefix, tok, len, t->hint,
			    sizeof(t->hint));
			auth_note_use(app, r, t, hash, now);
			return AUTH_OK;
		}
		metrics_token_cache(0);
	}
	/* Read before the lookup: a change committed meanwhile outdates it. */
	gen = cache_generation();
	rc = mode == AUTH_TOKEN_USE ?
	    store_token_auth_by_hash(&app->db, hash, t) :
	    store_token_by_hash(&app->db, hash, t);
	if (rc == DB_UNAVAILABLE)
		return AUTH_UNAVAILABLE;
	if (rc < 0)
		return AUTH_ERROR;
	if (rc == 0) {
		t->id = 0;
		*reason = auth_unknown;
		return AUTH_DENIED;
	}
	if (t->partial)
		token_hint(app->conf->token_prefix, tok, len, t->hint,
		    sizeof(t->hint));
	why = auth_token_refusal(t, now);
	if (mode == AUTH_TOKEN_LOOKUP) {
		*reason = why;
		return why == NULL ? AUTH_OK : AUTH_DENIED;
	}
	/*
	 * A rotated-out token used after its overlap is a reuse, even when it
	 * was revoked since (a tidy owner revokes old tokens): the family goes.
	 */
	if (t->superseded_at != 0 && now >= t->overlap_until) {
		who.user_id = t->user_id;
		who.token_id = t->id;
		who.ip = r->client_ip;
		who.user_agent = r->user_agent;
		rc = lifecycle_reuse(&app->db, t, now, &who, &revoked);
		if (rc != DB_OK)
			return rc == DB_UNAVAILABLE ? AUTH_UNAVAILABLE :
			    AUTH_ERROR;
		if (revoked > 0)
			log_warn("token_reuse", "id=%s hint=%s ip=%s revoked=%lld",
			    t->public_id, t->hint, r->client_ip,
			    (long long)revoked);
	}
	/* The database counts uses exactly; the row we read may be stale. */
	if (why != NULL && strcmp(why, "token_uses_exhausted") == 0)
		why = NULL;
	if (why != NULL) {
		/* A reuse has its own event, written above. */
		if (t->superseded_at == 0 || now < t->overlap_until)
			auth_audit_denied(app, r, t, now, why);
		*reason = why;
		return AUTH_DENIED;
	}
	if (!auth_ip_trusted(t, r)) {
		auth_audit_denied(app, r, t, now, "ip_not_trusted");
		*reason = "ip_not_trusted";
		return AUTH_FORBIDDEN;
	}
	if (t->max_uses > 0) {
		rc = store_token_use(&app->db, t->id);
		if (rc < 0)
			return rc == DB_UNAVAILABLE ? AUTH_UNAVAILABLE :
			    AUTH_ERROR;
		if (rc == 0) {
			auth_audit_denied(app, r, t, now,
			    "token_uses_exhausted");
			*reason = "token_uses_exhausted";
			return AUTH_DENIED;
		}
		t->uses++;
		auth_note_use(app, r, t, hash, now);
		return AUTH_OK;
	}
	cache_put(hash, gen, t);
	auth_note_use(app, r, t, hash, now);
	return AUTH_OK;
}

int
auth_token_full(struct app *app, struct store_token *t)
{
	char public_id[sizeof(t->public_id)];
	int rc;

	if (!t->partial)
		return DB_OK;
	memcpy(public_id, t->public_id, sizeof(public_id));
	rc = store_token_by_public_id(&app->db, public_id, t);
	if (rc == 0)
		return DB_ERROR;	/* it was there a moment ago */
	return rc < 0 ? rc : DB_OK;
}

/* A throttle wait (> 0) or a db_status (< 0) as the caller's answer. */
static enum auth_result
auth_db_result(int64_t rc)
{
	if (rc > 0)
		return AUTH_THROTTLED;
	return rc == DB_UNAVAILABLE ? AUTH_UNAVAILABLE : AUTH_ERROR;
}

/* HTTP Basic: a password check, throttled like POST /api/login. */
static enum auth_result
auth_basic(struct app *app, const struct http_request *r, int64_t now,
    const struct auth_creds *cr, struct auth_caller *c, const char **reason)
{
	unsigned char raw[AUTH_BASIC_MAX + 1];
	size_t rawlen = 0;
	const unsigned char *colon;
	enum auth_result ar = AUTH_DENIED;
	struct throttle_login tl;
	int64_t wait;
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
	/* Scripts send no device cookie: Basic counts every failure. */
	throttle_login_begin(app->conf, app->secret, r, (const char *)raw,
	    NULL, now, &tl);
	if ((wait = throttle_login_wait(&app->db, app->conf, &tl, now)) != 0) {
		ar = auth_db_result(wait);
		if (wait > 0) {
			c->retry_after = (unsigned)wait;
			*reason = "too_many_attempts";
		}
		goto out;
	}
	found = store_user_by_login(&app->db, (const char *)raw, &c->user);
	if (found < 0) {
		ar = auth_db_result(found);
		goto out;
	}
	/* The dummy check keeps unknown logins as slow as known ones. */
	rc = password_verify(found ? c->user.password_hash : NULL,
	    (const char *)raw + ci + 1, rawlen - ci - 1);
	if (rc == 1 && c->user.disabled_at == 0) {
		c->kind = AUTH_BASIC;
		ar = AUTH_OK;
		throttle_login_succeeded(&app->db, &tl);
	} else if ((rc = throttle_login_failed(&app->db, app->conf, &tl,
	    now)) != DB_OK)
		ar = auth_db_result(rc);
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
	const char *sid, *cookies, *cname;
	char name[CONF_NAME_MAX + 8];

	memset(c, 0, sizeof(*c));
	*reason = "missing_credentials";
	auth_creds_read(r->envp, &cr);
	if (cr.conflict) {
		*reason = "multiple_credentials";
		return AUTH_BAD_REQUEST;
	}
	if (cr.token != NULL) {
		c->token_sent = 1;
		c->retry_after = throttle_token_wait(app->conf, r->client_addr,
		    now);
		if (c->retry_after > 0) {
			*reason = "too_many_attempts";
			return AUTH_THROTTLED;
		}
		ar = auth_token(app, r, cr.token, cr.token_len, now,
		    AUTH_TOKEN_USE, &c->token, reason);
		/* Only guesses count: a revoked or expired token was real. */
		if (ar == AUTH_DENIED &&
		    (*reason == auth_malformed || *reason == auth_unknown))
			throttle_token_failed(app->conf, r->client_addr,
			    r->client_ip, now);
		if (ar != AUTH_OK)
			return ar;
		c->kind = AUTH_TOKEN;
		c->user = c->token.owner;
		return AUTH_OK;
	}
	if (cr.basic != NULL)
		return auth_basic(app, r, now, &cr, c, reason);
	if (cr.bad_scheme) {
		*reason = "unsupported_auth_scheme";
		return AUTH_DENIED;
	}
	cookies = http_env(r->envp, "HTTP_COOKIE");
	cname = auth_cookie_name(app->conf, r, name, sizeof(name));
	/*
	 * Two session cookies (one planted from a sibling domain, say) would
	 * leave the choice to the order the browser sends them in.
	 */
	if (http_cookie_count(cookies, cname) > 1) {
		*reason = "multiple_credentials";
		return AUTH_BAD_REQUEST;
	}
	sid = http_cookie_get(r->arena, cookies, cname);
	if (sid != NULL)
		return auth_session(app, now, sid, c, reason);
	return AUTH_MISSING;
}

int
auth_csrf_login_ok(const struct conf *c, const struct http_request *r)
{
	/* No browser signal at all: a script, which a page cannot drive. */
	if (http_env(r->envp, "HTTP_SEC_FETCH_SITE") == NULL &&
	    http_env(r->envp, "HTTP_ORIGIN") == NULL)
		return 1;
	return auth_csrf_ok(c, r);
}

/* Whether value (an Origin, or a Referer when prefix) is one of the list. */
static int
auth_origin_listed(const char *list, const char *value, int prefix)
{
	char one[CONF_PATH_MAX];
	const char *p = list, *e;
	size_t n;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		for (e = p; *e != '\0' && *e != ',' && *e != ' ' && *e != '\t';
		    e++)
			;
		n = (size_t)(e - p);
		if (n > 0 && n < sizeof(one)) {
			memcpy(one, p, n);
			one[n] = '\0';
			if (prefix ? http_origin_matches(value, one) :
			    strcasecmp(value, one) == 0)
				return 1;
		}
		p = e;
	}
	return 0;
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
		return auth_origin_listed(want, origin, 0);
	referer = http_env(r->envp, "HTTP_REFERER");
	return referer != NULL && auth_origin_listed(want, referer, 1);
}
