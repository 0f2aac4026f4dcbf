/* lifecycle.c: create, rotate, renew and revoke tokens with their audit rows,
 * each in one transaction. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "lifecycle.h"
#include "metrics.h"
#include "store_audit.h"
#include "util.h"

struct lifecycle_tx {
	const struct lifecycle_actor *who;
	struct store_token_new	 t;	/* create, rotate */
	int64_t			 id;	/* the token the audit row is about */
	int64_t			 old_id;	/* rotate */
	int64_t			 overlap_until;
	int64_t			 family_id;	/* reuse */
	int64_t			 revoked;	/* reuse: how many it revoked */
	int64_t			 expires_at;	/* renew */
	const char		*reason;
	int			 changed;
	int64_t			 now;
};

static int
lifecycle_audit(struct db *db, const struct lifecycle_tx *x, int64_t token_id,
    const char *action, const char *reason)
{
	struct store_audit_event e;

	memset(&e, 0, sizeof(e));
	e.at = x->now;
	e.actor_user_id = x->who->user_id;
	e.actor_token_id = x->who->token_id;
	e.token_id = token_id;
	e.action = action;
	e.outcome = "ok";
	e.ip = x->who->ip;
	e.user_agent = x->who->user_agent;
	e.reason = reason;
	return store_audit_add(db, &e);
}

static int
lifecycle_create_tx(struct db *db, void *arg)
{
	struct lifecycle_tx *x = arg;
	int rc;

	if ((rc = store_token_insert(db, &x->t, &x->id)) != DB_OK)
		return rc;
	return lifecycle_audit(db, x, x->id, "token.create",
	    x->t.reason != NULL ? x->t.reason : x->t.description);
}

static int
lifecycle_rotate_tx(struct db *db, void *arg)
{
	struct lifecycle_tx *x = arg;
	char why[64];
	int rc;

	rc = store_token_supersede(db, x->old_id, x->now, x->overlap_until,
	    &x->changed);
	if (rc != DB_OK || !x->changed)
		return rc;
	if ((rc = store_token_insert(db, &x->t, &x->id)) != DB_OK)
		return rc;
	snprintf(why, sizeof(why), "rotated to %s", x->t.public_id);
	if ((rc = lifecycle_audit(db, x, x->old_id, "token.rotate", why)) !=
	    DB_OK)
		return rc;
	return lifecycle_audit(db, x, x->id, "token.create", "rotation");
}

/*
 * Generates a token into out and fills x->t from spec; run() then stores
 * it. A collision of 178 random bits is not expected; one retry anyway.
 */
static int
lifecycle_mint(struct db *db, const char *prefix,
    const uint8_t secret[TOKEN_SECRET_LEN], const struct lifecycle_spec *s,
    struct lifecycle_tx *x, int (*run)(struct db *, void *),
    struct lifecycle_new *out)
{
	char ua[256 * 4];
	uint8_t hash[TOKEN_HASH_LEN];
	int rc = DB_ERROR, len, tries;

	util_utf8_clip(x->who->user_agent, ua, sizeof(ua), 255);
	for (tries = 0; tries < 2; tries++) {
		len = token_generate(prefix, out->token, sizeof(out->token));
		if (len < 0)
			return DB_ERROR;
		token_hash(secret, out->token, (size_t)len, hash);
		token_hint(prefix, out->token, (size_t)len, out->hint,
		    sizeof(out->hint));
		token_public_id(out->public_id, sizeof(out->public_id));
		memset(&x->t, 0, sizeof(x->t));
		x->t.hash = hash;
		x->t.public_id = out->public_id;
		x->t.hint = out->hint;
		x->t.kind = s->kind;
		x->t.user_id = s->user_id;
		x->t.container_id = s->container_id;
		x->t.identity_id = s->identity_id;
		x->t.permissions = s->permissions;
		x->t.description = s->description != NULL ? s->description : "";
		x->t.reason = s->reason;
		x->t.created_at = x->now;
		x->t.created_by = x->who->user_id;
		x->t.created_ip = x->who->ip;
		x->t.created_user_agent = ua;
		x->t.expires_at = s->expires_at;
		x->t.max_expires_at = s->max_expires_at;
		x->t.ttl_ms = s->ttl_ms;
		x->t.uses = s->uses;
		x->t.max_uses = s->max_uses;
		x->t.trusted_cidrs = s->trusted_cidrs;
		x->t.rotated_from = s->rotated_from;
		x->t.family_id = s->family_id;
		if ((rc = db_tx(db, run, x)) != DB_DUPLICATE)
			break;
	}
	sodium_memzero(hash, sizeof(hash));
	if (rc != DB_OK) {
		sodium_memzero(out->token, sizeof(out->token));
		return rc;
	}
	out->id = x->id;
	if (x->id != 0)	/* a rotation that lost its race made nothing */
		metrics_token_created();
	return DB_OK;
}

int
lifecycle_create(struct db *db, const char *prefix,
    const uint8_t secret[TOKEN_SECRET_LEN], const struct lifecycle_spec *spec,
    int64_t now, const struct lifecycle_actor *who, struct lifecycle_new *out)
{
	struct lifecycle_tx x;

	memset(&x, 0, sizeof(x));
	x.who = who;
	x.now = now;
	return lifecycle_mint(db, prefix, secret, spec, &x, lifecycle_create_tx,
	    out);
}

int
lifecycle_rotate(struct db *db, const char *prefix,
    const uint8_t secret[TOKEN_SECRET_LEN], const struct store_token *old,
    int64_t overlap_ms, int64_t now, const struct lifecycle_actor *who,
    struct lifecycle_new *out, int *rotated)
{
	struct lifecycle_spec s;
	struct lifecycle_tx x;
	int rc;

	/* Same owner, scope, lifetime and use budget: only the secret changes. */
	memset(&s, 0, sizeof(s));
	s.kind = old->kind;
	s.user_id = old->user_id;
	s.container_id = old->container_id;
	s.identity_id = old->identity_id;
	s.permissions = old->permissions;
	s.description = old->description;
	s.reason = old->reason[0] != '\0' ? old->reason : NULL;
	s.expires_at = old->expires_at;
	s.max_expires_at = old->max_expires_at;
	s.ttl_ms = old->ttl_ms;
	s.max_uses = old->max_uses;
	s.uses = old->uses;
	s.trusted_cidrs = old->trusted_cidrs[0] != '\0' ?
	    old->trusted_cidrs : NULL;
	s.rotated_from = old->id;
	s.family_id = old->family_id != 0 ? old->family_id : old->id;
	memset(&x, 0, sizeof(x));
	x.who = who;
	x.now = now;
	x.old_id = old->id;
	x.overlap_until = now + overlap_ms;
	rc = lifecycle_mint(db, prefix, secret, &s, &x, lifecycle_rotate_tx,
	    out);
	*rotated = x.changed;
	if (rc == DB_OK && !x.changed)
		sodium_memzero(out->token, sizeof(out->token));
	return rc;
}

static int
lifecycle_reuse_tx(struct db *db, void *arg)
{
	struct lifecycle_tx *x = arg;
	int rc;

	rc = store_token_revoke_family(db, x->family_id, x->now,
	    "reuse_detected", &x->revoked);
	if (rc != DB_OK || x->revoked == 0)
		return rc;
	return lifecycle_audit(db, x, x->id, "token.reuse",
	    "rotated-out token used after its overlap; family revoked");
}

int
lifecycle_reuse(struct db *db, const struct store_token *t, int64_t now,
    const struct lifecycle_actor *who, int64_t *revoked)
{
	struct lifecycle_tx x;
	int rc;

	memset(&x, 0, sizeof(x));
	x.who = who;
	x.now = now;
	x.id = t->id;
	x.family_id = t->family_id != 0 ? t->family_id : t->id;
	rc = db_tx(db, lifecycle_reuse_tx, &x);
	*revoked = x.revoked;
	while (rc == DB_OK && x.revoked-- > 0)
		metrics_token_revoked();
	return rc;
}

static int
lifecycle_renew_tx(struct db *db, void *arg)
{
	struct lifecycle_tx *x = arg;
	int rc;

	if ((rc = store_token_set_expires(db, x->id, x->expires_at)) != DB_OK)
		return rc;
	return lifecycle_audit(db, x, x->id, "token.renew", "");
}

int
lifecycle_renew(struct db *db, const struct store_token *t,
    int64_t expires_at, int64_t now, const struct lifecycle_actor *who)
{
	struct lifecycle_tx x;

	memset(&x, 0, sizeof(x));
	x.who = who;
	x.now = now;
	x.id = t->id;
	x.expires_at = expires_at;
	return db_tx(db, lifecycle_renew_tx, &x);
}

static int
lifecycle_revoke_tx(struct db *db, void *arg)
{
	struct lifecycle_tx *x = arg;
	int rc;

	rc = store_token_revoke(db, x->id, x->now, x->who->user_id, x->reason,
	    &x->changed);
	if (rc != DB_OK || !x->changed)
		return rc;
	return lifecycle_audit(db, x, x->id, "token.revoke", x->reason);
}

int
lifecycle_revoke(struct db *db, int64_t token_id, int64_t now,
    const char *reason, const struct lifecycle_actor *who, int *changed)
{
	struct lifecycle_tx x;
	int rc;

	memset(&x, 0, sizeof(x));
	x.who = who;
	x.id = token_id;
	x.now = now;
	x.reason = reason;
	rc = db_tx(db, lifecycle_revoke_tx, &x);
	*changed = x.changed;
	if (rc == DB_OK && x.changed)
		metrics_token_revoked();
	return rc;
}
