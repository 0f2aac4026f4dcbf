/* arena.h: per-request bump allocator, reset in one step after each request. */
#ifndef APITOKEN_ARENA_H
#define APITOKEN_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block	*head;	/* current block; older blocks follow */
	size_t			 block_size;
};

void	 arena_init(struct arena *a, size_t block_size);
void	*arena_alloc(struct arena *a, size_t n);
char	*arena_strndup(struct arena *a, const char *s, size_t n);
char	*arena_strdup(struct arena *a, const char *s);
/* Frees every block but the first, so a steady load does not allocate. */
void	 arena_reset(struct arena *a);
void	 arena_free(struct arena *a);

#endif
