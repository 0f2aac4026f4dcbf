/* log.h: one logfmt line per event, to stderr or a file; never a secret. */
#ifndef APITOKEN_LOG_H
#define APITOKEN_LOG_H

enum log_level {
	LOG_LEVEL_DEBUG = 0,
	LOG_LEVEL_INFO,
	LOG_LEVEL_WARN,
	LOG_LEVEL_ERROR,
};

/* path NULL or "" logs to stderr. Returns 0, or -1 with errno set. */
int	 log_open(const char *path, enum log_level level);
/* Reopens the same path (after logrotate); keeps the old file on failure. */
int	 log_reopen(void);
/* The descriptor lines go to (2 for stderr). */
int	 log_fd(void);
void	 log_set_level(enum log_level level);
/* Adds "worker=N" (or "role=master") to every line of this process. */
void	 log_set_role(const char *role, int worker_id);
int	 log_level_parse(const char *s, enum log_level *out);

/*
 * fmt is the rest of the logfmt line after "level=... event=...",
 * e.g. log_msg(LOG_LEVEL_WARN, "db_reconnect", "errno=%u", e).
 * Values that may hold spaces or quotes must go through log_quote().
 */
void	 log_msg(enum log_level level, const char *event, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Quotes s for logfmt into buf (always NUL-terminated); returns buf. */
const char *log_quote(char *buf, size_t size, const char *s);

#define log_debug(ev, ...)	log_msg(LOG_LEVEL_DEBUG, ev, __VA_ARGS__)
#define log_info(ev, ...)	log_msg(LOG_LEVEL_INFO, ev, __VA_ARGS__)
#define log_warn(ev, ...)	log_msg(LOG_LEVEL_WARN, ev, __VA_ARGS__)
#define log_error(ev, ...)	log_msg(LOG_LEVEL_ERROR, ev, __VA_ARGS__)

#endif
