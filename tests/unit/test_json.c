/* test_json.c: request bodies: JSON objects, forms and the errors they give. */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "unit.h"

static struct arena arena;
/* param() reads the field with api_param_list instead of api_param. */
static int as_list;

/* Runs api_param on a body; returns its result, the status in *status. */
static int
param(const char *ctype, const char *body, const char *name,
    const char **value, int *status, const char **reason)
{
	static struct app app;
	struct http_request req;
	struct http_response res;
	struct api_ctx ctx;
	json_object *r;
	int rc;

	memset(&req, 0, sizeof(req));
	req.arena = &arena;
	req.method = "POST";
	req.path = "/api/login";
	req.query = "";
	req.content_type = ctype;
	req.user_agent = "";
	req.host = "";
	req.body = body;
	req.body_len = body != NULL ? strlen(body) : 0;
	http_response_init(&res);
	memset(&ctx, 0, sizeof(ctx));
	ctx.app = &app;
	ctx.req = &req;
	ctx.res = &res;
	*value = NULL;
	if (as_list) {
		static char list[256];

		rc = api_param_list(&ctx, name, list, sizeof(list));
		if (rc == 1)
			*value = list;
	} else
		rc = api_param(&ctx, name, value);
	*status = res.status;
	*reason = "";
	if (res.json != NULL && json_object_object_get_ex(res.json, "reason", &r))
		*reason = arena_strdup(&arena, json_object_get_string(r));
	if (*value != NULL)
		*value = arena_strdup(&arena, *value);
	http_response_free(&res);
	if (ctx.body_json != NULL)
		json_object_put(ctx.body_json);
	return rc;
}

int
main(void)
{
	const char *v, *reason;
	int st, rc;

	arena_init(&arena, 4096);

	rc = param("application/json", "{\"login\":\"alice\",\"password\":\"x\"}",
	    "login", &v, &st, &reason);
	UNIT_CHECK("a JSON object field is found", rc == 1);
	UNIT_CHECK_STR("its string value is returned", v, "alice");

	rc = param("application/json; charset=utf-8", "{\"a\":1}", "login", &v,
	    &st, &reason);
	UNIT_CHECK("an absent JSON field is 0, not an error", rc == 0 &&
	    st == 200);

	rc = param("application/json", "{\"expires_in\":3600}", "expires_in",
	    &v, &st, &reason);
	UNIT_CHECK("a JSON integer is accepted", rc == 1);
	UNIT_CHECK_STR("and read as its decimal text", v, "3600");

	rc = param("application/json", "{\"login\":null}", "login", &v, &st,
	    &reason);
	UNIT_CHECK("a JSON null counts as absent", rc == 0);

	rc = param("application/json", "{\"login\":{\"x\":1}}", "login", &v,
	    &st, &reason);
	UNIT_CHECK("an object where a string belongs is 400", rc == -1 &&
	    st == 400);
	UNIT_CHECK_STR("with reason invalid_field", reason, "invalid_field");

	rc = param("application/json", "{\"login\":[\"a\"]}", "login", &v, &st,
	    &reason);
	UNIT_CHECK("an array where a string belongs is 400", rc == -1 &&
	    st == 400);

	rc = param("application/json", "{\"login\":", "login", &v, &st,
	    &reason);
	UNIT_CHECK("truncated JSON is 400", rc == -1 && st == 400);
	UNIT_CHECK_STR("with reason invalid_json", reason, "invalid_json");

	rc = param("application/json", "{\"login\":\"a\"} trailing", "login",
	    &v, &st, &reason);
	UNIT_CHECK("bytes after the object are 400 invalid_json", rc == -1 &&
	    strcmp(reason, "invalid_json") == 0);

	rc = param("application/json", "[1,2]", "login", &v, &st, &reason);
	UNIT_CHECK("a JSON array body is 400 invalid_json", rc == -1 &&
	    strcmp(reason, "invalid_json") == 0);

	rc = param("application/json", "\"just a string\"", "login", &v, &st,
	    &reason);
	UNIT_CHECK("a JSON string body is 400 invalid_json", rc == -1);

	rc = param("application/json", "{\"login\":\"\xff\xfe\"}", "login", &v,
	    &st, &reason);
	UNIT_CHECK("invalid UTF-8 inside JSON is 400 invalid_json", rc == -1 &&
	    strcmp(reason, "invalid_json") == 0);

	rc = param("application/json", "{'login':'a'}", "login", &v, &st,
	    &reason);
	UNIT_CHECK("single-quoted pseudo-JSON is refused (strict mode)",
	    rc == -1);

	rc = param("application/json", "{\"login\":\"a\",\"login\":\"b\"}",
	    "login", &v, &st, &reason);
	UNIT_CHECK("a duplicate key does not crash and gives one value",
	    rc == 1 && v != NULL && (strcmp(v, "a") == 0 || strcmp(v, "b") == 0));

	rc = param("application/json", "{\"login\":\"caf\\u00e9\"}", "login",
	    &v, &st, &reason);
	UNIT_CHECK_STR("a \\u escape is decoded to UTF-8", v, "caf\xc3\xa9");

	/*
	 * "\u0000" decodes to a NUL byte: the value was cut there ("a"), as
	 * a C string. Found by tests/fuzz/fuzz_json.
	 */
	rc = param("application/json", "{\"login\":\"a\\u0000b\"}", "login",
	    &v, &st, &reason);
	UNIT_CHECK("a JSON string holding \\u0000 is 400 invalid_field",
	    rc == -1 && st == 400 && strcmp(reason, "invalid_field") == 0);
	as_list = 1;
	rc = param("application/json", "{\"ips\":[\"10.0.0.1\\u0000,x\"]}",
	    "ips", &v, &st, &reason);
	UNIT_CHECK("a list element holding \\u0000 is 400 invalid_field",
	    rc == -1 && st == 400 && strcmp(reason, "invalid_field") == 0);
	rc = param("application/json", "{\"ips\":[\"10.0.0.1\",\"::1\"]}",
	    "ips", &v, &st, &reason);
	UNIT_CHECK_STR("a list of strings is joined", v, "10.0.0.1, ::1");
	as_list = 0;

	rc = param("application/x-www-form-urlencoded", "login=bob&password=p%20w",
	    "password", &v, &st, &reason);
	UNIT_CHECK("a form field is found", rc == 1);
	UNIT_CHECK_STR("and percent-decoded", v, "p w");

	rc = param("", "login=carol", "login", &v, &st, &reason);
	UNIT_CHECK("a body without Content-Type is read as a form", rc == 1 &&
	    v != NULL && strcmp(v, "carol") == 0);

	rc = param("application/x-www-form-urlencoded", "login=%zz", "login",
	    &v, &st, &reason);
	UNIT_CHECK("a malformed form escape is 400", rc == -1 && st == 400);

	rc = param("text/plain", "login=dave", "login", &v, &st, &reason);
	UNIT_CHECK("text/plain is 400 invalid_content_type", rc == -1 &&
	    strcmp(reason, "invalid_content_type") == 0);

	rc = param("application/json", NULL, "login", &v, &st, &reason);
	UNIT_CHECK("no body at all: the field is absent", rc == 0);

	arena_free(&arena);
	return unit_summary("test_json");
}
