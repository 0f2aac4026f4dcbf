/* ctl_scope.h: apitokenctl's container, identity and audit commands. */
#ifndef APITOKEN_CTL_SCOPE_H
#define APITOKEN_CTL_SCOPE_H

#include "ctl_util.h"

/* argv[0] is the subcommand ("add", "list", ...). Exit status. */
int	 ctl_container(struct ctl *c, int argc, char **argv);
int	 ctl_identity(struct ctl *c, int argc, char **argv);
/* argv holds the options only. */
int	 ctl_audit(struct ctl *c, int argc, char **argv);

#endif
