/* fuzz.h: what the libFuzzer targets share: invariant checks and input splitting. */
#ifndef APITOKEN_FUZZ_H
#define APITOKEN_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	 LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int	 LLVMFuzzerInitialize(int *argc, char ***argv);

/*
 * A broken invariant is a finding like a crash: say which one and abort,
 * so libFuzzer keeps the input as a crash artifact.
 */
#define FUZZ_CHECK(cond, ...) do {					\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz check failed: %s (%s:%d): ",	\
		    #cond, __FILE__, __LINE__);				\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		abort();						\
	}								\
} while (0)

/* A cursor over the fuzzer's bytes. */
struct fuzz_in {
	const uint8_t	*p;
	size_t		 n;
};

/* The next byte, or 0 once the input is used up. */
static inline uint8_t
fuzz_byte(struct fuzz_in *in)
{
	uint8_t b = 0;

	if (in->n > 0) {
		b = in->p[0];
		in->p++;
		in->n--;
	}
	return b;
}

/*
 * The next piece up to sep (not included) as a malloc'd NUL-terminated
 * string of exactly its length + 1, so ASan sees any read past its end;
 * the rest of the input when sep does not occur. *len gets its length.
 */
static inline char *
fuzz_piece(struct fuzz_in *in, uint8_t sep, size_t *len)
{
	const uint8_t *e = memchr(in->p, sep, in->n);
	size_t n = e != NULL ? (size_t)(e - in->p) : in->n;
	char *s = malloc(n + 1);

	if (s == NULL)
		abort();
	if (n > 0)
		memcpy(s, in->p, n);
	s[n] = '\0';
	in->p += n;
	in->n -= n;
	if (e != NULL) {
		in->p++;
		in->n--;
	}
	if (len != NULL)
		*len = n;
	return s;
}

/* A copy of b[0..n) of exactly n bytes (1 when n is 0), for slices. */
static inline char *
fuzz_dup(const void *b, size_t n)
{
	char *s = malloc(n > 0 ? n : 1);

	if (s == NULL)
		abort();
	if (n > 0)
		memcpy(s, b, n);
	return s;
}

#endif
