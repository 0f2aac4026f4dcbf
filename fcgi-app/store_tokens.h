/* store_tokens.h: the SQL for tokens (hash, public id, state, last use). */
#ifndef APITOKEN_STORE_TOKENS_H
#define APITOKEN_STORE_TOKENS_H

#include <stdint.h>

#include "db.h"
#include "store_users.h"
#include "token.h"

#define STORE_DESCRIPTION_MAX	255	/* characters */
#define STORE_KIND_MAX		16

/* A token as the caller-resolution path needs it, with its owner. */
struct store_token {
	int64_t	 id;
	char	 public_id[TOKEN_PUBLIC_ID_LEN + 1];
	char	 hint[TOKEN_HINT_MAX + 1];
	char	 kind[STORE_KIND_MAX + 1];
	int64_t	 user_id;
	int64_t	 created_at;
	int64_t	 expires_at;	/* 0 = never */
	int64_t	 revoked_at;	/* 0 = not revoked */
	int64_t	 last_used_at;	/* 0 = never used */
	char	 description[STORE_DESCRIPTION_MAX * 4 + 1];
	struct store_user owner;	/* only by_hash fills it */
};

struct store_token_new {
	const uint8_t	*hash;		/* TOKEN_HASH_LEN bytes */
	const char	*public_id;
	const char	*hint;
	const char	*kind;
	int64_t		 user_id;
	const char	*description;
	int64_t		 created_at;
	int64_t		 created_by;
	const char	*created_ip;
	const char	*created_user_agent;
	int64_t		 expires_at;	/* 0 = never */
};

/* DB_OK with *id, DB_DUPLICATE on a hash or public id collision. */
int	 store_token_insert(struct db *db, const struct store_token_new *t,
	    int64_t *id);
/* One round trip: the token and its owner. 1, 0 or a db_status. */
int	 store_token_by_hash(struct db *db, const uint8_t *hash,
	    struct store_token *t);
int	 store_token_by_public_id(struct db *db, const char *public_id,
	    struct store_token *t);
/* Tokens of a user not revoked, newest first, at most limit. */
int	 store_token_each_of_user(struct db *db, int64_t user_id, int limit,
	    void (*fn)(const struct store_token *, void *), void *arg);
int	 store_token_count_live(struct db *db, int64_t user_id, int64_t now,
	    int64_t *count);
/* Sets revoked_at if not yet revoked; *changed tells whether it did. */
int	 store_token_revoke(struct db *db, int64_t id, int64_t now,
	    int64_t by, const char *reason, int *changed);
/* Records the latest use (never moves last_used_at backwards). */
int	 store_token_touch(struct db *db, int64_t id, int64_t at,
	    const char *ip);

#endif
