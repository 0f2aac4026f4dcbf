#!/bin/bash
# 90_db_down: MariaDB stopped under the running pool: 503 with Retry-After
# (never a MariaDB message), malformed tokens still refused without the
# database, no worker dies, and service comes back when MariaDB does,
# without restarting apitoken. Then the same under load (wrk): MariaDB
# stopped while requests run, every answer a 200 or a 503 with
# Retry-After, none slower than [database] connect_timeout, no socket
# error; started again under load, every worker serves within 5 s.
# Runs last: it stops and restarts MariaDB.
# DB_DOWN_SECS (default 4): seconds of outage under load.
. "$APITOKEN_SRCDIR/tests/lib/assert.sh"
. "$APITOKEN_SRCDIR/tests/lib/load.sh"
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

# ---------------------------------------------------------- under load
down_secs=${DB_DOWN_SECS:-4}
ct=$(awk -F' *= *' '/^\[/ { s = $0 } s == "[database]" && $1 == "connect_timeout" { print $2 }' \
    "$APITOKEN_CONF")
ct=${ct:-3}
# Tokens never used yet: each is a SELECT on its first use per worker;
# the cached ones (the same tokens later) live on for up to 2 cache TTLs.
for _ in $(seq 1 20); do make_token "$U"; done >"$T_DIR/tokens"
load_start up 1 /api/whoami "$T_DIR/tokens" X-Auth-Token
load_wait up
if [ "$(load_failed up)" = 0 ] && load_ok up; then
	ok "under load with MariaDB up every answer is a 200 ($(load_field up requests))"
else
	not_ok "under load with MariaDB up every answer is a 200" "$(load_text up)"
fi

# The stop lands while requests run: one wrk run from before the stop to
# the end of the outage.
load_start down $((down_secs + 3)) /api/whoami "$T_DIR/tokens" X-Auth-Token
sleep 1
t_stop=$(now_ms)
stack_mariadb_stop "$APITOKEN_STACK_DIR" >/dev/null
t_stopped=$(now_ms)
load_wait down
printf '# MariaDB stopped in %d ms, under %s\n' $((t_stopped - t_stop)) "$(load_text down)"
if ! load_ok down; then
	not_ok "wrk ran through the outage" "$(load_text down)"
else
	ok "wrk ran through the outage ($(load_field down requests) requests)"
fi
n503=$(load_count down 503)
if [ "$n503" -gt 0 ]; then
	ok "requests during the outage get 503 ($n503 of $(load_field down requests))"
else
	not_ok "requests during the outage get 503" "$(load_text down)"
fi
expect_eq "only 200 (before the stop, cached) or 503 during the outage, no socket error" \
    "$(load_failed down 200 503)" 0
expect_eq "every 503 under load has Retry-After" "$(load_field down no_retry_after)" 0
max_ms=$(load_field down max_ms)
if [ -n "$max_ms" ] && [ "$max_ms" -lt $((ct * 1000)) ]; then
	ok "the slowest answer across the stop and outage is under connect_timeout (${max_ms} ms < ${ct} s)"
else
	not_ok "the slowest answer across the stop and outage is under connect_timeout" \
	    "slowest ${max_ms:-?} ms, connect_timeout ${ct} s"
fi

# Started again while the load runs; recovery is measured from the moment
# MariaDB answers a ping to the first of 10 healthz 200s in a row (each
# healthz pings MariaDB from whichever worker takes it).
load_start back 8 /api/whoami "$T_DIR/tokens" X-Auth-Token
sleep 0.5
stack_mariadb_start "$APITOKEN_STACK_DIR" >"$T_DIR/mariadb-start.log" 2>&1 &
spid=$!
t_up=
for _ in $(seq 1 300); do
	if mariadb-admin --socket="$APITOKEN_STACK_DIR/mariadb/mysqld.sock" \
	    -uroot ping >/dev/null 2>&1; then
		t_up=$(now_ms)
		break
	fi
	sleep 0.05
done
streak=0
first=
for _ in $(seq 1 100); do
	st=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$APITOKEN_URL/healthz")
	if [ "$st" = 200 ]; then
		[ $streak = 0 ] && first=$(now_ms)
		streak=$((streak + 1))
	else
		streak=0
	fi
	[ $streak -ge 10 ] && break
	sleep 0.05
done
wait "$spid"
load_wait back
if [ -z "$t_up" ]; then
	not_ok "MariaDB starts again" "$(tail -5 "$T_DIR/mariadb-start.log")"
elif [ $streak -ge 10 ] && [ $((first - t_up)) -lt 5000 ]; then
	ok "under load, service recovers $((first - t_up)) ms after MariaDB answers (< 5 s), no restart"
else
	not_ok "under load, service recovers within 5 s of MariaDB answering" \
	    "streak $streak, $(( ${first:-0} - t_up )) ms"
fi
printf '# recovery under %s\n' "$(load_text back)"
expect_eq "only 200 or 503 while MariaDB comes back, no socket error" \
    "$(load_failed back 200 503)" 0
load_run after 2 /api/whoami "$T_DIR/tokens" X-Auth-Token
if [ "$(load_failed after)" = 0 ] && load_ok after; then
	ok "afterwards every answer under load is a 200 again ($(load_field after requests))"
else
	not_ok "afterwards every answer under load is a 200 again" "$(load_text after)"
fi
expect_eq "no worker died during the outage under load" \
    "$(children "$M" | tr '\n' ' ')" "$before"
if grep -E 'event=worker_exited' "$APITOKEN_LOG" | grep -qE 'status=signal:(6|11)'; then
	not_ok "no worker crashed" "$(grep -E 'event=worker_exited.*signal' "$APITOKEN_LOG" | tail -3)"
else
	ok "no worker crashed"
fi
finish
