/* scope.h: what a caller may do: user rights, admin, container permissions. */
#ifndef APITOKEN_SCOPE_H
#define APITOKEN_SCOPE_H

#include <stdint.h>

#include "auth.h"

struct app;

/* A personal token with every flag and no container acts as its owner. */
int	 scope_token_full(const struct store_token *t);
/* Session, Basic, or a full personal token: the user's own rights. */
int	 scope_user_full(const struct auth_caller *c);
/* A full user caller who is an admin. */
int	 scope_admin(const struct auth_caller *c);
/* An identity token whose identity has the org role admin. */
int	 scope_identity_admin(const struct auth_caller *c);
/*
 * The caller's effective flags on a container, from current data: the
 * token's own flags intersected with its creator's (or identity's)
 * current rights there. Returns a db_status.
 */
int	 scope_perms(struct app *app, const struct auth_caller *c,
	    int64_t container_id, int64_t *perms);
/* The same for a token by itself (introspection): as if it were calling. */
int	 scope_token_perms(struct app *app, const struct store_token *t,
	    int64_t container_id, int64_t *perms);

#endif
