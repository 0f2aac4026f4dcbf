/*
 * fuzz_fcgi.c: the FastCGI record guard (fcgi_guard_feed) on arbitrary
 * record streams. Checks that the verdict does not depend on how the
 * stream is cut into reads, and that it is the verdict of a plain model
 * written here (records walked on the whole buffer, the request's params
 * joined, then their pairs checked): refused exactly when some pair,
 * total or management record is out of bounds.
 *
 * Input: one byte seeds the read sizes, the rest is the stream.
 */
#include <fastcgi.h>

#include "fcgi_guard.h"
#include "fuzz.h"

/* Pair bounds on n bytes of pairs: 1 refused, 0 fine, 2 ends mid-pair. */
static int
fuzz_model_pairs(const uint8_t *b, size_t n, uint64_t *bytes,
    unsigned *pairs)
{
	size_t i = 0;
	uint32_t len[2];
	int k;

	while (i < n) {
		for (k = 0; k < 2; k++) {
			if (i >= n)
				return 2;
			if (!(b[i] & 0x80)) {
				len[k] = b[i++];
			} else {
				if (n - i < 4)
					return 2;
				len[k] = (uint32_t)(b[i] & 0x7f) << 24 |
				    (uint32_t)b[i + 1] << 16 |
				    (uint32_t)b[i + 2] << 8 | b[i + 3];
				i += 4;
			}
			if (len[0] > FCGI_GUARD_PAIR_MAX)
				return 1;
		}
		if ((uint64_t)len[0] + len[1] > FCGI_GUARD_PAIR_MAX)
			return 1;
		*bytes += len[0] + len[1];
		if (*bytes > FCGI_GUARD_PARAMS_MAX ||
		    ++*pairs > FCGI_GUARD_PAIRS_MAX)
			return 1;
		if (n - i < (size_t)len[0] + len[1])
			return 2;
		i += len[0] + len[1];
	}
	return 0;
}

/* The model's verdict on the whole stream: 1 refused, 0 fine. */
static int
fuzz_model(const uint8_t *b, size_t n)
{
	uint8_t *params = malloc(n + 1);
	size_t pos = 0, np = 0, clen, have, end;
	uint64_t bytes = 0, mbytes;
	unsigned pairs = 0, mpairs, id, req = 0;
	int begun = 0, rc = 0, r;

	FUZZ_CHECK(params != NULL, "malloc");
	while (rc == 0 && pos <= n && n - pos >= FCGI_HEADER_LEN) {
		id = (unsigned)b[pos + 2] << 8 | b[pos + 3];
		clen = (size_t)b[pos + 4] << 8 | b[pos + 5];
		end = pos + FCGI_HEADER_LEN + clen + b[pos + 6];
		have = n - pos - FCGI_HEADER_LEN;
		if (have > clen)
			have = clen;
		if (b[pos + 1] == FCGI_BEGIN_REQUEST) {
			if (!begun)
				req = id;
			begun = 1;
		} else if (id == 0 && b[pos + 1] != FCGI_GET_VALUES) {
			rc = 1;
		} else if (id == 0) {
			mbytes = 0;
			mpairs = 0;
			r = fuzz_model_pairs(b + pos + FCGI_HEADER_LEN, have,
			    &mbytes, &mpairs);
			/* A whole record (padding too) must hold whole pairs. */
			rc = r == 1 || (r == 2 && end <= n);
		} else if (b[pos + 1] == FCGI_PARAMS && begun && id == req) {
			memcpy(params + np, b + pos + FCGI_HEADER_LEN, have);
			np += have;
		}
		pos = end;
	}
	if (rc == 0)
		rc = fuzz_model_pairs(params, np, &bytes, &pairs) == 1;
	free(params);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fcgi_guard whole, cut;
	struct fuzz_in in = { data, size };
	uint32_t seed = fuzz_byte(&in) * 2654435761u + 1;
	size_t i, k;
	int rc_whole, rc_cut = 0, model;

	fcgi_guard_init(&whole);
	rc_whole = fcgi_guard_feed(&whole, in.p, in.n);
	FUZZ_CHECK((rc_whole == -1) == (whole.refused != NULL), "reason");
	FUZZ_CHECK(rc_whole == 0 || fcgi_guard_feed(&whole, in.p, 1) == -1,
	    "a refused stream must stay refused");

	fcgi_guard_init(&cut);
	for (i = 0; i < in.n && rc_cut == 0; i += k) {
		seed = seed * 1103515245u + 12345;
		k = 1 + (seed >> 16) % 64;
		if (k > in.n - i)
			k = in.n - i;
		rc_cut = fcgi_guard_feed(&cut, in.p + i, k);
	}
	FUZZ_CHECK(rc_cut == rc_whole, "cut into reads: %d, whole: %d",
	    rc_cut, rc_whole);
	FUZZ_CHECK(rc_cut == 0 || strcmp(cut.refused, whole.refused) == 0,
	    "reasons %s and %s", cut.refused, whole.refused);
	model = fuzz_model(in.p, in.n);
	FUZZ_CHECK((rc_whole == -1) == model, "guard %s, model %s",
	    whole.refused ? whole.refused : "passes",
	    model ? "refuses" : "passes");
	return 0;
}
