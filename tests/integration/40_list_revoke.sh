#!/usr/bin/env bash
# 40_list_revoke.sh: GET /api/getApiTokens (fields, ownership, lastUsed
# flush) and GET /api/revokeApiToken / apitokenctl token revoke.
# shellcheck source-path=SCRIPTDIR source=../lib/assert.sh
. "$(dirname "$0")/../lib/assert.sh"

U=$(uniq_login r)
O=$(uniq_login ro)
PW="pw-$RANDOM-secret"
new_user "$U" "$PW" || not_ok "apitokenctl user add creates the test user"
new_user "$O" "$PW" || not_ok "apitokenctl user add creates the other user"

T1=$(make_token "$U" --description first)
T1_ID=$(user_newest_token_id "$U")
sleep 0.01
T2=$(make_token "$U" --description second)
T2_ID=$(user_newest_token_id "$U")
TO=$(make_token "$O" --description other)
TO_ID=$(user_newest_token_id "$O")
expect_match "apitokenctl created three tokens" "$T1 $T2 $TO" \
    '^atk_[0-9A-Za-z]{36} atk_[0-9A-Za-z]{36} atk_[0-9A-Za-z]{36}$'

# --- the list (read by Basic auth, so no token is used yet)
req GET /api/getApiTokens -u "$U:$PW"
expect_status "getApiTokens answers 200" 200
expect_json "getApiTokens answers an array" 'type' array
expect_json "getApiTokens lists the caller's two tokens" 'length' 2
expect_json "every entry has uid, apiToken, created, lastUsed, id, description, expires, state" \
    'all(.[]; has("uid") and has("apiToken") and has("created") and has("lastUsed")
	     and has("id") and has("description") and has("expires") and has("state"))' true
expect_json "uid is the caller's login" "[.[].uid] | unique | join(\",\")" "$U"
expect_json "apiToken is a hint atk_...XXXX" \
    'all(.[]; .apiToken | test("^atk_\\.\\.\\.[0-9A-Za-z]{4}$"))' true
expect_json "the hint ends with the token's last 4 characters" \
    "[.[] | select(.id == \"$T1_ID\") | .apiToken] | .[0]" "atk_...${T1: -4}"
if grep -qF -e "$T1" -e "$T2" "$RES_BODY_FILE"; then
	not_ok "getApiTokens never shows a plain token"
else
	ok "getApiTokens never shows a plain token"
fi
expect_json "another user's token is not listed" \
    "[.[] | select(.id == \"$TO_ID\")] | length" 0
expect_json "tokens are listed newest first" '.[0].id' "$T2_ID"
expect_json "state is active for live tokens" '[.[].state] | unique | join(",")' active
expect_json "lastUsed is null before first use" \
    "[.[] | select(.id == \"$T1_ID\") | .lastUsed] | .[0]" null
expect_json_match "created is in ms" '.[0].created' '^1[0-9]{12}$'

# --- lastUsed gets written within a few seconds of a use
req GET /api/whoami -H "X-Auth-Token: $T1"
expect_status "token T1 is used" 200
USED_AT=$(now_ms)
LU=null
for _ in $(seq 1 24); do
	sleep 0.5
	req GET /api/getApiTokens -u "$U:$PW"
	LU=$(jq_body "[.[] | select(.id == \"$T1_ID\") | .lastUsed] | .[0]")
	[ -n "$LU" ] && [ "$LU" != null ] && break
done
if [ -n "$LU" ] && [ "$LU" != null ]; then
	ok "lastUsed is set within 12 s after a use"
	expect_match "lastUsed is close to the time of use" \
	    "$(( LU - USED_AT > -15000 && LU - USED_AT < 15000 ))" '^1$'
else
	not_ok "lastUsed is set within 12 s after a use" "lastUsed still '$LU'"
fi
expect_json "an unused token keeps lastUsed null" \
    "[.[] | select(.id == \"$T2_ID\") | .lastUsed] | .[0]" null

req GET /api/getApiTokens -H "X-Auth-Token: $T2"
expect_json "getApiTokens works with a token credential" 'length' 2

# --- revokeApiToken
# Use T1 a few times first, so that every worker may have it cached.
for _ in $(seq 1 12); do
	curl -s -o /dev/null --max-time 10 -H "X-Auth-Token: $T1" "$APITOKEN_URL/api/whoami"
done
req GET /api/revokeApiToken -H "X-Auth-Token: $T1"
expect_status "revokeApiToken with a valid token answers 200" 200
expect_json "revokeApiToken answers ok true" '.ok' true
req GET /api/whoami -H "X-Auth-Token: $T1"
expect_error "a revoked token gives 401 token_revoked" 401 token_revoked
CODES=$(for _ in $(seq 1 12); do
	curl -s -o /dev/null --max-time 10 -w '%{http_code} ' -H "X-Auth-Token: $T1" \
	    "$APITOKEN_URL/api/whoami"
done)
expect_match "every worker refuses the revoked token at once (12 requests)" \
    "$CODES" '^(401 ){12}$'
req GET /api/getApiTokens -u "$U:$PW"
expect_json "a revoked token disappears from the list" \
    "[.[] | select(.id == \"$T1_ID\")] | length" 0
expect_json "the other token is still listed" 'length' 1

req GET /api/revokeApiToken -H "X-Auth-Token: $T1"
expect_status "revoking an already revoked token still answers 200" 200
expect_json "revoking an already revoked token answers ok true" '.ok' true
req GET /api/revokeApiToken -H "X-Auth-Token: garbage-token"
expect_status "revokeApiToken with garbage answers 200" 200
expect_json "revokeApiToken with garbage answers ok true" '.ok' true
req GET /api/revokeApiToken
expect_status "revokeApiToken without a token answers 200" 200
expect_json "revokeApiToken without a token answers ok true" '.ok' true

TB=$(make_token "$U")
req GET /api/revokeApiToken -H "Authorization: Bearer $TB"
expect_status "revokeApiToken with a Bearer token answers 200" 200
req GET /api/whoami -H "Authorization: Bearer $TB"
expect_error "a token revoked via Bearer gives 401 token_revoked" 401 token_revoked

req GET /api/whoami -H "X-Auth-Token: $TO"
expect_status "another user's token is untouched by these revocations" 200

req POST /api/revokeApiToken -H "X-Auth-Token: $T2" --data ''
expect_status "POST revokeApiToken answers 200" 200
req GET /api/whoami -H "X-Auth-Token: $T2"
expect_error "a token revoked by POST gives 401 token_revoked" 401 token_revoked

IP=$(sql "SELECT last_used_ip FROM tokens WHERE public_id = '$T1_ID'")
expect_eq "the last-use IP of a token is recorded" "$IP" 127.0.0.1

# --- expired tokens are listed as expired
req GET /api/createApiToken -u "$U:$PW" -G --data-urlencode 'expires_in=1'
TX_ID=$(jq_body '.id')
sleep 2
req GET /api/getApiTokens -u "$U:$PW"
expect_json "an expired token is listed with state expired" \
    "[.[] | select(.id == \"$TX_ID\") | .state] | .[0]" expired

# --- apitokenctl token list / revoke
T2=$(make_token "$U" --description ctl)
T2_ID=$(user_newest_token_id "$U")
if ctl token list "$U" >"$T_DIR/list.out" 2>&1; then
	ok "apitokenctl token list succeeds"
else
	not_ok "apitokenctl token list succeeds" "$(head -c 300 "$T_DIR/list.out")"
fi
if grep -qF "atk_...${T2: -4}" "$T_DIR/list.out" && grep -qF "$T2_ID" "$T_DIR/list.out"; then
	ok "apitokenctl token list shows the id and hint"
else
	not_ok "apitokenctl token list shows the id and hint" "$(head -c 300 "$T_DIR/list.out")"
fi
if grep -qF -e "$T1" -e "$T2" "$T_DIR/list.out"; then
	not_ok "apitokenctl token list never shows a plain token"
else
	ok "apitokenctl token list never shows a plain token"
fi
if ctl token revoke "$T2_ID" --reason 'test revoke' >"$T_DIR/ctl.out" 2>&1; then
	ok "apitokenctl token revoke ID succeeds"
else
	not_ok "apitokenctl token revoke ID succeeds" "$(head -c 300 "$T_DIR/ctl.out")"
fi
req GET /api/whoami -H "X-Auth-Token: $T2"
expect_error "a token revoked with apitokenctl gives 401 token_revoked" 401 token_revoked
N=$(sql "SELECT COUNT(*) FROM tokens WHERE public_id = '$T2_ID' AND revoked_at IS NOT NULL")
expect_eq "the revocation is recorded in the database" "$N" 1

finish
