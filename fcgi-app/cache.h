/*
 * cache.h: the per-worker token cache. A token check that hits it costs no
 * database round trip; every worker of the pool forgets everything at once
 * when any of them commits a change that could refuse a cached token.
 */
#ifndef APITOKEN_CACHE_H
#define APITOKEN_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "store_tokens.h"

#define CACHE_KEY_LEN	16	/* bytes of the token's HMAC kept as the key */

/*
 * The generation counter every worker compares against, in memory shared
 * with the processes forked later: call once in the pool's master before
 * forking. Without it (plain CGI, or it failed) the cache stays off, since
 * a revocation in one process could not reach the others. 0/-1.
 */
int	 cache_init_shared(void);
/*
 * Per worker: up to entries tokens; every ttl_seconds the pool reads the
 * database's auth epoch (what another host's revocation may take to be
 * seen). Either 0: off. The table is allocated once; its pages are touched
 * only as it fills.
 */
void	 cache_configure(unsigned entries, unsigned ttl_seconds);
int	 cache_enabled(void);
/*
 * Before a lookup: once per ttl (for the whole pool), reads the database's
 * auth epoch and forgets every cached token if another host moved it.
 */
void	 cache_sync(struct db *db);
/* Read before the database lookup whose result is then cache_put. */
uint32_t cache_generation(void);
/*
 * Called after a commit that revoked, rotated, renewed, disabled or changed
 * membership: every worker's entries become stale. Safe in a signal handler.
 */
void	 cache_invalidate(void);
/*
 * Whether t may be cached: usable now, no use limit, no trusted IP list, no
 * rotation in progress, and its owner fits an entry.
 */
int	 cache_cacheable(const struct store_token *t);
/*
 * Looks hash up; on a hit fills t as the slim auth lookup would (t->partial)
 * and returns 1. The caller still checks expiry with auth_token_refusal.
 */
int	 cache_get(const uint8_t *hash, struct store_token *t);
/* Stores t (cacheable) as read when the generation was gen. */
void	 cache_put(const uint8_t *hash, uint32_t gen, const struct store_token *t);
/* This worker noted a use of the token at at (ms): lastUsed's grain. */
void	 cache_used(const uint8_t *hash, int64_t at);
/* For /metrics and tests: entries in use, hits and misses in this worker. */
void	 cache_stats(size_t *used, uint64_t *hits, uint64_t *misses);

#endif
