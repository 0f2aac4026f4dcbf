#!/usr/bin/env bash
# 87_cgi.sh: apitoken as a plain CGI program behind lighttpd's mod_cgi,
# configured from conf-examples/lighttpd-cgi.conf: the HTTP suite (login,
# create, use, list/revoke, errors) runs through it unchanged.
# shellcheck source-path=SCRIPTDIR source=../lib/assert.sh
. "$(dirname "$0")/../lib/assert.sh"
# shellcheck source=../../scripts/lib/stack.sh
. "$APITOKEN_SRCDIR/scripts/lib/stack.sh"

# Outside T_DIR: finish removes T_DIR before the EXIT trap stops lighttpd.
C="${APITOKEN_TEST_DIR:-/tmp}/87_cgi-lighttpd.$$"
mkdir -p "$C/www"
port=$(stack_free_port) || { not_ok "a free port for lighttpd"; finish; }
url="http://127.0.0.1:$port"
# shellcheck disable=SC2317  # called by the EXIT trap
stop_cgi() {
	stop_pidfile "$C/lighttpd.pid" lighttpd 10 >/dev/null
	rm -rf "$C"
}
trap stop_cgi EXIT

# The example as shipped; only paths change. The CSRF origin of this
# server is added through the environment, as an operator could; so are
# tests/run's sanitizer options, if set: lighttpd passes a CGI program no
# other variable of its own, and its reports must go where the pool's go.
san_env=""
for v in ASAN_OPTIONS UBSAN_OPTIONS; do
	[ -n "${!v:-}" ] && san_env="$san_env \"$v\" => \"${!v}\","
done
sed -e "s#/usr/local/sbin/apitoken-fcgi#$APITOKEN_SRCDIR/apitoken-fcgi#g" \
    -e "s#/etc/apitoken/apitoken.conf#$APITOKEN_CONF#" \
    -e "s#\"APITOKEN_CONFIG\" => \\(.*\\),#\"APITOKEN_CONFIG\" => \\1, \"APITOKEN_HTTP_PUBLIC_ORIGIN\" => \"$url\",$san_env#" \
    "$APITOKEN_SRCDIR/conf-examples/lighttpd-cgi.conf" >"$C/apitoken.conf"
check "the example names the program and config to replace" \
    grep -q "$APITOKEN_SRCDIR/apitoken-fcgi" "$C/apitoken.conf"
cat >"$C/lighttpd.conf" <<CONF
server.port = $port
server.bind = "127.0.0.1"
server.document-root = "$C/www"
server.pid-file = "$C/lighttpd.pid"
server.errorlog = "$C/lighttpd.err"
include "$C/apitoken.conf"
CONF
if ! lighttpd -tt -f "$C/lighttpd.conf" >"$C/check.err" 2>&1 ||
    ! lighttpd -f "$C/lighttpd.conf" >>"$C/check.err" 2>&1; then
	not_ok "lighttpd starts with conf-examples/lighttpd-cgi.conf" "$(head -c 300 "$C/check.err")"
	finish
fi
for ((i = 0; i < 50; i++)); do
	curl -s -o /dev/null --max-time 1 "$url/healthz" && break
	sleep 0.1
done
APITOKEN_URL=$url req GET /healthz
expect_status "healthz answers 200 through CGI" 200
expect_json "healthz says ok" .status ok

# The suite, through CGI; its lines are ours, named after the script.
for t in 10_login 20_create 30_use 40_list_revoke 50_errors; do
	APITOKEN_URL=$url timeout 300 bash "$APITOKEN_SRCDIR/tests/integration/$t.sh" \
	    >"$T_DIR/$t.out" 2>&1
	rc=$?
	sed -n -e "s/^ok - /ok - cgi $t: /p" -e "s/^not ok - /not ok - cgi $t: /p" \
	    -e '/^#/p' "$T_DIR/$t.out"
	if [ $rc -ne 0 ] && ! grep -q '^not ok' "$T_DIR/$t.out"; then
		not_ok "cgi $t exits 0" "$(tail -3 "$T_DIR/$t.out")"
	fi
done
check "no CGI process was left behind" \
    test -z "$(pgrep -f "^$APITOKEN_SRCDIR/apitoken-fcgi\$" || true)"
finish
