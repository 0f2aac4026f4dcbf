/*
 * fuzz_form.c: query strings and application/x-www-form-urlencoded bodies
 * (http_form_get, http_url_decode). Checks http_form_get against a plain
 * model (the first pair whose raw name matches, split on '&' and ';'),
 * that a decoded value never outgrows its input nor holds a NUL byte, and
 * that encoding a decoded value and decoding it again gives it back.
 *
 * Input: the name looked up, a newline, then the form (a body may hold
 * any byte, a NUL included).
 */
#include "arena.h"
#include "fuzz.h"
#include "http.h"

/* Percent-encodes s (every byte but unreserved ones) into out. */
static size_t
fuzz_encode(const char *s, size_t len, char *out)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, o = 0;
	unsigned char c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
		    (c >= 'a' && c <= 'z') || c == '-' || c == '.' ||
		    c == '_' || c == '~') {
			out[o++] = (char)c;
		} else if (c == ' ') {
			out[o++] = '+';
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	return o;
}

/* Decodes s[0..len) and checks the result; its length or -1. */
static int
fuzz_decode(const char *s, size_t len, char **res)
{
	char *out = malloc(len + 1), *enc, *again;
	size_t elen;
	int n, m;

	if (out == NULL)
		abort();
	*res = out;
	if ((n = http_url_decode(s, len, out)) < 0)
		return -1;
	FUZZ_CHECK((size_t)n <= len, "decoded %d bytes from %zu", n, len);
	FUZZ_CHECK(out[n] == '\0', "not terminated");
	/* The caller reads it as a C string: all of it must be there. */
	FUZZ_CHECK(strlen(out) == (size_t)n, "a NUL byte inside the value "
	    "(at %zu of %d)", strlen(out), n);
	if ((enc = malloc((size_t)n * 3 + 1)) == NULL ||
	    (again = malloc((size_t)n * 3 + 1)) == NULL)
		abort();
	elen = fuzz_encode(out, (size_t)n, enc);
	m = http_url_decode(enc, elen, again);
	FUZZ_CHECK(m == n && memcmp(again, out, (size_t)n) == 0,
	    "encode then decode does not give the value back");
	free(enc);
	free(again);
	return n;
}

/* The first pair named name: its raw value in *v, *vlen; 1 or 0. */
static int
fuzz_model(const char *s, size_t len, const char *name, const char **v,
    size_t *vlen)
{
	size_t nlen = strlen(name), i = 0, start, eq;

	/* An empty pair matches the empty name; nothing follows a last '&'. */
	while (i < len) {
		start = i;
		while (i < len && s[i] != '&' && s[i] != ';')
			i++;
		eq = start;
		while (eq < i && s[eq] != '=')
			eq++;
		if (eq - start == nlen && memcmp(s + start, name, nlen) == 0) {
			*v = eq < i ? s + eq + 1 : s + i;
			*vlen = eq < i ? i - eq - 1 : 0;
			return 1;
		}
		i++;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct arena a;
	const char *v = NULL, *mv = NULL;
	char *name, *form, *dec;
	size_t mlen = 0;
	int rc, want, n;

	name = fuzz_piece(&in, '\n', NULL);
	/* Exactly the form's bytes: no NUL after it to lean on. */
	form = fuzz_dup(in.p, in.n);
	arena_init(&a, 0);

	rc = http_form_get(&a, form, in.n, name, &v);
	FUZZ_CHECK(rc >= -1 && rc <= 1, "rc %d", rc);
	want = fuzz_model(form, in.n, name, &mv, &mlen);
	FUZZ_CHECK((rc != 0) == (want == 1), "found %d, the model %d", rc,
	    want);
	if (want == 1) {
		n = fuzz_decode(mv, mlen, &dec);
		FUZZ_CHECK((rc == -1) == (n == -1), "rc %d, decoding %d", rc, n);
		if (rc == 1)
			FUZZ_CHECK(strcmp(v, dec) == 0, "value differs from the "
			    "model's");
		free(dec);
	}
	/* The whole input as one value, too. */
	n = fuzz_decode(form, in.n, &dec);
	free(dec);

	arena_free(&a);
	free(name);
	free(form);
	return 0;
}
