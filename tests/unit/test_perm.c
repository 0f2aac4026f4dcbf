/* test_perm.c: permission names, lists, missing flags, scopes and roles. */
#include <string.h>

#include "perm.h"
#include "unit.h"

static unsigned
parse(const char *s, int *rc, char *bad, size_t badlen)
{
	unsigned m = 0;

	*rc = perm_parse_list(s, &m, bad, badlen);
	return m;
}

int
main(void)
{
	char bad[40], buf[64];
	json_object *j;
	unsigned m;
	int rc;

	UNIT_CHECK("flags are the documented bits", PERM_READ == 1 &&
	    PERM_WRITE == 2 && PERM_MANAGE == 4 && PERM_ACCESS == 8 &&
	    PERM_ALL == 15);
	UNIT_CHECK_STR("name of read", perm_name(PERM_READ), "read");
	UNIT_CHECK_STR("name of access", perm_name(PERM_ACCESS), "access");
	UNIT_CHECK("no name for two flags", perm_name(PERM_READ | PERM_WRITE) ==
	    NULL);
	UNIT_CHECK("no name for 0", perm_name(0) == NULL);
	UNIT_CHECK("from name write", perm_from_name("write", 5) == PERM_WRITE);
	UNIT_CHECK("from name is exact", perm_from_name("writer", 6) == 0 &&
	    perm_from_name("writ", 4) == 0 && perm_from_name("Write", 5) == 0);

	m = parse("read,write", &rc, bad, sizeof(bad));
	UNIT_CHECK("list read,write", rc == 0 && m == 3);
	m = parse(" manage ,  access", &rc, bad, sizeof(bad));
	UNIT_CHECK("list with blanks", rc == 0 && m == 12);
	m = parse("read read", &rc, bad, sizeof(bad));
	UNIT_CHECK("list with a repeat", rc == 0 && m == 1);
	m = parse("", &rc, bad, sizeof(bad));
	UNIT_CHECK("empty list is no flag", rc == 0 && m == 0);
	m = parse("read,admin", &rc, bad, sizeof(bad));
	UNIT_CHECK("unknown name refused", rc == -1);
	UNIT_CHECK_STR("unknown name is reported", bad, "admin");
	(void)parse("read,xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", &rc,
	    bad, sizeof(bad));
	UNIT_CHECK("a long bad name is cut in the report", rc == -1 &&
	    strlen(bad) == 32);

	UNIT_CHECK("nothing missing", perm_missing(PERM_READ, PERM_ALL) == 0);
	UNIT_CHECK("missing write", perm_missing(PERM_READ | PERM_WRITE,
	    PERM_READ) == PERM_WRITE);
	UNIT_CHECK("the lowest missing flag is named",
	    perm_missing(PERM_WRITE | PERM_ACCESS, PERM_READ) == PERM_WRITE);

	j = perm_json(PERM_READ | PERM_ACCESS);
	UNIT_CHECK_STR("json list", json_object_to_json_string_ext(j,
	    JSON_C_TO_STRING_PLAIN), "[\"read\",\"access\"]");
	json_object_put(j);
	j = perm_json(0);
	UNIT_CHECK_STR("json of nothing", json_object_to_json_string_ext(j,
	    JSON_C_TO_STRING_PLAIN), "[]");
	json_object_put(j);
	perm_scope(PERM_ALL, buf, sizeof(buf));
	UNIT_CHECK_STR("scope string", buf, "read write manage access");
	perm_scope(0, buf, sizeof(buf));
	UNIT_CHECK_STR("empty scope", buf, "");

	UNIT_CHECK("role viewer", perm_role_mask("viewer") == PERM_READ);
	UNIT_CHECK("role member", perm_role_mask("member") ==
	    (PERM_READ | PERM_WRITE));
	UNIT_CHECK("role admin", perm_role_mask("admin") == PERM_ALL);
	UNIT_CHECK("unknown role", perm_role_mask("owner") == -1);
	UNIT_CHECK("org roles", perm_org_role("admin") == PERM_ORG_ADMIN &&
	    perm_org_role("member") == PERM_ORG_MEMBER &&
	    perm_org_role("no-access") == PERM_ORG_NONE &&
	    perm_org_role("root") == -1);
	UNIT_CHECK_STR("org role name", perm_org_role_name(PERM_ORG_NONE),
	    "no-access");

	return unit_summary("test_perm");
}
