/*
 * ctl_scope.c: apitokenctl container, identity and audit. The same rules as
 * the HTTP routes (api_containers.c, api_identities.c), without the caller
 * checks: whoever runs this tool already holds the database credentials.
 */
#include <stdio.h>
#include <string.h>

#include "cidr.h"
#include "ctl_scope.h"
#include "lifecycle.h"
#include "perm.h"
#include "store_audit.h"
#include "store_containers.h"
#include "store_identities.h"
#include "store_users.h"
#include "util.h"

#define CTL_USES_MAX		1000000000000LL	/* as POST /api/identities */
#define CTL_PERMS_MAX		128	/* "read, write, manage, access" fits */
#define CTL_ACTION_MAX		32	/* audit_events.action */
#define CTL_AUDIT_LIMIT		50
#define CTL_AUDIT_LIMIT_MAX	10000
#define CTL_ARG_SHOWN		64	/* bytes of a bad argument we echo */

static const char ctl_container_usage[] =
    "usage: apitokenctl container add NAME\n"
    "       apitokenctl container list\n"
    "       apitokenctl container grant NAME LOGIN PERMS\n"
    "       apitokenctl container revoke-grant NAME LOGIN\n"
    "NAME: 1-64 of A-Z a-z 0-9 . _ -. PERMS: a comma list of read, write,\n"
    "manage, access; grant replaces the member's permissions.\n"
    "list prints: id name created\n";

static const char ctl_identity_usage[] =
    "usage: apitokenctl identity add NAME [OPTIONS]\n"
    "       apitokenctl identity set NAME [OPTIONS] [--disable|--enable]\n"
    "       apitokenctl identity list\n"
    "       apitokenctl identity grant NAME CONTAINER viewer|member|admin\n"
    "       apitokenctl identity token NAME [--description TEXT]\n"
    "OPTIONS: --role admin|member|no-access (default member)\n"
    "         --ttl SECONDS (default 2592000) --max-ttl SECONDS (default "
    "2592000)\n"
    "         --max-uses N (default 0 = unlimited)\n"
    "         --trusted-ips \"LIST\" (default \"0.0.0.0/0, ::/0\")\n"
    "ttl <= max-ttl <= 315360000. token prints the token alone on stdout; "
    "it is\nnever shown again.\n"
    "list prints: id name org_role state ttl max_ttl max_uses trusted_ips\n";

static const char ctl_audit_usage[] =
    "usage: apitokenctl audit [--token PUBLIC_ID] [--action ACTION] "
    "[--limit N]\n"
    "Newest first, at most N rows (default 50, 1..10000). Prints:\n"
    "at action outcome token actor_user ip reason (\"-\" when none)\n";

/* Options of identity add/set; -1 (NULL for role) means not given. */
struct ctl_id_opts {
	const char	*role;
	int64_t		 ttl;
	int64_t		 max_ttl;
	int64_t		 max_uses;
	int		 has_ips;
	char		 ips[STORE_CIDRS_MAX + 1];
	int		 disable;	/* 1 --disable, 0 --enable, -1 neither */
	int		 given;		/* how many options */
};

/* --help on stdout; a missing subcommand is a usage error on stderr. */
static int
ctl_usage(const char *text, int argc)
{
	fputs(text, argc >= 1 ? stdout : stderr);
	return argc >= 1 ? 0 : 2;
}

static int
ctl_bad_name(const char *what, const char *s)
{
	return ctl_fail("invalid %s name \"%.*s\": 1-64 of A-Z a-z 0-9 . _ -",
	    what, CTL_ARG_SHOWN, s);
}

static int
ctl_name_arg(const char *what, const char *s)
{
	return ctl_name_ok(s) ? 0 : ctl_bad_name(what, s);
}

static int
ctl_login_arg(const char *s)
{
	if (ctl_login_ok(s))
		return 0;
	return ctl_fail("invalid login \"%.*s\": 1-64 of A-Z a-z 0-9 . _ @ -",
	    CTL_ARG_SHOWN, s);
}

static int
ctl_unknown_arg(const char *cmd, const char *arg)
{
	return ctl_fail("%s: unknown argument \"%.*s\" (see --help)", cmd,
	    CTL_ARG_SHOWN, arg);
}

/* Lookups: 0 found, else the exit status after the message. */
static int
ctl_find_user(struct ctl *c, const char *login, struct store_user *u)
{
	if (ctl_login_arg(login) != 0 || ctl_db(c, 0) == -1)
		return 1;
	return ctl_found(store_user_by_login(&c->db, login, u), "user", login);
}

static int
ctl_find_container(struct ctl *c, const char *name,
    struct store_container *ct)
{
	if (ctl_name_arg("container", name) != 0 || ctl_db(c, 0) == -1)
		return 1;
	return ctl_found(store_container_by_name(&c->db, name, ct),
	    "container", name);
}

static int
ctl_find_identity(struct ctl *c, const char *name,
    struct store_identity *ident)
{
	if (ctl_name_arg("identity", name) != 0 || ctl_db(c, 0) == -1)
		return 1;
	return ctl_found(store_identity_by_name(&c->db, name, ident),
	    "identity", name);
}

/*
 * One audit row per change, like the HTTP routes write; actor 0 and agent
 * "apitokenctl" tell it came from this tool. The change itself is already
 * made, so a failure here says so instead of pretending nothing happened.
 */
static int
ctl_audit_change(struct ctl *c, const char *action, const char *why)
{
	struct store_audit_event e;
	int rc;

	memset(&e, 0, sizeof(e));
	e.at = util_now_ms();
	e.action = action;
	e.outcome = "ok";
	e.ip = "";
	e.user_agent = "apitokenctl";
	e.reason = why;
	if ((rc = store_audit_add(&c->db, &e)) != DB_OK)
		return ctl_fail("%s was done, but its audit row could not be "
		    "written (%s)", action, rc == DB_UNAVAILABLE ?
		    "database unavailable" : "database error");
	return 0;
}

/* Stored text as one field: a tab or newline would split the row. */
static void
ctl_put_field(const char *s)
{
	for (; *s != '\0'; s++)
		putchar((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
}

static void
ctl_print_container(const struct store_container *c, void *arg)
{
	(void)arg;
	printf("%lld\t%s\t%lld\n", (long long)c->id, c->name,
	    (long long)c->created_at);
}

static int
ctl_container_add(struct ctl *c, int argc, char **argv)
{
	char why[STORE_NAME_MAX + 64];
	int64_t id;
	int rc;

	if (argc != 2)
		return ctl_fail("%s", "container add takes one NAME");
	if (ctl_name_arg("container", argv[1]) != 0 || ctl_db(c, 0) == -1)
		return 1;
	rc = store_container_insert(&c->db, argv[1], util_now_ms(), 0, &id);
	if (rc == DB_DUPLICATE)
		return ctl_fail("container \"%s\" already exists", argv[1]);
	if (rc != DB_OK)
		return ctl_db_error(rc);
	snprintf(why, sizeof(why), "container=%lld name=%s", (long long)id,
	    argv[1]);
	if ((rc = ctl_audit_change(c, "container.create", why)) != 0)
		return rc;
	printf("container %s created (id %lld)\n", argv[1], (long long)id);
	return 0;
}

/* PERMS: names of perm.h flags, at least one (grant replaces them all). */
static int
ctl_parse_perms(const char *s, unsigned *mask)
{
	char bad[40];

	if (strnlen(s, CTL_PERMS_MAX + 1) > CTL_PERMS_MAX)
		return ctl_fail("PERMS: at most %d bytes", CTL_PERMS_MAX);
	if (perm_parse_list(s, mask, bad, sizeof(bad)) == -1)
		return ctl_fail("unknown permission \"%s\" (known: read, write, "
		    "manage, access)", bad);
	/* A member without flags is a non-member in disguise. */
	if (*mask == 0)
		return ctl_fail("%s", "PERMS is empty: name at least one "
		    "permission (revoke-grant removes a member)");
	return 0;
}

static int
ctl_container_grant(struct ctl *c, int argc, char **argv)
{
	struct store_container ct;
	struct store_user u;
	char why[512], names[64];
	unsigned mask;
	int rc;

	if (argc != 4)
		return ctl_fail("%s", "container grant takes NAME LOGIN PERMS");
	/* Syntax first: a typo should not depend on the database. */
	if ((rc = ctl_name_arg("container", argv[1])) != 0 ||
	    (rc = ctl_login_arg(argv[2])) != 0 ||
	    (rc = ctl_parse_perms(argv[3], &mask)) != 0 ||
	    (rc = ctl_find_container(c, argv[1], &ct)) != 0 ||
	    (rc = ctl_find_user(c, argv[2], &u)) != 0)
		return rc;
	rc = store_member_set(&c->db, ct.id, u.id, mask, util_now_ms(), 0);
	if (rc != DB_OK)
		return ctl_db_error(rc);
	snprintf(why, sizeof(why), "container=%lld user=%s permissions=%u",
	    (long long)ct.id, u.login, mask);
	if ((rc = ctl_audit_change(c, "member.grant", why)) != 0)
		return rc;
	perm_scope(mask, names, sizeof(names));
	printf("%s now has %s on container %s\n", u.login, names, ct.name);
	return 0;
}

static int
ctl_container_revoke(struct ctl *c, int argc, char **argv)
{
	struct store_container ct;
	struct store_user u;
	char why[512];
	int rc, changed;

	if (argc != 3)
		return ctl_fail("%s", "container revoke-grant takes NAME LOGIN");
	if ((rc = ctl_name_arg("container", argv[1])) != 0 ||
	    (rc = ctl_login_arg(argv[2])) != 0 ||
	    (rc = ctl_find_container(c, argv[1], &ct)) != 0 ||
	    (rc = ctl_find_user(c, argv[2], &u)) != 0)
		return rc;
	rc = store_member_delete(&c->db, ct.id, u.id, &changed);
	if (rc != DB_OK)
		return ctl_db_error(rc);
	if (!changed)
		return ctl_fail("%s is not a member of container %s", u.login,
		    ct.name);
	snprintf(why, sizeof(why), "container=%lld user=%s", (long long)ct.id,
	    u.login);
	if ((rc = ctl_audit_change(c, "member.revoke", why)) != 0)
		return rc;
	printf("%s removed from container %s\n", u.login, ct.name);
	return 0;
}

int
ctl_container(struct ctl *c, int argc, char **argv)
{
	int rc;

	if (argc < 1 || ctl_is_help(argc, argv))
		return ctl_usage(ctl_container_usage, argc);
	if (strcmp(argv[0], "add") == 0)
		return ctl_container_add(c, argc, argv);
	if (strcmp(argv[0], "grant") == 0)
		return ctl_container_grant(c, argc, argv);
	if (strcmp(argv[0], "revoke-grant") == 0)
		return ctl_container_revoke(c, argc, argv);
	if (strcmp(argv[0], "list") != 0)
		return ctl_fail("unknown container command \"%.*s\" (see --help)",
		    CTL_ARG_SHOWN, argv[0]);
	if (argc != 1)
		return ctl_fail("%s", "container list takes no arguments");
	if (ctl_db(c, 0) == -1)
		return 1;
	printf("id\tname\tcreated\n");
	rc = store_container_each(&c->db, 0, 1, ctl_print_container, NULL);
	return rc == DB_OK ? 0 : ctl_db_error(rc);
}

static int
ctl_num(const char *opt, const char *v, int64_t min, int64_t max,
    int64_t *out)
{
	size_t n = strnlen(v, 33);

	/* Over 32 bytes is no number we take; parsing a prefix would lie. */
	if (n > 32 || util_parse_i64(v, n, min, max, out) == -1)
		return ctl_fail("%s \"%.*s\": want a whole number %lld..%lld",
		    opt, CTL_ARG_SHOWN, v, (long long)min, (long long)max);
	return 0;
}

/* A non-empty CIDR list, kept tab-free so list rows stay one field each. */
static int
ctl_ips(const char *v, char *out, size_t size)
{
	struct cidr_list l;
	char err[128];
	size_t k, n = strnlen(v, size);

	if (n >= size)
		return ctl_fail("--trusted-ips: at most %zu bytes", size - 1);
	if (cidr_list_parse(v, &l, err, sizeof(err)) == -1)
		return ctl_fail("--trusted-ips: %s", err);
	if (l.n == 0)
		return ctl_fail("%s", "--trusted-ips: empty list (\"0.0.0.0/0, "
		    "::/0\" trusts every address)");
	for (k = 0; k < n; k++)
		out[k] = v[k] == '\t' ? ' ' : v[k];
	out[n] = '\0';
	return 0;
}

/* The value of one option of identity add/set. */
static int
ctl_id_opt(struct ctl_id_opts *o, const char *opt, const char *v)
{
	if (strcmp(opt, "--role") == 0) {
		if (perm_org_role(v) < 0)
			return ctl_fail("--role \"%.*s\": want admin, member or "
			    "no-access", CTL_ARG_SHOWN, v);
		o->role = v;
		return 0;
	}
	if (strcmp(opt, "--ttl") == 0)
		return ctl_num(opt, v, 1, IDENTITY_TTL_MAX, &o->ttl);
	if (strcmp(opt, "--max-ttl") == 0)
		return ctl_num(opt, v, 1, IDENTITY_TTL_MAX, &o->max_ttl);
	if (strcmp(opt, "--max-uses") == 0)
		return ctl_num(opt, v, 0, CTL_USES_MAX, &o->max_uses);
	if (strcmp(opt, "--trusted-ips") != 0)
		return ctl_unknown_arg("identity", opt);
	o->has_ips = 1;
	return ctl_ips(v, o->ips, sizeof(o->ips));
}

/* Whether opt is one of names, a NULL-terminated list. */
static int
ctl_is_one_of(const char *opt, const char *const *names)
{
	for (; *names != NULL; names++)
		if (strcmp(opt, *names) == 0)
			return 1;
	return 0;
}

static const char *const ctl_id_value_opts[] = {
	"--role", "--ttl", "--max-ttl", "--max-uses", "--trusted-ips", NULL,
};

/* Options from argv; --disable/--enable only when states (identity set). */
static int
ctl_id_opts_parse(int argc, char **argv, int states, struct ctl_id_opts *o)
{
	int i, want;

	memset(o, 0, sizeof(*o));
	o->ttl = o->max_ttl = o->max_uses = -1;
	o->disable = -1;
	for (i = 0; i < argc; i++, o->given++) {
		if (states && (strcmp(argv[i], "--disable") == 0 ||
		    strcmp(argv[i], "--enable") == 0)) {
			want = strcmp(argv[i], "--disable") == 0;
			if (o->disable != -1 && o->disable != want)
				return ctl_fail("%s", "--disable and --enable "
				    "exclude each other");
			o->disable = want;
			continue;
		}
		if (!ctl_is_one_of(argv[i], ctl_id_value_opts))
			return ctl_unknown_arg(states ? "identity set" :
			    "identity add", argv[i]);
		if (i + 1 >= argc)
			return ctl_fail("%s needs a value", argv[i]);
		if (ctl_id_opt(o, argv[i], argv[i + 1]) != 0)
			return 1;
		i++;
	}
	return 0;
}

/* Merges the given options into ident, then checks the pair ttl/max_ttl. */
static int
ctl_id_apply(const struct ctl_id_opts *o, struct store_identity *ident,
    int64_t now)
{
	if (o->role != NULL)
		snprintf(ident->org_role, sizeof(ident->org_role), "%s", o->role);
	if (o->ttl >= 0)
		ident->ttl = o->ttl;
	if (o->max_ttl >= 0)
		ident->max_ttl = o->max_ttl;
	if (o->max_uses >= 0)
		ident->max_uses = o->max_uses;
	if (o->has_ips)
		memcpy(ident->trusted_ips, o->ips, sizeof(ident->trusted_ips));
	/* Disabling twice keeps the first time: that is when it stopped. */
	if (o->disable == 1 && ident->disabled_at == 0)
		ident->disabled_at = now;
	else if (o->disable == 0)
		ident->disabled_at = 0;
	if (ident->ttl > ident->max_ttl)
		return ctl_fail("ttl %lld is over max-ttl %lld",
		    (long long)ident->ttl, (long long)ident->max_ttl);
	return 0;
}

/* The audit reason: the settings, never a secret; clipped by the store. */
static void
ctl_id_why(const struct store_identity *ident, char *why, size_t size)
{
	snprintf(why, size, "identity=%lld name=%s org_role=%s state=%s "
	    "ttl=%lld max_ttl=%lld max_uses=%lld trusted_ips=%s",
	    (long long)ident->id, ident->name, ident->org_role,
	    ident->disabled_at ? "disabled" : "active", (long long)ident->ttl,
	    (long long)ident->max_ttl, (long long)ident->max_uses,
	    ident->trusted_ips);
}

static int
ctl_identity_add(struct ctl *c, int argc, char **argv)
{
	struct store_identity ident;
	struct ctl_id_opts o;
	char why[STORE_CIDRS_MAX + 512];
	int64_t now = util_now_ms();
	int rc;

	if (ctl_name_arg("identity", argv[1]) != 0 ||
	    ctl_id_opts_parse(argc - 2, argv + 2, 0, &o) != 0)
		return 1;
	memset(&ident, 0, sizeof(ident));
	snprintf(ident.name, sizeof(ident.name), "%s", argv[1]);
	snprintf(ident.org_role, sizeof(ident.org_role), "member");
	ident.ttl = ident.max_ttl = IDENTITY_TTL_DEFAULT;
	snprintf(ident.trusted_ips, sizeof(ident.trusted_ips), "%s",
	    IDENTITY_CIDRS_DEFAULT);
	if (ctl_id_apply(&o, &ident, now) != 0 || ctl_db(c, 0) == -1)
		return 1;
	rc = store_identity_insert(&c->db, &ident, now, 0, &ident.id);
	if (rc == DB_DUPLICATE)
		return ctl_fail("identity \"%s\" already exists", ident.name);
	if (rc != DB_OK)
		return ctl_db_error(rc);
	ctl_id_why(&ident, why, sizeof(why));
	if ((rc = ctl_audit_change(c, "identity.create", why)) != 0)
		return rc;
	printf("identity %s created (id %lld)\n", ident.name,
	    (long long)ident.id);
	return 0;
}

static int
ctl_identity_set(struct ctl *c, int argc, char **argv)
{
	struct store_identity ident;
	struct ctl_id_opts o;
	char why[STORE_CIDRS_MAX + 512];
	int64_t now = util_now_ms();
	int rc;

	if (ctl_name_arg("identity", argv[1]) != 0 ||
	    ctl_id_opts_parse(argc - 2, argv + 2, 1, &o) != 0)
		return 1;
	if (o.given == 0)
		return ctl_fail("%s", "identity set: nothing to change (see "
		    "--help)");
	if ((rc = ctl_find_identity(c, argv[1], &ident)) != 0)
		return rc;
	if (ctl_id_apply(&o, &ident, now) != 0)
		return 1;
	if ((rc = store_identity_update(&c->db, &ident, now)) != DB_OK)
		return ctl_db_error(rc);
	ctl_id_why(&ident, why, sizeof(why));
	if ((rc = ctl_audit_change(c, "identity.update", why)) != 0)
		return rc;
	printf("identity %s updated\n", ident.name);
	return 0;
}

static int
ctl_identity_grant(struct ctl *c, int argc, char **argv)
{
	struct store_identity ident;
	struct store_container ct;
	char why[128];
	int rc;

	if (argc != 4)
		return ctl_fail("%s", "identity grant takes NAME CONTAINER ROLE");
	if ((rc = ctl_name_arg("identity", argv[1])) != 0 ||
	    (rc = ctl_name_arg("container", argv[2])) != 0)
		return rc;
	if (perm_role_mask(argv[3]) < 0)
		return ctl_fail("role \"%.*s\": want viewer, member or admin",
		    CTL_ARG_SHOWN, argv[3]);
	if ((rc = ctl_find_identity(c, argv[1], &ident)) != 0 ||
	    (rc = ctl_find_container(c, argv[2], &ct)) != 0)
		return rc;
	rc = store_identity_role_set(&c->db, ident.id, ct.id, argv[3],
	    util_now_ms(), 0);
	if (rc != DB_OK)
		return ctl_db_error(rc);
	snprintf(why, sizeof(why), "identity=%lld container=%lld role=%s",
	    (long long)ident.id, (long long)ct.id, argv[3]);
	if ((rc = ctl_audit_change(c, "identity.grant", why)) != 0)
		return rc;
	printf("identity %s is %s on container %s\n", ident.name, argv[3],
	    ct.name);
	return 0;
}

/* What POST /api/identities/{id}/tokens makes when nothing is narrowed. */
static void
ctl_id_token_spec(const struct store_identity *ident, const char *desc,
    int64_t now, struct lifecycle_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	spec->kind = "identity";
	spec->identity_id = ident->id;
	spec->permissions = PERM_ALL;
	spec->description = desc;
	spec->expires_at = now + ident->ttl * 1000;
	spec->max_expires_at = now + ident->max_ttl * 1000;
	spec->ttl_ms = ident->ttl * 1000;
	spec->max_uses = ident->max_uses;
	spec->trusted_cidrs = ident->trusted_ips;
}

static int
ctl_identity_mint(struct ctl *c, const struct store_identity *ident,
    const char *desc)
{
	struct lifecycle_spec spec;
	char owner[sizeof("identity ") + sizeof(ident->name)];
	int64_t now = util_now_ms();

	ctl_id_token_spec(ident, desc, now, &spec);
	snprintf(owner, sizeof(owner), "identity %s", ident->name);
	return ctl_mint(c, &spec, now, owner);
}

static int
ctl_identity_token(struct ctl *c, int argc, char **argv)
{
	struct store_identity ident;
	const char *desc = "";
	long chars;
	int i, rc;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--description") == 0 && i + 1 < argc)
			desc = argv[++i];
		else
			return ctl_unknown_arg("identity token", argv[i]);
	}
	chars = util_utf8_len(desc, strnlen(desc, STORE_TEXT_BUF));
	if (chars < 0 || chars > STORE_DESCRIPTION_MAX ||
	    strnlen(desc, STORE_TEXT_BUF) == STORE_TEXT_BUF)
		return ctl_fail("%s", "--description: at most 255 characters "
		    "of UTF-8");
	if ((rc = ctl_find_identity(c, argv[1], &ident)) != 0)
		return rc;
	if (ident.disabled_at != 0)
		return ctl_fail("identity %s is disabled: no new tokens "
		    "(identity set %s --enable)", ident.name, ident.name);
	return ctl_identity_mint(c, &ident, desc);
}

static void
ctl_print_identity(const struct store_identity *ident, void *arg)
{
	(void)arg;
	printf("%lld\t%s\t%s\t%s\t%lld\t%lld\t%lld\t", (long long)ident->id,
	    ident->name, ident->org_role,
	    ident->disabled_at ? "disabled" : "active", (long long)ident->ttl,
	    (long long)ident->max_ttl, (long long)ident->max_uses);
	ctl_put_field(ident->trusted_ips);
	putchar('\n');
}

static const char *const ctl_identity_cmds[] = {
	"add", "set", "grant", "token", NULL,
};

int
ctl_identity(struct ctl *c, int argc, char **argv)
{
	int rc;

	if (argc < 1 || ctl_is_help(argc, argv))
		return ctl_usage(ctl_identity_usage, argc);
	if (strcmp(argv[0], "list") == 0) {
		if (argc != 1)
			return ctl_fail("%s", "identity list takes no arguments");
		if (ctl_db(c, 0) == -1)
			return 1;
		printf("id\tname\torg_role\tstate\tttl\tmax_ttl\tmax_uses\t"
		    "trusted_ips\n");
		rc = store_identity_each(&c->db, ctl_print_identity, NULL);
		return rc == DB_OK ? 0 : ctl_db_error(rc);
	}
	if (!ctl_is_one_of(argv[0], ctl_identity_cmds))
		return ctl_fail("unknown identity command \"%.*s\" (see --help)",
		    CTL_ARG_SHOWN, argv[0]);
	if (argc < 2)
		return ctl_fail("identity %s: NAME missing (see --help)",
		    argv[0]);
	if (strcmp(argv[0], "add") == 0)
		return ctl_identity_add(c, argc, argv);
	if (strcmp(argv[0], "set") == 0)
		return ctl_identity_set(c, argc, argv);
	if (strcmp(argv[0], "grant") == 0)
		return ctl_identity_grant(c, argc, argv);
	return ctl_identity_token(c, argc, argv);
}

/* "-" for an empty column, so every row has seven visible fields. */
static void
ctl_print_event(const struct store_audit_row *r, void *arg)
{
	(void)arg;
	printf("%lld\t%s\t%s\t%s\t", (long long)r->at, r->action, r->outcome,
	    r->token[0] != '\0' ? r->token : "-");
	if (r->actor_user_id != 0)
		printf("%lld\t", (long long)r->actor_user_id);
	else
		fputs("-\t", stdout);
	ctl_put_field(r->ip[0] != '\0' ? r->ip : "-");
	putchar('\t');
	ctl_put_field(r->reason);
	putchar('\n');
}

static const char *const ctl_audit_opts[] = {
	"--token", "--action", "--limit", NULL,
};

/* One filter option of audit: a bounded string or the limit. */
static int
ctl_audit_opt(struct store_audit_filter *f, const char *opt, const char *v)
{
	size_t n;

	if (strcmp(opt, "--limit") == 0)
		return ctl_num(opt, v, 1, CTL_AUDIT_LIMIT_MAX, &f->limit);
	n = strnlen(v, CTL_ACTION_MAX + 1);
	if (strcmp(opt, "--token") == 0) {
		if (n == 0 || n > TOKEN_PUBLIC_ID_LEN)
			return ctl_fail("--token \"%.*s\": want a token's public "
			    "id (%d characters)", CTL_ARG_SHOWN, v,
			    TOKEN_PUBLIC_ID_LEN);
		f->token = v;
		return 0;
	}
	if (strcmp(opt, "--action") == 0) {
		if (n == 0 || n > CTL_ACTION_MAX)
			return ctl_fail("--action: 1-%d characters, e.g. "
			    "token.create", CTL_ACTION_MAX);
		f->action = v;
		return 0;
	}
	return ctl_unknown_arg("audit", opt);
}

int
ctl_audit(struct ctl *c, int argc, char **argv)
{
	struct store_audit_filter f;
	int i, rc;

	if (ctl_is_help(argc, argv))
		return ctl_usage(ctl_audit_usage, 1);
	memset(&f, 0, sizeof(f));
	f.action = f.token = f.outcome = "";
	f.limit = CTL_AUDIT_LIMIT;
	for (i = 0; i < argc; i += 2) {
		if (!ctl_is_one_of(argv[i], ctl_audit_opts))
			return ctl_unknown_arg("audit", argv[i]);
		if (i + 1 >= argc)
			return ctl_fail("%s needs a value", argv[i]);
		if ((rc = ctl_audit_opt(&f, argv[i], argv[i + 1])) != 0)
			return rc;
	}
	if (ctl_db(c, 0) == -1)
		return 1;
	printf("at\taction\toutcome\ttoken\tactor_user\tip\treason\n");
	rc = store_audit_each(&c->db, &f, ctl_print_event, NULL);
	return rc == DB_OK ? 0 : ctl_db_error(rc);
}
