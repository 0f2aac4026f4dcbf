/* api_audit.c: GET /api/audit and the event lists of tokens. */
#include <string.h>

#include "api.h"
#include "store_audit.h"

#define AUDIT_PAGE_DEFAULT	50
#define AUDIT_PAGE_MAX		500

struct audit_arg {
	json_object	*arr;
	int64_t		 left;
	int		 more;
};

static json_object *
audit_str(const char *s)
{
	return s[0] != '\0' ? json_object_new_string(s) : NULL;
}

static void
audit_one(const struct store_audit_row *r, void *arg)
{
	struct audit_arg *a = arg;
	json_object *o;

	if (a->left-- <= 0) {
		a->more = 1;
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_int64(r->id));
	json_object_object_add(o, "at", json_object_new_int64(r->at));
	json_object_object_add(o, "actor_user", r->actor_user_id != 0 ?
	    json_object_new_int64(r->actor_user_id) : NULL);
	json_object_object_add(o, "actor_token", audit_str(r->actor_token));
	json_object_object_add(o, "token", audit_str(r->token));
	json_object_object_add(o, "action", json_object_new_string(r->action));
	json_object_object_add(o, "outcome",
	    json_object_new_string(r->outcome));
	json_object_object_add(o, "ip", json_object_new_string(r->ip));
	json_object_object_add(o, "user_agent",
	    json_object_new_string(r->user_agent));
	json_object_object_add(o, "reason", json_object_new_string(r->reason));
	json_object_array_add(a->arr, o);
}

enum http_status
api_audit_answer(struct api_ctx *ctx, struct store_audit_filter *f)
{
	struct audit_arg a;
	json_object *o;
	int rc;

	f->limit = AUDIT_PAGE_DEFAULT;
	if (api_param_i64(ctx, "limit", 1, AUDIT_PAGE_MAX, &f->limit) < 0 ||
	    api_param_i64(ctx, "offset", 0, 1000000000, &f->offset) < 0)
		return ctx->res->status;
	a.arr = json_object_new_array();
	a.left = f->limit;
	a.more = 0;
	f->limit++;	/* one more row tells whether there is a next page */
	if ((rc = store_audit_each(&ctx->app->db, f, audit_one, &a)) != DB_OK) {
		json_object_put(a.arr);
		return api_db_error(ctx, rc);
	}
	o = json_object_new_object();
	json_object_object_add(o, "events", a.arr);
	json_object_object_add(o, "next_offset", a.more ?
	    json_object_new_int64(f->offset + f->limit - 1) : NULL);
	http_json(ctx->res, HTTP_OK, o);
	return HTTP_OK;
}

enum http_status
api_audit_list(struct api_ctx *ctx)
{
	struct store_audit_filter f;

	memset(&f, 0, sizeof(f));
	f.action = f.token = f.outcome = "";
	if (api_param(ctx, "action", &f.action) < 0 ||
	    api_param(ctx, "token", &f.token) < 0 ||
	    api_param(ctx, "outcome", &f.outcome) < 0 ||
	    api_param_i64(ctx, "actor", 1, INT64_MAX, &f.actor_user_id) < 0 ||
	    api_param_i64(ctx, "since", 0, INT64_MAX, &f.since) < 0 ||
	    api_param_i64(ctx, "until", 0, INT64_MAX, &f.until) < 0)
		return ctx->res->status;
	if (f.action == NULL)
		f.action = "";
	if (f.token == NULL)
		f.token = "";
	if (f.outcome == NULL)
		f.outcome = "";
	if (strlen(f.action) > 32 || strlen(f.token) > TOKEN_PUBLIC_ID_LEN ||
	    strlen(f.outcome) > 16)
		return api_bad_field(ctx, strlen(f.action) > 32 ? "action" :
		    strlen(f.outcome) > 16 ? "outcome" : "token");
	return api_audit_answer(ctx, &f);
}
