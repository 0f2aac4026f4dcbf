/* worker.h: one worker process: accept loop, per-request arena, dispatch. */
#ifndef APITOKEN_WORKER_H
#define APITOKEN_WORKER_H

#include <stdint.h>

#include "conf.h"
#include "token.h"

/*
 * The value the master sends with SIGTERM (sigqueue) when the pool stops:
 * the worker then serves the requests still queued before it exits. A
 * plain SIGTERM (a reload retiring it, or anyone else) does not: the
 * other workers take the queue.
 */
#define WORKER_STOP_DRAIN	0x5d7a

/*
 * Serves requests on listen_fd until told to stop or max_requests is
 * reached, then flushes pending lastUsed writes and exits the process.
 */
void	 worker_run(const struct conf *c, int listen_fd, int worker_id,
	    const uint8_t secret[TOKEN_SECRET_LEN]) __attribute__((noreturn));
/*
 * Plain CGI, for the oldest hosts: answers the one request described by
 * envp and stdin on stdout, then exits the process.
 */
void	 worker_cgi(const struct conf *c, const uint8_t secret[TOKEN_SECRET_LEN],
	    char **envp) __attribute__((noreturn));

#endif
