/* arena.c: per-request bump allocator, reset in one step after each request. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

struct arena_block {
	struct arena_block	*next;
	size_t			 size;
	size_t			 used;
	/* data follows, aligned by the struct's max_align_t member below */
	max_align_t		 data[];
};

#define ARENA_ALIGN	(sizeof(max_align_t))

static struct arena_block *
arena_block_new(size_t size)
{
	struct arena_block *b;

	if (size > SIZE_MAX - sizeof(*b))
		return NULL;
	if ((b = malloc(sizeof(*b) + size)) == NULL)
		return NULL;
	b->next = NULL;
	b->size = size;
	b->used = 0;
	return b;
}

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
	size_t need, size;
	void *p;

	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - ARENA_ALIGN)
		return NULL;
	need = (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	b = a->head;
	if (b == NULL || b->size - b->used < need) {
		size = need > a->block_size ? need : a->block_size;
		if ((b = arena_block_new(size)) == NULL)
			return NULL;
		b->next = a->head;
		a->head = b;
	}
	p = (char *)b->data + b->used;
	b->used += need;
	return p;
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
arena_reset(struct arena *a)
{
	struct arena_block *b, *next, *keep = NULL;

	/* Keep the oldest block of the standard size; free the rest. */
	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		if (next == NULL && b->size == a->block_size) {
			keep = b;
			break;
		}
		free(b);
	}
	if (keep != NULL)
		keep->used = 0;
	a->head = keep;
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
