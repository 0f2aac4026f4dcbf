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

# Kept to [tokens] last_used_grain (300 s): a second use seconds later is
# not written again.
sleep 1
req GET /api/whoami -H "X-Auth-Token: $T"
expect_status "the token is used again a second later" 200
reload_pool || not_ok "the pool reloads" "SIGHUP did not replace the workers"
sleep 0.5
expect_eq "a use within last_used_grain of the recorded one leaves lastUsed as it was" \
    "$(last_used)" "$v"
# With a 1 s grain, the same second use is written.
conf_add tokens "last_used_grain = 1" && reload_pool ||
	not_ok "the pool reloads with last_used_grain = 1"
sleep 1.1
req GET /api/whoami -H "X-Auth-Token: $T"
expect_status "the token is used again with last_used_grain = 1" 200
reload_pool || not_ok "the pool reloads" "SIGHUP did not replace the workers"
v2=$v
for _ in $(seq 1 20); do
	v2=$(last_used)
	[ "$v2" != "$v" ] && break
	sleep 0.1
done
if [ "$v2" -gt "$v" ]; then
	ok "a use past last_used_grain is written ($((v2 - v)) ms later)"
else
	not_ok "a use past last_used_grain is written" "still $v2"
fi
conf_restore

# A flush writes 64 tokens per statement: 70 tokens take two, the second
# padded. Every one of them must get its time, none any other's.
U2=$(uniq_login lu)
new_user "$U2" "pw-$U2-secret"
for _ in $(seq 1 70); do
	make_token "$U2"
done >"$T_DIR/tokens"
expect_eq "70 tokens made" "$(grep -c . "$T_DIR/tokens")" 70
before=$(now_ms)
xargs -P 4 -I{} curl -s -o /dev/null -H "X-Auth-Token: {}" \
    "$APITOKEN_URL/api/whoami" <"$T_DIR/tokens"
reload_pool || not_ok "the pool reloads" "SIGHUP did not replace the workers"
n=0
for _ in $(seq 1 20); do
	n=$(sql "SELECT COUNT(*) FROM tokens t JOIN users u ON u.id = t.user_id
	    WHERE u.login = '$U2' AND t.last_used_at >= $before
	    AND t.last_used_ip = '127.0.0.1'")
	[ "$n" = 70 ] && break
	sleep 0.1
done
expect_eq "all 70 tokens have their lastUsed after one flush (two statements)" "$n" 70
finish
