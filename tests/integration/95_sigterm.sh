#!/bin/bash
# 95_sigterm: SIGTERM stops the pool gracefully: a request in flight when
# the signal comes still gets its answer, the master and every worker exit
# within shutdown_timeout, the socket and pid file are removed. Then the
# pool is started again and serves. Then the same under load (wrk): every
# request the pool had taken or had queued when SIGTERM landed is answered
# (no 500 or 502 from the web server, no failure before the signal; new
# requests after it get lighttpd's 503 at once), the pool exits within
# shutdown_timeout, and is started again for the scripts after it.
# Runs last.
. "$APITOKEN_SRCDIR/tests/lib/assert.sh"
. "$APITOKEN_SRCDIR/tests/lib/load.sh"
. "$APITOKEN_SRCDIR/scripts/lib/stack.sh"

if [ -z "${APITOKEN_STACK_DIR:-}" ]; then
	not_ok "APITOKEN_STACK_DIR is set (tests/run sets it)"
	finish
fi
D=$APITOKEN_STACK_DIR
# restart_pool: starts the pool and waits (at most 5 s) until lighttpd
# answers through it again: after a failed connect lighttpd leaves a
# backend alone for a moment, whatever started since.
restart_pool() {
	stack_app_start "$D" "$APITOKEN_SRCDIR" >/dev/null || return 1
	for _ in $(seq 1 50); do
		# /api/ is a backend of its own in lighttpd: a 401 comes
		# from the pool.
		[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 \
		    "$APITOKEN_URL/api/whoami")" = 401 ] && return 0
		sleep 0.1
	done
	return 1
}
U=$(uniq_login st)
PW="pw-$U-secret"
new_user "$U" "$PW"

# A login spends ~100 ms in argon2id: long enough to be in flight when the
# signal lands as soon as lighttpd's connection to the pool shows on the
# socket (at most 5 s). Up to three tries, in case it was a connection of
# something else; a pool that drops in-flight requests fails all three.
got=
for try in 1 2 3; do
	M=$(master_pid)
	kids=$(children "$M" | tr '\n' ' ')
	curl -s -o "$T_DIR/inflight.body" -w '%{http_code}' --max-time 20 \
	    -d "login=$U&password=$PW" "$APITOKEN_URL/api/login" \
	    >"$T_DIR/inflight.code" 2>/dev/null &
	cpid=$!
	for _ in $(seq 1 100); do
		ss -xH src "$APITOKEN_SOCKET" 2>/dev/null | grep -q ESTAB && break
		sleep 0.05
	done
	kill -TERM "$M"
	wait "$cpid"
	got=$(cat "$T_DIR/inflight.code")
	gone=0
	for _ in $(seq 1 150); do
		kill -0 "$M" 2>/dev/null || { gone=1; break; }
		sleep 0.1
	done
	left=0
	for k in $kids; do kill -0 "$k" 2>/dev/null && left=$((left + 1)); done
	[ "$got" = 200 ] && break
	printf '# try %d: in-flight login got %s; starting the pool again\n' "$try" "$got"
	restart_pool || break
done
expect_eq "a login in flight when SIGTERM lands still gets 200" "$got" 200
expect_eq "the master exits within shutdown_timeout" "$gone" 1
expect_eq "no worker outlives the master" "$left" 0
if [ -e "$D/apitoken.sock" ]; then
	not_ok "the unix socket is removed at exit"
else
	ok "the unix socket is removed at exit"
fi
if [ -e "$D/apitoken.pid" ]; then
	not_ok "the pid file is removed at exit"
else
	ok "the pid file is removed at exit"
fi
if grep -q 'event=master_exit' "$APITOKEN_LOG"; then
	ok "the master logs its exit"
else
	not_ok "the master logs its exit"
fi

restart_pool
T=$(make_token "$U")
req GET /api/whoami -H "X-Auth-Token: $T"
expect_status "the pool serves again after a restart" 200

# ---------------------------------------------------------- queued requests
# Requests the web server has sent that wait in the listen queue when
# SIGTERM lands (the workers are stopped meanwhile, so they stay queued)
# are answered too: the workers serve the queue before they exit.
M=$(master_pid)
mapfile -t W < <(children "$M")
kill -STOP "${W[@]}"
for n in 1 2 3; do
	curl -s -o /dev/null -w '%{http_code}' --max-time 20 -H "X-Auth-Token: $T" \
	    "$APITOKEN_URL/api/whoami" >"$T_DIR/queued.$n" 2>/dev/null &
done
curl -s -o /dev/null -w '%{http_code}' --max-time 20 -d "login=$U&password=$PW" \
    "$APITOKEN_URL/api/login" >"$T_DIR/queued.4" 2>/dev/null &
queued=0
for _ in $(seq 1 100); do
	queued=$(ss -xlH src "$APITOKEN_SOCKET" 2>/dev/null | awk '{ print $3; exit }')
	[ "${queued:-0}" -ge 4 ] && break
	sleep 0.05
done
kill -TERM "$M"
kill -CONT "${W[@]}"
wait
codes=$(for f in "$T_DIR"/queued.*; do printf '%s ' "$(cat "$f")"; done)
expect_eq "4 requests queued on the socket when SIGTERM lands" "$queued" 4
expect_eq "the queued requests are all answered 200 (3 whoami, 1 login)" \
    "$codes" "200 200 200 200 "
for _ in $(seq 1 150); do kill -0 "$M" 2>/dev/null || break; sleep 0.1; done
restart_pool

# ---------------------------------------------------------- under load
st=$(awk -F' *= *' '/^\[/ { s = $0 } s == "[server]" && $1 == "shutdown_timeout" { print $2 }' \
    "$APITOKEN_CONF")
st=${st:-10}
for _ in $(seq 1 20); do make_token "$U"; done >"$T_DIR/tokens"
JAR="$T_DIR/jar"
login_cookie "$U" "$PW" "$JAR" || not_ok "the test user can log in"
M=$(master_pid)
kids=$(children "$M" | tr '\n' ' ')
# Reads by token, and token creation by cookie (a transaction) on other
# connections, both running when the signal lands.
load_start reads 4 /api/whoami "$T_DIR/tokens" X-Auth-Token
LOAD_CONNS=2 load_start writes 4 "/api/createApiToken?expires_in=1" \
    "Cookie: $COOKIE_PAIR" "Sec-Fetch-Site: same-origin"
sleep 1.5
t_term=$(now_ms)
kill -TERM "$M"
gone=
for _ in $(seq 1 $((st * 10 + 20))); do
	kill -0 "$M" 2>/dev/null || { gone=$(now_ms); break; }
	sleep 0.1
done
load_wait reads
load_wait writes
printf '# SIGTERM at %s; reads: %s\n# writes: %s\n' "$t_term" "$(load_text reads)" "$(load_text writes)"
if [ -n "$gone" ] && [ $((gone - t_term)) -le $((st * 1000)) ]; then
	ok "under load the pool exits within shutdown_timeout ($((gone - t_term)) ms, limit ${st} s)"
else
	not_ok "under load the pool exits within shutdown_timeout" \
	    "${gone:+exited after $((gone - t_term)) ms}${gone:-still running}"
fi
left=0
for k in $kids; do kill -0 "$k" 2>/dev/null && left=$((left + 1)); done
expect_eq "under load no worker outlives the master" "$left" 0
for n in reads writes; do
	if ! load_ok "$n"; then
		not_ok "wrk ($n) ran across the stop" "$(load_text "$n")"
		continue
	fi
	fb=$(load_field "$n" first_bad_ms)
	if [ "$fb" = 0 ] || [ "$fb" -ge "$t_term" ]; then
		ok "$n: no failed answer before the stop began ($(load_count "$n" 200) answered 200)"
	else
		not_ok "$n: no failed answer before the stop began" \
		    "first failure $((t_term - fb)) ms before SIGTERM: $(load_text "$n")"
	fi
	# 503: lighttpd could not connect (the socket is gone, as it should
	# be); 500 or 502 or a socket error: a request the pool had was lost.
	expect_eq "$n: every request the pool had taken or queued was answered (no 500/502, no socket error)" \
	    "$(load_failed "$n" 200 503)" 0
done

restart_pool
req GET /api/whoami -H "X-Auth-Token: $T"
expect_status "the pool serves again after a restart under load" 200
finish
