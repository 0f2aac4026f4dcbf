/* sock.h: the listen socket: inherited on fd 0, a unix path, or host:port. */
#ifndef APITOKEN_SOCK_H
#define APITOKEN_SOCK_H

#include <stddef.h>
#include <sys/types.h>

#include "conf.h"

/* 1 when fd 0 is a listening socket handed over by a web server. */
int	 sock_inherited(void);
/*
 * Opens and listens on c->listen. A unix socket gets c->socket_mode and,
 * when uid/gid are not -1, that owner. Returns the fd, or -1 with a
 * message in err.
 */
int	 sock_listen(const struct conf *c, uid_t uid, gid_t gid, char *err,
	    size_t errlen);
/* 1 when listen names a unix socket path. */
int	 sock_is_unix(const char *listen);

#endif
