/* lastused.h: coalesced lastUsed writes: noted per request, flushed in batches. */
#ifndef APITOKEN_LASTUSED_H
#define APITOKEN_LASTUSED_H

#include <stdint.h>

#include "db.h"

#define LASTUSED_SLOTS	1024	/* distinct tokens held between flushes */

/* Notes a use; returns 1 when a statement's worth (64) waits: flush now. */
int	 lastused_note(int64_t token_id, int64_t at_ms, const char *ip);
/* Milliseconds (monotonic) when the oldest pending note is due; 0 if none. */
int64_t	 lastused_due(unsigned flush_seconds);
size_t	 lastused_pending(void);
/*
 * Writes every pending note, 64 a statement (no transaction: a row written
 * twice is harmless). On failure the notes stay and are retried at the
 * next flush. Returns a db_status.
 */
int	 lastused_flush(struct db *db);

#endif
