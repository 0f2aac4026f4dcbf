/*
 * fuzz_conf.c: the configuration file parser (conf_load) on arbitrary
 * file contents. Checks that a loaded config keeps every value inside its
 * field and its range, that writing it back as a file and loading that
 * gives the same config (the round trip), that errors stay inside their
 * buffer and never quote a password, and that a failed load leaves no
 * password behind.
 *
 * Includes conf.c to reach its key table, with fopen() replaced so the
 * file is read from memory (no system call per input). password_file is
 * forced empty through the environment (which overrides the file): the
 * target parses text, it must not open files named by its input.
 *
 * Input: one byte picks the error buffer size, the rest is the file.
 */
#include <stdio.h>

#include "fuzz.h"

/* The two files: the input, and the config written back from it. */
static struct {
	const char	*path;
	const void	*data;
	size_t		 len;
} fuzz_files[2] = { { "fuzz.conf", NULL, 0 }, { "again.conf", NULL, 0 } };

static FILE *
fuzz_fopen(const char *path, const char *mode)
{
	/* One file is open at a time: a static buffer spares a malloc. */
	static char buf[8192];
	int i = strcmp(path, fuzz_files[1].path) == 0;
	FILE *f;

	(void)mode;
	/* fmemopen refuses an empty buffer. */
	if (fuzz_files[i].len == 0)
		return fopen("/dev/null", "r");
	f = fmemopen((void *)fuzz_files[i].data, fuzz_files[i].len, "r");
	if (f != NULL)
		setvbuf(f, buf, _IOFBF, sizeof(buf));
	return f;
}

#define fopen(path, mode)	fuzz_fopen(path, mode)
#include "../../fcgi-app/conf.c"
#undef fopen

/* The second config of a check. */
static struct conf fuzz_other;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char name[CONF_NAME_MAX];
	size_t i;

	(void)argc;
	(void)argv;
	for (i = 0; i < CONF_NKEYS; i++)
		if (conf_env_name(&conf_keys[i], name, sizeof(name)) == 0)
			unsetenv(name);
	setenv("APITOKEN_DATABASE_PASSWORD_FILE", "", 1);
	return 0;
}

static const char *
fuzz_level_name(enum log_level l)
{
	static const char *const names[] = { "debug", "info", "warn", "error" };

	return names[l];
}

static const char *
fuzz_tristate_name(enum conf_tristate t)
{
	return t == CONF_ON ? "on" : t == CONF_OFF ? "off" : "auto";
}

/* Every field within its size and range. */
static void
fuzz_check_loaded(const struct conf *c)
{
	const char *base;
	unsigned u;
	size_t i;

	for (i = 0; i < CONF_NKEYS; i++) {
		base = (const char *)c + conf_keys[i].off;
		switch (conf_keys[i].type) {
		case CONF_T_STR:
			FUZZ_CHECK(strnlen(base, conf_keys[i].size) <
			    conf_keys[i].size, "%s not terminated",
			    conf_keys[i].key);
			break;
		case CONF_T_UINT:
		case CONF_T_MODE:
			memcpy(&u, base, sizeof(u));
			FUZZ_CHECK(u >= conf_keys[i].min && u <= (conf_keys[i].type
			    == CONF_T_MODE ? 0777u : conf_keys[i].max),
			    "%s = %u out of range", conf_keys[i].key, u);
			break;
		case CONF_T_TRISTATE:
		case CONF_T_LEVEL:
			memcpy(&u, base, sizeof(u));
			FUZZ_CHECK(u <= 3, "%s = %u", conf_keys[i].key, u);
			break;
		}
	}
	FUZZ_CHECK(token_prefix_valid(c->token_prefix), "prefix");
	FUZZ_CHECK(c->trusted_proxies.n <= CIDR_LIST_MAX &&
	    c->metrics_allow.n <= CIDR_LIST_MAX, "list sizes");
}

/* c written back in the file format; its length. */
static size_t
fuzz_write(const struct conf *c, char *buf, size_t size)
{
	const char *sec = "", *base;
	size_t i, o = 0;
	unsigned u;
	int n = 0;

	for (i = 0; i < CONF_NKEYS; i++) {
		const struct conf_key *k = &conf_keys[i];

		if (strcmp(sec, k->section) != 0) {
			sec = k->section;
			n = snprintf(buf + o, size - o, "[%s]\n", sec);
			FUZZ_CHECK(n > 0 && (size_t)n < size - o, "room");
			o += (size_t)n;
		}
		base = (const char *)c + k->off;
		memcpy(&u, base, sizeof(u));
		/* password_file comes from the environment, as it did. */
		if (strcmp(k->key, "password_file") == 0)
			continue;
		switch (k->type) {
		case CONF_T_STR:
			/* Quotes keep every byte; nothing is escaped inside. */
			n = snprintf(buf + o, size - o, "%s = \"%s\"\n", k->key,
			    base);
			break;
		case CONF_T_UINT:
			n = snprintf(buf + o, size - o, "%s = %u\n", k->key, u);
			break;
		case CONF_T_MODE:
			n = snprintf(buf + o, size - o, "%s = %o\n", k->key, u);
			break;
		case CONF_T_TRISTATE:
			n = snprintf(buf + o, size - o, "%s = %s\n", k->key,
			    fuzz_tristate_name((enum conf_tristate)u));
			break;
		case CONF_T_LEVEL:
			n = snprintf(buf + o, size - o, "%s = %s\n", k->key,
			    fuzz_level_name((enum log_level)u));
			break;
		}
		FUZZ_CHECK(n > 0 && (size_t)n < size - o, "room");
		o += (size_t)n;
	}
	return o;
}

static void
fuzz_round_trip(const struct conf *c)
{
	static char text[16384];
	struct conf *again = &fuzz_other;
	char err[CONF_MSG_MAX];
	const char *x, *y;
	size_t i, n;

	n = fuzz_write(c, text, sizeof(text));
	fuzz_files[1].data = text;
	fuzz_files[1].len = n;
	FUZZ_CHECK(conf_load(again, fuzz_files[1].path, err, sizeof(err)) == 0,
	    "the written-back config does not load: %s", err);
	for (i = 0; i < CONF_NKEYS; i++) {
		x = (const char *)c + conf_keys[i].off;
		y = (const char *)again + conf_keys[i].off;
		if (conf_keys[i].type == CONF_T_STR)
			FUZZ_CHECK(strcmp(x, y) == 0, "%s differs after the "
			    "round trip", conf_keys[i].key);
		else
			FUZZ_CHECK(memcmp(x, y, sizeof(unsigned)) == 0,
			    "%s differs after the round trip", conf_keys[i].key);
	}
	FUZZ_CHECK(c->trusted_proxies.n == again->trusted_proxies.n &&
	    memcmp(c->trusted_proxies.items, again->trusted_proxies.items,
	    c->trusted_proxies.n * sizeof(struct cidr)) == 0, "proxies");
	FUZZ_CHECK(c->metrics_allow.n == again->metrics_allow.n &&
	    memcmp(c->metrics_allow.items, again->metrics_allow.items,
	    c->metrics_allow.n * sizeof(struct cidr)) == 0, "metrics_allow");
}

/* The next letter or digit of the same kind: same shape, other value. */
static char
fuzz_rotate(char ch)
{
	if (ch >= 'a' && ch <= 'z')
		return ch == 'z' ? 'a' : (char)(ch + 1);
	if (ch >= 'A' && ch <= 'Z')
		return ch == 'Z' ? 'A' : (char)(ch + 1);
	if (ch >= '0' && ch <= '9')
		return ch == '9' ? '0' : (char)(ch + 1);
	return ch;
}

/*
 * An error message never quotes a password: the same file with the
 * letters and digits of every "password = ..." value changed must fail
 * with the very same message.
 */
static void
fuzz_check_no_password(const uint8_t *d, size_t n, const char *err,
    size_t errlen)
{
	char *copy = fuzz_dup(d, n), *p, *end = copy + n, *nl, *v, *err2;
	int found = 0;

	for (p = copy; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		for (v = p; v < nl && (*v == ' ' || *v == '\t'); v++)
			;
		if ((size_t)(nl - v) < 9 || memcmp(v, "password", 8) != 0)
			continue;
		for (v += 8; v < nl && (*v == ' ' || *v == '\t'); v++)
			;
		if (v >= nl || *v != '=')
			continue;
		for (found = 1, v++; v < nl; v++)
			*v = fuzz_rotate(*v);
	}
	if (found) {
		if ((err2 = malloc(errlen)) == NULL)
			abort();
		fuzz_files[0].data = copy;
		FUZZ_CHECK(conf_load(&fuzz_other, fuzz_files[0].path, err2,
		    errlen) == -1, "a changed password makes the file load");
		FUZZ_CHECK(strcmp(err, err2) == 0, "the error quotes the "
		    "password: \"%s\" became \"%s\"", err, err2);
		free(err2);
	}
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t sizes[] = { 512, 100, 16, 1 };
	static struct conf c;
	static const char zero[sizeof(c.db_password)];
	struct fuzz_in in = { data, size };
	size_t errlen = sizes[fuzz_byte(&in) % 4];
	char *err = malloc(errlen);

	if (err == NULL)
		abort();
	fuzz_files[0].data = in.p;
	fuzz_files[0].len = in.n;
	if (conf_load(&c, fuzz_files[0].path, err, errlen) == 0) {
		fuzz_check_loaded(&c);
		fuzz_round_trip(&c);
	} else {
		FUZZ_CHECK(strnlen(err, errlen) < errlen, "error not terminated");
		FUZZ_CHECK(errlen < 100 || strncmp(err, "fuzz.conf:", 10) == 0,
		    "error without its place: %s", err);
		FUZZ_CHECK(memcmp(c.db_password, zero, sizeof(zero)) == 0,
		    "a failed load leaves the password");
		fuzz_check_no_password(in.p, in.n, err, errlen);
	}
	free(err);
	return 0;
}
