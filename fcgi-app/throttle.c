/*
 * throttle.c: unknown and malformed tokens counted per client address in a
 * fixed window ([throttle] token_per_ip per token_window seconds). Past the
 * limit every token from that address is refused with 429 until the window
 * ends, valid ones too: otherwise a guesser would still learn which guess
 * was right.
 *
 * The table is 4-way set associative, 16 bytes a slot, updated without a
 * lock (a worker killed mid-update must not wedge the others): a slot is a
 * key word and a state word (window start in seconds << 32 | count) moved
 * by compare-and-swap. Two workers racing for a free slot may lose a count;
 * a throttle only needs to be about right. When the sets are full the
 * smallest count goes, so a busy guesser is the last to be forgotten.
 */
#include <string.h>
#include <sys/mman.h>

#include <sodium.h>

#include "log.h"
#include "throttle.h"

#define THROTTLE_SETS	1024
#define THROTTLE_WAYS	4

struct throttle_slot {
	uint64_t	 key;	/* 0: free */
	uint64_t	 state;	/* window start (s) << 32 | failures */
};

struct throttle_table {
	uint8_t		 hash_key[crypto_shorthash_KEYBYTES];
	struct throttle_slot slots[THROTTLE_SETS * THROTTLE_WAYS];
};

static struct throttle_table *table;

static int
throttle_map(int flags)
{
	void *p;

	p = mmap(NULL, sizeof(*table), PROT_READ | PROT_WRITE,
	    flags | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	table = p;
	/* A keyed hash: nobody can aim many addresses at one set. */
	randombytes_buf(table->hash_key, sizeof(table->hash_key));
	return 0;
}

int
throttle_init_shared(void)
{
	if (table != NULL)
		return 0;
	return throttle_map(MAP_SHARED);
}

void
throttle_addr_key(const uint8_t addr[16], uint8_t key[16])
{
	static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };

	memcpy(key, addr, 16);
	if (memcmp(addr, v4mapped, sizeof(v4mapped)) != 0)
		memset(key + 8, 0, 8);
}

/* The set's first slot and the non-zero key of addr. */
static struct throttle_slot *
throttle_set(const uint8_t addr[16], uint64_t *key)
{
	uint8_t k[16], h[crypto_shorthash_BYTES];
	uint64_t v;

	throttle_addr_key(addr, k);
	crypto_shorthash(h, k, sizeof(k), table->hash_key);
	memcpy(&v, h, sizeof(v));
	*key = v | 1;
	return &table->slots[(v >> 40) % THROTTLE_SETS * THROTTLE_WAYS];
}

static int
throttle_off(const struct conf *c, const uint8_t addr[16])
{
	if (c->token_per_ip == 0 ||
	    cidr_list_match(&c->throttle_exempt, addr))
		return 1;
	/* A process started on its own keeps its own table. */
	return table == NULL && throttle_map(MAP_PRIVATE) == -1;
}

unsigned
throttle_token_wait(const struct conf *c, const uint8_t addr[16],
    int64_t now_ms)
{
	struct throttle_slot *set;
	uint64_t key, st, now = (uint64_t)(now_ms / 1000), end;
	unsigned i;

	if (throttle_off(c, addr))
		return 0;
	set = throttle_set(addr, &key);
	for (i = 0; i < THROTTLE_WAYS; i++) {
		if (__atomic_load_n(&set[i].key, __ATOMIC_ACQUIRE) != key)
			continue;
		st = __atomic_load_n(&set[i].state, __ATOMIC_ACQUIRE);
		end = (st >> 32) + c->token_window;
		if ((st & 0xffffffffu) >= c->token_per_ip && now < end)
			return (unsigned)(end - now);
		return 0;
	}
	return 0;
}

/* The slot of key in set, or the one to give it: free, stale, or least used. */
static struct throttle_slot *
throttle_slot_for(struct throttle_slot *set, uint64_t key, uint64_t now,
    unsigned window)
{
	struct throttle_slot *victim = NULL;
	uint64_t st, least = UINT64_MAX, n;
	unsigned i;

	for (i = 0; i < THROTTLE_WAYS; i++) {
		if (__atomic_load_n(&set[i].key, __ATOMIC_ACQUIRE) == key)
			return &set[i];
		st = __atomic_load_n(&set[i].state, __ATOMIC_ACQUIRE);
		n = (st >> 32) + window <= now ? 0 : (st & 0xffffffffu);
		if (n < least) {
			least = n;
			victim = &set[i];
		}
	}
	__atomic_store_n(&victim->state, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&victim->key, key, __ATOMIC_RELEASE);
	return victim;
}

void
throttle_token_failed(const struct conf *c, const uint8_t addr[16],
    const char *ip, int64_t now_ms)
{
	struct throttle_slot *set, *s;
	uint64_t key, st, next, now = (uint64_t)(now_ms / 1000), n;

	if (throttle_off(c, addr))
		return;
	set = throttle_set(addr, &key);
	s = throttle_slot_for(set, key, now, c->token_window);
	st = __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);
	do {
		if ((st >> 32) + c->token_window <= now)
			next = now << 32 | 1;	/* a new window */
		else if ((st & 0xffffffffu) < 0xffffffffu)
			next = st + 1;
		else
			return;
	} while (!__atomic_compare_exchange_n(&s->state, &st, next, 0,
	    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
	n = next & 0xffffffffu;
	/* Once a window, when the address crosses the limit. */
	if (n == c->token_per_ip)
		log_warn("throttle_tokens", "ip=%s failures=%llu window_s=%u",
		    ip, (unsigned long long)n, c->token_window);
}
