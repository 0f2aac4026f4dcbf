#!/bin/bash
# 91_db_killed: every apitoken connection killed server-side (KILL
# CONNECTION, as a DBA, a proxy or a failover would) between requests: the
# next request of each worker reconnects, prepares its statements again
# and succeeds (200, never a 503), for a read, a write (token create), a
# session-cookie request and a revocation; no worker dies or hangs.
# Each worker is driven alone (the others are stopped with SIGSTOP for the
# moment), so every worker meets its dead connection.
# shellcheck disable=SC2317  # the request functions are called through round
. "$APITOKEN_SRCDIR/tests/lib/assert.sh"

U=$(uniq_login kc)
PW="pw-$U-secret"
new_user "$U" "$PW"
T=$(make_token "$U")
JAR="$T_DIR/jar"
login_cookie "$U" "$PW" "$JAR" || not_ok "the test user can log in"
M=$(master_pid)
mapfile -t W < <(children "$M")
NW=${#W[@]}
if [ "$NW" -lt 1 ]; then
	not_ok "the pool has workers" "no child of master '$M'"
	finish
fi

# A stopped worker must never be left stopped, whatever happens.
# shellcheck disable=SC2317  # called by the EXIT trap
cont_all() { kill -CONT "${W[@]}" 2>/dev/null; }
trap cont_all EXIT

# alone I CMD...: runs CMD while only worker I takes requests.
alone() {
	local i=$1 j
	shift
	for j in "${!W[@]}"; do
		[ "$j" = "$i" ] || kill -STOP "${W[$j]}"
	done
	"$@"
	cont_all
}

# kill_conns: KILL CONNECTION of every connection of the apitoken user on
# the apitoken database; prints how many.
kill_conns() {
	local id n=0
	for id in $(sql "SELECT id FROM information_schema.processlist
	    WHERE user = 'apitoken' AND db = 'apitoken'"); do
		sql "KILL CONNECTION $id" 2>/dev/null && n=$((n + 1))
	done
	echo "$n"
}

# round NAME CMD...: makes every worker connect (healthz pings MariaDB),
# kills the connections, then runs CMD alone on each worker; CMD sets
# RES_STATUS. One check: all answered 200.
round() {
	local name=$1 i got="" killed
	shift
	for i in "${!W[@]}"; do alone "$i" req GET /healthz; done
	killed=$(kill_conns)
	for i in "${!W[@]}"; do
		alone "$i" "$@"
		got="$got $RES_STATUS"
	done
	if [ "$killed" -lt "$NW" ]; then
		not_ok "$name" "$killed apitoken connections to kill for $NW workers"
	elif [ "$got" = "$(printf ' 200%.0s' "${W[@]}")" ]; then
		ok "$name ($killed connections killed, $NW workers)"
	else
		not_ok "$name" "statuses per worker:$got ($killed connections killed)" \
		    "log: $(grep -E 'db_(prepare|exec|query)_failed' "$APITOKEN_LOG" | tail -3)"
	fi
}

# The requests; each sets RES_STATUS (called through round).
whoami_token() { treq "$T" GET /api/whoami; }
whoami_fresh() { treq "$(make_token "$U")" GET /api/whoami; }
create_token() {
	treq "$T" GET /api/createApiToken -G --data-urlencode "description=killed-$RANDOM"
}
create_cookie() {
	req GET /api/createApiToken -b "$JAR" -H 'Sec-Fetch-Site: same-origin' \
	    -G --data-urlencode "description=cookie-$RANDOM"
}
list_cookie() { req GET /api/getApiTokens -b "$JAR"; }
revoke_token() {
	local victim
	victim=$(make_token "$U")
	treq "$victim" GET /api/revokeApiToken
}

# Warm every worker: the token cached, the read statements prepared.
for i in "${!W[@]}"; do alone "$i" whoami_token; done
expect_status "the token works on every worker before the kills" 200

round "a cached token after the kill: 200 on every worker" whoami_token
round "an uncached token (a SELECT) after the kill: 200 on every worker" whoami_fresh
# The first create on a worker prepares its statements on a dead
# connection; the second round executes statements prepared before.
round "token create (a write) after the kill: 200 on every worker" create_token
round "token create again after another kill: 200 on every worker" create_token
round "a session-cookie read after the kill: 200 on every worker" list_cookie
round "a session-cookie token create after the kill: 200 on every worker" create_cookie
round "a revocation after the kill: 200 on every worker" revoke_token

revoked=$(sql "SELECT COUNT(*) FROM tokens t JOIN users u ON u.id = t.user_id
    WHERE u.login = '$U' AND t.revoked_reason = 'revokeApiToken'")
expect_eq "each of those revocations was done (one per worker)" "$revoked" "$NW"

# Each worker reconnected (a worker that only answered 503s, or spins,
# has no connection).
live=$(sql "SELECT COUNT(*) FROM information_schema.processlist
    WHERE user = 'apitoken' AND db = 'apitoken'")
if [ "${live:-0}" -ge "$NW" ]; then
	ok "every worker holds a new connection afterwards ($live for $NW workers)"
else
	not_ok "every worker holds a new connection afterwards" "$live for $NW workers"
fi
# Every token row has its create audit event: no write was half done.
orphans=$(sql "SELECT COUNT(*) FROM tokens t JOIN users u ON u.id = t.user_id
    WHERE u.login = '$U' AND NOT EXISTS (SELECT 1 FROM audit_events a
    WHERE a.token_id = t.id AND a.action = 'token.create')")
expect_eq "every token created across the kills has its audit event" "$orphans" 0

# A worker stuck in a loop would still be alive: ask each one, alone.
sleep 1
stuck=""
for i in "${!W[@]}"; do
	alone "$i" req GET /healthz
	[ "$RES_STATUS" = 200 ] || stuck="$stuck ${W[$i]}:$RES_STATUS"
done
expect_eq "every worker still answers alone afterwards (none hangs)" "$stuck" ""
expect_eq "no worker died" "$(children "$M" | tr '\n' ' ')" "$(printf '%s\n' "${W[@]}" | sort -n | tr '\n' ' ')"
finish
