/* store_tokens.h: the SQL for tokens (hash, public id, state, use, rotation). */
#ifndef APITOKEN_STORE_TOKENS_H
#define APITOKEN_STORE_TOKENS_H

#include <stdint.h>

#include "db.h"
#include "store_users.h"
#include "token.h"

#define STORE_DESCRIPTION_MAX	255	/* characters */
#define STORE_REASON_MAX	255	/* characters */
#define STORE_KIND_MAX		16
#define STORE_IP_MAX		45
#define STORE_CIDRS_MAX		1024	/* bytes of a CIDR list */
#define STORE_TEXT_BUF		(255 * 4 + 1)	/* 255 characters of UTF-8 */
#define STORE_NAME_MAX		64	/* containers, identities */

/* One token row with what deciding about it needs: owner and identity. */
struct store_token {
	int64_t	 id;
	char	 public_id[TOKEN_PUBLIC_ID_LEN + 1];
	char	 hint[TOKEN_HINT_MAX + 1];
	char	 kind[STORE_KIND_MAX + 1];	/* personal, container, identity */
	int64_t	 user_id;	/* owner; for container tokens the creator */
	int64_t	 container_id;	/* 0 = none */
	int64_t	 identity_id;	/* 0 = none */
	int64_t	 permissions;	/* perm.h flags */
	int64_t	 created_at;
	int64_t	 created_by;
	char	 created_ip[STORE_IP_MAX + 1];
	char	 created_user_agent[STORE_TEXT_BUF];
	char	 description[STORE_TEXT_BUF];
	char	 reason[STORE_TEXT_BUF];
	int64_t	 expires_at;	/* 0 = never */
	int64_t	 max_expires_at;	/* 0 = no bound on renewal */
	int64_t	 ttl_ms;	/* 0 = not renewable */
	int64_t	 uses;
	int64_t	 max_uses;	/* 0 = unlimited */
	char	 trusted_cidrs[STORE_CIDRS_MAX + 1];	/* "" = anywhere */
	int64_t	 last_used_at;	/* 0 = never used */
	char	 last_used_ip[STORE_IP_MAX + 1];
	int64_t	 revoked_at;	/* 0 = not revoked */
	char	 revoked_reason[STORE_TEXT_BUF];
	int64_t	 rotated_from;	/* 0 = first of its family */
	char	 rotated_from_public[TOKEN_PUBLIC_ID_LEN + 1];
	int64_t	 family_id;	/* 0 = this token is the family's root */
	int64_t	 superseded_at;	/* 0 = not rotated */
	int64_t	 overlap_until;
	struct store_user owner;	/* id 0 when the token has no user */
	int64_t	 owner_admin;	/* read into owner.is_admin */
	char	 identity_name[STORE_NAME_MAX * 4 + 1];
	char	 identity_role[STORE_KIND_MAX + 1];	/* org role */
	int64_t	 identity_disabled_at;
	/*
	 * 1: only the columns the token check reads are set (the slim lookup
	 * or the cache); use store_token_by_public_id for the whole row.
	 */
	int	 partial;
};

struct store_token_new {
	const uint8_t	*hash;		/* TOKEN_HASH_LEN bytes */
	const char	*public_id;
	const char	*hint;
	const char	*kind;
	int64_t		 user_id;	/* 0 = NULL */
	int64_t		 container_id;	/* 0 = NULL */
	int64_t		 identity_id;	/* 0 = NULL */
	int64_t		 permissions;
	const char	*description;
	const char	*reason;	/* NULL = none */
	int64_t		 created_at;
	int64_t		 created_by;
	const char	*created_ip;
	const char	*created_user_agent;
	int64_t		 expires_at;	/* 0 = never */
	int64_t		 max_expires_at;	/* 0 = none */
	int64_t		 ttl_ms;	/* 0 = none */
	int64_t		 uses;
	int64_t		 max_uses;
	const char	*trusted_cidrs;	/* NULL = anywhere */
	int64_t		 rotated_from;	/* 0 = none */
	int64_t		 family_id;	/* 0 = none */
};

/* What GET /api/tokens may filter on, and who looks. */
struct store_token_filter {
	int		 admin;		/* sees every token */
	int64_t		 viewer_id;	/* else: own and access-holder tokens */
	const char	*kind;		/* "" = any */
	int64_t		 container_id;	/* 0 = any */
	int64_t		 identity_id;	/* 0 = any */
	const char	*state;		/* "", active, expired, revoked */
	int64_t		 now;
	int64_t		 limit;
	int64_t		 offset;
};

/* DB_OK with *id, DB_DUPLICATE on a hash or public id collision. */
int	 store_token_insert(struct db *db, const struct store_token_new *t,
	    int64_t *id);
/* One round trip each: the token, its owner and identity. 1, 0 or a db_status. */
int	 store_token_by_hash(struct db *db, const uint8_t *hash,
	    struct store_token *t);
/*
 * The token check's lookup: one round trip, only what deciding needs, the
 * row marked partial.
 */
int	 store_token_auth_by_hash(struct db *db, const uint8_t *hash,
	    struct store_token *t);
int	 store_token_by_public_id(struct db *db, const char *public_id,
	    struct store_token *t);
/*
 * Whether user_id may see t: its owner, or for a container token a holder
 * of `access` on its container. 1, 0 or a db_status.
 */
int	 store_token_visible(struct db *db, const struct store_token *t,
	    int64_t user_id);
/* Personal tokens of a user not revoked, newest first, at most limit. */
int	 store_token_each_of_user(struct db *db, int64_t user_id, int limit,
	    void (*fn)(const struct store_token *, void *), void *arg);
int	 store_token_each(struct db *db, const struct store_token_filter *f,
	    void (*fn)(const struct store_token *, void *), void *arg);
int	 store_token_count_live(struct db *db, int64_t user_id, int64_t now,
	    int64_t *count);
/* Sets revoked_at if not yet revoked; *changed tells whether it did. */
int	 store_token_revoke(struct db *db, int64_t id, int64_t now,
	    int64_t by, const char *reason, int *changed);
/* Revokes every live token of a rotation family; *n counts them. */
int	 store_token_revoke_family(struct db *db, int64_t family_id,
	    int64_t now, const char *reason, int64_t *n);
#define STORE_TOUCH_BATCH	64	/* tokens per lastUsed statement */

struct store_touch {
	int64_t		 id;
	int64_t		 at;
	const char	*ip;
};

/*
 * Records the latest uses of n tokens, STORE_TOUCH_BATCH per statement
 * (never moves last_used_at backwards). Sort v by id: concurrent flushes
 * then lock rows in the same order and cannot deadlock.
 */
int	 store_token_touch_many(struct db *db, const struct store_touch *v,
	    size_t n);
/* Counts one use of a limited token: 1 counted, 0 exhausted, or a db_status. */
int	 store_token_use(struct db *db, int64_t id);
int	 store_token_set_description(struct db *db, int64_t id,
	    const char *description);
int	 store_token_set_expires(struct db *db, int64_t id, int64_t expires_at);
/* Marks a token rotated; *changed 0 when it already was (or is revoked). */
int	 store_token_supersede(struct db *db, int64_t id, int64_t now,
	    int64_t overlap_until, int *changed);

#endif
