/*
 * stubs.c: the database, cache and metrics functions that auth.c and
 * api_common.c refer to, for fuzz targets that link those files without
 * a database. The pure functions a target calls never reach the store:
 * if one does, that is a finding, so the store stubs abort.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cache.h"
#include "lastused.h"
#include "lifecycle.h"
#include "metrics.h"
#include "password.h"
#include "store_audit.h"
#include "store_sessions.h"
#include "store_tokens.h"
#include "store_users.h"
#include "throttle.h"
#include "throttle_login.h"

static void
stub_reached(const char *name)
{
	fprintf(stderr, "fuzz: %s reached from a pure function\n", name);
	abort();
}

int cache_enabled(void) { return 0; }
uint32_t cache_generation(void) { return 0; }
int cache_get(const uint8_t *h, struct store_token *t)
{ (void)h; (void)t; stub_reached("cache_get"); return 0; }
void cache_put(const uint8_t *h, uint32_t g, const struct store_token *t)
{ (void)h; (void)g; (void)t; stub_reached("cache_put"); }
void cache_sync(struct db *db) { (void)db; stub_reached("cache_sync"); }
void cache_used(const uint8_t *h, int64_t at)
{ (void)h; (void)at; stub_reached("cache_used"); }
int lastused_flush(struct db *db)
{ (void)db; stub_reached("lastused_flush"); return -1; }
int lastused_note(int64_t id, int64_t at, const char *ip)
{ (void)id; (void)at; (void)ip; stub_reached("lastused_note"); return -1; }
int lifecycle_reuse(struct db *db, const struct store_token *t, int64_t now,
    const struct lifecycle_actor *who, int64_t *revoked)
{ (void)db; (void)t; (void)now; (void)who; (void)revoked;
  stub_reached("lifecycle_reuse"); return -1; }
int password_verify(const char *hash, const char *pw, size_t len)
{ (void)hash; (void)pw; (void)len; stub_reached("password_verify");
  return -1; }
int store_audit_add(struct db *db, const struct store_audit_event *e)
{ (void)db; (void)e; stub_reached("store_audit_add"); return -1; }
int store_session_user(struct db *db, const uint8_t *h, int64_t now,
    struct store_user *u, int64_t *exp)
{ (void)db; (void)h; (void)now; (void)u; (void)exp;
  stub_reached("store_session_user"); return -1; }
int store_token_auth_by_hash(struct db *db, const uint8_t *h,
    struct store_token *t)
{ (void)db; (void)h; (void)t; stub_reached("store_token_auth_by_hash");
  return -1; }
int store_token_by_hash(struct db *db, const uint8_t *h, struct store_token *t)
{ (void)db; (void)h; (void)t; stub_reached("store_token_by_hash");
  return -1; }
int store_token_by_public_id(struct db *db, const char *id,
    struct store_token *t)
{ (void)db; (void)id; (void)t; stub_reached("store_token_by_public_id");
  return -1; }
int store_token_use(struct db *db, int64_t id)
{ (void)db; (void)id; stub_reached("store_token_use"); return -1; }
int store_user_by_login(struct db *db, const char *login, struct store_user *u)
{ (void)db; (void)login; (void)u; stub_reached("store_user_by_login");
  return -1; }
unsigned throttle_token_wait(const struct conf *c, const uint8_t a[16],
    int64_t now)
{ (void)c; (void)a; (void)now; stub_reached("throttle_token_wait");
  return 0; }
void throttle_token_failed(const struct conf *c, const uint8_t a[16],
    const char *ip, int64_t now)
{ (void)c; (void)a; (void)ip; (void)now;
  stub_reached("throttle_token_failed"); }
void throttle_login_begin(const struct conf *c,
    const uint8_t secret[TOKEN_SECRET_LEN], const struct http_request *r,
    const char *login, const char *dev, int64_t now,
    struct throttle_login *tl)
{ (void)c; (void)secret; (void)r; (void)login; (void)dev; (void)now;
  (void)tl; stub_reached("throttle_login_begin"); }
int64_t throttle_login_wait(struct db *db, const struct conf *c,
    struct throttle_login *tl, int64_t now)
{ (void)db; (void)c; (void)tl; (void)now;
  stub_reached("throttle_login_wait"); return -1; }
int throttle_login_failed(struct db *db, const struct conf *c,
    const struct throttle_login *tl, int64_t now)
{ (void)db; (void)c; (void)tl; (void)now;
  stub_reached("throttle_login_failed"); return -1; }
void throttle_login_succeeded(struct db *db, const struct throttle_login *tl)
{ (void)db; (void)tl; stub_reached("throttle_login_succeeded"); }

/* Counters only: a 400 answer counts its reason, which is fine here. */
void metrics_token_cache(int hit) { (void)hit; }
void metrics_auth_failure(const char *reason) { (void)reason; }
