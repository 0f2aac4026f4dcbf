/*
 * ctl_util.h: what every apitokenctl command shares: the tool's state, error
 * output, the database connection, argument checks.
 */
#ifndef APITOKEN_CTL_UTIL_H
#define APITOKEN_CTL_UTIL_H

#include <stdint.h>

#include "conf.h"
#include "db.h"

struct lifecycle_spec;

struct ctl {
	struct conf	 conf;
	const char	*conf_path;	/* -c FILE or the default, for messages */
	struct db	 db;
	/* Set by ctl_db on first need; main closes db when set. */
	int		 db_open;
};

/* "apitokenctl: " and the message on stderr. Returns 1, the exit status. */
int	 ctl_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Whether any of argv is --help or -h. */
int	 ctl_is_help(int argc, char **argv);
/*
 * Connects once, with the db_init client flags of the first call; later
 * calls reuse the connection. 0, or -1 after a message on stderr.
 */
int	 ctl_db(struct ctl *c, unsigned long flags);
/* The message for a failed store call's rc. Returns 1. */
int	 ctl_db_error(int rc);
/*
 * The rc of a store lookup by key (1 found, 0 not, < 0 error) as 0 when
 * found, else the exit status after "no such WHAT \"KEY\"" or the database
 * error.
 */
int	 ctl_found(int rc, const char *what, const char *key);
/*
 * Creates the token of spec and prints it alone on stdout, then a note that
 * names owner on stderr; the connection must be open. 0, or the exit status
 * after a message.
 */
int	 ctl_mint(struct ctl *c, const struct lifecycle_spec *spec, int64_t now,
	    const char *owner);
/* Logins [A-Za-z0-9._@-]{1,64}, names [A-Za-z0-9._-]{1,64}, as the API. */
int	 ctl_login_ok(const char *s);
int	 ctl_name_ok(const char *s);

#endif
