#!/usr/bin/env bash
# 20_create.sh: /api/createApiToken: who may call it, CSRF, parameters,
# and that only a hash of the token is stored.
# shellcheck source-path=SCRIPTDIR source=../lib/assert.sh
. "$(dirname "$0")/../lib/assert.sh"

TOKEN_RE='^atk_[0-9A-Za-z]{36}$'
U=$(uniq_login c)
PW="pw-$RANDOM-secret"
new_user "$U" "$PW" || not_ok "apitokenctl user add creates the test user"
JAR="$T_DIR/jar"
login_cookie "$U" "$PW" "$JAR" || not_ok "login for the create tests" "status $RES_STATUS"

# count_tokens: number of live tokens of $U (via Basic auth).
count_tokens() {
	req GET /api/getApiTokens -u "$U:$PW"
	jq_body 'length'
}

# --- session + Sec-Fetch-Site: same-origin
req GET /api/createApiToken -b "$JAR" -H 'Sec-Fetch-Site: same-origin'
expect_status "create with cookie + Sec-Fetch-Site same-origin answers 200" 200
expect_json_match "the new token has the atk_ format (40 chars)" '.apiToken' "$TOKEN_RE"
expect_json_match "the answer has a public id" '.id' '^[0-9A-Za-z_-]{4,}$'
expect_json "the answer's uid is the caller's login" '.uid' "$U"
expect_json_match "the answer has created in ms" '.created' '^1[0-9]{12}$'
expect_json "without expires_in the token does not expire" '.expires' null
T1=$(jq_body '.apiToken')
T1_ID=$(jq_body '.id')

req GET /api/whoami -H "X-Auth-Token: $T1"
expect_json "the created token authenticates its owner" '.user.login' "$U"

req GET /api/createApiToken -b "$JAR" -H 'Sec-Fetch-Site: none'
expect_status "create with cookie + Sec-Fetch-Site none answers 200" 200

# --- Origin / Referer when Sec-Fetch-Site is absent
req GET /api/createApiToken -b "$JAR" -H "Origin: $APITOKEN_URL"
expect_status "create with cookie + matching Origin answers 200" 200
req GET /api/createApiToken -b "$JAR" -H "Referer: $APITOKEN_URL/app/tokens"
expect_status "create with cookie + matching Referer answers 200" 200

# --- CSRF refusals create nothing
BEFORE=$(count_tokens)
req GET /api/createApiToken -b "$JAR" -H 'Sec-Fetch-Site: cross-site'
expect_error "cross-site create by cookie is refused (403 csrf_check_failed)" \
    403 csrf_check_failed
expect_json "CSRF refusal body has error forbidden" '.error' forbidden
req GET /api/createApiToken -b "$JAR" -H 'Sec-Fetch-Site: same-site'
expect_error "same-site (not same-origin) create by cookie is refused" \
    403 csrf_check_failed
req GET /api/createApiToken -b "$JAR"
expect_error "create by cookie without Sec-Fetch-Site/Origin/Referer is refused" \
    403 csrf_check_failed
req GET /api/createApiToken -b "$JAR" -H 'Origin: http://evil.example'
expect_error "create by cookie with another site's Origin is refused" \
    403 csrf_check_failed
req GET /api/createApiToken -b "$JAR" -H 'Referer: http://evil.example/x'
expect_error "create by cookie with another site's Referer is refused" \
    403 csrf_check_failed
req POST /api/createApiToken -b "$JAR" -H 'Sec-Fetch-Site: cross-site' \
    --data 'description=csrf'
expect_error "cross-site POST create by cookie is refused" 403 csrf_check_failed
AFTER=$(count_tokens)
if [ -n "$BEFORE" ] && [ "$BEFORE" = "$AFTER" ]; then
	ok "refused CSRF requests created no token"
else
	not_ok "refused CSRF requests created no token" "count before '$BEFORE', after '$AFTER'"
fi

# --- POST works too (form and JSON)
req POST /api/createApiToken -b "$JAR" -H 'Sec-Fetch-Site: same-origin' \
    --data-urlencode 'description=from a form'
expect_status "POST create with a form body answers 200" 200
expect_json "POST form description is kept" '.description' 'from a form'
req POST /api/createApiToken -b "$JAR" -H 'Sec-Fetch-Site: same-origin' \
    -H 'Content-Type: application/json' \
    --data-binary '{"description": "from json", "expires_in": 3600}'
expect_status "POST create with a JSON body answers 200" 200
expect_json "POST JSON description is kept" '.description' 'from json'

# --- Basic auth and token auth need no CSRF header
req GET /api/createApiToken -u "$U:$PW"
expect_status "create with Basic auth (no CSRF header) answers 200" 200
expect_json_match "Basic-created token has the atk_ format" '.apiToken' "$TOKEN_RE"
req GET /api/createApiToken -u "$U:wrong-$PW"
expect_error "create with a wrong Basic password gives 401" 401 invalid_login
req GET /api/createApiToken -H "X-Auth-Token: $T1"
expect_status "create with a valid personal token of the user answers 200" 200
expect_json "token-created token belongs to the same user" '.uid' "$U"

# --- description and expires_in
req GET /api/createApiToken -u "$U:$PW" -G --data-urlencode 'description=ci deploy key' \
    --data-urlencode 'expires_in=3600'
expect_status "create with description and expires_in answers 200" 200
expect_json "description is returned" '.description' 'ci deploy key'
expect_json "expires is created + expires_in*1000" \
    '(.expires - .created - 3600000) | (if . < 0 then -. else . end) < 2000' true
T2_ID=$(jq_body '.id')
req GET /api/getApiTokens -u "$U:$PW"
expect_json "description and expiry are listed" \
    "[.[] | select(.id == \"$T2_ID\") | .description] | .[0]" 'ci deploy key'

# api.md gives expires_in the range 1..max_ttl and says "0 = never" of the
# default; either reading is accepted here, but nothing else.
req GET /api/createApiToken -u "$U:$PW" -G --data-urlencode 'expires_in=0'
if { [ "$RES_STATUS" = 200 ] && [ "$(jq_body .expires)" = null ]; } ||
    { [ "$RES_STATUS" = 400 ] && [ "$(jq_body .reason)" = invalid_field ]; }; then
	ok "expires_in=0 means never (expires null) or is refused as invalid_field"
else
	not_ok "expires_in=0 means never (expires null) or is refused as invalid_field"
fi

for bad in -1 abc 1.5 99999999999999999999; do
	req GET /api/createApiToken -u "$U:$PW" -G --data-urlencode "expires_in=$bad"
	expect_error "expires_in='$bad' gives 400 invalid_field" 400 invalid_field
done

D255=$(printf 'd%.0s' $(seq 1 255))
req GET /api/createApiToken -u "$U:$PW" -G --data-urlencode "description=$D255"
expect_status "a 255-character description is accepted" 200
req GET /api/createApiToken -u "$U:$PW" -G --data-urlencode "description=${D255}x"
expect_error "a 256-character description gives 400 invalid_field" 400 invalid_field

# --- an untrusted client cannot choose its recorded IP
req GET /api/createApiToken -u "$U:$PW" -H 'X-Forwarded-For: 203.0.113.9'
XFF_ID=$(jq_body '.id')
IP=$(sql "SELECT created_ip FROM tokens WHERE public_id = '$XFF_ID'")
expect_eq "X-Forwarded-For from an untrusted client is ignored (created_ip)" "$IP" 127.0.0.1

# --- parallel creations give distinct tokens
for i in $(seq 1 12); do
	curl -s --max-time 10 -H "X-Auth-Token: $T1" \
	    "$APITOKEN_URL/api/createApiToken?description=par$i" >"$T_DIR/par.$i" &
done
wait
NPAR=$(cat "$T_DIR"/par.* | jq -r '.apiToken // empty' 2>/dev/null | sort -u | grep -c '^atk_')
NPID=$(cat "$T_DIR"/par.* | jq -r '.id // empty' 2>/dev/null | sort -u | grep -c .)
if [ "$NPAR" = 12 ] && [ "$NPID" = 12 ]; then
	ok "12 parallel creations give 12 distinct tokens and ids"
else
	not_ok "12 parallel creations give 12 distinct tokens and ids" \
	    "distinct tokens $NPAR, ids $NPID" "$(head -c 300 "$T_DIR/par.1")"
fi

# --- only a hash is stored
T3=$(make_token "$U" --description stored-hash)
expect_match "apitokenctl token create prints a token" "$T3" "$TOKEN_RE"
if DUMP=$(sql 'SELECT * FROM tokens' 2>"$T_DIR/sql.err"); then
	if [ -n "$DUMP" ] && ! printf '%s' "$DUMP" | grep -qF -e "$T1" -e "$T3"; then
		ok "the plain token never appears in the tokens table"
	else
		not_ok "the plain token never appears in the tokens table" \
		    "dump empty or contains the token"
	fi
	if printf '%s' "$DUMP" | grep -qF "$T1_ID"; then
		ok "the token's public id is stored"
	else
		not_ok "the token's public id is stored" "no row with public_id $T1_ID"
	fi
else
	not_ok "the plain token never appears in the tokens table" \
	    "SQL failed: $(head -c 300 "$T_DIR/sql.err")"
fi
N=$(sql "SELECT COUNT(*) FROM tokens WHERE public_id = '$T1_ID' AND LENGTH(token_hash) = 32")
expect_eq "the stored hash is 32 bytes" "$N" 1

finish
