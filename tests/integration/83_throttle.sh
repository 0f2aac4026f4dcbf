#!/bin/bash
# 83_throttle: brute force is slowed. Bad tokens per address (in the pool's
# shared memory: survives a reload), failed passwords per address and per
# login (in the database), 429 + Retry-After + a JSON reason, the same for
# known and unknown logins, device cookies so failures from elsewhere
# cannot lock out a browser that signed in before, windows that end, and
# apitokenctl throttle list / clear.
#
# tests/run exempts 127.0.0.1 from per-address counts (every script calls
# from there); this script trusts 127.0.0.1 as a proxy and names its
# clients' addresses with X-Forwarded-For, so they are counted.
. "$APITOKEN_SRCDIR/tests/lib/assert.sh"

conf_add http 'trusted_proxies = 127.0.0.1/32, ::1/128'
conf_add throttle 'token_per_ip = 5' 'token_window = 60' \
    'login_per_ip = 4' 'login_per_account = 3' 'login_window = 120'
if reload_pool; then
	ok "the pool reloads with small throttle limits"
else
	not_ok "the pool reloads with small throttle limits"
	finish
fi

U=$(uniq_login th)
PW="pw-$U-secret"
new_user "$U" "$PW"
T=$(make_token "$U")
BAD="atk_0000000000000000000000000000000000000000000000"

# xreq IP METHOD PATH [curl options...]: a request from client IP.
xreq() {
	local ip=$1 method=$2 path=$3
	shift 3
	req "$method" "$path" -H "X-Forwarded-For: $ip" "$@"
}

# login_from IP LOGIN PASSWORD [curl options...]
login_from() {
	local ip=$1 l=$2 p=$3
	shift 3
	xreq "$ip" POST /api/login -H 'Content-Type: application/json' \
	    --data-binary "$(login_body "$l" "$p")" "$@"
}

# expect_429 NAME MAX_SECONDS: 429 too_many_attempts, Retry-After 1..MAX.
expect_429() {
	local ra
	ra=$(header_value Retry-After | head -n 1)
	if [ "$RES_STATUS" = 429 ] && [ "$(jq_body .reason)" = too_many_attempts ] &&
	    [[ "$ra" =~ ^[0-9]+$ ]] && [ "$ra" -ge 1 ] && [ "$ra" -le "$2" ]; then
		ok "$1"
	else
		not_ok "$1" "got $RES_STATUS reason '$(jq_body .reason)' Retry-After '$ra' (want 429 too_many_attempts, 1..$2)"
	fi
}

# ------------------------------------------------------------ bad tokens
A=198.51.100.10
for i in 1 2 3 4 5; do
	xreq "$A" GET /api/whoami -H "X-Auth-Token: ${BAD}$i"
done
expect_error "the 5th bad token from $A is still 401 (limit 5)" 401 malformed_token
xreq "$A" GET /api/whoami -H "X-Auth-Token: $T"
expect_429 "past the limit even a valid token from $A gets 429 with Retry-After" 60
xreq 198.51.100.11 GET /api/whoami -H "X-Auth-Token: $T"
expect_status "the same token from another address works" 200
req GET /api/whoami -H "X-Auth-Token: $T"
expect_status "an exempt address (127.0.0.1) is never held" 200
if grep -q "event=throttle_tokens .*ip=$A " "$APITOKEN_LOG"; then
	ok "the log says which address crossed the limit"
else
	not_ok "the log says which address crossed the limit" "$(grep throttle "$APITOKEN_LOG" | tail -3)"
fi
if reload_pool; then
	xreq "$A" GET /api/whoami -H "X-Auth-Token: $T"
	expect_429 "the count survives a reload (new workers) while the window lasts" 60
else
	not_ok "the count survives a reload (new workers) while the window lasts" "reload failed"
fi
# That the window ends by itself is test_throttle's (a unit test with its
# own clock): here it would cost a minute of sleep.

for i in 1 2 3 4 5; do
	xreq "2001:db8:1:2::$i" GET /api/whoami -H "X-Auth-Token: ${BAD}$i"
done
xreq 2001:db8:1:2::99 GET /api/whoami -H "X-Auth-Token: $T"
expect_429 "IPv6 addresses are counted by their /64" 60
xreq 2001:db8:1:3::1 GET /api/whoami -H "X-Auth-Token: $T"
expect_status "the next /64 is not held" 200

R=$(make_token "$U")
ctl token revoke "$(user_newest_token_id "$U")" >/dev/null 2>&1
for i in 1 2 3 4 5 6 7; do
	xreq 198.51.100.12 GET /api/whoami -H "X-Auth-Token: $R"
done
expect_error "a revoked token is not a guess: never counted (still 401 token_revoked)" \
    401 token_revoked

# ------------------------------------------------------------ passwords
# A browser that signed in before: it holds a device cookie.
JAR="$T_DIR/jar"
login_from 203.0.113.9 "$U" "$PW" -c "$JAR"
expect_status "a first sign-in works" 200
expect_header "it sets a device cookie: HttpOnly, SameSite=Strict, 180 days" \
    Set-Cookie '^apitoken_session_device=[A-Za-z0-9_-]{32}; Path=/; Max-Age=15552000; HttpOnly; SameSite=Strict'

for i in 1 2 3; do
	login_from 203.0.113.1 "$U" "wrong-$i"
done
expect_error "3 wrong passwords (limit 3) are each 401 invalid_login" 401 invalid_login
login_from 203.0.113.1 "$U" "$PW"
expect_429 "then even the right password gets 429 (the login is held)" 120
login_from 203.0.113.3 "$U" "$PW"
expect_429 "from another address too, without a device cookie" 120
login_from 203.0.113.9 "$U" "$PW" -b "$JAR"
expect_status "the browser with its device cookie still signs in" 200

N=$(uniq_login nobody)
for i in 1 2 3; do
	login_from 203.0.113.2 "$N" "wrong-$i"
done
expect_error "an unknown login's failures are 401 invalid_login" 401 invalid_login
login_from 203.0.113.2 "$N" "wrong-4"
expect_429 "an unknown login is held like a known one (no enumeration)" 120

V=$(uniq_login tv)
new_user "$V" "pw-$V-secret"
JARV="$T_DIR/jarv"
login_from 203.0.113.9 "$V" "pw-$V-secret" -c "$JARV"
# A device sign-in leaves the login's count as it was: U is still held.
login_from 203.0.113.9 "$U" "$PW" -b "$JARV"
expect_429 "another login's device cookie does not help" 120

W=$(uniq_login tw)
new_user "$W" "pw-$W-secret"
for i in 1 2 3 4; do
	login_from 203.0.113.4 "$(uniq_login x)" "wrong"
done
login_from 203.0.113.4 "$W" "pw-$W-secret"
expect_429 "4 failures from one address on 4 logins hold the address (limit 4)" 120
req GET /api/whoami -u "$W:pw-$W-secret" -H 'X-Forwarded-For: 203.0.113.4'
expect_429 "HTTP Basic from a held address is held too" 120
login_from 203.0.113.5 "$W" "pw-$W-secret"
expect_status "the same login from another address works" 200

Y=$(uniq_login ty)
new_user "$Y" "pw-$Y-secret"
for i in 1 2 3; do
	req GET /api/whoami -u "$Y:wrong-$i" -H 'X-Forwarded-For: 203.0.113.6'
done
expect_error "wrong HTTP Basic passwords are 401" 401 invalid_login
req GET /api/whoami -u "$Y:pw-$Y-secret" -H 'X-Forwarded-For: 203.0.113.7'
expect_429 "HTTP Basic failures count for the login too" 120

Z=$(uniq_login tz)
new_user "$Z" "pw-$Z-secret"
login_from 203.0.113.8 "$Z" "wrong-1"
login_from 203.0.113.8 "$Z" "wrong-2"
login_from 203.0.113.8 "$Z" "pw-$Z-secret"
login_from 203.0.113.8 "$Z" "wrong-3"
login_from 203.0.113.8 "$Z" "wrong-4"
expect_error "a right password starts the login's count again (2 + 2 failures: 401)" \
    401 invalid_login

# The rows: no login in the clear, addresses as labels.
rows=$(sql "SELECT COUNT(*) FROM login_throttle WHERE label LIKE '%$U%' OR label LIKE '%wrong%'")
expect_eq "no login or password is stored in the throttle table" "$rows" 0
ctl throttle list >"$T_DIR/list" 2>&1
if grep -qP '^ip\t203\.0\.113\.4\t4\theld\t[0-9]+$' "$T_DIR/list" &&
    grep -qP '^account\t-\t3\theld\t' "$T_DIR/list"; then
	ok "apitokenctl throttle list shows the held address and the held login"
else
	not_ok "apitokenctl throttle list shows the held address and the held login" "$(head -c 600 "$T_DIR/list")"
fi
ctl throttle clear --ip 203.0.113.4 >/dev/null 2>&1
login_from 203.0.113.4 "$W" "pw-$W-secret"
expect_status "apitokenctl throttle clear --ip frees the address" 200
ctl throttle clear --login "$U" >/dev/null 2>&1
login_from 203.0.113.3 "$U" "$PW"
expect_status "apitokenctl throttle clear --login frees the login" 200

# ------------------------------------------------------------ answers
login_from 203.0.113.2 "$N" "wrong-5"
expect_json "a 429 is JSON: error \"Too many attempts\"" .error "Too many attempts"
curl -s "$APITOKEN_URL/metrics" >"$T_DIR/metrics" 2>/dev/null
if grep -qE '^apitoken_auth_failures_total\{reason="too_many_attempts"\} [1-9]' "$T_DIR/metrics"; then
	ok "metrics count too_many_attempts"
else
	not_ok "metrics count too_many_attempts" "$(grep too_many "$T_DIR/metrics")"
fi
# A window ends by itself: move Y's window back past login_window.
sql "UPDATE login_throttle SET window_start = window_start - 121000
     WHERE kind = 'account'" >/dev/null
req GET /api/whoami -u "$Y:pw-$Y-secret" -H 'X-Forwarded-For: 203.0.113.7'
expect_status "once its window is over the login is served again" 200

finish
