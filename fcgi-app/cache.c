/*
 * cache.c: the per-worker token cache.
 *
 * Two set-associative tables (4 ways, no locks: each worker owns its own):
 * tokens by the first 16 bytes of their HMAC, and their owners (a user or
 * an identity) by id, so a login is stored once, not once per token. A
 * token entry is 80 bytes; 100,000 tokens take about 8 MiB per worker.
 *
 * An entry is good while its generation equals the shared one (and for at
 * most CACHE_MAX_AGE). The shared generation lives in one page mapped by
 * the master before it forks, so a revocation committed by any worker
 * (db.c calls cache_invalidate after the commit) is seen by every worker
 * of the pool on its next request.
 *
 * Other hosts: every auth change also moves a counter in the database (the
 * auth epoch, schema/004). Once per TTL one worker of the pool reads it
 * (cache_sync); when it moved, every worker forgets. So a change made
 * anywhere is seen here within the TTL (default 2 s), while a token used
 * once a minute still stays cached. If the epoch cannot be read for two
 * TTLs (MariaDB down), nothing is answered from the cache.
 *
 * The race that matters: worker A reads the old row, B commits a
 * revocation and bumps the generation, A stores the old row. A stores it
 * with the generation it read *before* its query, which is already stale,
 * so the entry is never served.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cache.h"
#include "perm.h"
#include "util.h"

#define CACHE_WAYS	4
/*
 * Seconds an entry lives at most: the bound for a change made behind
 * apitoken's back (by hand in SQL), which moves no epoch.
 */
#define CACHE_MAX_AGE	300
#define CACHE_NAME_MAX	63	/* owner names longer than this go uncached */
#define CACHE_ROLE_MAX	15

enum cache_kind { CK_PERSONAL = 1, CK_CONTAINER, CK_IDENTITY };

struct cache_tok {		/* 80 bytes */
	uint8_t	 key[CACHE_KEY_LEN];
	char	 public_id[TOKEN_PUBLIC_ID_LEN];	/* not NUL-terminated */
	int64_t	 created_at;
	int64_t	 expires_at;	/* 0 = never */
	int64_t	 last_used_at;	/* as read, or as this worker noted it */
	uint32_t id;
	uint32_t owner;		/* user id, or identity id for CK_IDENTITY */
	uint32_t container_id;
	uint32_t gen;
	uint32_t stamp;		/* util_mono_ms() / 100 when read */
	uint8_t	 kind;		/* enum cache_kind; 0 = empty */
	uint8_t	 perms;
	uint8_t	 pad[2];
};

struct cache_who {		/* a user or an identity */
	uint32_t id;
	uint32_t gen;
	uint32_t stamp;
	uint8_t	 identity;	/* 0 user, 1 identity; */
	uint8_t	 admin;
	uint8_t	 used;
	uint8_t	 pad;
	char	 name[CACHE_NAME_MAX + 1];
	char	 role[CACHE_ROLE_MAX + 1];
};

struct cache_shm {
	uint32_t gen;
	int64_t	 epoch;		/* the database's, when last read */
	int64_t	 synced_ms;	/* util_mono_ms() of that read; 0 = never */
};

static struct cache_shm *shared;	/* NULL: no pool, no cache */
static struct cache_tok *toks;
static struct cache_who *whos;
static size_t tok_sets, who_sets;	/* powers of two */
static int64_t ttl_ms;			/* how often the epoch is read */
static size_t used;
static uint64_t hits, misses;

int
cache_init_shared(void)
{
	void *p;

	p = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	memset(p, 0, sizeof(*shared));
	shared = p;
	return 0;
}

static size_t
cache_pow2(size_t n)
{
	size_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

void
cache_configure(unsigned entries, unsigned ttl_seconds)
{
	free(toks);
	free(whos);
	toks = NULL;
	whos = NULL;
	tok_sets = who_sets = 0;
	used = 0;
	hits = misses = 0;
	if (shared == NULL || entries == 0 || ttl_seconds == 0)
		return;
	/* calloc of this size maps fresh zero pages: RSS grows as it fills. */
	tok_sets = cache_pow2((entries + CACHE_WAYS - 1) / CACHE_WAYS);
	who_sets = cache_pow2(tok_sets / 16 > 64 ? tok_sets / 16 : 64);
	toks = calloc(tok_sets * CACHE_WAYS, sizeof(*toks));
	whos = calloc(who_sets * CACHE_WAYS, sizeof(*whos));
	if (toks == NULL || whos == NULL) {
		free(toks);
		free(whos);
		toks = NULL;
		whos = NULL;
		tok_sets = who_sets = 0;
		return;
	}
	ttl_ms = (int64_t)ttl_seconds * 1000;
}

int
cache_enabled(void)
{
	return toks != NULL;
}

uint32_t
cache_generation(void)
{
	return shared != NULL ?
	    __atomic_load_n(&shared->gen, __ATOMIC_ACQUIRE) : 0;
}

void
cache_invalidate(void)
{
	if (shared != NULL)
		__atomic_fetch_add(&shared->gen, 1, __ATOMIC_ACQ_REL);
}

static uint32_t
cache_now(void)
{
	return (uint32_t)(util_mono_ms() / 100);
}

/* Unsigned difference: right across the counter's wrap. */
static int
cache_fresh(uint32_t gen, uint32_t stamp, uint32_t g, uint32_t now)
{
	return gen == g && (uint32_t)(now - stamp) < CACHE_MAX_AGE * 10;
}

void
cache_sync(struct db *db)
{
	int64_t now, last, n;

	if (toks == NULL)
		return;
	now = util_mono_ms();
	last = __atomic_load_n(&shared->synced_ms, __ATOMIC_ACQUIRE);
	if (last != 0 && now - last < ttl_ms)
		return;
	/* Two workers may read it at once: both then agree, no harm. */
	if (db_auth_epoch(db, &n) != DB_OK)
		return;		/* cache_get stops trusting after 2 TTLs */
	if (n != __atomic_load_n(&shared->epoch, __ATOMIC_ACQUIRE)) {
		__atomic_store_n(&shared->epoch, n, __ATOMIC_RELEASE);
		/* The first read too: what was cached before it is unknown. */
		cache_invalidate();
	}
	__atomic_store_n(&shared->synced_ms, now, __ATOMIC_RELEASE);
}

/* Whether the epoch was read recently enough to trust any entry. */
static int
cache_synced(void)
{
	int64_t last = __atomic_load_n(&shared->synced_ms, __ATOMIC_ACQUIRE);

	return last != 0 && util_mono_ms() - last < 2 * ttl_ms;
}

/*
 * Two candidate sets per token (two-choice hashing), from two other parts
 * of its HMAC (uniform bytes past the key). With one set, 4-way sets at
 * three quarters full leave a tenth of the tokens no room: bench/run saw
 * 89% hits over 100,000 tokens where all fit.
 */
static size_t
cache_tok_set(const uint8_t *hash, int which)
{
	uint64_t h;

	memcpy(&h, hash + CACHE_KEY_LEN + which * sizeof(h), sizeof(h));
	return (size_t)(h & (tok_sets - 1)) * CACHE_WAYS;
}

static struct cache_tok *
cache_tok_find(const uint8_t *hash)
{
	struct cache_tok *set;
	int s, i;

	for (s = 0; s < 2; s++) {
		set = &toks[cache_tok_set(hash, s)];
		for (i = 0; i < CACHE_WAYS; i++)
			if (set[i].kind != 0 &&
			    memcmp(set[i].key, hash, CACHE_KEY_LEN) == 0)
				return &set[i];
	}
	return NULL;
}

static size_t
cache_who_set(int identity, uint32_t id)
{
	uint64_t h = ((uint64_t)id << 1 | (uint64_t)identity) *
	    0x9e3779b97f4a7c15ull;

	return (size_t)((h >> 32) & (who_sets - 1)) * CACHE_WAYS;
}

static struct cache_who *
cache_who_find(int identity, uint32_t id)
{
	struct cache_who *w = &whos[cache_who_set(identity, id)];
	int i;

	for (i = 0; i < CACHE_WAYS; i++)
		if (w[i].used && w[i].id == id && w[i].identity == identity)
			return &w[i];
	return NULL;
}

/* How good a way is to overwrite: empty or stale first, then the oldest. */
static uint32_t
cache_evictable(int empty, uint32_t gen, uint32_t stamp, uint32_t g,
    uint32_t now)
{
	if (empty || !cache_fresh(gen, stamp, g, now))
		return UINT32_MAX;
	return (uint32_t)(now - stamp);
}

/* Where t goes: its own entry, else the best way of its two sets. */
static struct cache_tok *
cache_tok_slot(const uint8_t *hash, uint32_t g, uint32_t now)
{
	struct cache_tok *e, *best = NULL, *set;
	uint32_t score, top = 0;
	int s, i;

	if ((e = cache_tok_find(hash)) != NULL)
		return e;
	for (s = 0; s < 2; s++) {
		set = &toks[cache_tok_set(hash, s)];
		for (i = 0; i < CACHE_WAYS; i++) {
			score = cache_evictable(set[i].kind == 0, set[i].gen,
			    set[i].stamp, g, now);
			if (best == NULL || score > top) {
				best = &set[i];
				top = score;
			}
		}
	}
	return best;
}

static struct cache_who *
cache_who_slot(int identity, uint32_t id, uint32_t g, uint32_t now)
{
	struct cache_who *w, *best = NULL, *set;
	uint32_t score, top = 0;
	int i;

	if ((w = cache_who_find(identity, id)) != NULL)
		return w;
	set = &whos[cache_who_set(identity, id)];
	for (i = 0; i < CACHE_WAYS; i++) {
		score = cache_evictable(!set[i].used, set[i].gen, set[i].stamp,
		    g, now);
		if (best == NULL || score > top) {
			best = &set[i];
			top = score;
		}
	}
	return best;
}

int
cache_cacheable(const struct store_token *t)
{
	if (t->revoked_at != 0 || t->superseded_at != 0 || t->max_uses != 0 ||
	    t->trusted_cidrs[0] != '\0')
		return 0;
	if (t->id <= 0 || t->id > UINT32_MAX || t->container_id < 0 ||
	    t->container_id > UINT32_MAX || t->permissions < 0 ||
	    t->permissions > 0xff || t->created_at < 0 || t->expires_at < 0)
		return 0;
	if (strcmp(t->kind, "identity") == 0)
		return t->user_id == 0 && t->identity_id > 0 &&
		    t->identity_id <= UINT32_MAX &&
		    t->identity_disabled_at == 0 &&
		    t->identity_name[0] != '\0' &&
		    strlen(t->identity_name) <= CACHE_NAME_MAX &&
		    strlen(t->identity_role) <= CACHE_ROLE_MAX;
	if (strcmp(t->kind, "personal") != 0 &&
	    strcmp(t->kind, "container") != 0)
		return 0;
	return t->identity_id == 0 && t->user_id > 0 &&
	    t->user_id <= UINT32_MAX && t->owner.disabled_at == 0 &&
	    t->owner.login[0] != '\0' &&
	    strlen(t->owner.login) <= CACHE_NAME_MAX;
}

void
cache_put(const uint8_t *hash, uint32_t gen, const struct store_token *t)
{
	struct cache_tok *e;
	struct cache_who *w;
	uint32_t now = cache_now(), g = cache_generation(), id;
	int identity;

	if (toks == NULL || !cache_cacheable(t))
		return;
	identity = strcmp(t->kind, "identity") == 0;
	id = (uint32_t)(identity ? t->identity_id : t->user_id);

	w = cache_who_slot(identity, id, g, now);
	memset(w, 0, sizeof(*w));
	w->id = id;
	w->identity = (uint8_t)identity;
	w->used = 1;
	w->gen = gen;
	w->stamp = now;
	if (identity) {
		memcpy(w->name, t->identity_name, strlen(t->identity_name));
		memcpy(w->role, t->identity_role, strlen(t->identity_role));
	} else {
		memcpy(w->name, t->owner.login, strlen(t->owner.login));
		w->admin = t->owner.is_admin != 0;
	}

	e = cache_tok_slot(hash, g, now);
	if (e->kind == 0)
		used++;
	memcpy(e->key, hash, CACHE_KEY_LEN);
	memcpy(e->public_id, t->public_id, TOKEN_PUBLIC_ID_LEN);
	e->created_at = t->created_at;
	e->expires_at = t->expires_at;
	e->last_used_at = t->last_used_at;
	e->id = (uint32_t)t->id;
	e->owner = id;
	e->container_id = (uint32_t)t->container_id;
	e->gen = gen;
	e->stamp = now;
	e->kind = identity ? CK_IDENTITY :
	    strcmp(t->kind, "container") == 0 ? CK_CONTAINER : CK_PERSONAL;
	e->perms = (uint8_t)t->permissions;
}

int
cache_get(const uint8_t *hash, struct store_token *t)
{
	const struct cache_tok *e;
	const struct cache_who *w;
	uint32_t now, g;

	if (toks == NULL)
		return 0;
	if (!cache_synced()) {
		misses++;
		return 0;
	}
	now = cache_now();
	g = cache_generation();
	e = cache_tok_find(hash);
	if (e == NULL || !cache_fresh(e->gen, e->stamp, g, now) ||
	    (w = cache_who_find(e->kind == CK_IDENTITY, e->owner)) == NULL ||
	    !cache_fresh(w->gen, w->stamp, g, now)) {
		misses++;
		return 0;
	}
	hits++;
	memset(t, 0, sizeof(*t));
	t->partial = 1;
	t->id = e->id;
	memcpy(t->public_id, e->public_id, TOKEN_PUBLIC_ID_LEN);
	t->created_at = e->created_at;
	t->expires_at = e->expires_at;
	t->last_used_at = e->last_used_at;
	t->container_id = e->container_id;
	t->permissions = e->perms;
	if (e->kind == CK_IDENTITY) {
		snprintf(t->kind, sizeof(t->kind), "identity");
		t->identity_id = e->owner;
		memcpy(t->identity_name, w->name, sizeof(w->name));
		memcpy(t->identity_role, w->role, sizeof(w->role));
	} else {
		snprintf(t->kind, sizeof(t->kind), "%s",
		    e->kind == CK_CONTAINER ? "container" : "personal");
		t->user_id = e->owner;
		t->owner.id = e->owner;
		memcpy(t->owner.login, w->name, sizeof(w->name));
		t->owner.is_admin = w->admin;
		t->owner_admin = w->admin;
	}
	return 1;
}

void
cache_used(const uint8_t *hash, int64_t at)
{
	struct cache_tok *e;

	if (toks != NULL && (e = cache_tok_find(hash)) != NULL &&
	    at > e->last_used_at)
		e->last_used_at = at;
}

void
cache_stats(size_t *n, uint64_t *h, uint64_t *m)
{
	*n = used;
	*h = hits;
	*m = misses;
}
