/*
 * fuzz_json.c: request bodies as the handlers read them: api_param and
 * its typed forms (i64, bool, list, perms, text) on JSON and form bodies,
 * through the one json-c parse of api_common.c (strict, UTF-8 checked,
 * nothing after the object). Checks that -1 always comes with a 400 and
 * 0 or 1 never does, that every value found is the whole field (no part
 * hidden behind a NUL byte), within its bounds, and that a body accepted
 * as JSON prints and parses back to the same object.
 *
 * Input: one byte picks the Content-Type, one the parameter, one the
 * list buffer size; the rest is the body.
 */
#include "api.h"
#include "fuzz.h"
#include "util.h"

static const char *const fuzz_ctypes[] = {
	"application/json", "application/json; charset=utf-8",
	"application/x-www-form-urlencoded", "", "text/plain",
};
static const char *const fuzz_names[] = {
	"login", "expires_in", "disabled", "access_token_trusted_ips",
	"permissions", "description",
};

/* The field name of the body as a parsed object; NULL if none. */
static json_object *
fuzz_field(const char *body, size_t len, const char *name, json_object **top)
{
	struct json_tokener *tok = json_tokener_new_ex(16);
	json_object *o, *v;

	*top = NULL;
	if (tok == NULL)
		abort();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, body, (int)len);
	if (o != NULL && (json_tokener_get_error(tok) != json_tokener_success ||
	    (size_t)json_tokener_get_parse_end(tok) != len ||
	    !json_object_is_type(o, json_type_object))) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	if (o == NULL)
		return NULL;
	*top = o;
	return json_object_object_get_ex(o, name, &v) ? v : NULL;
}

/*
 * Printed and parsed again, an accepted object prints the same. (Text,
 * not json_object_equal: strict json-c accepts NaN, never equal to itself.)
 */
static void
fuzz_round_trip(json_object *o)
{
	char *s = strdup(json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN));
	json_object *again;

	if (s == NULL)
		abort();
	(void)fuzz_field(s, strlen(s), "", &again);
	FUZZ_CHECK(again != NULL, "printed object does not parse: %.200s", s);
	FUZZ_CHECK(strcmp(s, json_object_to_json_string_ext(again,
	    JSON_C_TO_STRING_PLAIN)) == 0, "printed again, it differs: %.200s",
	    s);
	json_object_put(again);
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	static struct app app;
	struct http_request req;
	struct http_response res;
	struct api_ctx ctx;
	struct arena a;
	json_object *top, *field;
	const char *ctype, *name, *v = NULL;
	char *body, list[64];
	size_t lsize;
	int64_t i64 = 0;
	unsigned mask = 0;
	int which, rc, rc2, b = -1, json;

	ctype = fuzz_ctypes[fuzz_byte(&in) % 5];
	which = fuzz_byte(&in) % 6;
	lsize = 1 + fuzz_byte(&in) % sizeof(list);
	name = fuzz_names[which];
	json = strncmp(ctype, "application/json", 16) == 0;
	/* The body as http_body_read leaves it: any bytes, then a NUL. */
	if ((body = malloc(in.n + 1)) == NULL)
		abort();
	if (in.n > 0)
		memcpy(body, in.p, in.n);
	body[in.n] = '\0';
	arena_init(&a, 0);
	memset(&req, 0, sizeof(req));
	req.arena = &a;
	req.method = "POST";
	req.path = "/api/fuzz";
	req.query = "login=q&limit=5";
	req.content_type = ctype;
	req.user_agent = req.host = "";
	req.body = body;
	req.body_len = in.n;
	http_response_init(&res);
	memset(&ctx, 0, sizeof(ctx));
	ctx.app = &app;
	ctx.req = &req;
	ctx.res = &res;
	memset(list, '#', sizeof(list));

	switch (which) {
	case 0:
		rc = api_param(&ctx, name, &v);
		break;
	case 1:
		rc = api_param_i64(&ctx, name, 1, 31536000, &i64);
		break;
	case 2:
		rc = api_param_bool(&ctx, name, &b);
		break;
	case 3:
		rc = api_param_list(&ctx, name, list, lsize);
		break;
	case 4:
		rc = api_param_perms(&ctx, name, &mask);
		break;
	default:
		rc = api_param_text(&ctx, name, 64, &v);
		break;
	}
	FUZZ_CHECK(rc >= -1 && rc <= 1, "rc %d", rc);
	FUZZ_CHECK((rc == -1) == (res.status == HTTP_BAD_REQUEST),
	    "rc %d with status %d", rc, res.status);
	FUZZ_CHECK((rc == -1) == (res.json != NULL), "rc %d and a body", rc);
	if (rc == 1) {
		switch (which) {
		case 0:
		case 5:
			FUZZ_CHECK(v != NULL, "found, no value");
			if (which == 5)
				FUZZ_CHECK(util_utf8_len(v, strlen(v)) >= 0 &&
				    util_utf8_len(v, strlen(v)) <= 64, "text");
			break;
		case 1:
			FUZZ_CHECK(i64 >= 1 && i64 <= 31536000, "i64 %lld",
			    (long long)i64);
			break;
		case 2:
			FUZZ_CHECK(b == 0 || b == 1, "bool %d", b);
			break;
		case 3:
			FUZZ_CHECK(strnlen(list, lsize) < lsize, "list buffer");
			break;
		}
	}
	if (rc == 0 && which == 3)
		FUZZ_CHECK(list[0] == '#', "an absent list wrote its buffer");
	/* A found JSON string is the whole field, not what precedes a NUL. */
	if (json && rc == 1 && (which == 0 || which == 5)) {
		field = fuzz_field(body, req.body_len, name, &top);
		if (field != NULL && json_object_is_type(field,
		    json_type_string))
			FUZZ_CHECK(strlen(v) == (size_t)
			    json_object_get_string_len(field),
			    "value cut at a NUL byte: %zu of %d bytes",
			    strlen(v), json_object_get_string_len(field));
		if (top != NULL)
			json_object_put(top);
	}
	/* A second parameter reuses the parsed body. */
	rc2 = api_param(&ctx, "login", &v);
	FUZZ_CHECK(rc2 != -1 || res.status == HTTP_BAD_REQUEST,
	    "second read: -1 without a 400");
	if (ctx.body_json != NULL)
		fuzz_round_trip(ctx.body_json);

	if (ctx.body_json != NULL)
		json_object_put(ctx.body_json);
	http_response_free(&res);
	arena_free(&a);
	free(body);
	return 0;
}
