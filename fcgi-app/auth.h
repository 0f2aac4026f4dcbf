/* auth.h: who is calling: session cookie, X-Auth-Token, Bearer, Basic; CSRF. */
#ifndef APITOKEN_AUTH_H
#define APITOKEN_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "http.h"
#include "store_tokens.h"
#include "store_users.h"

struct app;

enum auth_kind {
	AUTH_NONE = 0,
	AUTH_SESSION,
	AUTH_TOKEN,
	AUTH_BASIC,
};

struct auth_caller {
	enum auth_kind	 kind;
	struct store_user user;
	struct store_token token;		/* AUTH_TOKEN only */
	uint8_t		 session_hash[32];	/* AUTH_SESSION only */
	int64_t		 session_expires;
	int		 token_sent;	/* a bearer token came, good or bad */
	unsigned	 retry_after;	/* AUTH_THROTTLED: seconds to wait */
};

/* The credentials a request carries, before any lookup. */
struct auth_creds {
	const char	*token;		/* X-Auth-Token or Bearer, trimmed */
	size_t		 token_len;
	const char	*basic;		/* base64 part of Basic */
	size_t		 basic_len;
	int		 conflict;	/* two credentials that disagree */
	int		 bad_scheme;	/* Authorization with another scheme */
};

enum auth_result {
	AUTH_OK = 0,
	AUTH_MISSING,		/* 401 missing_credentials */
	AUTH_DENIED,		/* 401 with reason */
	AUTH_BAD_REQUEST,	/* 400 with reason */
	AUTH_FORBIDDEN,		/* 403 with reason (ip_not_trusted) */
	AUTH_UNAVAILABLE,	/* 503 */
	AUTH_THROTTLED,		/* 429 too_many_attempts, Retry-After */
	AUTH_ERROR,		/* 500 */
};

/* "session", "token", "basic" or "none". */
const char *auth_kind_name(enum auth_kind k);
/* Pure: reads the two headers (either may be NULL). */
void	 auth_creds_parse(const char *x_auth_token, const char *authorization,
	    struct auth_creds *out);
/* auth_creds_parse of the request's params; a repeated one conflicts. */
void	 auth_creds_read(char **envp, struct auth_creds *out);
/*
 * Resolves the caller. A token header, when present, decides alone; then
 * Basic; then the session cookie. *reason is set on failure.
 */
enum auth_result auth_resolve(struct app *app, struct http_request *r,
	    int64_t now, struct auth_caller *c, const char **reason);
enum auth_token_mode {
	AUTH_TOKEN_USE,		/* a use: trusted IPs, use count, reuse, audit */
	AUTH_TOKEN_LOOKUP,	/* revoke paths: find it and say what is wrong */
};

/*
 * Checks a token and returns its row with owner and identity. In
 * AUTH_TOKEN_LOOKUP mode t->id is set whenever the row exists, even when
 * the answer is a refusal.
 */
enum auth_result auth_token(struct app *app, const struct http_request *r,
	    const char *tok, size_t len, int64_t now, enum auth_token_mode mode,
	    struct store_token *t, const char **reason);
/*
 * A token from auth_token(AUTH_TOKEN_USE) carries only what the check reads
 * (t->partial); this reads the whole row in place. A db_status.
 */
int	 auth_token_full(struct app *app, struct store_token *t);
/*
 * Why a stored token may not be used at now, without I/O; NULL if it may.
 * Counts uses too, so introspection sees an exhausted token as inactive.
 */
const char *auth_token_refusal(const struct store_token *t, int64_t now);
/* The CSRF rule of DESIGN.md for cookie-authenticated state changes. */
int	 auth_csrf_ok(const struct conf *c, const struct http_request *r);
/*
 * Login CSRF: a login the browser marks as cross-site (Sec-Fetch-Site, or
 * an Origin not ours) is refused; a request with neither passes (scripts).
 */
int	 auth_csrf_login_ok(const struct conf *c, const struct http_request *r);
/* The session cookie's name for this request ("__Host-" under HTTPS). */
const char *auth_cookie_name(const struct conf *c,
	    const struct http_request *r, char *buf, size_t size);
void	 auth_session_hash(const char *sid, size_t len, uint8_t out[32]);

#endif
