/* conf.h: the configuration: INI file, APITOKEN_<SECTION>_<KEY> overrides, checks. */
#ifndef APITOKEN_CONF_H
#define APITOKEN_CONF_H

#include <stddef.h>

#include "cidr.h"
#include "log.h"
#include "token.h"

#define CONF_PATH_MAX	256
#define CONF_NAME_MAX	64
#define CONF_LIST_MAX	512

enum conf_tristate {
	CONF_AUTO = 0,
	CONF_OFF,
	CONF_ON,
};

/*
 * Every field has a default (conf_defaults) and the key named in its
 * comment: file key "[section] key", environment APITOKEN_SECTION_KEY
 * (upper case). Ranges are enforced by conf_load.
 */
struct conf {
	/* [server] */
	char	 listen[CONF_PATH_MAX];	/* listen: unix path or host:port; "/run/apitoken/apitoken.sock" */
	unsigned socket_mode;		/* socket_mode: octal, "0660" */
	unsigned workers;		/* workers: 0 = number of CPUs; 0..256 */
	unsigned max_requests;		/* max_requests: 1000000; 0 = never recycle */
	unsigned shutdown_timeout;	/* shutdown_timeout: seconds, 10; 1..3600 */
	unsigned backlog;		/* backlog: 128; 1..65535 */
	unsigned io_timeout;		/* io_timeout: seconds a request may take to arrive, and one write may wait, 30; 1..3600 */
	char	 user[CONF_NAME_MAX];	/* user: "" = stay as started */
	char	 group[CONF_NAME_MAX];	/* group: "" = the user's primary group */
	char	 pid_file[CONF_PATH_MAX];	/* pid_file: "" = none */

	/* [database] */
	char	 db_host[CONF_LIST_MAX];	/* host: "localhost"; comma-separated list = failover order */
	unsigned db_port;		/* port: 3306; 1..65535 */
	char	 db_socket[CONF_PATH_MAX];	/* socket: "" = TCP */
	char	 db_user[CONF_NAME_MAX];	/* user: "apitoken" */
	char	 db_password[CONF_NAME_MAX * 4];	/* password: "" */
	char	 db_password_file[CONF_PATH_MAX];	/* password_file: "" (read at load, overrides password) */
	char	 db_name[CONF_NAME_MAX];	/* name: "apitoken" */
	unsigned db_connect_timeout;	/* connect_timeout: seconds, 3; 1..60 */
	unsigned db_read_timeout;	/* read_timeout: seconds, 10; 1..600 */
	unsigned db_write_timeout;	/* write_timeout: seconds, 10; 1..600 */

	/* [tokens] */
	char	 token_prefix[TOKEN_PREFIX_MAX + 1];	/* prefix: "atk_"; [A-Za-z0-9_]{1,16} */
	char	 secret_file[CONF_PATH_MAX];	/* secret_file: "/etc/apitoken/secret" */
	unsigned token_default_ttl;	/* default_ttl: seconds, 0 = never expires */
	unsigned token_max_ttl;		/* max_ttl: seconds, 0 = no upper bound on expires_in */
	unsigned last_used_flush;	/* last_used_flush: seconds, 5; 1..300 */
	unsigned last_used_grain;	/* last_used_grain: seconds, 300; 1..86400 */
	unsigned max_tokens_per_user;	/* max_tokens_per_user: 1000; 1..1000000 */

	/* [http] */
	char	 public_origin[CONF_PATH_MAX];	/* public_origin: "" = scheme://Host of the request */
	char	 trusted_proxies_text[CONF_LIST_MAX];	/* trusted_proxies: "" (CIDR list) */
	struct cidr_list trusted_proxies;	/* parsed from the above by conf_load */
	char	 metrics_allow_text[CONF_LIST_MAX];	/* metrics_allow: "127.0.0.1/32, ::1/128" */
	struct cidr_list metrics_allow;	/* parsed from the above */
	unsigned max_body;		/* max_body: bytes, 65536; 1024..16777216 */
	unsigned session_ttl;		/* session_ttl: seconds, 43200; 60..31536000 */
	char	 cookie_name[CONF_NAME_MAX];	/* cookie_name: "apitoken_session"; token chars only */
	enum conf_tristate secure_cookies;	/* secure_cookies: auto|on|off; auto = when HTTPS */

	/* [cache] */
	unsigned cache_ttl;		/* ttl: seconds between auth epoch reads, 2; 0 = no token cache; 0..300 */
	unsigned cache_entries;		/* entries: tokens per worker, 131072; 0 = no cache */

	/* [throttle] */
	unsigned login_per_ip;		/* login_per_ip: failed passwords per address per window, 20; 0 = off */
	unsigned login_per_account;	/* login_per_account: failed passwords per login per window, 5; 0 = off */
	unsigned login_window;		/* login_window: seconds, 900; 1..86400 */
	unsigned token_per_ip;		/* token_per_ip: unknown or malformed tokens per address per window, 100; 0 = off */
	unsigned token_window;		/* token_window: seconds, 60; 1..3600 */
	char	 throttle_exempt_text[CONF_LIST_MAX];	/* exempt: "" (CIDR list never counted per address) */
	struct cidr_list throttle_exempt;	/* parsed from the above */

	/* [log] */
	char	 log_file[CONF_PATH_MAX];	/* file: "" = stderr */
	enum log_level log_level;	/* level: debug|info|warn|error; info */
};

void	 conf_defaults(struct conf *c);
/*
 * Loads defaults, then the file (path NULL: defaults and environment only),
 * then APITOKEN_* environment overrides, then checks. On failure returns -1
 * and writes "file:line: what is wrong" (or "APITOKEN_X_Y: what is wrong")
 * into err.
 */
int	 conf_load(struct conf *c, const char *path, char *err, size_t errlen);

#endif
