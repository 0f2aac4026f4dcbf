/* scope.c: what a caller may do: user rights, admin, container permissions. */
#include <string.h>

#include "api.h"
#include "perm.h"
#include "scope.h"
#include "store_containers.h"
#include "store_identities.h"

int
scope_token_full(const struct store_token *t)
{
	return strcmp(t->kind, "personal") == 0 && t->container_id == 0 &&
	    (t->permissions & PERM_ALL) == PERM_ALL;
}

int
scope_user_full(const struct auth_caller *c)
{
	if (c->user.id == 0)
		return 0;
	switch (c->kind) {
	case AUTH_SESSION:
	case AUTH_BASIC:
		return 1;
	case AUTH_TOKEN:
		return scope_token_full(&c->token);
	case AUTH_NONE:
		break;
	}
	return 0;
}

int
scope_admin(const struct auth_caller *c)
{
	return scope_user_full(c) && c->user.is_admin;
}

int
scope_identity_admin(const struct auth_caller *c)
{
	return c->kind == AUTH_TOKEN &&
	    strcmp(c->token.kind, "identity") == 0 &&
	    perm_org_role(c->token.identity_role) == PERM_ORG_ADMIN;
}

/* A user's own flags on a container: all for admins. */
static int
scope_user_perms(struct app *app, const struct store_user *u,
    int64_t container_id, int64_t *perms)
{
	if (u->is_admin) {
		*perms = PERM_ALL;
		return DB_OK;
	}
	return store_member_perms(&app->db, container_id, u->id, perms);
}

static int
scope_identity_perms(struct app *app, const struct store_token *t,
    int64_t container_id, int64_t *perms)
{
	char role[STORE_KIND_MAX + 1];
	int rc, mask;

	*perms = 0;
	switch (perm_org_role(t->identity_role)) {
	case PERM_ORG_ADMIN:
		*perms = PERM_ALL;
		return DB_OK;
	case PERM_ORG_MEMBER:
		break;
	default:
		return DB_OK;
	}
	rc = store_identity_role(&app->db, t->identity_id, container_id, role,
	    sizeof(role));
	if (rc != DB_OK)
		return rc;
	if (role[0] != '\0' && (mask = perm_role_mask(role)) > 0)
		*perms = mask;
	return DB_OK;
}

int
scope_token_perms(struct app *app, const struct store_token *t,
    int64_t container_id, int64_t *perms)
{
	int64_t base;
	int rc;

	*perms = 0;
	/* A token bound to one container has nothing anywhere else. */
	if (t->container_id != 0 && t->container_id != container_id)
		return DB_OK;
	if (strcmp(t->kind, "identity") == 0)
		rc = scope_identity_perms(app, t, container_id, &base);
	else
		rc = scope_user_perms(app, &t->owner, container_id, &base);
	if (rc != DB_OK)
		return rc;
	*perms = base & t->permissions & PERM_ALL;
	return DB_OK;
}

int
scope_perms(struct app *app, const struct auth_caller *c,
    int64_t container_id, int64_t *perms)
{
	*perms = 0;
	if (c->kind == AUTH_TOKEN)
		return scope_token_perms(app, &c->token, container_id, perms);
	return c->user.id != 0 ?
	    scope_user_perms(app, &c->user, container_id, perms) : DB_OK;
}
