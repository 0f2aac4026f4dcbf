/* lifecycle.h: create and revoke a token with its audit row, in one transaction. */
#ifndef APITOKEN_LIFECYCLE_H
#define APITOKEN_LIFECYCLE_H

#include <stdint.h>

#include "db.h"
#include "token.h"

/* Who asks, from where: goes into the token row and the audit trail. */
struct lifecycle_actor {
	int64_t		 user_id;	/* 0 = the admin tool */
	int64_t		 token_id;	/* the token used to ask, 0 = none */
	const char	*ip;		/* "" for the admin tool */
	const char	*user_agent;
};

struct lifecycle_new {
	char	 token[TOKEN_MAX_LEN + 1];	/* shown once, then wiped */
	char	 public_id[TOKEN_PUBLIC_ID_LEN + 1];
	char	 hint[TOKEN_HINT_MAX + 1];
	int64_t	 id;
};

/*
 * Mints a personal token for user_id. The token row and its audit row
 * commit together. Returns a db_status.
 */
int	 lifecycle_create(struct db *db, const char *prefix,
	    const uint8_t secret[TOKEN_SECRET_LEN], int64_t user_id,
	    const char *description, int64_t now, int64_t expires_at,
	    const struct lifecycle_actor *who, struct lifecycle_new *out);
/* Revokes token_id (if still live) and records why. *changed tells. */
int	 lifecycle_revoke(struct db *db, int64_t token_id, int64_t now,
	    const char *reason, const struct lifecycle_actor *who,
	    int *changed);

#endif
