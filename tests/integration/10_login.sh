#!/usr/bin/env bash
# 10_login.sh: POST /api/login, the session cookie, POST /api/logout.
# shellcheck source-path=SCRIPTDIR source=../lib/assert.sh
. "$(dirname "$0")/../lib/assert.sh"

U=$(uniq_login l)
PW="pw-$RANDOM-secret"
new_user "$U" "$PW" || not_ok "apitokenctl user add creates the test user"
JAR="$T_DIR/jar"

# --- login with a JSON body
req POST /api/login -c "$JAR" -H 'Content-Type: application/json' \
    --data-binary "$(login_body "$U" "$PW")"
expect_status "login with a JSON body answers 200" 200
expect_json "login answer names the user" '.user.login' "$U"
expect_json_match "login answer has a numeric user id" '.user.id' '^[0-9]+$'
expect_json_match "login answer has a future expiry in ms" \
    "(.expires - $(now_ms)) > 0" '^true$'
expect_header "session cookie is HttpOnly" Set-Cookie '(^|;) *HttpOnly( *;|$)'
expect_header "session cookie is SameSite=Strict" Set-Cookie '(^|;) *SameSite=Strict( *;|$)'
expect_header "session cookie has Path=/" Set-Cookie '(^|;) *Path=/( *;|$)'
expect_header "session cookie is named apitoken_session by default" Set-Cookie \
    '^(__Host-)?apitoken_session=[^;]{16,}'
FIRST=$(header_value Set-Cookie | head -n 1)
FIRST=${FIRST%%;*}
FIRST_VALUE=${FIRST#*=}

# --- the cookie works
req GET /api/getApiTokens -b "$JAR"
expect_status "the session cookie authenticates getApiTokens" 200

# --- login with a form body
req POST /api/login --data-urlencode "login=$U" --data-urlencode "password=$PW"
expect_status "login with a form body answers 200" 200
expect_json "form login answer names the user" '.user.login' "$U"

# --- session fixation: a fresh id at each login, a planted one is not kept
PLANTED="planted${RANDOM}fixation${RANDOM}value"
req POST /api/login -H "Cookie: apitoken_session=$PLANTED" \
    -H 'Content-Type: application/json' --data-binary "$(login_body "$U" "$PW")"
SECOND=$(header_value Set-Cookie | head -n 1)
SECOND=${SECOND%%;*}
SECOND_VALUE=${SECOND#*=}
if [ "$RES_STATUS" = 200 ] && [ -n "$SECOND_VALUE" ] &&
    [ "$SECOND_VALUE" != "$PLANTED" ]; then
	ok "login with a planted cookie issues a new session id"
else
	not_ok "login with a planted cookie issues a new session id" \
	    "planted '$PLANTED', got '$SECOND_VALUE'"
fi
if [ -n "$SECOND_VALUE" ] && [ "$SECOND_VALUE" != "$FIRST_VALUE" ]; then
	ok "each login issues a different session id"
else
	not_ok "each login issues a different session id" \
	    "first '$FIRST_VALUE', second '$SECOND_VALUE'"
fi
req GET /api/whoami -H "Cookie: apitoken_session=$PLANTED"
expect_error "the planted session id is not a session" 401 invalid_session

# --- refused logins: one answer for all
req POST /api/login -H 'Content-Type: application/json' \
    --data-binary "$(login_body "$U" "wrong-$PW")"
expect_error "wrong password gives 401 invalid_login" 401 invalid_login
expect_json "wrong password body keeps error Credentials required" '.error' \
    'Credentials required'
expect_no_header_match "a refused login sets no cookie" Set-Cookie '.'
BODY_WRONG=$RES_BODY

req POST /api/login -H 'Content-Type: application/json' \
    --data-binary "$(login_body "nobody_$$_$RANDOM" "$PW")"
expect_error "unknown login gives 401 invalid_login" 401 invalid_login
expect_eq "unknown login body equals wrong password body" "$RES_BODY" "$BODY_WRONG"

D=$(uniq_login ld)
new_user "$D" "$PW" || not_ok "apitokenctl user add creates the disabled user"
if ctl user disable "$D" >"$T_DIR/ctl.out" 2>&1; then
	ok "apitokenctl user disable succeeds"
else
	not_ok "apitokenctl user disable succeeds" "$(head -c 300 "$T_DIR/ctl.out")"
fi
req POST /api/login -H 'Content-Type: application/json' \
    --data-binary "$(login_body "$D" "$PW")"
expect_error "disabled user gives 401 invalid_login" 401 invalid_login
expect_eq "disabled user body equals wrong password body" "$RES_BODY" "$BODY_WRONG"

# --- malformed requests
req POST /api/login -H 'Content-Type: application/json' \
    --data-binary "$(jq -nc --arg l "$U" '{login: $l}')"
expect_error "login without password gives 400 missing_field" 400 missing_field
req POST /api/login -H 'Content-Type: application/json' \
    --data-binary "$(jq -nc --arg p "$PW" '{password: $p}')"
expect_error "login without login gives 400 missing_field" 400 missing_field
req POST /api/login --data-urlencode "login=$U"
expect_error "form login without password gives 400 missing_field" 400 missing_field
req POST /api/login -H 'Content-Type: application/json' \
    --data-binary '{"login": "x", "password": '
expect_error "login with malformed JSON gives 400 invalid_json" 400 invalid_json
expect_json "400 body has error invalid_request" '.error' invalid_request
req GET /api/login
expect_status "GET /api/login is not allowed (405)" 405

# --- only a hash of the session id is stored
if DUMP=$(sql 'SELECT * FROM sessions' 2>&1); then
	if [ -n "$DUMP" ] && ! printf '%s' "$DUMP" | grep -qF -e "$FIRST_VALUE" -e "$SECOND_VALUE"; then
		ok "the plain session id never appears in the sessions table"
	else
		not_ok "the plain session id never appears in the sessions table" \
		    "dump empty or contains the session id"
	fi
else
	not_ok "the plain session id never appears in the sessions table" "SQL: $DUMP"
fi

# --- a session of a user disabled later is refused
S=$(uniq_login ls)
new_user "$S" "$PW" || not_ok "apitokenctl user add creates the session user"
SJAR="$T_DIR/sjar"
login_cookie "$S" "$PW" "$SJAR" || not_ok "login of the session user" "status $RES_STATUS"
req GET /api/whoami -b "$SJAR"
expect_status "the session works before the user is disabled" 200
ctl user disable "$S" >/dev/null 2>&1
req GET /api/whoami -b "$SJAR"
expect_status "the session of a disabled user is refused (401)" 401

# --- logout
login_cookie "$U" "$PW" "$JAR" || not_ok "login before logout" "status $RES_STATUS"
OLD=$COOKIE_PAIR
req POST /api/logout -b "$JAR" --data ""
expect_error "logout by cookie without Sec-Fetch-Site/Origin is refused (CSRF)" \
    403 csrf_check_failed
req GET /api/getApiTokens -H "Cookie: $OLD"
expect_status "a CSRF-refused logout keeps the session" 200
req POST /api/logout -b "$JAR" -H 'Sec-Fetch-Site: same-origin' --data ""
expect_status "logout with Sec-Fetch-Site same-origin answers 200" 200
expect_json "logout answers ok true" '.ok' true
expect_header "logout clears the cookie" Set-Cookie \
    '^(__Host-)?apitoken_session=;|[Mm]ax-[Aa]ge=0|[Ee]xpires=[^;]*19[0-9][0-9]'
req GET /api/getApiTokens -H "Cookie: $OLD"
expect_error "the cookie of a closed session is refused (401 invalid_session)" \
    401 invalid_session
expect_header "a refused session gets WWW-Authenticate Bearer" \
    WWW-Authenticate '^Bearer realm="apitoken"'
req POST /api/logout -H 'Sec-Fetch-Site: same-origin' --data ""
expect_status "logout without a session still answers 200" 200

finish
