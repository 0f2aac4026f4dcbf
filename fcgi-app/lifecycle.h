/* lifecycle.h: create, rotate, renew and revoke tokens with their audit rows,
 * each in one transaction. */
#ifndef APITOKEN_LIFECYCLE_H
#define APITOKEN_LIFECYCLE_H

#include <stdint.h>

#include "db.h"
#include "store_tokens.h"
#include "token.h"

/* Who asks, from where: goes into the token row and the audit trail. */
struct lifecycle_actor {
	int64_t		 user_id;	/* 0 = the admin tool or an identity */
	int64_t		 token_id;	/* the token used to ask, 0 = none */
	const char	*ip;		/* "" for the admin tool */
	const char	*user_agent;
};

/* What the new token is; zeros mean none / unlimited / never. */
struct lifecycle_spec {
	const char	*kind;		/* personal, container, identity */
	int64_t		 user_id;
	int64_t		 container_id;
	int64_t		 identity_id;
	int64_t		 permissions;
	const char	*description;
	const char	*reason;	/* NULL = none; audited */
	int64_t		 expires_at;
	int64_t		 max_expires_at;
	int64_t		 ttl_ms;
	int64_t		 max_uses;
	int64_t		 uses;
	const char	*trusted_cidrs;	/* NULL = anywhere */
	int64_t		 rotated_from;
	int64_t		 family_id;
};

struct lifecycle_new {
	char	 token[TOKEN_MAX_LEN + 1];	/* shown once, then wiped */
	char	 public_id[TOKEN_PUBLIC_ID_LEN + 1];
	char	 hint[TOKEN_HINT_MAX + 1];
	int64_t	 id;
};

/* Mints a token; the row and its audit row commit together. A db_status. */
int	 lifecycle_create(struct db *db, const char *prefix,
	    const uint8_t secret[TOKEN_SECRET_LEN],
	    const struct lifecycle_spec *spec, int64_t now,
	    const struct lifecycle_actor *who, struct lifecycle_new *out);
/*
 * Replaces old by a new token of the same kind, scope and lifetime; old
 * keeps working until now + overlap_ms. *rotated is 0 (and nothing is
 * made) when old was already rotated or revoked.
 */
int	 lifecycle_rotate(struct db *db, const char *prefix,
	    const uint8_t secret[TOKEN_SECRET_LEN], const struct store_token *old,
	    int64_t overlap_ms, int64_t now, const struct lifecycle_actor *who,
	    struct lifecycle_new *out, int *rotated);
/*
 * A rotated-out token was used after its overlap: revoke its family.
 * *revoked counts the tokens this revoked (0 when it was done before).
 */
int	 lifecycle_reuse(struct db *db, const struct store_token *t,
	    int64_t now, const struct lifecycle_actor *who, int64_t *revoked);
int	 lifecycle_renew(struct db *db, const struct store_token *t,
	    int64_t expires_at, int64_t now, const struct lifecycle_actor *who);
/* Revokes token_id (if still live) and records why. *changed tells. */
int	 lifecycle_revoke(struct db *db, int64_t token_id, int64_t now,
	    const char *reason, const struct lifecycle_actor *who,
	    int *changed);

#endif
