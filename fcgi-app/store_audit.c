/* store_audit.c: the SQL for the audit trail. */
#include "store_audit.h"
#include "util.h"

static struct db_stmt st_insert = DB_STMT_INIT(
    "INSERT INTO audit_events (at, actor_user_id, actor_token_id, token_id, "
    "action, outcome, ip, user_agent, reason) VALUES "
    "(?, NULLIF(?, 0), NULLIF(?, 0), NULLIF(?, 0), ?, ?, ?, ?, ?)", 0);

int
store_audit_add(struct db *db, const struct store_audit_event *e)
{
	char ua[256 * 4], reason[256 * 4];
	MYSQL_BIND in[9];

	/* Free text from clients must fit the column and be valid UTF-8. */
	util_utf8_clip(e->user_agent, ua, sizeof(ua), 255);
	util_utf8_clip(e->reason, reason, sizeof(reason), 255);
	db_in_i64(&in[0], &e->at);
	db_in_i64(&in[1], &e->actor_user_id);
	db_in_i64(&in[2], &e->actor_token_id);
	db_in_i64(&in[3], &e->token_id);
	db_in_str(&in[4], e->action);
	db_in_str(&in[5], e->outcome);
	db_in_str(&in[6], e->ip != NULL ? e->ip : "");
	db_in_str(&in[7], ua);
	db_in_str(&in[8], reason);
	return db_exec(db, &st_insert, in, NULL);
}
