/* lifecycle.c: create and revoke a token with its audit row, in one transaction. */
#include <string.h>

#include <sodium.h>

#include "lifecycle.h"
#include "store_audit.h"
#include "store_tokens.h"
#include "util.h"

struct lifecycle_tx {
	const struct lifecycle_actor *who;
	struct store_token_new	 t;	/* create */
	int64_t			 id;
	const char		*reason;	/* revoke */
	int			 changed;
	int64_t			 now;
};

static int
lifecycle_audit(struct db *db, const struct lifecycle_tx *x,
    const char *action, const char *reason)
{
	struct store_audit_event e;

	memset(&e, 0, sizeof(e));
	e.at = x->now;
	e.actor_user_id = x->who->user_id;
	e.actor_token_id = x->who->token_id;
	e.token_id = x->id;
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
	return lifecycle_audit(db, x, "token.create", x->t.description);
}

int
lifecycle_create(struct db *db, const char *prefix,
    const uint8_t secret[TOKEN_SECRET_LEN], int64_t user_id,
    const char *description, int64_t now, int64_t expires_at,
    const struct lifecycle_actor *who, struct lifecycle_new *out)
{
	char ua[256 * 4];
	uint8_t hash[TOKEN_HASH_LEN];
	struct lifecycle_tx x;
	int rc = DB_ERROR, len, tries;

	util_utf8_clip(who->user_agent, ua, sizeof(ua), 255);
	/* A collision of 178 random bits is not expected; one retry anyway. */
	for (tries = 0; tries < 2; tries++) {
		len = token_generate(prefix, out->token, sizeof(out->token));
		if (len < 0)
			return DB_ERROR;
		token_hash(secret, out->token, (size_t)len, hash);
		token_hint(prefix, out->token, (size_t)len, out->hint,
		    sizeof(out->hint));
		token_public_id(out->public_id, sizeof(out->public_id));
		memset(&x, 0, sizeof(x));
		x.who = who;
		x.now = now;
		x.t.hash = hash;
		x.t.public_id = out->public_id;
		x.t.hint = out->hint;
		x.t.kind = "personal";
		x.t.user_id = user_id;
		x.t.description = description != NULL ? description : "";
		x.t.created_at = now;
		x.t.created_by = who->user_id;
		x.t.created_ip = who->ip;
		x.t.created_user_agent = ua;
		x.t.expires_at = expires_at;
		if ((rc = db_tx(db, lifecycle_create_tx, &x)) != DB_DUPLICATE)
			break;
	}
	if (rc != DB_OK) {
		sodium_memzero(out->token, sizeof(out->token));
		return rc;
	}
	out->id = x.id;
	return DB_OK;
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
	return lifecycle_audit(db, x, "token.revoke", x->reason);
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
	return rc;
}
