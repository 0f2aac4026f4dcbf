/* store_audit.c: the SQL for the audit trail. */
#include <string.h>

#include "store_audit.h"
#include "util.h"

static struct db_stmt st_insert = DB_STMT_INIT(
    "INSERT INTO audit_events (at, actor_user_id, actor_token_id, token_id, "
    "action, outcome, ip, user_agent, reason) VALUES "
    "(?, NULLIF(?, 0), NULLIF(?, 0), NULLIF(?, 0), ?, ?, ?, ?, ?)", 0);
static struct db_stmt st_each = DB_STMT_INIT(
    "SELECT e.id, e.at, COALESCE(e.actor_user_id, 0), "
    "COALESCE(a.public_id, ''), COALESCE(t.public_id, ''), e.action, "
    "e.outcome, e.ip, e.user_agent, e.reason FROM audit_events e "
    "LEFT JOIN tokens a ON a.id = e.actor_token_id "
    "LEFT JOIN tokens t ON t.id = e.token_id "
    "JOIN (SELECT ? AS action, ? AS token, ? AS actor, ? AS outcome, "
    "? AS since, ? AS until) f "
    "WHERE (f.action = '' OR e.action = f.action) "
    "AND (f.token = '' OR t.public_id = f.token) "
    "AND (f.actor = 0 OR e.actor_user_id = f.actor) "
    "AND (f.outcome = '' OR e.outcome = f.outcome) "
    "AND (f.since = 0 OR e.at >= f.since) "
    "AND (f.until = 0 OR e.at < f.until) "
    "ORDER BY e.at DESC, e.id DESC LIMIT ? OFFSET ?", 1);

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

int
store_audit_each(struct db *db, const struct store_audit_filter *f,
    void (*fn)(const struct store_audit_row *, void *), void *arg)
{
	struct store_audit_row r;
	MYSQL_BIND in[8], out[10];
	my_bool isnull[10];
	unsigned long len[10];
	int rc;

	memset(&r, 0, sizeof(r));
	db_in_str(&in[0], f->action != NULL ? f->action : "");
	db_in_str(&in[1], f->token != NULL ? f->token : "");
	db_in_i64(&in[2], &f->actor_user_id);
	db_in_str(&in[3], f->outcome != NULL ? f->outcome : "");
	db_in_i64(&in[4], &f->since);
	db_in_i64(&in[5], &f->until);
	db_in_i64(&in[6], &f->limit);
	db_in_i64(&in[7], &f->offset);
	db_out_i64(&out[0], &r.id, &isnull[0]);
	db_out_i64(&out[1], &r.at, &isnull[1]);
	db_out_i64(&out[2], &r.actor_user_id, &isnull[2]);
	db_out_str(&out[3], r.actor_token, sizeof(r.actor_token), &len[3],
	    &isnull[3]);
	db_out_str(&out[4], r.token, sizeof(r.token), &len[4], &isnull[4]);
	db_out_str(&out[5], r.action, sizeof(r.action), &len[5], &isnull[5]);
	db_out_str(&out[6], r.outcome, sizeof(r.outcome), &len[6], &isnull[6]);
	db_out_str(&out[7], r.ip, sizeof(r.ip), &len[7], &isnull[7]);
	db_out_str(&out[8], r.user_agent, sizeof(r.user_agent), &len[8],
	    &isnull[8]);
	db_out_str(&out[9], r.reason, sizeof(r.reason), &len[9], &isnull[9]);
	if ((rc = db_exec(db, &st_each, in, out)) != DB_OK)
		return rc;
	while ((rc = db_fetch(&st_each)) == 1)
		fn(&r, arg);
	db_done(&st_each);
	return rc == 0 ? DB_OK : DB_ERROR;
}
