/* sock.c: the listen socket: inherited on fd 0, a unix path, or host:port. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "sock.h"

int
sock_inherited(void)
{
	int v = 0;
	socklen_t len = sizeof(v);

	if (getsockopt(0, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) == -1)
		return 0;
	return v != 0;
}

int
sock_is_unix(const char *listen)
{
	return listen[0] == '/' || strncmp(listen, "unix:", 5) == 0;
}

static int
sock_unix(const struct conf *c, uid_t uid, gid_t gid, char *err,
    size_t errlen)
{
	const char *path = c->listen;
	struct sockaddr_un sa;
	struct stat st;
	int fd;

	if (strncmp(path, "unix:", 5) == 0)
		path += 5;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "%s: socket path too long (max %zu)",
		    path, sizeof(sa.sun_path) - 1);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	/* A stale socket from a previous run is replaced; a file is not. */
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "%s: exists and is not a socket",
			    path);
			return -1;
		}
		unlink(path);
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		goto fail;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1)
		goto fail;
	if (chmod(path, c->socket_mode) == -1)
		goto fail;
	if ((uid != (uid_t)-1 || gid != (gid_t)-1) &&
	    chown(path, uid, gid) == -1)
		goto fail;
	if (listen(fd, (int)c->backlog) == -1)
		goto fail;
	return fd;
fail:
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
	if (fd != -1)
		close(fd);
	return -1;
}

static int
sock_tcp(const struct conf *c, char *err, size_t errlen)
{
	char host[CONF_PATH_MAX];
	const char *port;
	struct addrinfo hints, *res = NULL, *ai;
	int fd = -1, on = 1, rc;
	char *colon;

	memcpy(host, c->listen, strlen(c->listen) + 1);
	if ((colon = strrchr(host, ':')) == NULL) {
		snprintf(err, errlen, "%s: want a unix path or host:port",
		    c->listen);
		return -1;
	}
	*colon = '\0';
	port = colon + 1;
	/* "[::1]:9000" */
	if (host[0] == '[' && colon > host && colon[-1] == ']') {
		colon[-1] = '\0';
		memmove(host, host + 1, strlen(host + 1) + 1);
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &res)) != 0) {
		snprintf(err, errlen, "%s: %s", c->listen, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd == -1)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, (int)c->backlog) == 0)
			break;
		snprintf(err, errlen, "%s: %s", c->listen, strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1 && err[0] == '\0')
		snprintf(err, errlen, "%s: no usable address", c->listen);
	return fd;
}

int
sock_listen(const struct conf *c, uid_t uid, gid_t gid, char *err,
    size_t errlen)
{
	err[0] = '\0';
	if (sock_is_unix(c->listen))
		return sock_unix(c, uid, gid, err, errlen);
	return sock_tcp(c, err, errlen);
}
