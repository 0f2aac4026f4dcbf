/* store_identities.h: the SQL for machine identities, their token-auth
 * settings and their container roles. */
#ifndef APITOKEN_STORE_IDENTITIES_H
#define APITOKEN_STORE_IDENTITIES_H

#include <stdint.h>

#include "db.h"
#include "store_tokens.h"

#define IDENTITY_TTL_DEFAULT	2592000		/* seconds: 30 days */
#define IDENTITY_TTL_MAX	315360000	/* seconds: 10 years */
#define IDENTITY_CIDRS_DEFAULT	"0.0.0.0/0, ::/0"

struct store_identity {
	int64_t	 id;
	char	 name[STORE_NAME_MAX * 4 + 1];
	char	 org_role[STORE_KIND_MAX + 1];
	int64_t	 created_at;
	int64_t	 disabled_at;	/* 0 = active */
	int64_t	 ttl;		/* seconds */
	int64_t	 max_ttl;	/* seconds */
	int64_t	 max_uses;	/* 0 = unlimited */
	char	 trusted_ips[STORE_CIDRS_MAX + 1];
};

struct store_identity_role {
	int64_t	 container_id;
	char	 container_name[STORE_NAME_MAX * 4 + 1];
	char	 role[STORE_KIND_MAX + 1];
};

/* Identity and settings in one transaction. DB_DUPLICATE: name taken. */
int	 store_identity_insert(struct db *db, const struct store_identity *i,
	    int64_t now, int64_t by, int64_t *id);
/* Rewrites role, disabled_at and every setting from i (by i->id). */
int	 store_identity_update(struct db *db, const struct store_identity *i,
	    int64_t now);
/* 1 found, 0 not, or a db_status. */
int	 store_identity_by_id(struct db *db, int64_t id,
	    struct store_identity *i);
int	 store_identity_by_name(struct db *db, const char *name,
	    struct store_identity *i);
int	 store_identity_each(struct db *db,
	    void (*fn)(const struct store_identity *, void *), void *arg);
/* The identity's role on a container; role "" when it has none. */
int	 store_identity_role(struct db *db, int64_t identity_id,
	    int64_t container_id, char *role, size_t size);
int	 store_identity_role_set(struct db *db, int64_t identity_id,
	    int64_t container_id, const char *role, int64_t now, int64_t by);
int	 store_identity_role_delete(struct db *db, int64_t identity_id,
	    int64_t container_id, int *changed);
int	 store_identity_role_each(struct db *db, int64_t identity_id,
	    void (*fn)(const struct store_identity_role *, void *), void *arg);

#endif
