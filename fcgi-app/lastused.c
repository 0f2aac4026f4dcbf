/* lastused.c: coalesced lastUsed writes: noted per request, flushed in batches. */
#include <stdlib.h>
#include <string.h>

#include "lastused.h"
#include "store_tokens.h"
#include "util.h"

struct lastused_slot {
	int64_t	 id;	/* 0 = empty */
	int64_t	 at;
	char	 ip[48];
};

static struct lastused_slot slots[LASTUSED_SLOTS];
static size_t nused;
static int64_t first_note_mono;	/* when the oldest pending note came */

int
lastused_note(int64_t token_id, int64_t at_ms, const char *ip)
{
	size_t i, h = (size_t)((uint64_t)token_id * 0x9e3779b97f4a7c15ull >> 54);
	struct lastused_slot *s;

	/* Open addressing; the table never fills because we flush first. */
	for (i = 0; i < LASTUSED_SLOTS; i++) {
		s = &slots[(h + i) % LASTUSED_SLOTS];
		if (s->id == token_id || s->id == 0)
			break;
	}
	if (i == LASTUSED_SLOTS)
		return 1;
	if (s->id == 0) {
		if (nused == 0)
			first_note_mono = util_mono_ms();
		s->id = token_id;
		nused++;
	}
	if (at_ms >= s->at) {
		s->at = at_ms;
		util_utf8_clip(ip, s->ip, sizeof(s->ip), 45);
	}
	/*
	 * One statement's worth: written at once, so a busy worker pauses
	 * for one short UPDATE now and then, not for a dozen in a row.
	 */
	return nused >= STORE_TOUCH_BATCH;
}

int64_t
lastused_due(unsigned flush_seconds)
{
	if (nused == 0)
		return 0;
	return first_note_mono + (int64_t)flush_seconds * 1000;
}

size_t
lastused_pending(void)
{
	return nused;
}

static int
lastused_by_id(const void *a, const void *b)
{
	const struct store_touch *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int
lastused_write(struct db *db)
{
	static struct store_touch v[LASTUSED_SLOTS];
	size_t i, n = 0;

	for (i = 0; i < LASTUSED_SLOTS; i++) {
		if (slots[i].id == 0)
			continue;
		v[n].id = slots[i].id;
		v[n].at = slots[i].at;
		v[n].ip = slots[i].ip;
		n++;
	}
	/* The same row order in every worker: no deadlock between flushes. */
	qsort(v, n, sizeof(v[0]), lastused_by_id);
	return store_token_touch_many(db, v, n);
}

int
lastused_flush(struct db *db)
{
	int rc;

	if (nused == 0)
		return DB_OK;
	/*
	 * No transaction: each statement stands alone, and after a failure
	 * every note stays pending; writing a row again is harmless (a
	 * lastUsed never moves backwards).
	 */
	if ((rc = lastused_write(db)) != DB_OK)
		return rc;
	memset(slots, 0, sizeof(slots));
	nused = 0;
	return DB_OK;
}
