/*
 * ctl_throttle.c: apitokenctl throttle list | clear. The failed-password
 * counts live in the database (throttle_login.c); the bad-token counts live
 * in the pool's memory and end with their window ([throttle] token_window),
 * so only the first can be listed or cleared here.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cidr.h"
#include "ctl_throttle.h"
#include "secret.h"
#include "store_throttle.h"
#include "throttle_login.h"
#include "util.h"

static void
ctl_throttle_row(const struct store_throttle_row *r, void *arg)
{
	const struct ctl *c = ((void **)arg)[0];
	int64_t now = *(const int64_t *)((void **)arg)[1];
	int64_t end = r->window_start + (int64_t)c->conf.login_window * 1000;
	unsigned limit = strcmp(r->kind, "ip") == 0 ? c->conf.login_per_ip :
	    c->conf.login_per_account;

	if (end <= now)
		return;	/* over: waits for the next purge */
	printf("%s\t%s\t%lld\t%s\t%lld\n", r->kind,
	    r->label[0] != '\0' ? r->label : "-", (long long)r->fails,
	    limit > 0 && r->fails >= limit ? "held" : "counting",
	    (long long)((end - now + 999) / 1000));
}

static int
ctl_throttle_clear(struct ctl *c, int argc, char **argv)
{
	uint8_t secret[TOKEN_SECRET_LEN], key[STORE_THROTTLE_KEY_LEN], a[16];
	char label[STORE_THROTTLE_LABEL_MAX + 1], err[512];
	int rc;

	if (argc == 2 && strcmp(argv[1], "--all") == 0) {
		if (ctl_db(c, 0) == -1)
			return 1;
		rc = store_throttle_clear_label(&c->db, NULL);
	} else if (argc == 3 && strcmp(argv[1], "--ip") == 0) {
		if (cidr_addr_parse(argv[2], strlen(argv[2]), a) == -1 ||
		    throttle_ip_label(a, label, sizeof(label)) == -1)
			return ctl_fail("--ip \"%s\": not an IP address",
			    argv[2]);
		if (ctl_db(c, 0) == -1)
			return 1;
		rc = store_throttle_clear_label(&c->db, label);
	} else if (argc == 3 && strcmp(argv[1], "--login") == 0) {
		/* Rows name no login: its key needs the server secret. */
		if (secret_load(c->conf.secret_file, secret, err,
		    sizeof(err)) == -1)
			return ctl_fail("%s", err);
		throttle_account_key(secret, argv[2], key);
		sodium_memzero(secret, sizeof(secret));
		if (ctl_db(c, 0) == -1)
			return 1;
		rc = store_throttle_clear(&c->db, key);
	} else
		return ctl_fail("%s", "throttle clear: want --ip ADDRESS, "
		    "--login LOGIN or --all (see --help)");
	if (rc != DB_OK)
		return ctl_db_error(rc);
	printf("cleared\n");
	return 0;
}

int
ctl_throttle(struct ctl *c, int argc, char **argv)
{
	int64_t now = util_now_ms();
	void *arg[2] = { c, &now };
	int rc;

	if (argc < 1 || ctl_is_help(argc, argv)) {
		printf("usage: apitokenctl throttle list\n"
		    "       apitokenctl throttle clear --ip ADDRESS | --login "
		    "LOGIN | --all\n"
		    "list prints the failed-password counts of the current "
		    "windows:\n  kind (ip|account) address failures "
		    "state (counting|held) seconds-left\n"
		    "Accounts are shown without their login (only a keyed hash "
		    "is stored).\nBad-token counts live in the pool's memory "
		    "and end with [throttle] token_window.\n");
		return argc >= 1 ? 0 : 1;
	}
	if (strcmp(argv[0], "clear") == 0)
		return ctl_throttle_clear(c, argc, argv);
	if (strcmp(argv[0], "list") != 0 || argc != 1)
		return ctl_fail("unknown throttle command \"%s\" (see --help)",
		    argv[0]);
	if (ctl_db(c, 0) == -1)
		return 1;
	printf("kind\taddress\tfailures\tstate\tseconds\n");
	rc = store_throttle_list(&c->db, ctl_throttle_row, arg);
	return rc == DB_OK ? 0 : ctl_db_error(rc);
}
