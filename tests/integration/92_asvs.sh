#!/usr/bin/env bash
# 92_asvs.sh: a negative suite from OWASP ASVS 4.0 chapters 2
# (authentication), 3 (session management) and 13 (API), as they apply to
# this service: session fixation, cookie attributes (over HTTPS too, by
# running apitoken-fcgi as a CGI program with HTTPS=on), logout, no state
# change by a cross-site request, no token or password in the URL, no user
# enumeration by answer or timing, oversize headers and bodies, invalid
# UTF-8 in JSON, repeated headers, methods, content types, caching.
# Failed logins are few (the login throttle counts them) and every login
# is unique.
# shellcheck source-path=SCRIPTDIR source=../lib/assert.sh
. "$(dirname "$0")/../lib/assert.sh"

PW="asvs-$RANDOM-pass word"
U=$(uniq_login av)
B=$(uniq_login avb)
new_user "$U" "$PW" || not_ok "apitokenctl user add creates the test user"
new_user "$B" "$PW" || not_ok "apitokenctl user add creates the second user"
JSON=(-H 'Content-Type: application/json')

# sid_of_last: the session id the last answer set ("" when none).
sid_of_last() {
	header_value Set-Cookie | sed -n 's/^\(__Host-\)\{0,1\}apitoken_session=\([^;]*\);.*/\2/p' | head -n 1
}
# login_sid LOGIN [curl options]: logs in; the session id in SID.
login_sid() {
	local l=$1
	shift
	req POST /api/login "${JSON[@]}" --data-binary "$(login_body "$l" "$PW")" "$@"
	SID=$(sid_of_last)
}
# session_rows SID: rows of the sessions table for that id (its SHA-256).
session_rows() {
	sql "SELECT COUNT(*) FROM sessions WHERE id_hash = UNHEX('$(printf '%s' "$1" | sha256sum | cut -c1-64)')"
}
# token_count LOGIN: LOGIN's tokens in the database, revoked or not.
token_count() {
	sql "SELECT COUNT(*) FROM tokens t JOIN users u ON u.id = t.user_id WHERE u.login = '$1'"
}
# active_count LOGIN: LOGIN's tokens not revoked.
active_count() {
	sql "SELECT COUNT(*) FROM tokens t JOIN users u ON u.id = t.user_id
	     WHERE u.login = '$1' AND t.revoked_at IS NULL"
}

TOK=$(make_token "$U")
TOKB=$(make_token "$B")
if [ -z "$TOK" ] || [ -z "$TOKB" ]; then
	not_ok "apitokenctl token create makes the test tokens"
fi

# ================================================= V3 session management

# --- 3.2.1 a new session id at login; a planted one is never promoted
PLANTED=$(head -c 64 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 43)
login_sid "$U" -H "Cookie: apitoken_session=$PLANTED"
S1=$SID
expect_status "login with a planted session cookie answers 200" 200
if [ -n "$S1" ] && [ "$S1" != "$PLANTED" ]; then
	ok "3.2.1 login issues its own session id, not the planted one"
else
	not_ok "3.2.1 login issues its own session id, not the planted one" "planted $PLANTED, got '$S1'"
fi
req GET /api/whoami -H "Cookie: apitoken_session=$PLANTED"
expect_error "3.2.1 the planted id is no session after the login" 401 invalid_session
expect_eq "3.2.1 the planted id has no row in the sessions table" "$(session_rows "$PLANTED")" 0

# --- 3.2.1 logging in again with a live session replaces it
login_sid "$U" -H "Cookie: apitoken_session=$S1"
S2=$SID
if [ -n "$S2" ] && [ "$S2" != "$S1" ]; then
	ok "3.2.1 a second login issues a new session id"
else
	not_ok "3.2.1 a second login issues a new session id" "first '$S1', second '$S2'"
fi
req GET /api/whoami -H "Cookie: apitoken_session=$S1"
expect_error "3.2.1 the session sent to a new login is ended" 401 invalid_session
expect_eq "3.2.1 the replaced session's row is gone" "$(session_rows "$S1")" 0
req GET /api/whoami -H "Cookie: apitoken_session=$S2"
expect_json "3.2.1 the new session works" .user.login "$U"

# --- 3.2.2 at least 64 bits of entropy; 3.2.3 only in the cookie
login_sid "$U"
S3=$SID
expect_match "3.2.2 the session id is 43 base62 characters (256 bits)" "$S3" '^[A-Za-z0-9]{43}$'
if [ -n "$S3" ] && ! grep -qF -- "$S3" "$RES_BODY_FILE"; then
	ok "3.2.3 the session id is not in the login answer's body"
else
	not_ok "3.2.3 the session id is not in the login answer's body"
fi

# --- 3.4 cookie attributes over HTTP (secure_cookies = auto)
expect_header "3.4.2 the session cookie is HttpOnly" Set-Cookie '; *HttpOnly( *;|$)'
expect_header "3.4.3 the session cookie is SameSite=Strict" Set-Cookie '; *SameSite=Strict( *;|$)'
expect_header "3.4.5 the session cookie has Path=/" Set-Cookie '; *Path=/( *;|$)'
expect_no_header_match "3.4.4 the session cookie has no Domain (host-only)" Set-Cookie '[Dd]omain='
expect_no_header_match "3.4.1 over plain HTTP with secure_cookies=auto: no Secure, no __Host-" \
    Set-Cookie '[Ss]ecure|^__Host-'
expect_header "3.3.1 the cookie lives session_ttl (Max-Age=43200 by default)" Set-Cookie \
    '; *Max-Age=43200( *;|$)'
LIFE=$(sql "SELECT expires_at - created_at FROM sessions WHERE id_hash = UNHEX('$(printf '%s' "$S3" | sha256sum | cut -c1-64)')")
expect_eq "3.3.1 the server ends the session after session_ttl too" "$LIFE" 43200000

# --- 3.4 over HTTPS: apitoken-fcgi run as a CGI program with HTTPS=on
# cgi METHOD URI BODY [VAR=VALUE...]: one request; the answer (CGI headers
# and body, CRs stripped) in $T_DIR/cgi.out.
cgi() {
	local method=$1 uri=$2 body=$3 q=
	shift 3
	case $uri in *\?*) q=${uri#*\?} ;; esac
	printf '%s' "$body" | env -i PATH="$PATH" APITOKEN_CONFIG="$APITOKEN_CONF" \
	    GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD="$method" REQUEST_URI="$uri" \
	    QUERY_STRING="$q" CONTENT_TYPE=application/x-www-form-urlencoded \
	    CONTENT_LENGTH="${#body}" REMOTE_ADDR=127.0.0.1 HTTP_HOST=apitoken.example \
	    "$@" "$APITOKEN_SRCDIR/apitoken-fcgi" 2>"$T_DIR/cgi.err" | tr -d '\r' >"$T_DIR/cgi.out"
}
cgi_cookie() { sed -n 's/^Set-Cookie: //p' "$T_DIR/cgi.out" | head -n 1; }
FORM="login=$U&password=${PW// /+}"
cgi POST /api/login "$FORM" HTTPS=on
C=$(cgi_cookie)
expect_match "3.4.1 over HTTPS (auto): the cookie is Secure" "$C" '; *Secure( *;|$)'
expect_match "3.4.4 over HTTPS: the cookie is named __Host-apitoken_session, Path=/, no Domain" \
    "$C" '^__Host-apitoken_session=[A-Za-z0-9]{43}; *Path=/;'
expect_match "3.4.2 over HTTPS: the cookie is HttpOnly and SameSite=Strict" "$C" \
    'HttpOnly.*SameSite=Strict|SameSite=Strict.*HttpOnly'
HSID=$(printf '%s' "$C" | sed -n 's/^__Host-apitoken_session=\([^;]*\);.*/\1/p')
cgi GET /api/whoami "" HTTPS=on HTTP_COOKIE="__Host-apitoken_session=$HSID"
check "over HTTPS the __Host- cookie is the session" grep -q "\"login\":\"$U\"" "$T_DIR/cgi.out"
cgi GET /api/whoami "" HTTPS=on HTTP_COOKIE="apitoken_session=$HSID"
check "3.4.4 over HTTPS a cookie without the __Host- prefix is not read" \
    grep -q '"reason":"missing_credentials"' "$T_DIR/cgi.out"
cgi POST /api/login "$FORM" APITOKEN_HTTP_SECURE_COOKIES=on
expect_match "3.4.1 secure_cookies=on: Secure and __Host- even behind plain HTTP (TLS ends in a proxy)" \
    "$(cgi_cookie)" '^__Host-apitoken_session=.*; *Secure( *;|$)'
cgi POST /api/login "$FORM" HTTPS=on APITOKEN_HTTP_SECURE_COOKIES=off
expect_match "secure_cookies=off: neither Secure nor __Host- even over HTTPS (documented opt-out)" \
    "$(cgi_cookie)" '^apitoken_session=[^;]*;'
case $(cgi_cookie) in
*ecure*) not_ok "secure_cookies=off: the cookie has no Secure attribute" "$(cgi_cookie)" ;;
*) ok "secure_cookies=off: the cookie has no Secure attribute" ;;
esac

# --- 3.3.1 logout ends the session on the server
login_sid "$U"
S4=$SID
req POST /api/logout -H "Cookie: apitoken_session=$S4" -H 'Sec-Fetch-Site: cross-site' --data ''
expect_error "3.3.1 a cross-site logout is refused (CSRF)" 403 csrf_check_failed
expect_eq "3.3.1 the refused logout left the session" "$(session_rows "$S4")" 1
req POST /api/logout -H "Cookie: apitoken_session=$S4" -H 'Sec-Fetch-Site: same-origin' --data ''
expect_status "3.3.1 logout answers 200" 200
expect_header "3.3.1 logout expires the cookie" Set-Cookie '^apitoken_session=; .*Max-Age=0'
expect_eq "3.3.1 logout deletes the session row" "$(session_rows "$S4")" 0
req GET /api/whoami -H "Cookie: apitoken_session=$S4"
expect_error "3.3.1 the old cookie is refused after logout" 401 invalid_session

# --- 3.3.3 a password change ends the sessions opened with the old one
P=$(uniq_login avc)
new_user "$P" "$PW" || not_ok "apitokenctl user add creates the password-change user"
login_sid "$P"
SP=$SID
if printf '%s\n' "new $PW" | ctl user passwd "$P" --password-stdin >"$T_DIR/ctl.out" 2>&1; then
	ok "apitokenctl user passwd succeeds"
else
	not_ok "apitokenctl user passwd succeeds" "$(head -c 300 "$T_DIR/ctl.out")"
fi
req GET /api/whoami -H "Cookie: apitoken_session=$SP"
expect_error "3.3.3 a session from before a password change is refused" 401 invalid_session
expect_eq "3.3.3 its row is gone" "$(session_rows "$SP")" 0

# --- two session cookies: never one of them by order
login_sid "$U"
SA=$SID
login_sid "$B"
SB=$SID
req GET /api/whoami -H "Cookie: apitoken_session=$SA; apitoken_session=$SB"
expect_error "two session cookies (A; B) are refused: 400 multiple_credentials" 400 multiple_credentials
req GET /api/whoami -H "Cookie: apitoken_session=$SB; x=1; apitoken_session=$SA"
expect_error "two session cookies (B; A) are refused: 400 multiple_credentials" 400 multiple_credentials

# ==================================================== V2 authentication

# --- 2.2 / 2.5 no enumeration by the answer: unknown login vs wrong password
# strip_answer: the last answer without Date (the one header that differs).
strip_answer() { grep -vi '^date:' "$RES_HEADERS_FILE"; cat "$RES_BODY_FILE"; }
req POST /api/login "${JSON[@]}" --data-binary "$(login_body "$U" "wrong $PW")"
expect_error "a wrong password gives 401 invalid_login" 401 invalid_login
WRONG=$(strip_answer)
req POST /api/login "${JSON[@]}" --data-binary "$(login_body "$(uniq_login nobody)" "$PW")"
expect_error "an unknown login gives 401 invalid_login" 401 invalid_login
UNKNOWN=$(strip_answer)
expect_eq "an unknown login and a wrong password get the same headers and body" \
    "$UNKNOWN" "$WRONG"

# --- no enumeration by timing: unknown logins must pay the password hash.
# Medians of 5 of each, interleaved, each wrong password on a login of its
# own (the throttle counts per login). A skipped hash is about 100 times
# faster; a loaded machine moves the ratio far less than 2.
W=()
for i in 1 2 3 4 5; do
	W[i]=$(uniq_login avt)
	new_user "${W[i]}" "$PW" || not_ok "apitokenctl user add creates timing user $i"
done
login_time() {
	curl -s -o /dev/null -w '%{time_total}\n' --max-time 10 "${JSON[@]}" \
	    --data-binary "$(login_body "$1" "$2")" "$APITOKEN_URL/api/login"
}
: >"$T_DIR/t.unknown"
: >"$T_DIR/t.wrong"
for i in 1 2 3 4 5; do
	login_time "$(uniq_login nobody)" "$PW" >>"$T_DIR/t.unknown"
	login_time "${W[i]}" "not $PW" >>"$T_DIR/t.wrong"
done
median() { sort -n "$1" | sed -n 3p; }
MU=$(median "$T_DIR/t.unknown")
MW=$(median "$T_DIR/t.wrong")
RATIO=$(awk -v u="${MU:-0}" -v w="${MW:-0}" 'BEGIN { printf "%.2f", (w > 0 ? u / w : 0) }')
printf '# login timing: median unknown %s s, wrong password %s s, ratio %s\n' "$MU" "$MW" "$RATIO"
if awk -v r="$RATIO" 'BEGIN { exit !(r >= 0.5 && r <= 2.0) }'; then
	ok "2.2 an unknown login costs about what a wrong password costs (median ratio $RATIO)"
else
	not_ok "2.2 an unknown login costs about what a wrong password costs" \
	    "median unknown $MU s, wrong $MW s, ratio $RATIO (want 0.5..2)" \
	    "unknown: $(tr '\n' ' ' <"$T_DIR/t.unknown")" "wrong: $(tr '\n' ' ' <"$T_DIR/t.wrong")"
fi

# --- 2.1 passwords: any Unicode, spaces, long; never truncated
L=$(uniq_login avp)
LONGPW="Ünïcødé ✓ pass phrase with spaces $(head -c 90 /dev/zero | tr '\0' x)"
new_user "$L" "$LONGPW" || not_ok "apitokenctl user add takes a 128-character Unicode password"
req POST /api/login "${JSON[@]}" --data-binary "$(login_body "$L" "$LONGPW")"
expect_status "2.1.2/2.1.4 a 128-character Unicode password with spaces logs in" 200
req POST /api/login "${JSON[@]}" --data-binary "$(login_body "$L" "${LONGPW%?}")"
expect_error "2.1.3 that password minus its last character is refused (no truncation)" 401 invalid_login
expect_match "2.4.1 passwords are stored as argon2id hashes" \
    "$(sql "SELECT password_hash FROM users WHERE login = '$L'")" '^[$]argon2id[$]'

# --- 2.x login CSRF: a page elsewhere must not log the browser in
req POST /api/login "${JSON[@]}" --data-binary "$(login_body "$U" "$PW")" -H 'Sec-Fetch-Site: cross-site'
expect_error "a cross-site login (Sec-Fetch-Site) is refused" 403 csrf_check_failed
expect_no_header_match "the refused cross-site login sets no cookie" Set-Cookie .
req POST /api/login --data-urlencode "login=$U" --data-urlencode "password=$PW" -H 'Origin: http://evil.example'
expect_error "a login from another site's Origin is refused" 403 csrf_check_failed
req POST /api/login "${JSON[@]}" --data-binary "$(login_body "$U" "$PW")" -H "Origin: $APITOKEN_URL"
expect_status "a same-origin login (the browser page) passes" 200

# --- 8.3.1 no password in the URL
req POST "/api/login?login=$U&password=${PW// /+}" -H 'Content-Length: 0'
expect_error "a login with the password in the query string is refused" 400 password_in_url
expect_no_header_match "... and sets no cookie" Set-Cookie .
req POST "/api/login?password=${PW// /+}" "${JSON[@]}" --data-binary "$(jq -nc --arg l "$U" '{login: $l}')"
expect_error "a JSON login does not take its password from the query string" 400 password_in_url

# ============================================================ V13 API

# --- 13.1.3 no token in the URL
req GET "/api/whoami?access_token=$TOK"
expect_error "13.1.3 ?access_token= is refused (400 token_in_url)" 400 token_in_url
for name in token apiToken api_token auth_token X-Auth-Token bearer; do
	req GET "/api/whoami?$name=$TOK"
	expect_error "13.1.3 a token in ?$name= is not a credential (401 missing_credentials)" \
	    401 missing_credentials
done
req POST /api/createApiToken --data "access_token=$TOK&description=body"
expect_error "a token in a form body is not a credential" 401 missing_credentials

# --- 13.2.3 no state change by a cross-site request (GET createApiToken
# and revokeApiToken are GET for Insight.io compatibility)
login_sid "$U"
SC=$SID
BEFORE=$(token_count "$U")
for h in 'Sec-Fetch-Site: cross-site' 'Sec-Fetch-Site: same-site' \
    'Origin: http://evil.example' 'Origin: null' 'Referer: http://evil.example/x' \
    "Referer: $APITOKEN_URL.evil.example/x"; do
	req GET /api/createApiToken -H "Cookie: apitoken_session=$SC" -H "$h"
	expect_error "13.2.3 GET createApiToken by cookie with '$h' is refused" 403 csrf_check_failed
done
req GET /api/createApiToken -H "Cookie: apitoken_session=$SC"
expect_error "13.2.3 GET createApiToken by cookie with no origin signal is refused" 403 csrf_check_failed
req GET /api/createApiToken -H "Cookie: apitoken_session=$SC" -H 'Sec-Fetch-Site: cross-site' \
    -H "Origin: $APITOKEN_URL"
expect_error "13.2.3 Sec-Fetch-Site cross-site decides over a matching Origin" 403 csrf_check_failed
req HEAD /api/createApiToken -H "Cookie: apitoken_session=$SC" -H 'Sec-Fetch-Site: same-origin'
expect_status "HEAD createApiToken is not allowed (405)" 405
req POST /api/tokens -H "Cookie: apitoken_session=$SC" -H 'Sec-Fetch-Site: cross-site' \
    "${JSON[@]}" --data-binary '{"description":"csrf"}'
expect_error "13.2.3 a cross-site POST /api/tokens by cookie is refused" 403 csrf_check_failed
req POST /api/createApiToken -H "Cookie: apitoken_session=$SC" -H 'Origin: http://evil.example' \
    -H 'Content-Type: text/plain' --data 'description=csrf'
expect_status "13.2.3 a cross-site text/plain form post to createApiToken is refused" 403
expect_eq "13.2.3 none of the cross-site requests made a token (database)" \
    "$(token_count "$U")" "$BEFORE"
req GET /api/createApiToken -H "Cookie: apitoken_session=$SC" -H 'Sec-Fetch-Site: same-origin'
expect_status "the same request from the same origin makes a token" 200
expect_eq "... which the database shows" "$(token_count "$U")" $((BEFORE + 1))

ACTIVE=$(active_count "$U")
req GET /api/revokeApiToken -H "Cookie: apitoken_session=$SC" -H 'Sec-Fetch-Site: cross-site'
expect_status "13.2.3 a cross-site GET revokeApiToken with only the cookie answers 200" 200
req GET "/api/revokeApiToken?token=$TOK" -H "Cookie: apitoken_session=$SC"
expect_status "13.2.3 revokeApiToken with the token in ?token= answers 200" 200
req GET "/api/revokeApiToken?access_token=$TOK" -H "Cookie: apitoken_session=$SC"
expect_error "13.2.3 revokeApiToken with ?access_token= is refused" 400 token_in_url
expect_eq "13.2.3 none of them revoked a token (database)" "$(active_count "$U")" "$ACTIVE"
treq "$TOK" GET /api/whoami
expect_json "13.2.3 the token still works" .user.login "$U"

# --- 13.2.1 methods; 14.5.3 no CORS
req TRACE /api/whoami -H "X-Auth-Token: $TOK"
expect_error "TRACE is not allowed (405)" 405 wrong_method
req OPTIONS /api/whoami -H 'Origin: http://evil.example' -H 'Access-Control-Request-Method: GET'
expect_status "OPTIONS (a CORS preflight) is not allowed (405)" 405
expect_no_header_match "14.5.3 no Access-Control-Allow-Origin on a preflight" Access-Control-Allow-Origin .
treq "$TOK" GET /api/whoami -H 'Origin: http://evil.example'
expect_no_header_match "14.5.3 no Access-Control-Allow-Origin on a cross-origin read" \
    Access-Control-Allow-Origin .

# --- 13.2.5 content types are checked
BEFORE=$(token_count "$U")
for ct in text/plain application/xml multipart/form-data; do
	treq "$TOK" POST /api/createApiToken -H "Content-Type: $ct" --data 'description=ct'
	expect_error "13.2.5 a $ct body is refused (400 invalid_content_type)" 400 invalid_content_type
done
expect_eq "13.2.5 no token was made from them (database)" "$(token_count "$U")" "$BEFORE"

# --- 8.2.1 / 14.4 answers with tokens or sessions are not cached or sniffed
for what in login create-get create-post whoami list; do
	case $what in
	login) login_sid "$U" ;;
	create-get) treq "$TOK" GET /api/createApiToken ;;
	create-post) treq "$TOK" POST /api/tokens "${JSON[@]}" --data-binary '{}' ;;
	whoami) treq "$TOK" GET /api/whoami ;;
	list) treq "$TOK" GET /api/getApiTokens ;;
	esac
	expect_header "8.2.1 $what ($RES_STATUS) is Cache-Control: no-store" Cache-Control '^no-store$'
	expect_header "14.4.4 $what is X-Content-Type-Options: nosniff" X-Content-Type-Options '^nosniff$'
	expect_header "14.4.1 $what is application/json; charset=utf-8" Content-Type \
	    '^application/json; *charset=utf-8$'
done
req GET /api/whoami
expect_header "8.2.1 a 401 is Cache-Control: no-store too" Cache-Control '^no-store$'

# --- oversize headers and bodies
big() { head -c "$1" /dev/zero | tr '\0' "${2:-a}"; }
treq "$(big 7000)" GET /api/whoami
expect_error "a 7000-byte X-Auth-Token gets 401 malformed_token" 401 malformed_token
req GET /api/whoami -H "Authorization: Bearer $(big 7000)"
expect_error "a 7000-byte Bearer token gets 401 malformed_token" 401 malformed_token
req GET /api/whoami -H "Authorization: Basic $(big 7000 A)"
expect_error "a 7000-byte Basic value gets 400 malformed_credentials" 400 malformed_credentials
req GET /api/whoami -H "Cookie: apitoken_session=$(big 7000)"
expect_error "a 7000-byte session cookie gets 401 invalid_session" 401 invalid_session
treq "$TOK" GET "/api/createApiToken?description=$(big 7000)"
expect_error "a 7000-byte description in the query gets 400 invalid_field" 400 invalid_field
# lighttpd refuses a request whose headers pass 8 KiB
# (server.max-request-field-size) before apitoken sees it: 431, its HTML.
treq "$TOK" GET /api/whoami -H "X-Pad: $(big 20000)"
expect_status "a 20 KB header is refused by the web server (431)" 431
PADS=()
for i in $(seq 1 100); do PADS+=(-H "X-Pad$i: $(big 60)"); done
req GET /api/whoami -H "X-Auth-Token: $TOK" "${PADS[@]}"
expect_json "100 extra headers (7 KB) do not hide the token" .user.login "$U"
head -c 100000 /dev/zero | tr '\0' a >"$T_DIR/big.body"
req POST /api/login -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "@$T_DIR/big.body"
expect_error "a 100 KB body gets 413 body_too_large (JSON)" 413 body_too_large
req POST /api/login -H 'Content-Type: application/x-www-form-urlencoded' \
    -H 'Transfer-Encoding: chunked' --data-binary "@$T_DIR/big.body"
expect_error "a 100 KB chunked body gets 413 body_too_large too" 413 body_too_large
treq "$TOK" POST /api/tokens "${JSON[@]}" --data-binary "$(big 5000 '[')"
expect_error "JSON nested 5000 deep gets 400 invalid_json" 400 invalid_json

# --- invalid UTF-8 and NUL in JSON
BEFORE=$(token_count "$U")
for bytes in 'ff fe' 'c0 af' 'ed a0 80' 'e2 82' 'f8 88 80 80 80'; do
	# shellcheck disable=SC2086  # the bytes, one word each
	hex=$(printf '\\x%s' $bytes)
	treq "$TOK" POST /api/tokens "${JSON[@]}" \
	    --data-binary "$(printf '{"description":"a%bb"}' "$hex")"
	expect_error "a JSON description with bytes $bytes gets 400 invalid_json" 400 invalid_json
done
req POST /api/login "${JSON[@]}" --data-binary "$(printf '{"login":"%s\xc0\xaf","password":"x"}' "$U")"
expect_error "a JSON login with an overlong byte pair gets 400 invalid_json" 400 invalid_json
treq "$TOK" POST /api/tokens "${JSON[@]}" --data-binary '{"description":"abc\u0000def"}'
expect_error "a JSON string with \\u0000 gets 400 invalid_field (not cut at the NUL)" 400 invalid_field
req POST /api/login "${JSON[@]}" --data-binary "$(jq -nc --arg l "$U" --arg p "$PW" '{login: ($l + "\u0000x"), password: $p}')"
expect_error "a login with \\u0000 inside is 400, not a login as its prefix" 400 invalid_field
expect_eq "none of them made a token (database)" "$(token_count "$U")" "$BEFORE"

# --- repeated and conflicting credential headers: never one of them
treq "$TOK" GET /api/whoami -H "X-Auth-Token: $TOKB"
case $RES_STATUS in
400 | 401) ok "two X-Auth-Token headers (two users) authenticate as neither ($RES_STATUS $(jq_body .reason))" ;;
*) not_ok "two X-Auth-Token headers (two users) authenticate as neither" ;;
esac
treq "$TOK" GET /api/whoami -H "X-Auth-Token: $TOK"
case $RES_STATUS in
400 | 401) ok "the same X-Auth-Token twice is refused ($RES_STATUS $(jq_body .reason))" ;;
*) not_ok "the same X-Auth-Token twice is refused" ;;
esac
req GET /api/whoami -H "Authorization: Bearer $TOK" -H "Authorization: Bearer $TOKB"
case $RES_STATUS in
400 | 401) ok "two Authorization headers authenticate as neither ($RES_STATUS $(jq_body .reason))" ;;
*) not_ok "two Authorization headers authenticate as neither" ;;
esac
req GET /api/whoami -H "Authorization: Bearer $TOK" -H "X-Auth-Token: $TOKB"
expect_error "Bearer and X-Auth-Token of two users: 400 multiple_credentials" 400 multiple_credentials
req GET /api/whoami -u "$U:$PW" -H "X-Auth-Token: $TOKB"
expect_error "Basic and a token header: 400 multiple_credentials" 400 multiple_credentials
ACTIVE=$(active_count "$B")
req GET /api/revokeApiToken -u "$U:$PW" -H "X-Auth-Token: $TOKB"
expect_eq "revokeApiToken with Basic and a token revokes nothing" "$(active_count "$B")" "$ACTIVE"
req GET /api/whoami -H "Cookie: apitoken_session=$SA" -H "X-Auth-Token: $TOKB"
expect_json "a token header decides over a session cookie (documented)" .user.login "$B"

# --- smuggling-shaped requests are the web server's to refuse
# raw REQUEST: sends it to the web server as is; the status line's code.
raw() {
	local hp=${APITOKEN_URL#http://}
	(
		exec 3<>"/dev/tcp/${hp%:*}/${hp##*:}" || exit 1
		printf '%b' "$1" >&3
		timeout 5 head -n 1 <&3 | tr -d '\r' | awk '{ print $2 }'
	) 2>/dev/null
}
expect_eq "two different Content-Length headers are refused (400, by the web server)" \
    "$(raw 'POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\nConnection: close\r\n\r\nlogin=x')" 400
expect_eq "Content-Length with Transfer-Encoding is refused (400, by the web server)" \
    "$(raw 'POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n')" 400

req GET /healthz
expect_status "the pool still answers after the suite" 200
finish
