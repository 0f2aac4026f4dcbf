/*
 * bench/seed.c: the data bench/run loads before it measures.
 *
 *   seed -c CONF -o DIR [-u USERS] [-t TOKENS] [-k CONTAINER_TOKENS]
 *        [-b BAD_TOKENS]
 *
 * Writes DIR/seed.sql, for the mariadb client on an EMPTY, migrated
 * database (bench/run drops and recreates it each run; ids are explicit so
 * the text files can name them):
 *   - USERS users bench0001.. (default 1000) with a password nobody knows;
 *   - TOKENS personal tokens (default 100000): bench0001 gets exactly
 *     SEED_USER1_TOKENS (the getApiTokens scenario lists them), the others
 *     share the rest round-robin;
 *   - one session per user;
 *   - container 1 ("bench") with every user a member holding every flag,
 *     and CONTAINER_TOKENS container tokens (default 1000) with every flag
 *     and a reason, made by its members round-robin.
 * and the plain text the load generator needs, one item a line:
 *   tokens.txt            every personal token
 *   user1_tokens.txt      bench0001's tokens
 *   container_tokens.txt  the container tokens
 *   cookies.txt           "name=value" session cookies, as a browser sends them
 *   container_id.txt      the container's id
 *   malformed.txt         BAD_TOKENS (default 1000) tokens of valid shape with
 *                         a wrong checksum (refused without a query)
 *   unknown.txt           BAD_TOKENS well-formed tokens that are in no row
 *
 * Token strings, hashes, hints and public ids come from fcgi-app/token.c
 * with the server's prefix and secret, so the server cannot tell them from
 * its own; session rows hold SHA-256 of the cookie value as
 * auth_session_hash() makes it. No audit rows: nothing the scenarios read
 * depends on them, and they would only make the load slower.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "auth.h"
#include "conf.h"
#include "password.h"
#include "perm.h"
#include "secret.h"
#include "token.h"
#include "util.h"

#define SEED_USER1_TOKENS	20	/* the "user with 20 tokens" */
#define SEED_ROWS_PER_INSERT	1000	/* ~250 KB statements: far below max_allowed_packet */
#define SEED_SESSION_LEN	43	/* as api_session.c: base62, 256 bits */
#define SEED_CONTAINER_ID	1
#define SEED_DESCRIPTION	"bench"
#define SEED_REASON		"benchmark"
#define SEED_USER_AGENT		"bench/seed"
#define SEED_IP			"127.0.0.1"

struct seed_out {
	FILE	*sql;
	FILE	*tokens, *user1, *ctokens, *cookies, *malformed, *unknown;
	unsigned rows;		/* rows in the INSERT being written */
	const char *head;	/* its "INSERT INTO ... VALUES" */
};

static const char *seed_dir;

static void
seed_die(const char *fmt, ...)
{
	va_list ap;

	fputs("seed: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static FILE *
seed_open(const char *name)
{
	char path[4096];
	FILE *f;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", seed_dir, name) >=
	    sizeof(path))
		seed_die("%s/%s: path too long", seed_dir, name);
	if ((f = fopen(path, "w")) == NULL)
		seed_die("%s: %s", path, strerror(errno));
	return f;
}

static void
seed_close(FILE *f, const char *name)
{
	if (ferror(f) || fclose(f) != 0)
		seed_die("writing %s/%s failed", seed_dir, name);
}

/*
 * Rows go out as multi-row INSERTs of SEED_ROWS_PER_INSERT rows: one
 * statement and one round trip per thousand rows, which is what makes
 * 100,000 tokens load in seconds.
 */
static void
seed_row_begin(struct seed_out *o, const char *head)
{
	if (o->rows > 0 && (o->head != head ||
	    o->rows == SEED_ROWS_PER_INSERT)) {
		fputs(";\n", o->sql);
		o->rows = 0;
	}
	o->head = head;
	fputs(o->rows == 0 ? head : ",", o->sql);
	fputs("\n(", o->sql);
	o->rows++;
}

static void
seed_row_end(struct seed_out *o)
{
	fputc(')', o->sql);
}

/* Ends the INSERT being written and commits: one transaction per table. */
static void
seed_commit(struct seed_out *o)
{
	if (o->rows > 0)
		fputs(";\n", o->sql);
	o->rows = 0;
	o->head = NULL;
	fputs("COMMIT;\n", o->sql);
}

static void
seed_hex(FILE *f, const uint8_t *b, size_t n)
{
	size_t i;

	fputs("0x", f);
	for (i = 0; i < n; i++)
		fprintf(f, "%02x", b[i]);
}

static const char users_head[] = "INSERT INTO users (id, login, "
    "password_hash, is_admin, created_at) VALUES";
static const char sessions_head[] = "INSERT INTO sessions (id_hash, user_id, "
    "created_at, expires_at, ip, user_agent) VALUES";
static const char members_head[] = "INSERT INTO container_members "
    "(container_id, user_id, permissions, granted_at, granted_by) VALUES";
static const char tokens_head[] = "INSERT INTO tokens (token_hash, public_id, "
    "hint, kind, user_id, container_id, permissions, description, reason, "
    "created_at, created_by, created_ip, created_user_agent) VALUES";

/*
 * One token row as lifecycle_create() would store it for the same spec:
 * created_by is the caller (the owner, or the container token's creator).
 */
static void
seed_token(struct seed_out *o, const struct conf *c, const uint8_t *secret,
    const char *kind, unsigned user_id, unsigned container_id, int64_t at,
    char tok[TOKEN_MAX_LEN + 1])
{
	char hint[TOKEN_HINT_MAX + 1];
	char pub[TOKEN_PUBLIC_ID_LEN + 1];
	uint8_t hash[TOKEN_HASH_LEN];
	int len;

	if ((len = token_generate(c->token_prefix, tok, TOKEN_MAX_LEN + 1)) < 0)
		seed_die("token_generate failed");
	token_hash(secret, tok, (size_t)len, hash);
	token_hint(c->token_prefix, tok, (size_t)len, hint, sizeof(hint));
	token_public_id(pub, sizeof(pub));
	seed_row_begin(o, tokens_head);
	seed_hex(o->sql, hash, sizeof(hash));
	/* public ids, hints and prefixes are [A-Za-z0-9_.]: no quoting needed */
	fprintf(o->sql, ",'%s','%s','%s',%u,", pub, hint, kind, user_id);
	if (container_id != 0)
		fprintf(o->sql, "%u,", container_id);
	else
		fputs("NULL,", o->sql);
	fprintf(o->sql, "%d,'%s',", PERM_ALL, SEED_DESCRIPTION);
	if (container_id != 0)
		fprintf(o->sql, "'%s',", SEED_REASON);
	else
		fputs("NULL,", o->sql);
	fprintf(o->sql, "%lld,%u,'%s','%s'", (long long)at, user_id, SEED_IP,
	    SEED_USER_AGENT);
	seed_row_end(o);
}

static unsigned
seed_count(const char *opt, const char *s, unsigned min, unsigned max)
{
	int64_t v;

	if (util_parse_i64(s, strlen(s), min, max, &v) != 0)
		seed_die("-%s: a number from %u to %u, not \"%s\"", opt, min,
		    max, s);
	return (unsigned)v;
}

static void
seed_usage(void)
{
	fprintf(stderr, "usage: seed -c CONF -o DIR [-u USERS] [-t TOKENS] "
	    "[-k CONTAINER_TOKENS] [-b BAD_TOKENS]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	static struct conf c;
	struct seed_out o;
	const char *conf_path = NULL;
	unsigned users = 1000, tokens = 100000, ctokens = 1000, bad = 1000;
	unsigned i, u, other;
	uint8_t secret[TOKEN_SECRET_LEN], shash[32];
	char err[1024], pwhash[PASSWORD_HASH_MAX], pw[33];
	char tok[TOKEN_MAX_LEN + 1], sid[SEED_SESSION_LEN + 1];
	char cookie_name[CONF_NAME_MAX + 8];
	int64_t now;
	int ch, len;

	while ((ch = getopt(argc, argv, "c:o:u:t:k:b:")) != -1) {
		switch (ch) {
		case 'c': conf_path = optarg; break;
		case 'o': seed_dir = optarg; break;
		case 'u': users = seed_count("u", optarg, 2, 999999); break;
		case 't': tokens = seed_count("t", optarg, 1, 100000000); break;
		case 'k': ctokens = seed_count("k", optarg, 1, 100000000); break;
		case 'b': bad = seed_count("b", optarg, 1, 1000000); break;
		default: seed_usage();
		}
	}
	if (conf_path == NULL || seed_dir == NULL || optind != argc)
		seed_usage();
	if (tokens < SEED_USER1_TOKENS)
		seed_die("-t: at least %d tokens (bench0001 has that many)",
		    SEED_USER1_TOKENS);
	if (sodium_init() < 0)
		seed_die("libsodium failed to start");
	/* The same loader and secret as apitokenctl: same prefix, same key. */
	if (conf_load(&c, conf_path, err, sizeof(err)) == -1)
		seed_die("%s", err);
	if (secret_load(c.secret_file, secret, err, sizeof(err)) == -1)
		seed_die("%s", err);
	/* The cookie as a plain-HTTP browser sends it (see auth_cookie_name). */
	snprintf(cookie_name, sizeof(cookie_name), "%s%s",
	    c.secure_cookies == CONF_ON ? "__Host-" : "", c.cookie_name);
	other = (tokens - SEED_USER1_TOKENS + users - 2) / (users - 1);
	if (other + 1 >= c.max_tokens_per_user)
		fprintf(stderr, "seed: warning: users get up to %u tokens; "
		    "[tokens] max_tokens_per_user = %u leaves createApiToken "
		    "no room\n", other, c.max_tokens_per_user);

	/*
	 * A real argon2id hash of a random password that is never written
	 * anywhere: a valid-looking row nobody can log in with (the
	 * scenarios use tokens and sessions, never a password).
	 */
	token_random_b62(pw, sizeof(pw) - 1);
	if (password_hash(pw, strlen(pw), pwhash, sizeof(pwhash)) == -1)
		seed_die("password_hash failed");
	sodium_memzero(pw, sizeof(pw));

	memset(&o, 0, sizeof(o));
	o.sql = seed_open("seed.sql");
	o.tokens = seed_open("tokens.txt");
	o.user1 = seed_open("user1_tokens.txt");
	o.ctokens = seed_open("container_tokens.txt");
	o.cookies = seed_open("cookies.txt");
	o.malformed = seed_open("malformed.txt");
	o.unknown = seed_open("unknown.txt");
	now = util_now_ms();

	fputs("-- written by bench/seed for an empty, migrated database\n"
	    "SET autocommit = 0;\n", o.sql);
	for (u = 1; u <= users; u++) {
		seed_row_begin(&o, users_head);
		fprintf(o.sql, "%u,'bench%04u','%s',0,%lld", u, u, pwhash,
		    (long long)now);
		seed_row_end(&o);
	}
	seed_commit(&o);

	for (u = 1; u <= users; u++) {
		token_random_b62(sid, SEED_SESSION_LEN);
		auth_session_hash(sid, SEED_SESSION_LEN, shash);
		seed_row_begin(&o, sessions_head);
		seed_hex(o.sql, shash, sizeof(shash));
		fprintf(o.sql, ",%u,%lld,%lld,'%s','%s'", u, (long long)now,
		    (long long)now + (int64_t)c.session_ttl * 1000, SEED_IP,
		    SEED_USER_AGENT);
		seed_row_end(&o);
		fprintf(o.cookies, "%s=%s\n", cookie_name, sid);
	}
	seed_commit(&o);

	fprintf(o.sql, "INSERT INTO containers (id, name, created_at, "
	    "created_by) VALUES (%d, 'bench', %lld, NULL);\n",
	    SEED_CONTAINER_ID, (long long)now);
	for (u = 1; u <= users; u++) {
		seed_row_begin(&o, members_head);
		fprintf(o.sql, "%d,%u,%d,%lld,NULL", SEED_CONTAINER_ID, u,
		    PERM_ALL, (long long)now);
		seed_row_end(&o);
	}
	seed_commit(&o);

	/* Older first, a millisecond apart: a plausible history to list. */
	for (i = 0; i < tokens; i++) {
		u = i < SEED_USER1_TOKENS ? 1 :
		    2 + (i - SEED_USER1_TOKENS) % (users - 1);
		seed_token(&o, &c, secret, "personal", u, 0,
		    now - (int64_t)(tokens - i), tok);
		fprintf(o.tokens, "%s\n", tok);
		if (u == 1)
			fprintf(o.user1, "%s\n", tok);
	}
	seed_commit(&o);
	for (i = 0; i < ctokens; i++) {
		seed_token(&o, &c, secret, "container", 1 + i % users,
		    SEED_CONTAINER_ID, now - (int64_t)(ctokens - i), tok);
		fprintf(o.ctokens, "%s\n", tok);
	}
	seed_commit(&o);
	fprintf(o.sql, "SET autocommit = 1;\n");

	/* Tokens the server must refuse: never inserted. */
	for (i = 0; i < bad; i++) {
		if ((len = token_generate(c.token_prefix, tok, sizeof(tok))) < 0)
			seed_die("token_generate failed");
		if (token_parse(c.token_prefix, tok, (size_t)len) != TOKEN_OK)
			seed_die("a generated token does not parse");
		fprintf(o.unknown, "%s\n", tok);
		/*
		 * Another base62 digit as the last checksum character: the
		 * shape stays valid, the CRC no longer matches.
		 */
		tok[len - 1] = tok[len - 1] == '0' ? '1' : '0';
		if (token_parse(c.token_prefix, tok, (size_t)len) !=
		    TOKEN_BAD_CHECKSUM)
			seed_die("a malformed token does not fail on its "
			    "checksum");
		fprintf(o.malformed, "%s\n", tok);
	}
	sodium_memzero(secret, sizeof(secret));

	seed_close(o.sql, "seed.sql");
	seed_close(o.tokens, "tokens.txt");
	seed_close(o.user1, "user1_tokens.txt");
	seed_close(o.ctokens, "container_tokens.txt");
	seed_close(o.cookies, "cookies.txt");
	seed_close(o.malformed, "malformed.txt");
	seed_close(o.unknown, "unknown.txt");
	o.tokens = seed_open("container_id.txt");
	fprintf(o.tokens, "%d\n", SEED_CONTAINER_ID);
	seed_close(o.tokens, "container_id.txt");
	fprintf(stderr, "seed: %u users with a session each, %u personal "
	    "tokens (bench0001: %d), %u container tokens in container %d, "
	    "%u malformed and %u unknown tokens, in %s\n", users, tokens,
	    SEED_USER1_TOKENS, ctokens, SEED_CONTAINER_ID, bad, bad,
	    seed_dir);
	return 0;
}
