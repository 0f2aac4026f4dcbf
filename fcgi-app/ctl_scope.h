/* ctl_scope.h: apitokenctl's container, identity and audit commands. */
#ifndef APITOKEN_CTL_SCOPE_H
#define APITOKEN_CTL_SCOPE_H

#include "conf.h"
#include "db.h"

/*
 * What ctl.c's main lends these commands. The connection is opened here on
 * first need and *db_open set, so main closes it like its own.
 */
struct ctl_scope {
	const struct conf	*conf;
	const char		*conf_path;
	struct db		*db;
	int			*db_open;
};

/* argv[0] is the subcommand ("add", "list", ...). Exit status. */
int	 ctl_container(struct ctl_scope *s, int argc, char **argv);
int	 ctl_identity(struct ctl_scope *s, int argc, char **argv);
/* argv holds the options only. */
int	 ctl_audit(struct ctl_scope *s, int argc, char **argv);

#endif
