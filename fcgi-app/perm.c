/* perm.c: permission flags, their names, and the roles that map to them. Pure. */
#include <stdio.h>
#include <string.h>

#include "perm.h"

static const struct {
	unsigned	 flag;
	const char	*name;
} perm_names[] = {
	{ PERM_READ, "read" },
	{ PERM_WRITE, "write" },
	{ PERM_MANAGE, "manage" },
	{ PERM_ACCESS, "access" },
};

#define PERM_NNAMES	(sizeof(perm_names) / sizeof(perm_names[0]))

const char *
perm_name(unsigned flag)
{
	size_t i;

	for (i = 0; i < PERM_NNAMES; i++)
		if (perm_names[i].flag == flag)
			return perm_names[i].name;
	return NULL;
}

unsigned
perm_from_name(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < PERM_NNAMES; i++)
		if (strlen(perm_names[i].name) == len &&
		    memcmp(perm_names[i].name, s, len) == 0)
			return perm_names[i].flag;
	return 0;
}

int
perm_parse_list(const char *s, unsigned *mask, char *bad, size_t badlen)
{
	const char *p = s, *e;
	size_t len;
	unsigned f;

	*mask = 0;
	if (badlen > 0)
		bad[0] = '\0';
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		for (e = p; *e != '\0' && *e != ',' && *e != ' ' && *e != '\t';
		    e++)
			;
		len = (size_t)(e - p);
		if ((f = perm_from_name(p, len)) == 0) {
			if (badlen > 0)
				snprintf(bad, badlen, "%.*s",
				    (int)(len < 32 ? len : 32), p);
			return -1;
		}
		*mask |= f;
		p = e;
	}
	return 0;
}

unsigned
perm_missing(unsigned want, unsigned have)
{
	unsigned lack = want & ~have;

	/* Lowest bit first: the error names one flag, always the same one. */
	return lack & (0u - lack);
}

json_object *
perm_json(unsigned mask)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < PERM_NNAMES; i++)
		if (mask & perm_names[i].flag)
			json_object_array_add(a,
			    json_object_new_string(perm_names[i].name));
	return a;
}

void
perm_scope(unsigned mask, char *buf, size_t size)
{
	size_t i, o = 0;
	int n;

	if (size == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < PERM_NNAMES; i++) {
		if (!(mask & perm_names[i].flag))
			continue;
		n = snprintf(buf + o, size - o, "%s%s", o ? " " : "",
		    perm_names[i].name);
		if (n < 0 || (size_t)n >= size - o)
			return;
		o += (size_t)n;
	}
}

int
perm_role_mask(const char *role)
{
	if (strcmp(role, "viewer") == 0)
		return PERM_READ;
	if (strcmp(role, "member") == 0)
		return PERM_READ | PERM_WRITE;
	if (strcmp(role, "admin") == 0)
		return PERM_ALL;
	return -1;
}

int
perm_org_role(const char *s)
{
	if (strcmp(s, "admin") == 0)
		return PERM_ORG_ADMIN;
	if (strcmp(s, "member") == 0)
		return PERM_ORG_MEMBER;
	if (strcmp(s, "no-access") == 0)
		return PERM_ORG_NONE;
	return -1;
}

const char *
perm_org_role_name(int role)
{
	switch (role) {
	case PERM_ORG_ADMIN:
		return "admin";
	case PERM_ORG_MEMBER:
		return "member";
	default:
		return "no-access";
	}
}
