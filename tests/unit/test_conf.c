/* test_conf.c: the config file, its environment overrides, and its errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "unit.h"

extern char **environ;

/* Path of the last file written by conf_text; kept for building messages. */
static char tmp_path[64];
static char err[1024];
static char want[1024];

/* Writes text to a new file under /tmp; its path is left in path. */
static int
write_tmp_len(const char *text, size_t len, char *path, size_t size)
{
	int fd, n;

	n = snprintf(path, size, "/tmp/test_conf.XXXXXX");
	if (n < 0 || (size_t)n >= size)
		return -1;
	if ((fd = mkstemp(path)) == -1)
		return -1;
	if (write(fd, text, len) != (ssize_t)len) {
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 0;
}

static int
write_tmp(const char *text, char *path, size_t size)
{
	return write_tmp_len(text, strlen(text), path, size);
}

/* Loads len bytes of text as a config file, then removes the file. */
static int
conf_bytes(struct conf *c, const char *text, size_t len)
{
	int rc;

	err[0] = '\0';
	if (write_tmp_len(text, len, tmp_path, sizeof(tmp_path)) == -1) {
		snprintf(err, sizeof(err), "cannot write a temp file");
		return -2;
	}
	rc = conf_load(c, tmp_path, err, sizeof(err));
	unlink(tmp_path);
	return rc;
}

static int
conf_text(struct conf *c, const char *text)
{
	return conf_bytes(c, text, strlen(text));
}

/* "<tmp_path>:<suffix>", the error expected for the last file. */
static const char *
at(const char *suffix)
{
	int n = snprintf(want, sizeof(want), "%s:%s", tmp_path, suffix);

	return n < 0 || (size_t)n >= sizeof(want) ? "(overflow)" : want;
}

/* The error of a failed load, or a marker when it unexpectedly passed. */
static const char *
fails(struct conf *c, const char *text)
{
	return conf_text(c, text) == -1 ? err : "(loaded)";
}

/* No APITOKEN_* variable of the caller may leak into the checks. */
static void
clear_env(void)
{
	char name[128];
	char **e;
	size_t n;

	for (;;) {
		for (e = environ; *e != NULL; e++)
			if (strncmp(*e, "APITOKEN_", 9) == 0)
				break;
		if (*e == NULL)
			return;
		n = strcspn(*e, "=");
		if (n >= sizeof(name))
			return;
		memcpy(name, *e, n);
		name[n] = '\0';
		unsetenv(name);
	}
}

static void
test_defaults(void)
{
	struct conf c, d;

	UNIT_CHECK("load without a file succeeds with defaults",
	    conf_load(&c, NULL, err, sizeof(err)) == 0);
	conf_defaults(&d);
	UNIT_CHECK("conf_defaults equals a load without file or env",
	    memcmp(&c, &d, sizeof(c)) == 0);
	UNIT_CHECK_STR("default listen is the unix socket", c.listen,
	    "/run/apitoken/apitoken.sock");
	UNIT_CHECK("default server numbers: mode 0660, workers 0, "
	    "max_requests 1000000, shutdown 10, backlog 128",
	    c.socket_mode == 0660 && c.workers == 0 &&
	    c.max_requests == 1000000 && c.shutdown_timeout == 10 &&
	    c.io_timeout == 30 &&
	    c.backlog == 128);
	UNIT_CHECK("default user, group and pid_file are empty",
	    c.user[0] == '\0' && c.group[0] == '\0' && c.pid_file[0] == '\0');
	UNIT_CHECK("default database: localhost:3306, apitoken/apitoken, "
	    "timeouts 3/10/10",
	    strcmp(c.db_host, "localhost") == 0 && c.db_port == 3306 &&
	    strcmp(c.db_user, "apitoken") == 0 &&
	    strcmp(c.db_name, "apitoken") == 0 && c.db_socket[0] == '\0' &&
	    c.db_password[0] == '\0' && c.db_password_file[0] == '\0' &&
	    c.db_connect_timeout == 3 && c.db_read_timeout == 10 &&
	    c.db_write_timeout == 10);
	UNIT_CHECK("default tokens: atk_, secret path, no ttl, flush 5, "
	    "1000 per user",
	    strcmp(c.token_prefix, "atk_") == 0 &&
	    strcmp(c.secret_file, "/etc/apitoken/secret") == 0 &&
	    c.token_default_ttl == 0 && c.token_max_ttl == 0 &&
	    c.last_used_flush == 5 && c.last_used_grain == 300 &&
	    c.max_tokens_per_user == 1000);
	UNIT_CHECK("default http: no origin, no proxies, 64 KiB body, 12 h "
	    "sessions, auto secure cookies",
	    c.public_origin[0] == '\0' && c.trusted_proxies.n == 0 &&
	    c.max_body == 65536 && c.session_ttl == 43200 &&
	    strcmp(c.cookie_name, "apitoken_session") == 0 &&
	    c.secure_cookies == CONF_AUTO);
	UNIT_CHECK("default log: stderr at info",
	    c.log_file[0] == '\0' && c.log_level == LOG_LEVEL_INFO);
}

static void
test_types(void)
{
	struct conf c;
	uint8_t a[16];
	int rc;

	rc = conf_text(&c,
	    "# a full file\n"
	    "; semicolon comment\n"
	    "\n"
	    "   # indented comment\n"
	    "[server]\n"
	    "listen = 127.0.0.1:9000\n"
	    "socket_mode = 0600\n"
	    "workers=4\n"
	    "\tbacklog\t=\t511\t\n"
	    "[ database ]\n"
	    "host = db1,db2:3307\n"
	    "port = 3307\n"
	    "user = svc\n"
	    "password = \"  spaced # not a comment  \"\n"
	    "[tokens]\n"
	    "prefix = Tok_9\n"
	    "default_ttl = 3600\n"
	    "max_ttl = 86400\n"
	    "[http]\n"
	    "public_origin = https://tokens.example.com:8443\n"
	    "trusted_proxies = 10.0.0.0/8, ::1\n"
	    "cookie_name = \"sid\"\n"
	    "secure_cookies = on\n"
	    "[log]\n"
	    "level = debug\n"
	    "file = \"\"\n"
	    "[server]\n"
	    "user = www-data\n");
	UNIT_CHECK("a file using every value type loads", rc == 0);
	if (rc != 0)
		printf("#   %s\n", err);
	UNIT_CHECK_STR("string value is stored", c.listen, "127.0.0.1:9000");
	UNIT_CHECK("octal socket_mode is read as octal", c.socket_mode == 0600);
	UNIT_CHECK("number without spaces around = is read", c.workers == 4);
	UNIT_CHECK("tabs around key and value are trimmed", c.backlog == 511);
	UNIT_CHECK_STR("spaces inside a section header are ignored", c.db_host,
	    "db1,db2:3307");
	UNIT_CHECK_STR("quotes keep inner spaces and a '#'", c.db_password,
	    "  spaced # not a comment  ");
	UNIT_CHECK_STR("quoted plain value loses its quotes", c.cookie_name,
	    "sid");
	UNIT_CHECK("empty quoted value is an empty string",
	    c.log_file[0] == '\0');
	UNIT_CHECK("same user key in [server] and [database] stay separate",
	    strcmp(c.user, "www-data") == 0 && strcmp(c.db_user, "svc") == 0);
	UNIT_CHECK_STR("valid token prefix is stored", c.token_prefix, "Tok_9");
	UNIT_CHECK("ttl values are stored",
	    c.token_default_ttl == 3600 && c.token_max_ttl == 86400);
	UNIT_CHECK("secure_cookies on is CONF_ON", c.secure_cookies == CONF_ON);
	UNIT_CHECK("log level debug is parsed", c.log_level == LOG_LEVEL_DEBUG);
	UNIT_CHECK("trusted_proxies is parsed into the cidr list",
	    c.trusted_proxies.n == 2 &&
	    cidr_addr_parse("10.2.3.4", 8, a) == 0 &&
	    cidr_list_match(&c.trusted_proxies, a));
	UNIT_CHECK("unset keys keep their defaults",
	    c.max_requests == 1000000 && c.last_used_flush == 5);

	UNIT_CHECK("CRLF line endings are accepted",
	    conf_text(&c, "[server]\r\nworkers = 7\r\n") == 0 &&
	    c.workers == 7);
	UNIT_CHECK("last line without a newline is read",
	    conf_text(&c, "[server]\nworkers = 9") == 0 && c.workers == 9);
	UNIT_CHECK("secure_cookies off is CONF_OFF",
	    conf_text(&c, "[http]\nsecure_cookies = off\n") == 0 &&
	    c.secure_cookies == CONF_OFF);
	UNIT_CHECK("socket_mode without a leading zero is still octal",
	    conf_text(&c, "[server]\nsocket_mode = 660\n") == 0 &&
	    c.socket_mode == 0660);
	UNIT_CHECK("origin with an ipv6 literal and port is accepted",
	    conf_text(&c, "[http]\npublic_origin = http://[::1]:8080\n") == 0);
	UNIT_CHECK("a value with an inner quote is taken literally",
	    conf_text(&c, "[database]\npassword = a\"b\"\n") == 0 &&
	    strcmp(c.db_password, "a\"b\"") == 0);
	UNIT_CHECK("range bounds themselves are accepted",
	    conf_text(&c, "[server]\nworkers = 256\nshutdown_timeout = 1\n") ==
	    0 && c.workers == 256 && c.shutdown_timeout == 1);
}

static void
test_errors(void)
{
	struct conf c;
	char line[6000];

	UNIT_CHECK_STR("unknown section stops loading with file:line",
	    fails(&c, "# hi\n[serevr]\n"),
	    at("2: unknown section [serevr] (expected server, database, "
	    "tokens, http, cache, throttle or log)"));
	UNIT_CHECK_STR("unknown key stops loading with file:line",
	    fails(&c, "[server]\nworkers = 2\nfoo = 1\n"),
	    at("3: unknown key \"foo\" in [server]"));
	UNIT_CHECK_STR("key outside a section stops loading",
	    fails(&c, "workers = 2\n"),
	    at("1: key \"workers\" outside a section"));
	UNIT_CHECK_STR("bad number names the key and the range",
	    fails(&c, "[server]\nworkers = four\n"),
	    at("2: bad number \"four\" for workers (expected 0..256)"));
	UNIT_CHECK_STR("negative number is a bad number",
	    fails(&c, "[database]\nport = -1\n"),
	    at("2: bad number \"-1\" for port (expected 1..65535)"));
	UNIT_CHECK_STR("number above the range says the range",
	    fails(&c, "[server]\nworkers = 300\n"),
	    at("2: workers = 300 is out of range (0..256)"));
	UNIT_CHECK_STR("number below the range says the range",
	    fails(&c, "[server]\nshutdown_timeout = 0\n"),
	    at("2: shutdown_timeout = 0 is out of range (1..3600)"));
	UNIT_CHECK_STR("io_timeout 0 is out of range",
	    fails(&c, "[server]\nio_timeout = 0\n"),
	    at("2: io_timeout = 0 is out of range (1..3600)"));
	UNIT_CHECK_STR("number too big for unsigned is out of range, not wrapped",
	    fails(&c, "[http]\nmax_body = 99999999999999999999999\n"),
	    at("2: max_body = 99999999999999999999999 is out of range "
	    "(1024..16777216)"));
	UNIT_CHECK_STR("bad tristate lists the valid values",
	    fails(&c, "[http]\nsecure_cookies = maybe\n"),
	    at("2: bad value \"maybe\" for secure_cookies (expected auto, on "
	    "or off)"));
	UNIT_CHECK_STR("bad log level lists the valid values",
	    fails(&c, "[log]\nlevel = loud\n"),
	    at("2: bad value \"loud\" for level (expected debug, info, warn "
	    "or error)"));
	UNIT_CHECK_STR("socket_mode with a non-octal digit is refused",
	    fails(&c, "[server]\nsocket_mode = 0999\n"),
	    at("2: bad mode \"0999\" for socket_mode (expected octal "
	    "0000..0777)"));
	UNIT_CHECK_STR("socket_mode above 0777 is refused",
	    fails(&c, "[server]\nsocket_mode = 01777\n"),
	    at("2: bad mode \"01777\" for socket_mode (expected octal "
	    "0000..0777)"));

	memset(line, 'x', sizeof(line));
	memcpy(line, "[server]\nlisten = ", 18);
	memcpy(line + sizeof(line) - 2, "\n", 2);
	UNIT_CHECK_STR("over-long line is refused with its bound",
	    fails(&c, line), at("2: line too long (max 4096 bytes)"));
	memset(line, 'x', 300);
	line[300] = '\0';
	{
		char text[400];
		int n = snprintf(text, sizeof(text), "[server]\nlisten = %s\n",
		    line);

		UNIT_CHECK_STR("string longer than its field says the max",
		    n > 0 && (size_t)n < sizeof(text) ? fails(&c, text) : "",
		    at("2: value of listen is too long (max 255 bytes)"));
		n = snprintf(text, sizeof(text), "[database]\npassword = %s\n",
		    line);
		UNIT_CHECK("too-long password is not echoed in the error",
		    n > 0 && (size_t)n < sizeof(text) &&
		    conf_text(&c, text) == -1 && strstr(err, "xxxx") == NULL);
	}
	UNIT_CHECK_STR("missing file says path: strerror",
	    conf_load(&c, "/nonexistent/apitoken.conf", err, sizeof(err)) ==
	    -1 ? err : "(loaded)",
	    "/nonexistent/apitoken.conf: No such file or directory");
	UNIT_CHECK_STR("invalid token prefix is refused",
	    fails(&c, "[tokens]\nprefix = atk-\n"),
	    at("2: bad token prefix \"atk-\" (expected 1..16 of A-Z a-z 0-9 _)"));
	UNIT_CHECK_STR("token prefix longer than 16 is too long",
	    fails(&c, "[tokens]\nprefix = abcdefghijklmnopq\n"),
	    at("2: value of prefix is too long (max 16 bytes)"));
	UNIT_CHECK_STR("bad cidr list names the bad entry",
	    fails(&c, "[http]\ntrusted_proxies = 10.0.0.1, 1.2.3.4/33\n"),
	    at("2: bad CIDR list: bad CIDR entry \"1.2.3.4/33\""));
	UNIT_CHECK("cidr list with an empty entry is refused",
	    conf_text(&c, "[http]\ntrusted_proxies = 10.0.0.1,,::1\n") == -1 &&
	    strncmp(err, at("2: bad CIDR list: empty entry"),
	    strlen(at("2: bad CIDR list: empty entry"))) == 0);
	UNIT_CHECK("cookie name with a space is refused",
	    conf_text(&c, "[http]\ncookie_name = \"my sid\"\n") == -1 &&
	    strncmp(err, at("2: bad cookie name \"my sid\""),
	    strlen(at("2: bad cookie name \"my sid\""))) == 0);
	UNIT_CHECK("cookie name with a semicolon is refused",
	    conf_text(&c, "[http]\ncookie_name = a;b\n") == -1);
	UNIT_CHECK("empty cookie name is refused",
	    conf_text(&c, "[http]\ncookie_name = \"\"\n") == -1);
	UNIT_CHECK_STR("public_origin with a path is refused",
	    fails(&c, "[http]\npublic_origin = https://example.com/\n"),
	    at("2: bad public_origin \"https://example.com/\" (expected "
	    "http://host[:port] or https://host[:port], no path; several are "
	    "comma-separated)"));
	UNIT_CHECK("public_origin takes a comma-separated list",
	    conf_text(&c, "[http]\npublic_origin = https://a.example, "
	    "http://127.0.0.1:8080\n") == 0);
	UNIT_CHECK("a public_origin list without an origin is refused",
	    conf_text(&c, "[http]\npublic_origin = \" , \"\n") == -1);
	UNIT_CHECK_STR("a bad element of the list is named",
	    fails(&c, "[http]\npublic_origin = https://a.example, b.example\n"),
	    at("2: bad public_origin \"b.example\" (expected "
	    "http://host[:port] or https://host[:port], no path; several are "
	    "comma-separated)"));
	UNIT_CHECK("public_origin with another scheme is refused",
	    conf_text(&c, "[http]\npublic_origin = ftp://example.com\n") == -1);
	UNIT_CHECK("public_origin without a host is refused",
	    conf_text(&c, "[http]\npublic_origin = https://:443\n") == -1);
	UNIT_CHECK("public_origin with port 70000 is refused",
	    conf_text(&c, "[http]\npublic_origin = http://h:70000\n") == -1);
	UNIT_CHECK_STR("duplicate key names the first line",
	    fails(&c, "[server]\nworkers = 1\n[server]\nworkers = 2\n"),
	    at("4: duplicate key \"workers\" in [server] (first set at line 2)"));
	UNIT_CHECK_STR("unbalanced quote is refused",
	    fails(&c, "[log]\nfile = \"/var/log/x\n"),
	    at("2: unbalanced quote in value of file"));
	UNIT_CHECK_STR("line without = is refused",
	    fails(&c, "[server]\nworkers 4\n"),
	    at("2: expected \"key = value\", \"[section]\" or a comment"));
	UNIT_CHECK_STR("unterminated section header is refused",
	    fails(&c, "[server\n"),
	    at("1: bad section header (expected \"[name]\")"));
	UNIT_CHECK_STR("empty required string is refused",
	    fails(&c, "[database]\nname =\n"), at("2: must not be empty"));
	UNIT_CHECK_STR("default_ttl above max_ttl is refused where it is set",
	    fails(&c, "[tokens]\ndefault_ttl = 7200\nmax_ttl = 3600\n"),
	    at("2: default_ttl (7200) is above max_ttl (3600)"));
	UNIT_CHECK_STR("NUL byte in the file is refused",
	    conf_bytes(&c, "[server]\nwor\0kers = 1\n", 22) == -1 ? err :
	    "(loaded)", at("2: NUL byte in line"));
}

static void
test_env(void)
{
	struct conf c;

	setenv("APITOKEN_SERVER_WORKERS", "8", 1);
	UNIT_CHECK("env override wins over the file",
	    conf_text(&c, "[server]\nworkers = 4\nbacklog = 64\n") == 0 &&
	    c.workers == 8 && c.backlog == 64);
	UNIT_CHECK("env override applies without a file",
	    conf_load(&c, NULL, err, sizeof(err)) == 0 && c.workers == 8);
	setenv("APITOKEN_SERVER_WORKERS", "lots", 1);
	UNIT_CHECK_STR("bad env value is reported with the variable name",
	    conf_load(&c, NULL, err, sizeof(err)) == -1 ? err : "(loaded)",
	    "APITOKEN_SERVER_WORKERS: bad number \"lots\" for workers "
	    "(expected 0..256)");
	unsetenv("APITOKEN_SERVER_WORKERS");

	setenv("APITOKEN_DATABASE_PASSWORD", "from env", 1);
	setenv("APITOKEN_DATABASE_USER", "envuser", 1);
	UNIT_CHECK("env string override keeps spaces and picks its section",
	    conf_text(&c, "[database]\npassword = file\n") == 0 &&
	    strcmp(c.db_password, "from env") == 0 &&
	    strcmp(c.db_user, "envuser") == 0 && c.user[0] == '\0');
	unsetenv("APITOKEN_DATABASE_PASSWORD");
	unsetenv("APITOKEN_DATABASE_USER");

	setenv("APITOKEN_HTTP_SECURE_COOKIES", "off", 1);
	setenv("APITOKEN_LOG_LEVEL", "warn", 1);
	UNIT_CHECK("env overrides enums too",
	    conf_load(&c, NULL, err, sizeof(err)) == 0 &&
	    c.secure_cookies == CONF_OFF && c.log_level == LOG_LEVEL_WARN);
	unsetenv("APITOKEN_HTTP_SECURE_COOKIES");
	unsetenv("APITOKEN_LOG_LEVEL");

	setenv("APITOKEN_HTTP_TRUSTED_PROXIES", "abc", 1);
	UNIT_CHECK_STR("bad env cidr list is reported with the variable name",
	    conf_load(&c, NULL, err, sizeof(err)) == -1 ? err : "(loaded)",
	    "APITOKEN_HTTP_TRUSTED_PROXIES: bad CIDR list: bad CIDR entry "
	    "\"abc\"");
	unsetenv("APITOKEN_HTTP_TRUSTED_PROXIES");
}

static void
test_password_file(void)
{
	struct conf c;
	char pw[64], text[256], big[400];
	int n;

	if (write_tmp("s3cret pass\nsecond line\n", pw, sizeof(pw)) == -1) {
		UNIT_CHECK("password file can be written", 0);
		return;
	}
	n = snprintf(text, sizeof(text), "[database]\npassword = inline\n"
	    "password_file = %s\n", pw);
	UNIT_CHECK("password_file's first line becomes the password and wins",
	    n > 0 && (size_t)n < sizeof(text) && conf_text(&c, text) == 0 &&
	    strcmp(c.db_password, "s3cret pass") == 0);

	setenv("APITOKEN_DATABASE_PASSWORD_FILE", pw, 1);
	UNIT_CHECK("password_file from env is read too",
	    conf_load(&c, NULL, err, sizeof(err)) == 0 &&
	    strcmp(c.db_password, "s3cret pass") == 0);
	unsetenv("APITOKEN_DATABASE_PASSWORD_FILE");
	unlink(pw);

	UNIT_CHECK("unreadable password_file stops loading with file:line",
	    conf_text(&c, text) == -1 &&
	    strncmp(err, at("3: password_file "), strlen(at("3: "))) == 0 &&
	    strstr(err, "No such file or directory") != NULL);
	setenv("APITOKEN_DATABASE_PASSWORD_FILE", "/nonexistent/pw", 1);
	UNIT_CHECK_STR("unreadable password_file from env names the variable",
	    conf_load(&c, NULL, err, sizeof(err)) == -1 ? err : "(loaded)",
	    "APITOKEN_DATABASE_PASSWORD_FILE: password_file /nonexistent/pw: "
	    "No such file or directory");
	unsetenv("APITOKEN_DATABASE_PASSWORD_FILE");

	memset(big, 'p', sizeof(big) - 2);
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = '\0';
	if (write_tmp(big, pw, sizeof(pw)) == 0) {
		setenv("APITOKEN_DATABASE_PASSWORD_FILE", pw, 1);
		UNIT_CHECK("password_file with an over-long first line is refused",
		    conf_load(&c, NULL, err, sizeof(err)) == -1 &&
		    strstr(err, "too long (max 255 bytes)") != NULL &&
		    strstr(err, "pppp") == NULL);
		unsetenv("APITOKEN_DATABASE_PASSWORD_FILE");
		unlink(pw);
	}
	if (write_tmp("", pw, sizeof(pw)) == 0) {
		setenv("APITOKEN_DATABASE_PASSWORD_FILE", pw, 1);
		UNIT_CHECK("empty password_file is refused",
		    conf_load(&c, NULL, err, sizeof(err)) == -1 &&
		    strstr(err, "empty") != NULL);
		unsetenv("APITOKEN_DATABASE_PASSWORD_FILE");
		unlink(pw);
	}
	UNIT_CHECK("a failed load leaves no password in the struct",
	    conf_text(&c, "[database]\npassword = hunter2\nbogus = 1\n") == -1 &&
	    c.db_password[0] == '\0');
}

int
main(void)
{
	clear_env();
	test_defaults();
	test_types();
	test_errors();
	test_env();
	test_password_file();
	return unit_summary("test_conf");
}
