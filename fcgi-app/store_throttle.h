/* store_throttle.h: the SQL for failed-password counters (schema/005). */
#ifndef APITOKEN_STORE_THROTTLE_H
#define APITOKEN_STORE_THROTTLE_H

#include <stdint.h>

#include "db.h"

#define STORE_THROTTLE_KEY_LEN	32
#define STORE_THROTTLE_LABEL_MAX 47

struct store_throttle_row {
	uint8_t		 key[STORE_THROTTLE_KEY_LEN];
	char		 kind[9];	/* "ip" or "account" */
	char		 label[STORE_THROTTLE_LABEL_MAX + 1];
	int64_t		 fails;
	int64_t		 window_start;	/* ms */
};

/*
 * The counters of up to two keys (either may be NULL) in one round trip;
 * fn is called for each row found. A db_status.
 */
int	 store_throttle_get(struct db *db, const uint8_t *k1, const uint8_t *k2,
	    void (*fn)(const struct store_throttle_row *, void *), void *arg);
/*
 * One more failure for key: a new window when the stored one started at or
 * before now - window_ms. *inserted is set when the row is new. A db_status.
 */
int	 store_throttle_fail(struct db *db, const uint8_t *key,
	    const char *kind, const char *label, int64_t now, int64_t window_ms,
	    int *inserted);
int	 store_throttle_clear(struct db *db, const uint8_t *key);
/* Deletes every row (label NULL) or the rows of one address label. */
int	 store_throttle_clear_label(struct db *db, const char *label);
/* Drops up to 1000 rows whose window started before. */
int	 store_throttle_purge(struct db *db, int64_t before);
/* Every row, for apitokenctl, newest first (at most 1000). */
int	 store_throttle_list(struct db *db,
	    void (*fn)(const struct store_throttle_row *, void *), void *arg);

#endif
