/* conf.c: the configuration: INI file, APITOKEN_<SECTION>_<KEY> overrides, checks. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "util.h"

/* Longest line of the file, without its newline. */
#define CONF_LINE_MAX	4096
/* Values quoted back in error messages are cut to this many bytes. */
#define CONF_QUOTE_MAX	64
/* Room for "path:line: " or "APITOKEN_SECTION_KEY: ". */
#define CONF_WHERE_MAX	(CONF_PATH_MAX + 32)
#define CONF_MSG_MAX	512

enum conf_type {
	CONF_T_STR,
	CONF_T_UINT,
	CONF_T_MODE,		/* octal file mode, 0..max */
	CONF_T_TRISTATE,	/* auto|on|off */
	CONF_T_LEVEL,		/* debug|info|warn|error */
};

/* Extra check of a string value, run before it is stored. */
typedef int (*conf_check_fn)(struct conf *, const char *, char *, size_t);

struct conf_key {
	const char	*section;
	const char	*key;
	enum conf_type	 type;
	size_t		 off;
	size_t		 size;	/* CONF_T_STR: the field, NUL included */
	unsigned	 min;
	unsigned	 max;
	const char	*def;	/* applied through the same path as the file */
	conf_check_fn	 check;
};

/* Where each key was last set, for duplicate and cross-key errors. */
struct conf_origin {
	unsigned	 line;	/* 0: not set in the file */
	int		 env;	/* set from the environment */
};

static int conf_check_nonempty(struct conf *, const char *, char *, size_t);
static int conf_check_prefix(struct conf *, const char *, char *, size_t);
static int conf_check_cookie(struct conf *, const char *, char *, size_t);
static int conf_check_origin(struct conf *, const char *, char *, size_t);
static int conf_check_cidrs(struct conf *, const char *, char *, size_t);
static int conf_check_metrics_allow(struct conf *, const char *, char *,
	    size_t);
static int conf_check_exempt(struct conf *, const char *, char *, size_t);

#define CONF_FIELD_SIZE(f)	sizeof(((struct conf *)0)->f)
#define CONF_STR(s, k, f, d, chk) \
	{ s, k, CONF_T_STR, offsetof(struct conf, f), CONF_FIELD_SIZE(f), \
	  0, 0, d, chk }
#define CONF_UINT(s, k, f, lo, hi, d) \
	{ s, k, CONF_T_UINT, offsetof(struct conf, f), 0, lo, hi, d, NULL }
#define CONF_ENUM(s, k, t, f, d) \
	{ s, k, t, offsetof(struct conf, f), 0, 0, 0, d, NULL }

/*
 * One row per key: the file, the environment and the defaults all go
 * through this table, so a key cannot exist in one and not the others.
 * Keep it in step with conf.h, conf-examples/apitoken.conf and the man page.
 */
static const struct conf_key conf_keys[] = {
	CONF_STR("server", "listen", listen, "/run/apitoken/apitoken.sock",
	    conf_check_nonempty),
	{ "server", "socket_mode", CONF_T_MODE,
	  offsetof(struct conf, socket_mode), 0, 0, 0777, "0660", NULL },
	CONF_UINT("server", "workers", workers, 0, 256, "0"),
	/* A safety net, not a routine: a recycled worker starts cold. */
	CONF_UINT("server", "max_requests", max_requests, 0, 100000000,
	    "1000000"),
	CONF_UINT("server", "shutdown_timeout", shutdown_timeout, 1, 3600,
	    "10"),
	CONF_UINT("server", "backlog", backlog, 1, 65535, "128"),
	CONF_UINT("server", "io_timeout", io_timeout, 1, 3600, "30"),
	CONF_STR("server", "user", user, "", NULL),
	CONF_STR("server", "group", group, "", NULL),
	CONF_STR("server", "pid_file", pid_file, "", NULL),

	CONF_STR("database", "host", db_host, "localhost",
	    conf_check_nonempty),
	CONF_UINT("database", "port", db_port, 1, 65535, "3306"),
	CONF_STR("database", "socket", db_socket, "", NULL),
	CONF_STR("database", "user", db_user, "apitoken",
	    conf_check_nonempty),
	CONF_STR("database", "password", db_password, "", NULL),
	CONF_STR("database", "password_file", db_password_file, "", NULL),
	CONF_STR("database", "name", db_name, "apitoken",
	    conf_check_nonempty),
	CONF_UINT("database", "connect_timeout", db_connect_timeout, 1, 60,
	    "3"),
	CONF_UINT("database", "read_timeout", db_read_timeout, 1, 600, "10"),
	CONF_UINT("database", "write_timeout", db_write_timeout, 1, 600,
	    "10"),

	CONF_STR("tokens", "prefix", token_prefix, "atk_", conf_check_prefix),
	CONF_STR("tokens", "secret_file", secret_file, "/etc/apitoken/secret",
	    conf_check_nonempty),
	/* Ten years: beyond that an expiry is a typo, not a policy. */
	CONF_UINT("tokens", "default_ttl", token_default_ttl, 0, 315360000,
	    "0"),
	CONF_UINT("tokens", "max_ttl", token_max_ttl, 0, 315360000, "0"),
	CONF_UINT("tokens", "last_used_flush", last_used_flush, 1, 300, "5"),
	/* GitLab keeps last_used_at to 10 minutes; a day is the coarsest. */
	CONF_UINT("tokens", "last_used_grain", last_used_grain, 1, 86400,
	    "300"),
	CONF_UINT("tokens", "max_tokens_per_user", max_tokens_per_user, 1,
	    1000000, "1000"),

	CONF_STR("http", "public_origin", public_origin, "",
	    conf_check_origin),
	CONF_STR("http", "trusted_proxies", trusted_proxies_text, "",
	    conf_check_cidrs),
	CONF_STR("http", "metrics_allow", metrics_allow_text,
	    "127.0.0.1/32, ::1/128", conf_check_metrics_allow),
	CONF_UINT("http", "max_body", max_body, 1024, 16777216, "65536"),
	CONF_UINT("http", "session_ttl", session_ttl, 60, 31536000, "43200"),
	CONF_STR("http", "cookie_name", cookie_name, "apitoken_session",
	    conf_check_cookie),
	CONF_ENUM("http", "secure_cookies", CONF_T_TRISTATE, secure_cookies,
	    "auto"),

	/*
	 * How often each pool reads the auth epoch: what a revocation made on
	 * another host may take to be seen. On this host's pool a revocation
	 * is seen at once whatever the TTL.
	 */
	CONF_UINT("cache", "ttl", cache_ttl, 0, 300, "2"),
	CONF_UINT("cache", "entries", cache_entries, 0, 4194304, "131072"),

	/*
	 * Guessing: 5 wrong passwords a login and 20 an address every 15
	 * minutes, 100 bad tokens an address a minute (throttle*.c).
	 */
	CONF_UINT("throttle", "login_per_ip", login_per_ip, 0, 1000000, "20"),
	CONF_UINT("throttle", "login_per_account", login_per_account, 0,
	    1000000, "5"),
	CONF_UINT("throttle", "login_window", login_window, 1, 86400, "900"),
	CONF_UINT("throttle", "token_per_ip", token_per_ip, 0, 1000000, "100"),
	CONF_UINT("throttle", "token_window", token_window, 1, 3600, "60"),
	CONF_STR("throttle", "exempt", throttle_exempt_text, "",
	    conf_check_exempt),

	CONF_STR("log", "file", log_file, "", NULL),
	CONF_ENUM("log", "level", CONF_T_LEVEL, log_level, "info"),
};

#define CONF_NKEYS	(sizeof(conf_keys) / sizeof(conf_keys[0]))

static const char *const conf_sections[] = {
	"server", "database", "tokens", "http", "cache", "throttle", "log",
};

/* Length of s to quote back in a message, so one bad line cannot flood it. */
static int
conf_qlen(const char *s)
{
	size_t n = strnlen(s, CONF_QUOTE_MAX);

	return (int)n;
}

static const char *
conf_qmore(const char *s)
{
	return strnlen(s, CONF_QUOTE_MAX + 1) > CONF_QUOTE_MAX ? "..." : "";
}

static int
conf_check_nonempty(struct conf *c, const char *v, char *msg, size_t msglen)
{
	(void)c;
	if (*v != '\0')
		return 0;
	util_errf(msg, msglen, "must not be empty");
	return -1;
}

static int
conf_check_prefix(struct conf *c, const char *v, char *msg, size_t msglen)
{
	(void)c;
	if (token_prefix_valid(v))
		return 0;
	util_errf(msg, msglen, "bad token prefix \"%.*s\"%s (expected 1..%d of "
	    "A-Z a-z 0-9 _)", conf_qlen(v), v, conf_qmore(v), TOKEN_PREFIX_MAX);
	return -1;
}

/* RFC 7230 tchar: what a cookie name may be made of (RFC 6265). */
static int
conf_is_tchar(unsigned char ch)
{
	return isalnum(ch) || (ch != '\0' && strchr("!#$%&'*+-.^_`|~", ch) !=
	    NULL);
}

static int
conf_check_cookie(struct conf *c, const char *v, char *msg, size_t msglen)
{
	const char *p;

	(void)c;
	if (*v == '\0')
		goto bad;
	for (p = v; *p != '\0'; p++)
		if (!conf_is_tchar((unsigned char)*p))
			goto bad;
	return 0;
bad:
	util_errf(msg, msglen, "bad cookie name \"%.*s\"%s (expected letters, "
	    "digits and !#$%%&'*+-.^_`|~)", conf_qlen(v), v, conf_qmore(v));
	return -1;
}

/*
 * Each public origin is compared byte for byte with the Origin header,
 * which is scheme://host[:port] with nothing after; anything else would
 * never match. 0 or -1.
 */
static int
conf_origin_ok(const char *v)
{
	const char *p, *host;
	unsigned long port;
	size_t ndig;

	if (strncmp(v, "https://", 8) == 0)
		p = v + 8;
	else if (strncmp(v, "http://", 7) == 0)
		p = v + 7;
	else
		return -1;
	host = p;
	if (*p == '[') {
		/* IPv6 literal: hex digits, colons and dots up to ']'. */
		for (p++; isxdigit((unsigned char)*p) || *p == ':' ||
		    *p == '.'; p++)
			continue;
		if (*p != ']' || p == host + 1)
			return -1;
		p++;
	} else {
		while (isalnum((unsigned char)*p) || *p == '-' || *p == '.')
			p++;
		if (p == host)
			return -1;
	}
	if (*p == ':') {
		p++;
		port = 0;
		for (ndig = 0; isdigit((unsigned char)*p) && ndig < 6; p++,
		    ndig++)
			port = port * 10 + (unsigned long)(*p - '0');
		if (ndig == 0 || port == 0 || port > 65535)
			return -1;
	}
	return *p == '\0' ? 0 : -1;
}

/* A site reached under several names lists them all, comma-separated. */
static int
conf_check_origin(struct conf *c, const char *v, char *msg, size_t msglen)
{
	char one[CONF_PATH_MAX];
	const char *p = v, *e;
	size_t n, count = 0;

	(void)c;
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		for (e = p; *e != '\0' && *e != ',' && *e != ' ' && *e != '\t';
		    e++)
			;
		n = (size_t)(e - p);
		if (n >= sizeof(one))
			n = sizeof(one) - 1;
		memcpy(one, p, n);
		one[n] = '\0';
		if (conf_origin_ok(one) == -1) {
			util_errf(msg, msglen, "bad public_origin \"%.*s\"%s "
			    "(expected http://host[:port] or "
			    "https://host[:port], no path; several are "
			    "comma-separated)", conf_qlen(one), one,
			    conf_qmore(one));
			return -1;
		}
		count++;
		p = e;
	}
	/* "," would silently refuse every cookie request that changes state. */
	if (count == 0 && *v != '\0') {
		util_errf(msg, msglen, "bad public_origin \"%.*s\"%s (no origin "
		    "in it)", conf_qlen(v), v, conf_qmore(v));
		return -1;
	}
	return 0;
}

/* Parses a CIDR list value into l; the three list keys share it. */
static int
conf_cidr_list(struct cidr_list *l, const char *v, char *msg, size_t msglen)
{
	char e[160];

	if (cidr_list_parse(v, l, e, sizeof(e)) == 0)
		return 0;
	util_errf(msg, msglen, "bad CIDR list: %s", e);
	return -1;
}

static int
conf_check_cidrs(struct conf *c, const char *v, char *msg, size_t msglen)
{
	return conf_cidr_list(&c->trusted_proxies, v, msg, msglen);
}

static int
conf_check_metrics_allow(struct conf *c, const char *v, char *msg,
    size_t msglen)
{
	return conf_cidr_list(&c->metrics_allow, v, msg, msglen);
}

static int
conf_check_exempt(struct conf *c, const char *v, char *msg, size_t msglen)
{
	return conf_cidr_list(&c->throttle_exempt, v, msg, msglen);
}

/* Decimal (base 10) or octal (base 8) digits only: no sign, no spaces. */
static int
conf_parse_uint(const char *v, unsigned base, unsigned long long *out)
{
	unsigned long long n = 0;
	const char *p;

	if (*v == '\0')
		return -1;
	for (p = v; *p != '\0'; p++) {
		if (*p < '0' || *p >= (char)('0' + base))
			return -1;
		n = n * base + (unsigned)(*p - '0');
		/* Past any range in the table: stop before it can wrap. */
		if (n > UINT_MAX)
			n = (unsigned long long)UINT_MAX + 1;
	}
	*out = n;
	return 0;
}

static int
conf_set(struct conf *c, const struct conf_key *k, const char *v,
    char *msg, size_t msglen)
{
	char *base = (char *)c + k->off;
	unsigned long long n;
	enum log_level level;
	size_t len;

	switch (k->type) {
	case CONF_T_STR:
		len = strnlen(v, k->size);
		if (len >= k->size) {
			/* The value itself is not echoed: it may be a password. */
			util_errf(msg, msglen, "value of %s is too long (max %zu "
			    "bytes)", k->key, k->size - 1);
			return -1;
		}
		if (k->check != NULL && k->check(c, v, msg, msglen) == -1)
			return -1;
		memcpy(base, v, len + 1);
		return 0;
	case CONF_T_UINT:
		if (conf_parse_uint(v, 10, &n) == -1) {
			util_errf(msg, msglen, "bad number \"%.*s\"%s for %s "
			    "(expected %u..%u)", conf_qlen(v), v, conf_qmore(v),
			    k->key, k->min, k->max);
			return -1;
		}
		if (n < k->min || n > k->max) {
			util_errf(msg, msglen, "%s = %.*s%s is out of range "
			    "(%u..%u)", k->key, conf_qlen(v), v, conf_qmore(v),
			    k->min, k->max);
			return -1;
		}
		*(unsigned *)(void *)base = (unsigned)n;
		return 0;
	case CONF_T_MODE:
		if (conf_parse_uint(v, 8, &n) == -1 || n > k->max) {
			util_errf(msg, msglen, "bad mode \"%.*s\"%s for %s "
			    "(expected octal 0000..%04o)", conf_qlen(v), v,
			    conf_qmore(v), k->key, k->max);
			return -1;
		}
		*(unsigned *)(void *)base = (unsigned)n;
		return 0;
	case CONF_T_TRISTATE:
		if (strcmp(v, "auto") == 0)
			*(enum conf_tristate *)(void *)base = CONF_AUTO;
		else if (strcmp(v, "on") == 0)
			*(enum conf_tristate *)(void *)base = CONF_ON;
		else if (strcmp(v, "off") == 0)
			*(enum conf_tristate *)(void *)base = CONF_OFF;
		else {
			util_errf(msg, msglen, "bad value \"%.*s\"%s for %s "
			    "(expected auto, on or off)", conf_qlen(v), v,
			    conf_qmore(v), k->key);
			return -1;
		}
		return 0;
	case CONF_T_LEVEL:
		if (log_level_parse(v, &level) == -1) {
			util_errf(msg, msglen, "bad value \"%.*s\"%s for %s "
			    "(expected debug, info, warn or error)",
			    conf_qlen(v), v, conf_qmore(v), k->key);
			return -1;
		}
		*(enum log_level *)(void *)base = level;
		return 0;
	}
	util_errf(msg, msglen, "internal error: bad type for %s", k->key);
	return -1;
}

void
conf_defaults(struct conf *c)
{
	char msg[CONF_MSG_MAX];
	size_t i;

	memset(c, 0, sizeof(*c));
	/* The defaults are in the table and valid, so this cannot fail. */
	for (i = 0; i < CONF_NKEYS; i++)
		(void)conf_set(c, &conf_keys[i], conf_keys[i].def, msg,
		    sizeof(msg));
}

static const struct conf_key *
conf_find(const char *section, const char *key, size_t *idx)
{
	size_t i;

	for (i = 0; i < CONF_NKEYS; i++) {
		if (strcmp(conf_keys[i].section, section) == 0 &&
		    strcmp(conf_keys[i].key, key) == 0) {
			*idx = i;
			return &conf_keys[i];
		}
	}
	return NULL;
}

static int
conf_section_known(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(conf_sections) / sizeof(conf_sections[0]); i++)
		if (strcmp(conf_sections[i], s) == 0)
			return 1;
	return 0;
}

/* "APITOKEN_DATABASE_PASSWORD_FILE" for [database] password_file. */
static int
conf_env_name(const struct conf_key *k, char *buf, size_t size)
{
	char *p;
	int n;

	n = snprintf(buf, size, "APITOKEN_%s_%s", k->section, k->key);
	if (n < 0 || (size_t)n >= size)
		return -1;
	for (p = buf; *p != '\0'; p++)
		*p = (char)toupper((unsigned char)*p);
	return 0;
}

static void
conf_where(const char *path, const struct conf_key *k,
    const struct conf_origin *o, char *buf, size_t size)
{
	char env[CONF_NAME_MAX];

	if (o->env && conf_env_name(k, env, sizeof(env)) == 0)
		util_errf(buf, size, "%s: ", env);
	else if (o->line > 0 && path != NULL)
		util_errf(buf, size, "%s:%u: ", path, o->line);
	else
		util_errf(buf, size, "%s: ", path != NULL ? path : "defaults");
}

static int
conf_is_space(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* Trims spaces and tabs in place; returns the new start. */
static char *
conf_trim(char *s)
{
	size_t n;

	while (conf_is_space(*s))
		s++;
	n = strlen(s);
	while (n > 0 && conf_is_space(s[n - 1]))
		s[--n] = '\0';
	return s;
}

/*
 * Reads one line into buf (without the newline). Returns 1 for a line, 0 at
 * end of file, -1 with msg set for an over-long line or a NUL byte.
 */
static int
conf_read_line(FILE *f, char *buf, size_t size, char *msg, size_t msglen)
{
	size_t n = 0;
	int ch;

	while ((ch = getc(f)) != EOF && ch != '\n') {
		if (ch == '\0') {
			util_errf(msg, msglen, "NUL byte in line");
			return -1;
		}
		if (n + 1 >= size) {
			util_errf(msg, msglen, "line too long (max %zu bytes)",
			    size - 1);
			return -1;
		}
		buf[n++] = (char)ch;
	}
	if (ch == EOF && ferror(f)) {
		util_errf(msg, msglen, "read error: %s", strerror(errno));
		return -1;
	}
	buf[n] = '\0';
	if (ch == EOF && n == 0)
		return 0;
	/* CRLF files from Windows editors: the CR is not part of the value. */
	if (n > 0 && buf[n - 1] == '\r')
		buf[n - 1] = '\0';
	return 1;
}

/* Handles one trimmed, non-blank, non-comment line. */
static int
conf_line(struct conf *c, char *s, char *section, size_t seclen,
    struct conf_origin *orig, unsigned lineno, char *msg, size_t msglen)
{
	const struct conf_key *k;
	char *eq, *key, *val, *end;
	size_t idx, n;

	if (*s == '[') {
		end = strchr(s, ']');
		if (end == NULL || end[1] != '\0') {
			util_errf(msg, msglen, "bad section header (expected "
			    "\"[name]\")");
			return -1;
		}
		*end = '\0';
		s = conf_trim(s + 1);
		if (!conf_section_known(s)) {
			util_errf(msg, msglen, "unknown section [%.*s]%s "
			    "(expected server, database, tokens, http, cache, "
			    "throttle or log)", conf_qlen(s), s, conf_qmore(s));
			return -1;
		}
		/* Known sections are short; seclen holds the longest. */
		n = strlen(s);
		if (n >= seclen) {
			util_errf(msg, msglen, "internal error: section name");
			return -1;
		}
		memcpy(section, s, n + 1);
		return 0;
	}
	if ((eq = strchr(s, '=')) == NULL) {
		util_errf(msg, msglen, "expected \"key = value\", \"[section]\" "
		    "or a comment");
		return -1;
	}
	*eq = '\0';
	key = conf_trim(s);
	val = conf_trim(eq + 1);
	if (*key == '\0') {
		util_errf(msg, msglen, "missing key before \"=\"");
		return -1;
	}
	if (*section == '\0') {
		util_errf(msg, msglen, "key \"%.*s\"%s outside a section",
		    conf_qlen(key), key, conf_qmore(key));
		return -1;
	}
	if ((k = conf_find(section, key, &idx)) == NULL) {
		util_errf(msg, msglen, "unknown key \"%.*s\"%s in [%s]",
		    conf_qlen(key), key, conf_qmore(key), section);
		return -1;
	}
	if (orig[idx].line != 0) {
		util_errf(msg, msglen, "duplicate key \"%s\" in [%s] (first set "
		    "at line %u)", k->key, section, orig[idx].line);
		return -1;
	}
	/* Quotes keep leading or trailing spaces; nothing is escaped inside. */
	n = strlen(val);
	if (n > 0 && val[0] == '"') {
		if (n < 2 || val[n - 1] != '"') {
			util_errf(msg, msglen, "unbalanced quote in value of %s",
			    k->key);
			return -1;
		}
		val[n - 1] = '\0';
		val++;
	}
	if (conf_set(c, k, val, msg, msglen) == -1)
		return -1;
	orig[idx].line = lineno;
	return 0;
}

static int
conf_load_file(struct conf *c, const char *path, struct conf_origin *orig,
    char *err, size_t errlen)
{
	char line[CONF_LINE_MAX + 1], section[16], msg[CONF_MSG_MAX], *s;
	unsigned lineno = 0;
	FILE *f;
	int rc = -1, r;

	section[0] = '\0';
	if ((f = fopen(path, "re")) == NULL) {
		util_errf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		lineno++;
		r = conf_read_line(f, line, sizeof(line), msg, sizeof(msg));
		if (r == 0)
			break;
		if (r == -1) {
			util_errf(err, errlen, "%s:%u: %s", path, lineno, msg);
			goto out;
		}
		s = conf_trim(line);
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (conf_line(c, s, section, sizeof(section), orig, lineno,
		    msg, sizeof(msg)) == -1) {
			util_errf(err, errlen, "%s:%u: %s", path, lineno, msg);
			goto out;
		}
	}
	rc = 0;
out:
	explicit_bzero(line, sizeof(line));
	fclose(f);
	return rc;
}

static int
conf_load_env(struct conf *c, struct conf_origin *orig, char *err,
    size_t errlen)
{
	char name[CONF_NAME_MAX], msg[CONF_MSG_MAX];
	const char *v;
	size_t i;

	for (i = 0; i < CONF_NKEYS; i++) {
		if (conf_env_name(&conf_keys[i], name, sizeof(name)) == -1) {
			util_errf(err, errlen, "internal error: env name for %s",
			    conf_keys[i].key);
			return -1;
		}
		if ((v = getenv(name)) == NULL)
			continue;
		if (conf_set(c, &conf_keys[i], v, msg, sizeof(msg)) == -1) {
			util_errf(err, errlen, "%s: %s", name, msg);
			return -1;
		}
		orig[i].env = 1;
	}
	return 0;
}

/*
 * The first line of password_file becomes the password, so the secret can
 * live in a 0600 file (or a container secret) instead of the config.
 */
static int
conf_read_password(struct conf *c, char *msg, size_t msglen)
{
	char buf[sizeof(c->db_password) + 1];
	size_t n = 0, len;
	ssize_t r;
	char *nl;
	int fd, rc = -1;

	if ((fd = open(c->db_password_file, O_RDONLY | O_CLOEXEC)) == -1) {
		util_errf(msg, msglen, "password_file %s: %s",
		    c->db_password_file, strerror(errno));
		return -1;
	}
	/* Enough for the longest password, its newline, and no more. */
	while (n < sizeof(buf)) {
		r = read(fd, buf + n, sizeof(buf) - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			util_errf(msg, msglen, "password_file %s: %s",
			    c->db_password_file, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (memchr(buf, '\n', n) != NULL)
			break;
	}
	nl = memchr(buf, '\n', n);
	len = nl != NULL ? (size_t)(nl - buf) : n;
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	if (len >= sizeof(c->db_password)) {
		util_errf(msg, msglen, "password_file %s: first line is too long "
		    "(max %zu bytes)", c->db_password_file,
		    sizeof(c->db_password) - 1);
		goto out;
	}
	if (len == 0 || memchr(buf, '\0', len) != NULL) {
		util_errf(msg, msglen, "password_file %s: first line is empty "
		    "or holds a NUL byte", c->db_password_file);
		goto out;
	}
	memcpy(c->db_password, buf, len);
	c->db_password[len] = '\0';
	rc = 0;
out:
	explicit_bzero(buf, sizeof(buf));
	close(fd);
	return rc;
}

static size_t
conf_index(const char *section, const char *key)
{
	size_t idx = 0;

	(void)conf_find(section, key, &idx);
	return idx;
}

/* Checks that involve more than one key, once everything is read. */
static int
conf_finish(struct conf *c, const char *path, const struct conf_origin *orig,
    char *err, size_t errlen)
{
	char where[CONF_WHERE_MAX], msg[CONF_MSG_MAX];
	size_t i;

	if (c->db_password_file[0] != '\0' &&
	    conf_read_password(c, msg, sizeof(msg)) == -1) {
		i = conf_index("database", "password_file");
		conf_where(path, &conf_keys[i], &orig[i], where, sizeof(where));
		util_errf(err, errlen, "%s%s", where, msg);
		return -1;
	}
	if (c->token_max_ttl != 0 && c->token_default_ttl > c->token_max_ttl) {
		i = conf_index("tokens", "default_ttl");
		conf_where(path, &conf_keys[i], &orig[i], where, sizeof(where));
		util_errf(err, errlen, "%sdefault_ttl (%u) is above max_ttl (%u)",
		    where, c->token_default_ttl, c->token_max_ttl);
		return -1;
	}
	return 0;
}

int
conf_load(struct conf *c, const char *path, char *err, size_t errlen)
{
	struct conf_origin orig[CONF_NKEYS];
	int rc = -1;

	if (errlen > 0)
		err[0] = '\0';
	memset(orig, 0, sizeof(orig));
	conf_defaults(c);
	if (path != NULL && conf_load_file(c, path, orig, err, errlen) == -1)
		goto out;
	if (conf_load_env(c, orig, err, errlen) == -1)
		goto out;
	if (conf_finish(c, path, orig, err, errlen) == -1)
		goto out;
	rc = 0;
out:
	/* A failed load leaves no password behind in a struct nobody uses. */
	if (rc == -1)
		explicit_bzero(c->db_password, sizeof(c->db_password));
	return rc;
}
