/* log.c: one logfmt line per event, to stderr or a file; never a secret. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define LOG_LINE_MAX	2048

static struct {
	int		 fd;
	enum log_level	 level;
	char		 path[256];
	char		 role[32];
} logst = { 2, LOG_LEVEL_INFO, "", "role=master" };

static const char *const log_names[] = { "debug", "info", "warn", "error" };

int
log_open(const char *path, enum log_level level)
{
	int fd;

	logst.level = level;
	if (path == NULL || path[0] == '\0') {
		logst.path[0] = '\0';
		logst.fd = 2;
		return 0;
	}
	if (strlen(path) >= sizeof(logst.path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd == -1)
		return -1;
	if (logst.fd > 2)
		close(logst.fd);
	logst.fd = fd;
	memcpy(logst.path, path, strlen(path) + 1);
	return 0;
}

int
log_reopen(void)
{
	int fd;

	if (logst.path[0] == '\0')
		return 0;
	fd = open(logst.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd == -1)
		return -1;
	if (logst.fd > 2)
		close(logst.fd);
	logst.fd = fd;
	return 0;
}

int
log_fd(void)
{
	return logst.fd;
}

void
log_set_level(enum log_level level)
{
	logst.level = level;
}

void
log_set_role(const char *role, int worker_id)
{
	int n;

	if (worker_id >= 0)
		n = snprintf(logst.role, sizeof(logst.role), "role=%s worker=%d",
		    role, worker_id);
	else
		n = snprintf(logst.role, sizeof(logst.role), "role=%s", role);
	if (n < 0 || (size_t)n >= sizeof(logst.role))
		logst.role[0] = '\0';
}

int
log_level_parse(const char *s, enum log_level *out)
{
	size_t i;

	for (i = 0; i < sizeof(log_names) / sizeof(log_names[0]); i++) {
		if (strcmp(s, log_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

const char *
log_quote(char *buf, size_t size, const char *s)
{
	size_t o = 0;
	int quote = 0;
	const char *p;

	if (size == 0)
		return "";
	if (s == NULL)
		s = "";
	for (p = s; *p != '\0'; p++)
		if (*p == ' ' || *p == '"' || *p == '=' || (unsigned char)*p < 0x20)
			quote = 1;
	if (*s == '\0')
		quote = 1;
	if (quote && o + 1 < size)
		buf[o++] = '"';
	for (p = s; *p != '\0' && o + 3 < size; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			buf[o++] = '?';
		} else
			buf[o++] = (char)c;
	}
	if (quote && o + 1 < size)
		buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

void
log_msg(enum log_level level, const char *event, const char *fmt, ...)
{
	char line[LOG_LINE_MAX];
	struct timeval tv;
	struct tm tm;
	va_list ap;
	size_t len;
	int n, saved = errno;

	if (level < logst.level)
		goto out;
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	n = snprintf(line, sizeof(line),
	    "ts=%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ level=%s event=%s %s pid=%ld",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (long)(tv.tv_usec / 1000),
	    log_names[level], event, logst.role, (long)getpid());
	if (n < 0)
		goto out;
	len = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
	if (fmt != NULL && fmt[0] != '\0' && len + 2 < sizeof(line)) {
		line[len++] = ' ';
		va_start(ap, fmt);
		n = vsnprintf(line + len, sizeof(line) - len, fmt, ap);
		va_end(ap);
		if (n < 0)
			goto out;
		len += (size_t)n < sizeof(line) - len ? (size_t)n :
		    sizeof(line) - len - 1;
	}
	if (len >= sizeof(line) - 1)
		len = sizeof(line) - 2;
	line[len++] = '\n';
	/* One write per line: O_APPEND keeps lines of many workers whole. */
	(void)!write(logst.fd, line, len);
out:
	errno = saved;
}
