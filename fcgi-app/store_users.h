/* store_users.h: the SQL for users. */
#ifndef APITOKEN_STORE_USERS_H
#define APITOKEN_STORE_USERS_H

#include <stdint.h>

#include "db.h"
#include "password.h"

#define STORE_LOGIN_MAX	64

struct store_user {
	int64_t	 id;
	char	 login[STORE_LOGIN_MAX * 4 + 1];
	char	 password_hash[PASSWORD_HASH_MAX];
	int	 is_admin;
	int64_t	 created_at;
	int64_t	 disabled_at;	/* 0 = active */
};

/* Lookups return 1 found, 0 not found, or a negative db_status. */
int	 store_user_by_login(struct db *db, const char *login,
	    struct store_user *u);
int	 store_user_by_id(struct db *db, int64_t id, struct store_user *u);
/* DB_OK with *id set, DB_DUPLICATE when the login exists. */
int	 store_user_insert(struct db *db, const char *login, const char *hash,
	    int is_admin, int64_t now, int64_t *id);
int	 store_user_set_password(struct db *db, int64_t id, const char *hash);
/* disabled_at 0 enables the user again. */
int	 store_user_set_disabled(struct db *db, int64_t id, int64_t disabled_at);
/* Calls fn for each user, by id. DB_OK or a db_status. */
int	 store_user_each(struct db *db,
	    void (*fn)(const struct store_user *, void *), void *arg);

#endif
