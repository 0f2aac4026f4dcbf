#!/usr/bin/env bash
# 50_errors.sh: routing errors, body limits, content type, health check,
# and that no database text leaks into answers.
# shellcheck source-path=SCRIPTDIR source=../lib/assert.sh
. "$(dirname "$0")/../lib/assert.sh"

CT_RE='^application/json; *charset=utf-8$'
U=$(uniq_login e)
PW="pw-$RANDOM-secret"
new_user "$U" "$PW" || not_ok "apitokenctl user add creates the test user"
T=$(make_token "$U")

LEAKS="$T_DIR/bodies"
: >"$LEAKS"
keep_body() {
	if [ "$RES_STATUS" -ge 400 ] 2>/dev/null; then
		{ cat "$RES_BODY_FILE"; echo; } >>"$LEAKS"
	fi
}

# --- health
req GET /healthz
expect_status "GET /healthz answers 200" 200
expect_json "healthz says status ok" '.status' ok
expect_header "healthz is application/json; charset=utf-8" Content-Type "$CT_RE"

# --- unknown route
req GET /api/noSuchRoute
expect_error "an unknown route gives 404 no_such_route" 404 no_such_route
expect_json "404 body has error not_found" '.error' not_found
expect_header "404 is application/json; charset=utf-8" Content-Type "$CT_RE"
keep_body
req GET /api/whoami/extra -H "X-Auth-Token: $T"
expect_status "a path below a route is not that route (404)" 404

# --- wrong method
req DELETE /api/whoami -H "X-Auth-Token: $T"
expect_status "DELETE /api/whoami gives 405" 405
expect_json "405 body has error method_not_allowed" '.error' method_not_allowed
expect_header "405 carries an Allow header with GET" Allow '(^|[ ,])GET($|[ ,])'
expect_no_header_match "Allow of whoami does not list DELETE" Allow 'DELETE'
expect_header "405 is application/json; charset=utf-8" Content-Type "$CT_RE"
keep_body
req PUT /api/createApiToken -u "$U:$PW"
expect_status "PUT /api/createApiToken gives 405" 405
expect_header "Allow of createApiToken lists GET and POST" Allow 'GET.*POST|POST.*GET'

# --- body limits
head -c 70000 /dev/zero | tr '\0' 'a' >"$T_DIR/big"
req POST /api/login -H 'Content-Type: application/x-www-form-urlencoded' \
    --data-binary "@$T_DIR/big"
expect_status "a login body over 64 KiB gives 413" 413
expect_json "413 body has error payload_too_large" '.error' payload_too_large
expect_header "413 is application/json; charset=utf-8" Content-Type "$CT_RE"
keep_body
{ printf '{"login":"%s","password":"' "$U"; head -c 70000 /dev/zero | tr '\0' 'p'; printf '"}'; } \
    >"$T_DIR/bigjson"
req POST /api/login -H 'Content-Type: application/json' --data-binary "@$T_DIR/bigjson"
expect_status "a JSON login body over 64 KiB gives 413" 413

# --- content types of other answers
req GET /api/whoami
expect_header "401 is application/json; charset=utf-8" Content-Type "$CT_RE"
keep_body
req GET /api/whoami -H "X-Auth-Token: $T"
expect_header "200 whoami is application/json; charset=utf-8" Content-Type "$CT_RE"
req POST /api/login -H 'Content-Type: application/json' --data-binary '{'
expect_header "400 is application/json; charset=utf-8" Content-Type "$CT_RE"
keep_body
req POST /api/login -H 'Content-Type: text/plain' --data-binary "login=$U&password=$PW"
expect_error "login with an unsupported Content-Type gives 400 invalid_content_type" \
    400 invalid_content_type
keep_body
req GET /api/getApiTokens -u "$U:$PW"
expect_header "getApiTokens is application/json; charset=utf-8" Content-Type "$CT_RE"

# --- inputs that would break naive SQL; answers must not leak DB text
# Each run's own logins: this script runs once per front, and five wrong
# passwords for one login in 15 minutes are answered 429 ([throttle]).
R=$RANDOM$RANDOM
req POST /api/login -H 'Content-Type: application/json' \
    --data-binary "$(login_body "x$R' OR '1'='1' -- " "x' OR '1'='1")"
expect_error "an SQL-injection login is just an invalid login" 401 invalid_login
keep_body
LONG=$R$(head -c 5000 /dev/zero | tr '\0' 'L')
req POST /api/login -H 'Content-Type: application/json' \
    --data-binary "$(login_body "$LONG" "$PW")"
expect_error "an over-long login is just an invalid login" 401 invalid_login
keep_body
req POST /api/login -H 'Content-Type: application/json' \
    --data-binary '{"login": "\u0000abc", "password": "x"}'
expect_match "a login with a NUL character gives 400 or 401" "$RES_STATUS" '^(400|401)$'
keep_body
req POST /api/login -H 'Content-Type: application/json' \
    --data-binary '{"login": 42, "password": ["x"]}'
expect_match "non-string login fields give 400" "$RES_STATUS" '^400$'
keep_body
req GET /api/createApiToken -u "$U:$PW" -G --data-urlencode "description=it's a \"quote\" \\ test"
expect_json "a description with quotes and backslash round-trips" '.description' \
    "it's a \"quote\" \\ test"
req POST /api/createApiToken -u "$U:$PW" --data 'description=%FF%FE'
expect_error "a description that is not UTF-8 gives 400 invalid_field" 400 invalid_field
keep_body
req GET /api/whoami -H 'Authorization: Basic !!!notbase64'
expect_match "a garbage Basic header gives 400 or 401" "$RES_STATUS" '^(400|401)$'
keep_body

if grep -Eiq 'mysql|mariadb|sql|syntax|duplicate entry' "$LEAKS"; then
	not_ok "no error body mentions MariaDB/SQL" "$(grep -Ei 'mysql|mariadb|sql' "$LEAKS" | head -c 300)"
else
	ok "no error body mentions MariaDB/SQL"
fi
if jq -e . >/dev/null 2>&1 <"$LEAKS"; then
	ok "every collected error body is JSON"
else
	not_ok "every collected error body is JSON" "$(head -c 300 "$LEAKS")"
fi
if jq -s -e 'all(.[]; has("error") and has("reason"))' >/dev/null 2>&1 <"$LEAKS"; then
	ok "every collected error body has error and reason fields"
else
	not_ok "every collected error body has error and reason fields" \
	    "$(jq -c -s 'map(select((has("error") and has("reason")) | not))' <"$LEAKS" 2>&1 | head -c 300)"
fi

finish
