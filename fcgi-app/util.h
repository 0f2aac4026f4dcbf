/* util.h: small helpers shared by both programs: time, bounded numbers. */
#ifndef APITOKEN_UTIL_H
#define APITOKEN_UTIL_H

#include <stddef.h>
#include <stdint.h>

int64_t	 util_now_ms(void);
/* Monotonic milliseconds, for timeouts and intervals. */
int64_t	 util_mono_ms(void);
/* Parses a decimal integer in [min, max] from s[0..len); 0 or -1. */
int	 util_parse_i64(const char *s, size_t len, int64_t min, int64_t max,
	    int64_t *out);
/* Constant-time comparison of two equal-length buffers. */
int	 util_memeq(const void *a, const void *b, size_t n);

/*
 * Number of UTF-8 characters in s[0..len), or -1 if s is not valid UTF-8
 * (overlong forms, surrogates and NUL bytes are invalid).
 */
long	 util_utf8_len(const char *s, size_t len);
/*
 * Copies s into out (size bytes) as valid UTF-8 of at most maxchars
 * characters: invalid bytes and control characters become '?'. For
 * values we store but do not validate (User-Agent).
 */
void	 util_utf8_clip(const char *s, char *out, size_t size, size_t maxchars);

/* vsnprintf into buf for error messages; a truncated message is kept. */
void	 util_errf(char *buf, size_t size, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

#endif
