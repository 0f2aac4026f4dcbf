/* ctl.c: apitokenctl, the admin command line: migrate, secret, user, token;
 * container, identity and audit live in ctl_scope.c. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "conf.h"
#include "ctl_scope.h"
#include "ctl_throttle.h"
#include "ctl_util.h"
#include "db.h"
#include "lifecycle.h"
#include "log.h"
#include "migrate.h"
#include "password.h"
#include "perm.h"
#include "secret.h"
#include "store_sessions.h"
#include "store_tokens.h"
#include "store_users.h"
#include "util.h"

#ifndef SYSCONF_FILE
#define SYSCONF_FILE "/etc/apitoken/apitoken.conf"
#endif
#ifndef SCHEMA_DIR
#define SCHEMA_DIR "/usr/local/share/apitoken/schema"
#endif

#define CTL_PASSWORD_MIN	8

static const struct option ctl_longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const char ctl_usage[] =
    "usage: apitokenctl [-c FILE] COMMAND ...\n"
    "\n"
    "  migrate [--schema-dir DIR]       apply pending schema migrations\n"
    "  secret init [--force]            create the server secret file\n"
    "  user add LOGIN [--admin] [--password-stdin]\n"
    "  user passwd LOGIN [--password-stdin]\n"
    "  user disable LOGIN | user enable LOGIN\n"
    "  user list\n"
    "  token create LOGIN [--description TEXT] [--expires-in SECONDS]\n"
    "  token list LOGIN\n"
    "  token revoke ID [--reason TEXT]\n"
    "  container add NAME | container list\n"
    "  container grant NAME LOGIN PERMS   PERMS: read,write,manage,access\n"
    "  container revoke-grant NAME LOGIN\n"
    "  identity add NAME [--role admin|member|no-access] [--ttl S]\n"
    "      [--max-ttl S] [--max-uses N] [--trusted-ips \"LIST\"]\n"
    "  identity set NAME [same options as add] [--disable|--enable]\n"
    "  identity list\n"
    "  identity grant NAME CONTAINER viewer|member|admin\n"
    "  identity token NAME [--description TEXT]\n"
    "  audit [--token PUBLIC_ID] [--action A] [--limit N]\n"
    "  throttle list | throttle clear --ip ADDRESS|--login LOGIN|--all\n"
    "\n"
    "  -c FILE  configuration file (default " SYSCONF_FILE ")\n"
    "Each command takes --help.\n";

static int
ctl_read_line(FILE *f, char *buf, size_t size)
{
	size_t n;

	if (fgets(buf, (int)size, f) == NULL)
		return -1;
	n = strlen(buf);
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	else if (!feof(f))
		return -1;	/* longer than the buffer */
	if (n > 0 && buf[n - 1] == '\r')
		buf[--n] = '\0';
	return (int)n;
}

static int
ctl_prompt(const char *prompt, char *buf, size_t size)
{
	struct termios old, noecho;
	FILE *tty;
	int n;

	if ((tty = fopen("/dev/tty", "r+")) == NULL)
		return -1;
	fputs(prompt, tty);
	fflush(tty);
	tcgetattr(fileno(tty), &old);
	noecho = old;
	noecho.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(fileno(tty), TCSAFLUSH, &noecho);
	n = ctl_read_line(tty, buf, size);
	tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputc('\n', tty);
	fclose(tty);
	return n;
}

/* From stdin (--password-stdin) or twice from the terminal. */
static int
ctl_password(int from_stdin, char *hash, size_t hsize)
{
	char pw[PASSWORD_MAX + 2], again[PASSWORD_MAX + 2];
	int n, rc = -1;

	if (from_stdin)
		n = ctl_read_line(stdin, pw, sizeof(pw));
	else {
		if (!isatty(STDIN_FILENO) && access("/dev/tty", R_OK) != 0) {
			ctl_fail("%s", "no terminal: pass the password with "
			    "--password-stdin");
			return -1;
		}
		n = ctl_prompt("Password: ", pw, sizeof(pw));
		if (n >= 0 && ctl_prompt("Again: ", again, sizeof(again)) != n)
			n = -2;
		else if (n >= 0 && strcmp(pw, again) != 0)
			n = -2;
	}
	if (n == -2)
		ctl_fail("%s", "the passwords do not match");
	else if (n < 0 || n > PASSWORD_MAX)
		ctl_fail("%s", "no password read (or over 1024 bytes)");
	else if (n < CTL_PASSWORD_MIN)
		ctl_fail("%s", "password too short: at least 8 characters");
	else if (password_hash(pw, (size_t)n, hash, hsize) == -1)
		ctl_fail("%s", "cannot hash the password (out of memory?)");
	else
		rc = 0;
	sodium_memzero(pw, sizeof(pw));
	sodium_memzero(again, sizeof(again));
	return rc;
}

static int
ctl_migrate(struct ctl *c, int argc, char **argv)
{
	const char *dir = SCHEMA_DIR;
	int i;

	if (ctl_is_help(argc, argv)) {
		printf("usage: apitokenctl migrate [--schema-dir DIR]\n"
		    "Applies the schema/NNN_name.sql files not yet recorded in "
		    "schema_migrations, in order.\nDefault DIR: %s\n", SCHEMA_DIR);
		return 0;
	}
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--schema-dir") == 0 && i + 1 < argc)
			dir = argv[++i];
		else
			return ctl_fail("migrate: unknown argument \"%s\"",
			    argv[i]);
	}
	if (ctl_db(c, CLIENT_MULTI_STATEMENTS) == -1)
		return 1;
	return migrate_run(&c->db, dir, stdout) == 0 ? 0 : 1;
}

static int
ctl_secret(struct ctl *c, int argc, char **argv)
{
	char err[512];
	int force = 0, i;

	if (argc < 1 || ctl_is_help(argc, argv) || strcmp(argv[0], "init") != 0) {
		printf("usage: apitokenctl secret init [--force]\n"
		    "Creates [tokens] secret_file (mode 0600). Replacing it "
		    "invalidates every token.\n");
		return argc >= 1 && ctl_is_help(argc, argv) ? 0 : 1;
	}
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--force") == 0)
			force = 1;
		else
			return ctl_fail("secret init: unknown argument \"%s\"",
			    argv[i]);
	}
	if (secret_create(c->conf.secret_file, force, err, sizeof(err)) == -1)
		return ctl_fail("%s", err);
	printf("created %s\n", c->conf.secret_file);
	return 0;
}

static int
ctl_find_user(struct ctl *c, const char *login, struct store_user *u)
{
	if (!ctl_login_ok(login))
		return ctl_fail("invalid login \"%s\": 1-64 of A-Z a-z 0-9 . _ "
		    "@ -", login);
	if (ctl_db(c, 0) == -1)
		return 1;
	return ctl_found(store_user_by_login(&c->db, login, u), "user", login);
}

static void
ctl_print_user(const struct store_user *u, void *arg)
{
	(void)arg;
	printf("%lld\t%s\t%s\t%s\t%lld\n", (long long)u->id, u->login,
	    u->disabled_at ? "disabled" : "active", u->is_admin ? "yes" : "no",
	    (long long)u->created_at);
}

static int
ctl_user(struct ctl *c, int argc, char **argv)
{
	char hash[PASSWORD_HASH_MAX];
	struct store_user u;
	int admin = 0, from_stdin = 0, i, rc;
	int64_t id;

	if (argc < 1 || ctl_is_help(argc, argv)) {
		printf("usage: apitokenctl user add LOGIN [--admin] "
		    "[--password-stdin]\n"
		    "       apitokenctl user passwd LOGIN [--password-stdin]\n"
		    "       apitokenctl user disable|enable LOGIN\n"
		    "       apitokenctl user list\n"
		    "Without --password-stdin the password is asked twice on the "
		    "terminal.\n");
		return argc >= 1 ? 0 : 1;
	}
	if (strcmp(argv[0], "list") == 0) {
		if (argc != 1)
			return ctl_fail("%s", "user list takes no arguments");
		if (ctl_db(c, 0) == -1)
			return 1;
		printf("id\tlogin\tstate\tadmin\tcreated\n");
		rc = store_user_each(&c->db, ctl_print_user, NULL);
		return rc == DB_OK ? 0 : ctl_db_error(rc);
	}
	if (argc < 2)
		return ctl_fail("user %s: LOGIN missing", argv[0]);
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--admin") == 0 && strcmp(argv[0], "add") == 0)
			admin = 1;
		else if (strcmp(argv[i], "--password-stdin") == 0)
			from_stdin = 1;
		else
			return ctl_fail("user: unknown argument \"%s\"", argv[i]);
	}
	if (strcmp(argv[0], "add") == 0) {
		if (!ctl_login_ok(argv[1]))
			return ctl_fail("invalid login \"%s\": 1-64 of A-Z a-z "
			    "0-9 . _ @ -", argv[1]);
		if (ctl_db(c, 0) == -1)
			return 1;
		rc = store_user_by_login(&c->db, argv[1], &u);
		if (rc < 0)
			return ctl_db_error(rc);
		if (rc == 1)
			return ctl_fail("user \"%s\" already exists", argv[1]);
		if (ctl_password(from_stdin, hash, sizeof(hash)) == -1)
			return 1;
		rc = store_user_insert(&c->db, argv[1], hash, admin,
		    util_now_ms(), &id);
		if (rc == DB_DUPLICATE)
			return ctl_fail("user \"%s\" already exists", argv[1]);
		if (rc != DB_OK)
			return ctl_db_error(rc);
		printf("added user %s (id %lld)\n", argv[1], (long long)id);
		return 0;
	}
	if ((rc = ctl_find_user(c, argv[1], &u)) != 0)
		return rc;
	if (strcmp(argv[0], "passwd") == 0) {
		if (ctl_password(from_stdin, hash, sizeof(hash)) == -1)
			return 1;
		rc = store_user_set_password(&c->db, u.id, hash);
		/*
		 * A new password is often the answer to a stolen one: the
		 * sessions opened with the old one end with it (ASVS 3.3.3).
		 */
		if (rc == DB_OK)
			rc = store_session_delete_user(&c->db, u.id);
	} else if (strcmp(argv[0], "disable") == 0)
		rc = store_user_set_disabled(&c->db, u.id, util_now_ms());
	else if (strcmp(argv[0], "enable") == 0)
		rc = store_user_set_disabled(&c->db, u.id, 0);
	else
		return ctl_fail("unknown user command \"%s\" (see --help)",
		    argv[0]);
	if (rc != DB_OK)
		return ctl_db_error(rc);
	printf("%s: done for user %s\n", argv[0], u.login);
	return 0;
}

static void
ctl_print_token(const struct store_token *t, void *arg)
{
	int64_t now = *(const int64_t *)arg;

	printf("%s\t%s\t%s\t%lld\t%lld\t%lld\t%s\n", t->public_id, t->hint,
	    t->expires_at != 0 && t->expires_at <= now ? "expired" : "active",
	    (long long)t->created_at, (long long)t->expires_at,
	    (long long)t->last_used_at, t->description);
}

static int
ctl_token_create(struct ctl *c, int argc, char **argv)
{
	struct lifecycle_spec spec;
	struct store_user u;
	const char *desc = "";
	int64_t secs = c->conf.token_default_ttl, now = util_now_ms();
	long chars;
	int i, rc;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--description") == 0 && i + 1 < argc)
			desc = argv[++i];
		else if (strcmp(argv[i], "--expires-in") == 0 && i + 1 < argc) {
			i++;
			if (util_parse_i64(argv[i], strlen(argv[i]), 0,
			    10LL * 366 * 86400, &secs) == -1)
				return ctl_fail("--expires-in \"%s\": want seconds "
				    "(0 = never)", argv[i]);
		} else
			return ctl_fail("token create: unknown argument \"%s\"",
			    argv[i]);
	}
	chars = util_utf8_len(desc, strlen(desc));
	if (chars < 0 || chars > STORE_DESCRIPTION_MAX)
		return ctl_fail("%s", "--description: at most 255 characters "
		    "of UTF-8");
	if ((rc = ctl_find_user(c, argv[1], &u)) != 0)
		return rc;
	memset(&spec, 0, sizeof(spec));
	spec.kind = "personal";
	spec.user_id = u.id;
	spec.permissions = PERM_ALL;
	spec.description = desc;
	spec.expires_at = secs > 0 ? now + secs * 1000 : 0;
	return ctl_mint(c, &spec, now, u.login);
}

static int
ctl_token(struct ctl *c, int argc, char **argv)
{
	struct lifecycle_actor who = { 0, 0, "", "apitokenctl" };
	struct store_token t;
	struct store_user u;
	const char *reason = "apitokenctl";
	int64_t now = util_now_ms();
	int i, rc, changed;

	if (argc < 1 || ctl_is_help(argc, argv)) {
		printf("usage: apitokenctl token create LOGIN [--description "
		    "TEXT] [--expires-in SECONDS]\n"
		    "       apitokenctl token list LOGIN\n"
		    "       apitokenctl token revoke ID [--reason TEXT]\n"
		    "create prints the token alone on stdout; it is never shown "
		    "again.\nlist prints: id hint state created expires lastUsed "
		    "description\n");
		return argc >= 1 ? 0 : 1;
	}
	if (argc < 2)
		return ctl_fail("token %s: argument missing (see --help)",
		    argv[0]);
	if (strcmp(argv[0], "create") == 0)
		return ctl_token_create(c, argc, argv);
	if (strcmp(argv[0], "list") == 0) {
		if (argc != 2)
			return ctl_fail("%s", "token list takes one LOGIN");
		if ((rc = ctl_find_user(c, argv[1], &u)) != 0)
			return rc;
		printf("id\thint\tstate\tcreated\texpires\tlastUsed\t"
		    "description\n");
		rc = store_token_each_of_user(&c->db, u.id, 100000,
		    ctl_print_token, &now);
		return rc == DB_OK ? 0 : ctl_db_error(rc);
	}
	if (strcmp(argv[0], "revoke") != 0)
		return ctl_fail("unknown token command \"%s\" (see --help)",
		    argv[0]);
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--reason") == 0 && i + 1 < argc)
			reason = argv[++i];
		else
			return ctl_fail("token revoke: unknown argument \"%s\"",
			    argv[i]);
	}
	if (util_utf8_len(reason, strlen(reason)) < 0 ||
	    util_utf8_len(reason, strlen(reason)) > 255)
		return ctl_fail("%s", "--reason: at most 255 characters of UTF-8");
	if (strlen(argv[1]) != TOKEN_PUBLIC_ID_LEN)
		return ctl_fail("no such token \"%s\"", argv[1]);
	if (ctl_db(c, 0) == -1)
		return 1;
	rc = store_token_by_public_id(&c->db, argv[1], &t);
	if ((rc = ctl_found(rc, "token", argv[1])) != 0)
		return rc;
	rc = lifecycle_revoke(&c->db, t.id, now, reason, &who, &changed);
	if (rc != DB_OK)
		return ctl_db_error(rc);
	printf("%s %s\n", changed ? "revoked" : "already revoked:", argv[1]);
	return 0;
}

/* Set by db.c when a committed change may make a cached token unusable. */
static int ctl_changed;

static void
ctl_note_change(void)
{
	ctl_changed = 1;
}

/*
 * Tells the running pool (its pid_file) to drop every cached token, so a
 * revocation or a disabled user takes effect at once on this host. When it
 * cannot (no pid_file, not allowed), the cache TTL bounds the delay.
 */
static void
ctl_notify_pool(const struct conf *conf)
{
	char buf[32];
	FILE *f;
	long pid = 0;

	if (conf->pid_file[0] == '\0' || (f = fopen(conf->pid_file, "r")) == NULL)
		return;
	if (fgets(buf, sizeof(buf), f) != NULL)
		pid = strtol(buf, NULL, 10);
	fclose(f);
	/* A stale pid file must not make us signal someone else's process. */
	if (pid > 1) {
		snprintf(buf, sizeof(buf), "/proc/%ld/comm", pid);
		if ((f = fopen(buf, "r")) != NULL) {
			if (fgets(buf, sizeof(buf), f) == NULL ||
			    strncmp(buf, "apitoken-fcgi", 13) != 0)
				pid = 0;
			fclose(f);
		}
	}
	if (pid <= 1 || kill((pid_t)pid, SIGUSR2) == -1)
		fprintf(stderr, "apitokenctl: note: the pool was not told; "
		    "workers may accept the old state for up to %u s "
		    "([cache] ttl)\n", conf->cache_ttl);
}

int
main(int argc, char *argv[])
{
	static struct ctl c;
	char err[1024];
	int ch, rc;

	c.conf_path = SYSCONF_FILE;
	/* '+': stop at the command, its options are its own. */
	while ((ch = getopt_long(argc, argv, "+c:hV", ctl_longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			c.conf_path = optarg;
			break;
		case 'V':
			printf("apitokenctl %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			fputs(ctl_usage, stdout);
			return 0;
		default:
			fputs(ctl_usage, stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		fputs(ctl_usage, stderr);
		return 2;
	}
	if (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "help") == 0) {
		fputs(ctl_usage, stdout);
		return 0;
	}
	if (sodium_init() < 0)
		return ctl_fail("%s", "libsodium failed to start");
	if (conf_load(&c.conf, c.conf_path, err, sizeof(err)) == -1)
		return ctl_fail("%s", err);
	/* Errors of the library layers go to stderr, never a secret. */
	log_open(NULL, LOG_LEVEL_WARN);
	log_set_role("ctl", -1);
	db_set_change_hook(ctl_note_change);
	if (strcmp(argv[0], "migrate") == 0)
		rc = ctl_migrate(&c, argc - 1, argv + 1);
	else if (strcmp(argv[0], "secret") == 0)
		rc = ctl_secret(&c, argc - 1, argv + 1);
	else if (strcmp(argv[0], "user") == 0)
		rc = ctl_user(&c, argc - 1, argv + 1);
	else if (strcmp(argv[0], "token") == 0)
		rc = ctl_token(&c, argc - 1, argv + 1);
	else if (strcmp(argv[0], "container") == 0)
		rc = ctl_container(&c, argc - 1, argv + 1);
	else if (strcmp(argv[0], "identity") == 0)
		rc = ctl_identity(&c, argc - 1, argv + 1);
	else if (strcmp(argv[0], "audit") == 0)
		rc = ctl_audit(&c, argc - 1, argv + 1);
	else if (strcmp(argv[0], "throttle") == 0)
		rc = ctl_throttle(&c, argc - 1, argv + 1);
	else {
		fprintf(stderr, "apitokenctl: unknown command \"%s\"\n\n",
		    argv[0]);
		fputs(ctl_usage, stderr);
		rc = 2;
	}
	if (c.db_open)
		db_close(&c.db);
	if (ctl_changed)
		ctl_notify_pool(&c.conf);
	return rc;
}
