#!/usr/bin/env bash
# 72_keepconn.sh: kept web-server connections cannot starve the pool. nginx
# with fastcgi_keep_conn on and an upstream keepalive cache larger than
# [server] workers ties connections to workers; a worker idling on a kept
# connection hands it back when a new connection waits, so a burst of
# parallel requests all get answers.
# shellcheck source-path=SCRIPTDIR source=../lib/assert.sh
. "$(dirname "$0")/../lib/assert.sh"
# shellcheck source=../../scripts/lib/stack.sh
. "$APITOKEN_SRCDIR/scripts/lib/stack.sh"

# Outside T_DIR: finish removes T_DIR before the EXIT trap stops nginx.
N="${APITOKEN_TEST_DIR:-/tmp}/72_keepconn-nginx.$$"
sock=${APITOKEN_SOCKET:-$APITOKEN_STACK_DIR/apitoken.sock}
tmp="${sock%/*}/nginx-keep-tmp"
mkdir -p "$N" "$tmp"
[ "$(id -u)" = 0 ] && chown nobody "$tmp"
port=$(stack_free_port) || { not_ok "a free port for nginx"; finish; }
# shellcheck disable=SC2317  # called by the EXIT trap
stop_nginx() {
	stop_pidfile "$N/nginx.pid" nginx 10 >/dev/null
	rm -rf "$tmp" "$N"
}
trap stop_nginx EXIT
user=""
[ "$(id -u)" = 0 ] && user="user nobody nogroup;"
cat >"$N/nginx.conf" <<CONF
$user
pid $N/nginx.pid;
error_log $N/error.log;
events { worker_connections 512; }
http {
    access_log off;
    client_body_temp_path $tmp;
    fastcgi_temp_path $tmp;
    proxy_temp_path $tmp;
    uwsgi_temp_path $tmp;
    scgi_temp_path $tmp;
    upstream apitoken {
        server unix:$sock;
        keepalive 16;
    }
    server {
        listen 127.0.0.1:$port;
        location /api/ {
            include /etc/nginx/fastcgi_params;
            fastcgi_keep_conn on;
            fastcgi_read_timeout 20s;
            fastcgi_pass apitoken;
        }
    }
}
CONF
if ! nginx -t -q -p "$N" -c "$N/nginx.conf" 2>"$N/check.err" ||
    ! nginx -p "$N" -c "$N/nginx.conf" 2>>"$N/check.err"; then
	not_ok "nginx starts with fastcgi_keep_conn on" "$(head -c 300 "$N/check.err")"
	finish
fi
ok "nginx starts with fastcgi_keep_conn on and keepalive 16"

U=$(uniq_login kc)
PW="pw-$RANDOM-secret"
new_user "$U" "$PW" || not_ok "apitokenctl user add creates the test user"
workers=$(awk -F' *= *' '/^\[/ { s = $0 } s == "[server]" && $1 == "workers" { print $2 }' \
    "$APITOKEN_CONF")
workers=${workers:-0}

# Three bursts of 24 parallel requests (far more than the workers), with
# pauses that leave the kept connections idle in between. Basic auth makes
# each request take ~0.1 s (argon2id), so they really overlap: without the
# hand-back, all but one request per worker wait for the timeout.
: >"$T_DIR/codes"
start=$(date +%s)
for round in 1 2 3; do
	for ((i = 0; i < 24; i++)); do
		curl -s -o /dev/null -w '%{http_code}\n' --max-time 15 \
		    -u "$U:$PW" "http://127.0.0.1:$port/api/whoami" \
		    >>"$T_DIR/codes" &
	done
	wait
	[ $round -lt 3 ] && sleep 1
done
took=$(($(date +%s) - start))
expect_eq "72 requests over kept connections all answer 200 (workers = $workers)" \
    "$(grep -c '^200$' "$T_DIR/codes")" 72
check "no request waited for a timeout (took ${took}s)" test "$took" -lt 30
finish
