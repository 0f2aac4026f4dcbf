/*
 * fuzz_xff.c: the client address from REMOTE_ADDR and X-Forwarded-For
 * (http_client_addr). Compares the answer with a plain model of the rule
 * in http.h: REMOTE_ADDR, unless it is a trusted proxy; then the
 * X-Forwarded-For entries right to left (32 at most), stopping at the
 * first untrusted one or at the first that is not an address. Checks that
 * the text form always matches the 16 bytes and stays in its buffer.
 *
 * Input: one byte picks the size of the text buffer; then lines: the
 * trusted CIDR list, REMOTE_ADDR ("-" for none), and the header.
 */
#include "cidr.h"
#include "fuzz.h"
#include "http.h"

#define FUZZ_XFF_HOPS	32

/* The rule of http.h, written the plain way. */
static void
fuzz_model(const char *remote, const char *xff, const struct cidr_list *tl,
    uint8_t want[16])
{
	size_t len = strnlen(xff, HTTP_HEADER_MAX), end = len, start, a, b;
	uint8_t cur[16];
	int hops;

	if (cidr_addr_parse(remote, strlen(remote), cur) == -1)
		return;
	memcpy(want, cur, 16);
	if (tl->n == 0 || !cidr_list_match(tl, cur))
		return;
	for (hops = 0; hops < FUZZ_XFF_HOPS && end > 0; hops++) {
		for (start = end; start > 0 && xff[start - 1] != ','; start--)
			;
		a = start;
		b = end;
		while (a < b && (xff[a] == ' ' || xff[a] == '\t'))
			a++;
		while (b > a && (xff[b - 1] == ' ' || xff[b - 1] == '\t'))
			b--;
		if (a == b || cidr_addr_parse(xff + a, b - a, cur) == -1)
			return;
		memcpy(want, cur, 16);
		if (!cidr_list_match(tl, cur))
			return;
		end = start > 0 ? start - 1 : 0;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t sizes[] = { 48, 46, 16, 8, 1 };
	struct fuzz_in in = { data, size };
	size_t iplen = sizes[fuzz_byte(&in) % 5], n;
	char *tl_text, *remote, *xff, *ip;
	uint8_t addr[16], want[16], back[16];
	struct cidr_list tl;
	int rc;

	tl_text = fuzz_piece(&in, '\n', NULL);
	remote = fuzz_piece(&in, '\n', NULL);
	xff = fuzz_piece(&in, '\0', NULL);
	if (cidr_list_parse(tl_text, &tl, NULL, 0) == -1)
		cidr_list_parse("127.0.0.0/8, ::1, 10.0.0.0/8", &tl, NULL, 0);
	ip = malloc(iplen);
	if (ip == NULL)
		abort();
	memset(ip, 'x', iplen);
	memset(addr, 0xaa, sizeof(addr));

	rc = http_client_addr(strcmp(remote, "-") == 0 ? NULL : remote,
	    xff[0] != '\0' || in.n > 0 ? xff : NULL, &tl, ip, iplen, addr);
	FUZZ_CHECK(rc == 0 || rc == -1, "rc %d", rc);
	n = strnlen(ip, iplen);
	FUZZ_CHECK(n < iplen, "ip text not terminated in %zu bytes", iplen);
	if (rc == -1) {
		/* http.h promises an empty ip; addr is left unspecified. */
		FUZZ_CHECK(n == 0, "failure leaves \"%s\"", ip);
	} else {
		/* The text and the bytes must name the same address. */
		FUZZ_CHECK(cidr_addr_parse(ip, n, back) == 0,
		    "ip \"%s\" is not an address", ip);
		FUZZ_CHECK(memcmp(back, addr, 16) == 0,
		    "ip \"%s\" is not the address returned", ip);
		if (iplen >= 48) {
			memset(want, 0, sizeof(want));
			fuzz_model(remote, xff, &tl, want);
			FUZZ_CHECK(memcmp(want, addr, 16) == 0,
			    "client \"%s\" is not what the rule gives", ip);
		}
	}
	free(ip);
	free(tl_text);
	free(remote);
	free(xff);
	return 0;
}
