/*
 * ctl_util.c: what every apitokenctl command shares: the tool's state, error
 * output, the database connection, argument checks.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "ctl_util.h"
#include "lifecycle.h"
#include "secret.h"
#include "store_tokens.h"
#include "store_users.h"

int
ctl_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("apitokenctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int
ctl_is_help(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	return 0;
}

int
ctl_db(struct ctl *c, unsigned long flags)
{
	if (c->db_open)
		return 0;
	db_init(&c->db, &c->conf, flags);
	if (db_connect(&c->db) != DB_OK) {
		fprintf(stderr, "apitokenctl: cannot connect to MariaDB "
		    "([database] in %s; details in the log above)\n",
		    c->conf_path);
		return -1;
	}
	c->db_open = 1;
	return 0;
}

int
ctl_db_error(int rc)
{
	if (rc == DB_UNAVAILABLE)
		return ctl_fail("%s", "database unavailable");
	return ctl_fail("%s", "database error (see the log line above)");
}

int
ctl_found(int rc, const char *what, const char *key)
{
	if (rc < 0)
		return ctl_db_error(rc);
	if (rc == 0)
		return ctl_fail("no such %s \"%s\"", what, key);
	return 0;
}

int
ctl_mint(struct ctl *c, const struct lifecycle_spec *spec, int64_t now,
    const char *owner)
{
	uint8_t secret[TOKEN_SECRET_LEN];
	struct lifecycle_actor who = { 0, 0, "", "apitokenctl" };
	struct lifecycle_new nt;
	char err[512];
	int rc;

	if (secret_load(c->conf.secret_file, secret, err, sizeof(err)) == -1)
		return ctl_fail("%s", err);
	rc = lifecycle_create(&c->db, c->conf.token_prefix, secret, spec, now,
	    &who, &nt);
	sodium_memzero(secret, sizeof(secret));
	if (rc != DB_OK)
		return ctl_db_error(rc);
	/* The token alone on stdout, so scripts can capture it. */
	printf("%s\n", nt.token);
	fprintf(stderr, "created token %s (%s) for %s; it is shown only "
	    "once\n", nt.public_id, nt.hint, owner);
	sodium_memzero(nt.token, sizeof(nt.token));
	return 0;
}

static int
ctl_char_ok(char ch, const char *extra)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || (ch != '\0' && strchr(extra, ch) != NULL);
}

/* 1..max bytes, each a letter, a digit or one of extra. */
static int
ctl_word_ok(const char *s, size_t max, const char *extra)
{
	size_t i, n = strnlen(s, max + 1);

	if (n == 0 || n > max)
		return 0;
	for (i = 0; i < n; i++)
		if (!ctl_char_ok(s[i], extra))
			return 0;
	return 1;
}

/* Logins appear in URLs and logs. */
int
ctl_login_ok(const char *s)
{
	return ctl_word_ok(s, STORE_LOGIN_MAX, "._@-");
}

int
ctl_name_ok(const char *s)
{
	return ctl_word_ok(s, STORE_NAME_MAX, "._-");
}
