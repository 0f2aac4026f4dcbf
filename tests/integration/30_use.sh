#!/usr/bin/env bash
# 30_use.sh: presenting credentials to GET /api/whoami: token headers,
# session, missing/malformed/unknown/expired tokens, conflicts.
# shellcheck source-path=SCRIPTDIR source=../lib/assert.sh
. "$(dirname "$0")/../lib/assert.sh"

U=$(uniq_login w)
PW="pw-$RANDOM-secret"
new_user "$U" "$PW" || not_ok "apitokenctl user add creates the test user"
T=$(make_token "$U" --description whoami)
expect_match "apitokenctl token create prints a token" "$T" '^atk_[0-9A-Za-z]{36}$'
HINT_RE="^atk_\\.\\.\\.${T: -4}\$"

# --- X-Auth-Token with a space
req GET /api/whoami -H "X-Auth-Token: $T"
expect_status "whoami with 'X-Auth-Token: T' answers 200" 200
expect_json "whoami shows the token owner's login" '.user.login' "$U"
expect_json "whoami says auth token" '.auth' token
expect_json_match "whoami shows the token's public id" '.token.id' '^[0-9A-Za-z_-]{4,}$'
expect_json "whoami shows token kind personal" '.token.kind' personal
expect_json_match "whoami shows the token hint (prefix ... last 4)" '.token.hint' "$HINT_RE"
expect_json "whoami shows a token without expiry as null" '.token.expires' null
expect_no_header_match "whoami never echoes the token in a header" X-Auth-Token '.'
if grep -qF "$T" "$RES_BODY_FILE"; then
	not_ok "whoami never echoes the plain token in its body"
else
	ok "whoami never echoes the plain token in its body"
fi
TID=$(jq_body '.token.id')

# --- X-Auth-Token without a space (check curl really sends it that way)
req GET /api/whoami -H "X-Auth-Token:$T" --trace-ascii "$T_DIR/trace"
expect_status "whoami with 'X-Auth-Token:T' (no space) answers 200" 200
expect_json "no-space token header identifies the same token" '.token.id' "$TID"
if grep -q "X-Auth-Token:atk_" "$T_DIR/trace"; then
	ok "curl sent the X-Auth-Token header without a space"
else
	not_ok "curl sent the X-Auth-Token header without a space" \
	    "$(grep -i 'x-auth-token' "$T_DIR/trace" | head -n 2)"
fi

# --- Bearer
req GET /api/whoami -H "Authorization: Bearer $T"
expect_status "whoami with Authorization Bearer answers 200" 200
expect_json "Bearer identifies the same token" '.token.id' "$TID"
req GET /api/whoami -H "Authorization: bearer $T"
expect_status "the Bearer scheme name is case-insensitive" 200

# --- session and Basic
JAR="$T_DIR/jar"
login_cookie "$U" "$PW" "$JAR" || not_ok "login for whoami by session" "status $RES_STATUS"
req GET /api/whoami -b "$JAR"
expect_status "whoami by session cookie needs no CSRF header (GET)" 200
expect_json "whoami by session says auth session" '.auth' session
expect_json "whoami by session has no token object" '.token' null
req GET /api/whoami -u "$U:$PW"
expect_json "whoami by Basic says auth basic" '.auth' basic

# --- no credentials
req GET /api/whoami
expect_error "no credentials gives 401 missing_credentials" 401 missing_credentials
expect_json "no credentials body says Credentials required" '.error' 'Credentials required'
expect_header "no credentials: WWW-Authenticate Bearer realm=apitoken" \
    WWW-Authenticate '^Bearer realm="apitoken"'
expect_no_header_match "no credentials: WWW-Authenticate has no error=" \
    WWW-Authenticate 'error='

# --- malformed tokens
# Change one character in the middle: the CRC no longer matches.
c=${T:20:1}
if [ "$c" = A ]; then r=B; else r=A; fi
BADSUM="${T:0:20}${r}${T:21}"
req GET /api/whoami -H "X-Auth-Token: $BADSUM"
expect_error "a token with a bad checksum gives 401 malformed_token" 401 malformed_token
expect_header "a bad token gets WWW-Authenticate error=invalid_token" \
    WWW-Authenticate '^Bearer realm="apitoken".*error="invalid_token"'
req GET /api/whoami -H "X-Auth-Token: xtk_${T:4}"
expect_error "a token with a wrong prefix gives 401 malformed_token" 401 malformed_token
req GET /api/whoami -H "X-Auth-Token: ${T:0:39}"
expect_error "a too short token gives 401 malformed_token" 401 malformed_token
req GET /api/whoami -H "X-Auth-Token: ${T}A"
expect_error "a too long token gives 401 malformed_token" 401 malformed_token
req GET /api/whoami -H "X-Auth-Token: ${T:0:20}-${T:21}"
expect_error "a token with a character outside base62 gives 401 malformed_token" \
    401 malformed_token
req GET /api/whoami -H "Authorization: Bearer not-a-token"
expect_error "a garbage Bearer token gives 401 malformed_token" 401 malformed_token

# --- well-formed but unknown: create one, delete its row before any use
V=$(uniq_login wv)
new_user "$V" "$PW" || not_ok "apitokenctl user add creates the second user"
GONE=$(make_token "$V")
GONE_ID=$(user_newest_token_id "$V")
if [ -n "$GONE_ID" ] && sql "DELETE FROM tokens WHERE public_id = '$GONE_ID'"; then
	req GET /api/whoami -H "X-Auth-Token: $GONE"
	expect_error "a well-formed unknown token gives 401 invalid_token" 401 invalid_token
	expect_header "an unknown token gets WWW-Authenticate error=invalid_token" \
	    WWW-Authenticate 'error="invalid_token"'
else
	not_ok "a well-formed unknown token gives 401 invalid_token" \
	    "could not delete the token row (id '$GONE_ID')"
fi

# --- two tokens, same token twice, token in URL
T_B=$(make_token "$U")
req GET /api/whoami -H "X-Auth-Token: $T" -H "Authorization: Bearer $T_B"
expect_error "two different tokens give 400 multiple_credentials" 400 multiple_credentials
expect_json "multiple credentials body has error invalid_request" '.error' invalid_request
req GET /api/whoami -H "X-Auth-Token: $T" -H "Authorization: Bearer $T"
expect_status "the same token in both headers is accepted (200)" 200
req GET "/api/whoami?access_token=$T"
expect_error "a token in the URL gives 400 token_in_url" 400 token_in_url
req GET "/api/whoami?access_token=$T" -H "X-Auth-Token: $T"
expect_error "a token in the URL is refused even with a header token" 400 token_in_url

# --- a token header decides, even next to a valid session
req GET /api/whoami -b "$JAR" -H "X-Auth-Token: $BADSUM"
expect_error "a bad token with a valid session cookie still gives 401" 401 malformed_token

# --- header edge cases
req GET /api/whoami -H "X-Auth-Token:   $T   "
expect_status "spaces around the X-Auth-Token value are ignored" 200
HUGE=$(head -c 6000 /dev/zero | tr '\0' 'A')
req GET /api/whoami -H "X-Auth-Token: atk_$HUGE"
expect_error "a 6 KB token gives 401 malformed_token" 401 malformed_token
req GET "/api/getApiTokens?access_token=$T"
expect_error "a token in the URL of getApiTokens gives 400 token_in_url" 400 token_in_url
req GET /api/whoami -H "Authorization: Token $T"
expect_status "an unknown Authorization scheme is not accepted" 401

# --- expiry
req GET /api/createApiToken -u "$U:$PW" -G --data-urlencode 'expires_in=1'
TE=$(jq_body '.apiToken')
expect_match "a token with expires_in=1 is created" "$TE" '^atk_'
sleep 2
req GET /api/whoami -H "X-Auth-Token: $TE"
expect_error "an expired token gives 401 token_expired" 401 token_expired
expect_header "an expired token gets WWW-Authenticate error=invalid_token" \
    WWW-Authenticate 'error="invalid_token"'

# --- token of a disabled user
TD=$(make_token "$V")
if ctl user disable "$V" >"$T_DIR/ctl.out" 2>&1; then
	req GET /api/whoami -H "X-Auth-Token: $TD"
	expect_status "a token of a disabled user is refused (401)" 401
	expect_json "a token of a disabled user gives reason user_disabled" .reason user_disabled
else
	not_ok "a token of a disabled user is refused (401)" "user disable failed"
fi

finish
