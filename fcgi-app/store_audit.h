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

/* A stored event as lists show it: tokens by public id. */
struct store_audit_row {
	int64_t	 id;
	int64_t	 at;
	int64_t	 actor_user_id;	/* 0 = none */
	char	 actor_token[17];	/* public id, "" = none */
	char	 token[17];		/* public id, "" = none */
	char	 action[33];
	char	 outcome[17];
	char	 ip[46];
	char	 user_agent[255 * 4 + 1];
	char	 reason[255 * 4 + 1];
};

/* Filters of GET /api/audit; empty strings and zeros mean any. */
struct store_audit_filter {
	const char	*action;
	const char	*token;		/* public id */
	int64_t		 actor_user_id;
	const char	*outcome;
	int64_t		 since;
	int64_t		 until;
	int64_t		 limit;
	int64_t		 offset;
};

/* Newest first. DB_OK or a db_status. */
int	 store_audit_each(struct db *db, const struct store_audit_filter *f,
	    void (*fn)(const struct store_audit_row *, void *), void *arg);

#endif
