#!/usr/bin/env bash
# 93_fcgi_records.sh: raw FastCGI records straight to the pool's unix
# socket (tests/fuzz/fcgi_records.c): bad versions, unknown types, huge
# content and padding lengths, 4-byte param lengths up to 2^31 (refused
# by the worker's record guard before libfcgi reads them), 20000 params,
# bad roles, aborts, multiplexed ids, stdin past every limit, truncated
# streams and random records from a fixed seed. A worker may
# drop such a connection but must never crash or hang: each connection is
# answered or closed, no worker dies by a signal, the pool keeps its
# workers and serves plain and authenticated requests after. Connections
# that stop sending mid-request are closed by the worker's I/O timeout,
# and a request on another connection is answered while they are open.
# shellcheck source-path=SCRIPTDIR source=../lib/assert.sh
. "$(dirname "$0")/../lib/assert.sh"

SOCK=${APITOKEN_SOCKET:-$APITOKEN_STACK_DIR/apitoken.sock}
CLIENT="$T_DIR/fcgi_records"
# Connections of the fuzz run; the seed makes a failure reproducible.
COUNT=${FCGI_FUZZ_COUNT:-3000}
SEED=${FCGI_FUZZ_SEED:-93}
# [server] io_timeout for the idle connections below (30 by default: the
# script sets 5 and reloads, and puts the config back at its end).
IO_TIMEOUT=5

if ! cc -std=gnu11 -O1 -D_GNU_SOURCE -o "$CLIENT" \
    "$APITOKEN_SRCDIR/tests/fuzz/fcgi_records.c" 2>"$T_DIR/cc.err"; then
	not_ok "the raw FastCGI client builds" "$(head -5 "$T_DIR/cc.err")"
	finish
fi

MASTER=$(master_pid)
if [ -z "$MASTER" ] || ! kill -0 "$MASTER" 2>/dev/null; then
	not_ok "the pool master from APITOKEN_PIDFILE is running"
	finish
fi
WORKERS=$(children "$MASTER" | grep -c .)
LOG_FROM=$(($(wc -l <"$APITOKEN_LOG") + 1))

U=$(uniq_login fr)
PW="pw-$RANDOM-secret"
new_user "$U" "$PW" || not_ok "apitokenctl user add creates the test user"
T=$(make_token "$U")

# The client speaks FastCGI well enough to be answered: the cases below
# are refused for what they are, not for a broken client.
out=$("$CLIENT" "$SOCK" request /healthz 2>&1)
expect_eq "a well-formed request from the raw client gets 200" \
    "$out" "Status: 200 OK"

# ================================================ malformed records
start=$(now_ms)
out=$("$CLIENT" "$SOCK" fuzz "$SEED" "$COUNT" 2>&1)
rc=$?
took=$(($(now_ms) - start))
echo "# fuzz: $out in $took ms (seed $SEED)"
if [ $rc -eq 0 ] && [[ $out == *" hung=0" ]]; then
	ok "$COUNT malformed connections each answered or closed by the pool (${out%% answered=*})"
else
	not_ok "$COUNT malformed connections each answered or closed by the pool" \
	    "$out" "rerun: $CLIENT $SOCK fuzz $SEED $COUNT"
fi

# ================================================ what libfcgi cannot survive
# The record guard (fcgi-app/fcgi_guard.c) must see libfcgi's reads: a
# worker says so at start when it does not.
inactive=$(grep -c 'event=fcgi_guard_inactive' "$APITOKEN_LOG")
expect_eq "every worker's record guard is in libfcgi's reads" "$inactive" 0
# A 2^30 + 2^30 byte pair (libfcgi 2.4.2 aborts on it) and unknown
# management records (it leaks 48 bytes each) are refused before libfcgi
# reads them: the connection is closed unanswered and the log says why.
for c in 27:param_too_long 31:management_record_type; do
	from=$(($(wc -l <"$APITOKEN_LOG") + 1))
	out=$("$CLIENT" "$SOCK" case "${c%%:*}" 2>&1)
	expect_eq "case ${c%%:*} is closed, not answered" \
	    "$(echo "$out" | sed -n 's/.* \(answered=[0-9]*\) \(hung=[0-9]*\)$/\1 \2/p')" \
	    "answered=0 hung=0"
	sleep 0.2
	expect_match "and logged as fcgi_records_refused reason=${c#*:}" \
	    "$(tail -n +"$from" "$APITOKEN_LOG")" \
	    "event=fcgi_records_refused .*reason=${c#*:}"
done

req GET /healthz
expect_status "the pool still serves /healthz after the malformed records" 200
treq "$T" GET /api/whoami
expect_status "an authenticated request still succeeds after them" 200
expect_json "and knows its caller" .user.login "$U"

# ================================================ connections left idle
# More idle connections than workers: without a timeout every worker
# would wait on one for ever and nothing else would be answered.
IDLE=$((WORKERS + 1))
conf_add server "io_timeout = $IO_TIMEOUT" && reload_pool ||
	not_ok "the pool reloads with io_timeout = $IO_TIMEOUT"
"$CLIENT" "$SOCK" idle "$IDLE" $((IO_TIMEOUT * 3)) >"$T_DIR/idle.out" 2>&1 &
idle_pid=$!
sleep 1
start=$(now_ms)
RES_STATUS=$(curl -s -o /dev/null --max-time $((IO_TIMEOUT + 20)) \
    -w '%{http_code}' "$APITOKEN_URL/healthz")
took=$(($(now_ms) - start))
if [ "$RES_STATUS" = 200 ]; then
	ok "a request is answered while $IDLE connections stop mid-request (after $took ms)"
else
	not_ok "a request is answered while $IDLE connections stop mid-request" \
	    "status $RES_STATUS after $took ms"
fi
wait "$idle_pid"
rc=$?
if [ $rc -eq 0 ]; then
	ok "the pool closes connections that stop sending ($(tail -1 "$T_DIR/idle.out"))"
else
	not_ok "the pool closes connections that stop sending" \
	    "$(cat "$T_DIR/idle.out")"
fi
# Each worker holds one for io_timeout, the last one waits for a worker.
last=$(sed -n 's/.*last after \([0-9]*\) s$/\1/p' "$T_DIR/idle.out")
if [ -n "$last" ] && [ "$last" -le $((IO_TIMEOUT * 3)) ]; then
	ok "within [server] io_timeout ($IO_TIMEOUT s) of their last byte, not 30 s (last after $last s)"
else
	not_ok "within [server] io_timeout ($IO_TIMEOUT s) of their last byte" \
	    "$(cat "$T_DIR/idle.out")"
fi

# A request whose bytes trickle in (one every 500 ms): each read is quick,
# the request as a whole is cut at io_timeout.
out=$("$CLIENT" "$SOCK" drip $((IO_TIMEOUT * 4)) 2>&1)
secs=$(echo "$out" | sed -n 's/^drip: closed after \([0-9]*\) s$/\1/p')
if [ -n "$secs" ] && [ "$secs" -le $((IO_TIMEOUT + 2)) ]; then
	ok "a request trickling in is closed at io_timeout ($out)"
else
	not_ok "a request trickling in is closed at io_timeout ($IO_TIMEOUT s)" "$out"
fi

# ================================================ the pool after it all
crashes=$(tail -n +"$LOG_FROM" "$APITOKEN_LOG" |
    grep -E 'event=worker_exited.*status=signal' || true)
if [ -z "$crashes" ]; then
	ok "no worker died by a signal"
else
	not_ok "no worker died by a signal" "$crashes"
fi
now=$(children "$MASTER" | grep -c .)
expect_eq "the pool has its $WORKERS workers (unchanged or respawned)" \
    "$now" "$WORKERS"
req GET /healthz
expect_status "and still serves /healthz" 200
finish
