/*
 * arena_exact.c: the arena API with one malloc per allocation, for the
 * fuzz targets only. fcgi-app/arena.c carves many allocations out of one
 * block, so AddressSanitizer cannot see a write past the end of one of
 * them; here each ends at the end of its own heap block, where it can.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

struct arena_block {
	struct arena_block	*next;
	max_align_t		 data[];
};

void
arena_init(struct arena *a, size_t block_size)
{
	a->head = NULL;
	a->block_size = block_size ? block_size : 16384;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_block *b;

	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - sizeof(*b))
		return NULL;
	/* Like arena.c: a huge request fails instead of aborting the run. */
	if (n > (size_t)1 << 30)
		return NULL;
	if ((b = malloc(sizeof(*b) + n)) == NULL)
		return NULL;
	b->next = a->head;
	a->head = b;
	return b->data;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p;

	if ((p = arena_alloc(a, n + 1)) == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

void
arena_free(struct arena *a)
{
	struct arena_block *b, *next;

	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	a->head = NULL;
}

void
arena_reset(struct arena *a)
{
	arena_free(a);
}
