#!/bin/bash
# 90_db_down: MariaDB stopped under the running pool: 503 with Retry-After
# (never a MariaDB message), malformed tokens still refused without the
# database, no worker dies, and service comes back when MariaDB does,
# without restarting apitoken. Runs last: it stops and restarts MariaDB.
. "$APITOKEN_SRCDIR/tests/lib/assert.sh"
. "$APITOKEN_SRCDIR/scripts/lib/stack.sh"

if [ -z "${APITOKEN_STACK_DIR:-}" ]; then
	not_ok "APITOKEN_STACK_DIR is set (tests/run sets it)"
	finish
fi

U=$(uniq_login db)
new_user "$U" "pw-$U-secret"
T=$(make_token "$U")
# Never used before the outage, so no worker has it cached: a cached token
# is answered without MariaDB for up to [cache] ttl seconds.
T2=$(make_token "$U")
req GET /api/whoami -H "X-Auth-Token: $T"
expect_status "the token works while MariaDB is up" 200
M=$(master_pid)
before=$(children "$M" | tr '\n' ' ')

stack_mariadb_stop "$APITOKEN_STACK_DIR" >/dev/null

start=$(date +%s%N)
req GET /healthz
expect_status "healthz answers 503 when MariaDB is down" 503
expect_json "healthz body says unavailable" .status unavailable
expect_header "healthz 503 has Retry-After" Retry-After '^[0-9]+$'

req GET /api/whoami -H "X-Auth-Token: $T2"
expect_error "a valid token gets 503 database_unavailable while MariaDB is down" \
    503 database_unavailable
expect_header "the 503 has Retry-After" Retry-After '^[0-9]+$'
if grep -qiE 'mysql|mariadb|sql|socket' "$RES_BODY_FILE"; then
	not_ok "no MariaDB error text reaches the client" "$(cat "$RES_BODY_FILE")"
else
	ok "no MariaDB error text reaches the client"
fi

# The last character changed (to x, or to y when it already is x).
last=${T: -1}
[ "$last" = x ] && bad="${T%?}y" || bad="${T%?}x"
req GET /api/whoami -H "X-Auth-Token: $bad"
expect_error "a malformed token is still refused (401) without the database" \
    401 malformed_token

req POST /api/login -H 'Content-Type: application/json' \
    -d "{\"login\":\"$U\",\"password\":\"pw-$U-secret\"}"
expect_status "login gets 503 (not 401) while MariaDB is down" 503

elapsed=$((($(date +%s%N) - start) / 1000000))
if [ "$elapsed" -lt 15000 ]; then
	ok "the requests during the outage answered quickly (${elapsed} ms for 5)"
else
	not_ok "the requests during the outage answered quickly" "took ${elapsed} ms"
fi

stack_mariadb_start "$APITOKEN_STACK_DIR" >/dev/null
back=0
for _ in $(seq 1 50); do
	req GET /api/whoami -H "X-Auth-Token: $T"
	[ "$RES_STATUS" = 200 ] && { back=1; break; }
	sleep 0.1
done
if [ $back = 1 ]; then
	ok "service recovers within 5 s of MariaDB coming back, no restart"
else
	not_ok "service recovers within 5 s of MariaDB coming back, no restart"
fi
# Every worker retries MariaDB at most once a second while it is down, so
# each one is back within about a second of the first success.
streak=0
for _ in $(seq 1 60); do
	req GET /healthz
	if [ "$RES_STATUS" = 200 ]; then streak=$((streak + 1)); else streak=0; fi
	[ $streak -ge 10 ] && break
	sleep 0.1
done
expect_eq "healthz is 200 again on every worker (10 in a row within 6 s)" \
    "$streak" 10
after=$(children "$M" | tr '\n' ' ')
expect_eq "no worker died during the outage" "$after" "$before"
finish
