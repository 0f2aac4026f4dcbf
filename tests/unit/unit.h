/* unit.h: a tiny test harness: one "ok"/"not ok" line per check, a summary. */
#ifndef APITOKEN_UNIT_H
#define APITOKEN_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_passed, unit_failed;

#define UNIT_CHECK(name, cond) do {					\
	if (cond) {							\
		unit_passed++;						\
		printf("ok %s\n", (name));				\
	} else {							\
		unit_failed++;						\
		printf("not ok %s (%s:%d: %s)\n", (name), __FILE__,	\
		    __LINE__, #cond);					\
	}								\
} while (0)

#define UNIT_CHECK_STR(name, got, want) do {				\
	const char *unit_g_ = (got), *unit_w_ = (want);			\
	int unit_ok_ = unit_g_ != NULL && strcmp(unit_g_, unit_w_) == 0; \
	UNIT_CHECK(name, unit_ok_);					\
	if (!unit_ok_)							\
		printf("#   got \"%s\", want \"%s\"\n",			\
		    unit_g_ ? unit_g_ : "(null)", unit_w_);		\
} while (0)

/* Last line, read by tests/run: "<file>: N passed, N failed". */
static inline int
unit_summary(const char *suite)
{
	printf("%s: %d passed, %d failed\n", suite, unit_passed, unit_failed);
	return unit_failed ? 1 : 0;
}

#endif
