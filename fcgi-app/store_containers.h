/* store_containers.h: the SQL for containers and their members' flags. */
#ifndef APITOKEN_STORE_CONTAINERS_H
#define APITOKEN_STORE_CONTAINERS_H

#include <stdint.h>

#include "db.h"
#include "store_tokens.h"

struct store_container {
	int64_t	 id;
	char	 name[STORE_NAME_MAX * 4 + 1];
	int64_t	 created_at;
	int64_t	 perms;		/* the viewer's flags, in lists */
};

struct store_member {
	int64_t	 user_id;
	char	 login[STORE_LOGIN_MAX * 4 + 1];
	int64_t	 permissions;
	int64_t	 granted_at;
};

/* DB_OK with *id, DB_DUPLICATE when the name is taken. */
int	 store_container_insert(struct db *db, const char *name, int64_t now,
	    int64_t by, int64_t *id);
/* 1 found, 0 not, or a db_status. */
int	 store_container_by_id(struct db *db, int64_t id,
	    struct store_container *c);
int	 store_container_by_name(struct db *db, const char *name,
	    struct store_container *c);
/* Containers user_id is a member of (all when all), with their flags. */
int	 store_container_each(struct db *db, int64_t user_id, int all,
	    void (*fn)(const struct store_container *, void *), void *arg);
/* The flags of user_id on container_id (0 when not a member). */
int	 store_member_perms(struct db *db, int64_t container_id,
	    int64_t user_id, int64_t *perms);
/* Inserts or replaces a member's flags. */
int	 store_member_set(struct db *db, int64_t container_id, int64_t user_id,
	    int64_t perms, int64_t now, int64_t by);
int	 store_member_delete(struct db *db, int64_t container_id,
	    int64_t user_id, int *changed);
int	 store_member_each(struct db *db, int64_t container_id,
	    void (*fn)(const struct store_member *, void *), void *arg);

#endif
