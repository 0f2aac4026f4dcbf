/* store_audit.h: the SQL for the audit trail. */
#ifndef APITOKEN_STORE_AUDIT_H
#define APITOKEN_STORE_AUDIT_H

#include <stdint.h>

#include "db.h"

struct store_audit_event {
	int64_t		 at;
	int64_t		 actor_user_id;		/* 0 = none */
	int64_t		 actor_token_id;	/* 0 = none */
	int64_t		 token_id;		/* 0 = none */
	const char	*action;	/* "token.create", "login", ... */
	const char	*outcome;	/* "ok", "denied", "failed" */
	const char	*ip;
	const char	*user_agent;	/* clipped to 255 characters here */
	const char	*reason;	/* never a secret */
};

int	 store_audit_add(struct db *db, const struct store_audit_event *e);

#endif
