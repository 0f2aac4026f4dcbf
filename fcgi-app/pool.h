/* pool.h: the master process: prefork, respawn with backoff, signals, reload. */
#ifndef APITOKEN_POOL_H
#define APITOKEN_POOL_H

#include <sys/types.h>

#include "conf.h"

#define POOL_MAX_WORKERS	256

/* Resolves [server] user/group to ids (-1 when not switching). 0 or -1. */
int	 pool_user_resolve(const struct conf *c, uid_t *uid, gid_t *gid,
	    char *err, size_t errlen);
/*
 * Runs the master until SIGTERM/SIGINT: forks the workers, respawns them,
 * reloads on SIGHUP, reopens logs on SIGUSR1. conf is copied. Returns the
 * process exit status.
 */
int	 pool_run(const struct conf *c, const char *conf_path, int listen_fd,
	    const char *socket_path);

#endif
