/* test_util.c: bounded integers, constant-time compare, UTF-8, the arena. */
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "util.h"
#include "unit.h"

static int
pi(const char *s, int64_t min, int64_t max, int64_t *v)
{
	return util_parse_i64(s, strlen(s), min, max, v);
}

static long
u8len(const char *s)
{
	return util_utf8_len(s, strlen(s));
}

int
main(void)
{
	struct arena a;
	int64_t v = 0;
	char out[32], big[5000];
	char *p, *q, *s;
	int i, all_ok;

	/* util_parse_i64 */
	UNIT_CHECK("parse 0", pi("0", 0, 10, &v) == 0 && v == 0);
	UNIT_CHECK("parse 42", pi("42", 0, 100, &v) == 0 && v == 42);
	UNIT_CHECK("parse -5", pi("-5", -10, 10, &v) == 0 && v == -5);
	UNIT_CHECK("parse +7", pi("+7", 0, 10, &v) == 0 && v == 7);
	UNIT_CHECK("parse INT64_MAX",
	    pi("9223372036854775807", 0, INT64_MAX, &v) == 0 &&
	    v == INT64_MAX);
	UNIT_CHECK("parse INT64_MAX + 1 fails",
	    pi("9223372036854775808", 0, INT64_MAX, &v) == -1);
	UNIT_CHECK("parse 20 digits fails",
	    pi("10000000000000000000", 0, INT64_MAX, &v) == -1);
	UNIT_CHECK("parse empty fails", pi("", 0, 10, &v) == -1);
	UNIT_CHECK("parse lone sign fails", pi("-", -10, 10, &v) == -1);
	UNIT_CHECK("parse trailing junk fails", pi("12a", 0, 100, &v) == -1);
	UNIT_CHECK("parse leading blank fails", pi(" 1", 0, 100, &v) == -1);
	UNIT_CHECK("parse hex fails", pi("0x10", 0, 100, &v) == -1);
	UNIT_CHECK("parse above max fails", pi("11", 0, 10, &v) == -1);
	UNIT_CHECK("parse below min fails", pi("-1", 0, 10, &v) == -1);
	v = 99;
	(void)pi("x", 0, 10, &v);
	UNIT_CHECK("failed parse leaves the output alone", v == 99);
	UNIT_CHECK("parse honours len, not NUL",
	    util_parse_i64("123456", 3, 0, 1000, &v) == 0 && v == 123);

	/* util_memeq */
	UNIT_CHECK("memeq equal", util_memeq("abcd", "abcd", 4));
	UNIT_CHECK("memeq differs in last byte", !util_memeq("abcd", "abce", 4));
	UNIT_CHECK("memeq differs in first byte", !util_memeq("xbcd", "abcd", 4));
	UNIT_CHECK("memeq of nothing is equal", util_memeq("a", "b", 0));

	/* util_utf8_len */
	UNIT_CHECK("utf8 ascii", u8len("hello") == 5);
	UNIT_CHECK("utf8 empty", u8len("") == 0);
	UNIT_CHECK("utf8 two-byte", u8len("caf\xc3\xa9") == 4);
	UNIT_CHECK("utf8 three-byte", u8len("\xe2\x82\xac") == 1);
	UNIT_CHECK("utf8 four-byte", u8len("\xf0\x9f\x94\x91") == 1);
	UNIT_CHECK("utf8 overlong '/' refused", u8len("\xc0\xaf") == -1);
	UNIT_CHECK("utf8 overlong three-byte refused",
	    u8len("\xe0\x80\xaf") == -1);
	UNIT_CHECK("utf8 surrogate refused", u8len("\xed\xa0\x80") == -1);
	UNIT_CHECK("utf8 above U+10FFFF refused",
	    u8len("\xf4\x90\x80\x80") == -1);
	UNIT_CHECK("utf8 truncated sequence refused", u8len("a\xe2\x82") == -1);
	UNIT_CHECK("utf8 lone continuation refused", u8len("\x80") == -1);
	UNIT_CHECK("utf8 NUL refused", util_utf8_len("a\0b", 3) == -1);

	/* util_utf8_clip */
	util_utf8_clip("Mozilla/5.0", out, sizeof(out), 100);
	UNIT_CHECK_STR("clip keeps plain text", out, "Mozilla/5.0");
	util_utf8_clip("abcdef", out, sizeof(out), 3);
	UNIT_CHECK_STR("clip stops at maxchars", out, "abc");
	util_utf8_clip("a\r\nb\x7f", out, sizeof(out), 100);
	UNIT_CHECK_STR("clip replaces control characters", out, "a??b?");
	util_utf8_clip("a\xff" "b", out, sizeof(out), 100);
	UNIT_CHECK_STR("clip replaces invalid bytes", out, "a?b");
	util_utf8_clip("\xe2\x82\xac\xe2\x82\xac", out, 5, 100);
	UNIT_CHECK_STR("clip never cuts a character in half", out,
	    "\xe2\x82\xac");
	util_utf8_clip(NULL, out, sizeof(out), 100);
	UNIT_CHECK_STR("clip of NULL is empty", out, "");

	/* util_errf */
	util_errf(out, 8, "%s", "0123456789");
	UNIT_CHECK_STR("errf keeps a truncated message", out, "0123456");

	/* The arena. */
	arena_init(&a, 1024);
	p = arena_alloc(&a, 10);
	q = arena_alloc(&a, 10);
	UNIT_CHECK("arena gives distinct blocks", p != NULL && q != NULL &&
	    p != q);
	UNIT_CHECK("arena aligns allocations",
	    ((uintptr_t)p % sizeof(void *)) == 0 &&
	    ((uintptr_t)q % sizeof(void *)) == 0);
	s = arena_strndup(&a, "hello world", 5);
	UNIT_CHECK_STR("arena strndup", s, "hello");
	s = arena_strdup(&a, "x");
	UNIT_CHECK_STR("arena strdup", s, "x");
	memset(big, 'b', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	s = arena_strdup(&a, big);
	UNIT_CHECK("arena takes an allocation larger than a block",
	    s != NULL && strlen(s) == sizeof(big) - 1);
	all_ok = 1;
	for (i = 0; i < 1000; i++) {
		if ((p = arena_alloc(&a, 100)) == NULL)
			all_ok = 0;
		else
			memset(p, i & 0xff, 100);
	}
	UNIT_CHECK("arena grows over many blocks", all_ok);
	arena_reset(&a);
	p = arena_alloc(&a, 16);
	UNIT_CHECK("arena works after reset", p != NULL);
	arena_free(&a);

	return unit_summary("test_util");
}
