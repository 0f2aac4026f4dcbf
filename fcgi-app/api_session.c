/* api_session.c: POST /api/login and /api/logout (browser sessions). */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "api.h"
#include "device.h"
#include "log.h"
#include "metrics.h"
#include "password.h"
#include "store_sessions.h"
#include "throttle_login.h"
#include "token.h"
#include "util.h"

#define SESSION_ID_LEN	43	/* base62: 256 bits */

/* The device cookie's name: the session cookie's with "_device". */
static const char *
device_cookie_name(const struct http_request *r, const struct conf *c,
    char *buf, size_t size)
{
	char name[CONF_NAME_MAX + 8];
	int n;

	n = snprintf(buf, size, "%s_device", auth_cookie_name(c, r, name,
	    sizeof(name)));
	return n < 0 || (size_t)n >= size ? NULL : buf;
}

static int
set_cookie(struct api_ctx *ctx, const char *name, const char *value,
    long max_age)
{
	const struct conf *c = ctx->app->conf;
	int secure = c->secure_cookies == CONF_ON ||
	    (c->secure_cookies == CONF_AUTO && ctx->req->https);
	char buf[512];
	int n;

	n = snprintf(buf, sizeof(buf), "%s=%s; Path=/; Max-Age=%ld; HttpOnly; "
	    "SameSite=Strict%s", name, value, max_age, secure ? "; Secure" : "");
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -1;
	return http_header_add(ctx->res, "Set-Cookie", buf);
}

static int
session_cookie(struct api_ctx *ctx, const char *value, long max_age)
{
	char name[CONF_NAME_MAX + 8];

	return set_cookie(ctx, auth_cookie_name(ctx->app->conf, ctx->req, name,
	    sizeof(name)), value, max_age);
}

/* Remembers this browser for this login (throttle_login.h says why). */
static void
device_cookie(struct api_ctx *ctx, const struct throttle_login *tl)
{
	char name[CONF_NAME_MAX + 16], value[DEVICE_VALUE_LEN + 1];

	if (device_cookie_name(ctx->req, ctx->app->conf, name,
	    sizeof(name)) == NULL)
		return;
	device_make(ctx->app->secret, tl->account_key, ctx->now, value);
	(void)set_cookie(ctx, name, value, DEVICE_TTL_S);
}

static enum http_status
login_denied(struct api_ctx *ctx, const struct throttle_login *tl,
    int64_t user_id, const char *why)
{
	int64_t saved = ctx->caller.user.id;
	int rc;

	if ((rc = throttle_login_failed(&ctx->app->db, ctx->app->conf, tl,
	    ctx->now)) != DB_OK)
		return api_db_error(ctx, rc);
	ctx->caller.user.id = user_id;
	api_audit(ctx, "login", "denied", 0, why);
	ctx->caller.user.id = saved;
	http_header_add(ctx->res, "WWW-Authenticate", "Bearer realm=\"apitoken\"");
	/* One answer for unknown login, wrong password and disabled user. */
	http_error(ctx->res, HTTP_UNAUTHORIZED, "Credentials required",
	    "invalid_login");
	return HTTP_UNAUTHORIZED;
}

enum http_status
api_login(struct api_ctx *ctx)
{
	const struct conf *c = ctx->app->conf;
	struct store_user u;
	const char *login = NULL, *pw = NULL, *old, *dev, *inurl;
	char sid[SESSION_ID_LEN + 1], ua[256 * 4], name[CONF_NAME_MAX + 8];
	char dname[CONF_NAME_MAX + 16];
	struct throttle_login tl;
	int64_t wait;
	uint8_t hash[32];
	json_object *o, *uo;
	int64_t expires;
	int rc, found, ok;
	size_t pwlen;

	/* A page elsewhere must not log this browser into its own account. */
	if (!auth_csrf_login_ok(c, ctx->req))
		return api_csrf_failed(ctx);
	/*
	 * A password in the URL ends up in access logs, proxies and browser
	 * histories: refused outright, as a token in the URL is.
	 */
	if (http_form_get(ctx->req->arena, ctx->req->query,
	    strlen(ctx->req->query), "password", &inurl) != 0)
		return api_bad_request(ctx, "password_in_url");
	if ((rc = api_param(ctx, "login", &login)) < 0 ||
	    (rc = api_param(ctx, "password", &pw)) < 0)
		return ctx->res->status;
	if (login == NULL || pw == NULL || login[0] == '\0' || pw[0] == '\0')
		return api_bad_request(ctx, "missing_field");
	pwlen = strlen(pw);
	/* Before the password is looked at: a throttled guess learns nothing. */
	if ((dev = device_cookie_name(ctx->req, c, dname, sizeof(dname))) !=
	    NULL)
		dev = http_cookie_get(ctx->req->arena, http_env(ctx->req->envp,
		    "HTTP_COOKIE"), dev);
	throttle_login_begin(c, ctx->app->secret, ctx->req, login, dev,
	    ctx->now, &tl);
	wait = throttle_login_wait(&ctx->app->db, c, &tl, ctx->now);
	if (wait < 0)
		return api_db_error(ctx, (int)wait);
	if (wait > 0) {
		metrics_auth_failure("too_many_attempts");
		return api_throttled(ctx, (unsigned)wait);
	}
	found = 0;
	memset(&u, 0, sizeof(u));
	if (util_utf8_len(login, strlen(login)) > 0 &&
	    strlen(login) <= STORE_LOGIN_MAX * 4) {
		found = store_user_by_login(&ctx->app->db, login, &u);
		if (found < 0)
			return api_db_error(ctx, found);
	}
	ok = password_verify(found ? u.password_hash : NULL, pw, pwlen);
	sodium_memzero(u.password_hash, sizeof(u.password_hash));
	if (!found)
		return login_denied(ctx, &tl, 0, "unknown_login");
	if (!ok)
		return login_denied(ctx, &tl, u.id, "wrong_password");
	if (u.disabled_at != 0)
		return login_denied(ctx, &tl, u.id, "user_disabled");
	throttle_login_succeeded(&ctx->app->db, &tl);

	/* A fresh id at every login: a planted cookie is never promoted. */
	old = http_cookie_get(ctx->req->arena, http_env(ctx->req->envp,
	    "HTTP_COOKIE"), auth_cookie_name(c, ctx->req, name, sizeof(name)));
	if (old != NULL && strlen(old) <= 128) {
		auth_session_hash(old, strlen(old), hash);
		(void)store_session_delete(&ctx->app->db, hash);
	}
	token_random_b62(sid, SESSION_ID_LEN);
	auth_session_hash(sid, SESSION_ID_LEN, hash);
	expires = ctx->now + (int64_t)c->session_ttl * 1000;
	util_utf8_clip(ctx->req->user_agent, ua, sizeof(ua), 255);
	rc = store_session_insert(&ctx->app->db, hash, u.id, ctx->now, expires,
	    ctx->req->client_ip, ua);
	if (rc != DB_OK)
		return api_db_error(ctx, rc);
	(void)store_session_purge(&ctx->app->db, ctx->now);
	if (session_cookie(ctx, sid, (long)c->session_ttl) == -1) {
		sodium_memzero(sid, sizeof(sid));
		return api_db_error(ctx, DB_ERROR);
	}
	sodium_memzero(sid, sizeof(sid));
	device_cookie(ctx, &tl);
	ctx->caller.user = u;
	api_audit(ctx, "login", "ok", 0, NULL);

	o = json_object_new_object();
	uo = json_object_new_object();
	json_object_object_add(uo, "id", json_object_new_int64(u.id));
	json_object_object_add(uo, "login", json_object_new_string(u.login));
	json_object_object_add(o, "user", uo);
	json_object_object_add(o, "expires", json_object_new_int64(expires));
	http_json(ctx->res, HTTP_OK, o);
	return HTTP_OK;
}

enum http_status
api_logout(struct api_ctx *ctx)
{
	const struct conf *c = ctx->app->conf;
	char name[CONF_NAME_MAX + 8];
	const char *sid;
	uint8_t hash[32];
	json_object *o;
	int rc;

	sid = http_cookie_get(ctx->req->arena, http_env(ctx->req->envp,
	    "HTTP_COOKIE"), auth_cookie_name(c, ctx->req, name, sizeof(name)));
	if (sid != NULL) {
		if (!auth_csrf_ok(c, ctx->req))
			return api_csrf_failed(ctx);
		if (strlen(sid) <= 128) {
			auth_session_hash(sid, strlen(sid), hash);
			if ((rc = store_session_delete(&ctx->app->db, hash)) !=
			    DB_OK)
				return api_db_error(ctx, rc);
		}
	}
	(void)session_cookie(ctx, "", 0);
	o = json_object_new_object();
	json_object_object_add(o, "ok", json_object_new_boolean(1));
	http_json(ctx->res, HTTP_OK, o);
	return HTTP_OK;
}
