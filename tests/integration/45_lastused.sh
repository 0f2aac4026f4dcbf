#!/bin/bash
# 45_lastused: lastUsed is not written on the request path: a use shows up
# in the database only when the worker flushes (every last_used_flush
# seconds, default 5) or exits (here: a SIGHUP retires the workers).
. "$APITOKEN_SRCDIR/tests/lib/assert.sh"

U=$(uniq_login lu)
new_user "$U" "pw-$U-secret"
T=$(make_token "$U")
ID=$(user_newest_token_id "$U")
last_used() {
	sql "SELECT COALESCE(last_used_at, 0) FROM tokens WHERE public_id = '$ID'"
}

req GET /api/whoami -H "X-Auth-Token: $T"
expect_status "the token is used once" 200
expect_eq "right after the use, nothing is written yet (coalesced)" "$(last_used)" 0

kill -HUP "$(master_pid)"
v=0
for _ in $(seq 1 20); do
	v=$(last_used)
	[ "$v" != 0 ] && break
	sleep 0.1
done
if [ "$v" != 0 ]; then
	ok "workers retired by SIGHUP flush their pending lastUsed at exit"
else
	not_ok "workers retired by SIGHUP flush their pending lastUsed at exit" \
	    "last_used_at still 0 two seconds after SIGHUP"
fi
now=$(now_ms)
if [ "$v" -gt $((now - 60000)) ] && [ "$v" -le "$now" ]; then
	ok "the flushed lastUsed is the time of the use"
else
	not_ok "the flushed lastUsed is the time of the use" "got $v, now $now"
fi
finish
