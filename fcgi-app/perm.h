/* perm.h: permission flags, their names, and the roles that map to them. Pure. */
#ifndef APITOKEN_PERM_H
#define APITOKEN_PERM_H

#include <stddef.h>

#include <json-c/json.h>

enum perm_flag {
	PERM_READ = 1,
	PERM_WRITE = 2,
	PERM_MANAGE = 4,	/* grant and remove container members */
	PERM_ACCESS = 8,	/* create and manage the container's tokens */
};
#define PERM_ALL	(PERM_READ | PERM_WRITE | PERM_MANAGE | PERM_ACCESS)

enum perm_org_role {
	PERM_ORG_NONE = 0,	/* "no-access" */
	PERM_ORG_MEMBER,
	PERM_ORG_ADMIN,
};

/* "read" for PERM_READ; NULL for anything but one known flag. */
const char *perm_name(unsigned flag);
/* The flag named s[0..len), or 0 if s names none. */
unsigned perm_from_name(const char *s, size_t len);
/*
 * "read, write" or "read,write" -> mask. Returns 0, or -1 with the bad
 * element copied into bad (for the error message). Empty means 0.
 */
int	 perm_parse_list(const char *s, unsigned *mask, char *bad,
	    size_t badlen);
/* The lowest flag in want that have lacks, or 0. */
unsigned perm_missing(unsigned want, unsigned have);
/* ["read","write"]: a new JSON array. */
json_object *perm_json(unsigned mask);
/* "read write" (RFC 6749 scope syntax) into buf; "" for 0. */
void	 perm_scope(unsigned mask, char *buf, size_t size);

/* Container roles of identities: viewer, member, admin. -1 if unknown. */
int	 perm_role_mask(const char *role);
/* Organization roles: admin, member, no-access. -1 if unknown. */
int	 perm_org_role(const char *s);
const char *perm_org_role_name(int role);

#endif
