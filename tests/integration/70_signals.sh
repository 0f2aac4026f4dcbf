#!/usr/bin/env bash
# 70_signals.sh: the pool master's signals: SIGHUP reload under load,
# SIGUSR1 log reopen, respawn of a killed worker.
# shellcheck source-path=SCRIPTDIR source=../lib/assert.sh
. "$(dirname "$0")/../lib/assert.sh"

U=$(uniq_login s)
PW="pw-$RANDOM-secret"
new_user "$U" "$PW" || not_ok "apitokenctl user add creates the test user"
T=$(make_token "$U")

MASTER=$(master_pid)
if [ -z "$MASTER" ] || ! kill -0 "$MASTER" 2>/dev/null; then
	not_ok "the pool master from APITOKEN_PIDFILE is running" \
	    "pid file '${APITOKEN_PIDFILE:-}' holds '$MASTER'"
	finish
fi
ok "the pool master from APITOKEN_PIDFILE is running"

# wait_children N MAXTENTHS [EXCLUDE_FILE]: waits until the master has N
# children, none listed in EXCLUDE_FILE; status 0 when reached.
wait_children() {
	local want=$1 tries=$2 excl=${3:-/dev/null} i cur
	for ((i = 0; i < tries; i++)); do
		cur=$(children "$MASTER")
		if [ "$(printf '%s\n' "$cur" | grep -c .)" = "$want" ] &&
		    ! printf '%s\n' "$cur" | grep -qxF -f "$excl" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# stream N OUT: N sequential whoami requests, one status code per line.
stream() {
	local i
	for ((i = 0; i < $1; i++)); do
		curl -s -o /dev/null --max-time 10 -w '%{http_code}\n' \
		    -H "X-Auth-Token: $T" "$APITOKEN_URL/api/whoami"
	done >"$2"
}

req GET /api/whoami -H "X-Auth-Token: $T"
expect_status "the pool serves before the signal tests" 200

BEFORE="$T_DIR/children.before"
children "$MASTER" >"$BEFORE"
NKIDS=$(grep -c . "$BEFORE")
if [ "$NKIDS" -ge 1 ]; then
	ok "the master has worker children ($NKIDS)"
else
	not_ok "the master has worker children" "pgrep -P $MASTER found none"
fi

# --- SIGHUP three times under a stream of requests
PIDS=()
for n in 1 2 3; do
	stream 140 "$T_DIR/stream.$n" &
	PIDS+=("$!")
done
sleep 0.3
RUNNING=0
for _ in 1 2 3; do
	kill -0 "${PIDS[0]}" 2>/dev/null && RUNNING=$((RUNNING + 1))
	kill -HUP "$MASTER"
	sleep 0.5
done
for p in "${PIDS[@]}"; do
	wait "$p"
done
expect_eq "the request stream was still running at each SIGHUP" "$RUNNING" 3
TOTAL=$(cat "$T_DIR"/stream.* | grep -c .)
BAD=$(cat "$T_DIR"/stream.* | grep -vc '^200$')
expect_eq "the request stream ran to the end (420 answers)" "$TOTAL" 420
if [ "$BAD" = 0 ]; then
	ok "three SIGHUP reloads under load fail no request"
else
	not_ok "three SIGHUP reloads under load fail no request" \
	    "$BAD non-200 answers: $(cat "$T_DIR"/stream.* | grep -v '^200$' | sort | uniq -c | tr '\n' ' ')"
fi
if kill -0 "$MASTER" 2>/dev/null && [ "$(master_pid)" = "$MASTER" ]; then
	ok "the master survives SIGHUP with the same pid"
else
	not_ok "the master survives SIGHUP with the same pid" "pid file now '$(master_pid)'"
fi
req GET /api/whoami -H "X-Auth-Token: $T"
expect_status "after the reloads the pool still serves" 200
if wait_children "$NKIDS" 100 "$BEFORE"; then
	ok "after SIGHUP all workers are new processes, as many as before"
else
	not_ok "after SIGHUP all workers are new processes, as many as before" \
	    "before: $(tr '\n' ' ' <"$BEFORE") now: $(children "$MASTER" | tr '\n' ' ')"
fi

# --- SIGUSR1 reopens the log
LOG=${APITOKEN_LOG:-}
if [ -z "$LOG" ] || [ ! -f "$LOG" ]; then
	skip "SIGUSR1 reopens the log file" "no log file ($LOG)"
else
	mv "$LOG" "$LOG.rotated.$$"
	kill -USR1 "$MASTER"
	sleep 1
	for _ in 1 2 3 4 5 6; do
		req GET /api/createApiToken -u "$U:$PW" -G --data-urlencode 'description=usr1'
	done
	NEWTOK=$(jq_body '.apiToken')
	found=0
	for _ in $(seq 1 50); do
		if [ -f "$LOG" ] && grep -q 'token_created' "$LOG"; then
			found=1
			break
		fi
		sleep 0.1
	done
	if [ "$found" = 1 ]; then
		ok "after SIGUSR1 workers log to a new file at the configured path"
	elif [ -f "$LOG" ]; then
		not_ok "after SIGUSR1 workers log to a new file at the configured path" \
		    "$LOG exists but has no token_created line: $(head -c 300 "$LOG")"
	else
		not_ok "after SIGUSR1 workers log to a new file at the configured path" \
		    "$LOG not recreated within 5 s"
	fi
	if [ -n "$NEWTOK" ] && [ "$NEWTOK" != null ] &&
	    grep -qF "$NEWTOK" "$LOG" "$LOG.rotated.$$" 2>/dev/null; then
		not_ok "the log never contains a plain token"
	else
		ok "the log never contains a plain token"
	fi
	if grep -qF -e "$T" -e "$PW" "$LOG" "$LOG.rotated.$$" 2>/dev/null; then
		not_ok "the log never contains a token or a password of this test"
	else
		ok "the log never contains a token or a password of this test"
	fi
	# Put the whole log back in one file (tests/run reads it at the end)
	# and make the pool write to it again.
	cat "$LOG" >>"$LOG.rotated.$$" 2>/dev/null
	mv -f "$LOG.rotated.$$" "$LOG"
	kill -USR1 "$MASTER"
	sleep 0.5
fi

# --- SIGKILL of a worker: respawned, service goes on
children "$MASTER" >"$BEFORE"
NKIDS=$(grep -c . "$BEFORE")
VICTIM=$(head -n 1 "$BEFORE")
if [ -n "$VICTIM" ]; then
	kill -KILL "$VICTIM"
	printf '%s\n' "$VICTIM" >"$T_DIR/victim"
	if wait_children "$NKIDS" 50 "$T_DIR/victim"; then
		ok "a worker killed with SIGKILL is respawned within 5 s"
	else
		not_ok "a worker killed with SIGKILL is respawned within 5 s" \
		    "want $NKIDS children without $VICTIM; now: $(children "$MASTER" | tr '\n' ' ')"
	fi
	stream 30 "$T_DIR/after-kill"
	BAD=$(grep -vc '^200$' "$T_DIR/after-kill")
	expect_eq "after a worker is killed 30 requests all succeed" "$BAD" 0
else
	not_ok "a worker killed with SIGKILL is respawned within 5 s" "no worker to kill"
fi

finish
