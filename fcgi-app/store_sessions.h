/* store_sessions.h: the SQL for browser sessions (stored by hash only). */
#ifndef APITOKEN_STORE_SESSIONS_H
#define APITOKEN_STORE_SESSIONS_H

#include <stdint.h>

#include "db.h"
#include "store_users.h"

#define STORE_SESSION_HASH_LEN	32

int	 store_session_insert(struct db *db, const uint8_t *hash,
	    int64_t user_id, int64_t now, int64_t expires_at, const char *ip,
	    const char *user_agent);
/* The user of a live session: 1 found, 0 not found/expired, or db_status. */
int	 store_session_user(struct db *db, const uint8_t *hash, int64_t now,
	    struct store_user *u, int64_t *expires_at);
int	 store_session_delete(struct db *db, const uint8_t *hash);
/* Ends every session of the user (a password change). */
int	 store_session_delete_user(struct db *db, int64_t user_id);
/* Removes sessions that expired before now (bounded batch). */
int	 store_session_purge(struct db *db, int64_t now);

#endif
