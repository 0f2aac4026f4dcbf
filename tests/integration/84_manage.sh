#!/usr/bin/env bash
# 84_manage.sh: token management by id from the user's side: POST/GET
# /api/tokens (full and narrowed personal tokens, filters, paging), tokens
# by id (GET, PATCH, DELETE, rotate with overlap and reuse detection,
# events), /api/tokens/self, RFC 7662 introspection, RFC 7009 revocation,
# the audit trail (GET /api/audit, apitokenctl audit) and that no plain
# token is ever shown or stored outside the creation answer.
# shellcheck source-path=SCRIPTDIR source=../lib/assert.sh
. "$(dirname "$0")/../lib/assert.sh"

TOKEN_RE='^atk_[0-9A-Za-z]{36}$'
JSON_CT='Content-Type: application/json'
T0=$(now_ms)

U=$(uniq_login m)	# the main user
O=$(uniq_login mo)	# another user
L=$(uniq_login ml)	# a user whose token list is fully known
A=$(uniq_login ma)	# an admin user
PW="pw-$RANDOM-secret"
new_user "$U" "$PW" || not_ok "apitokenctl user add creates the test user"
new_user "$O" "$PW" || not_ok "apitokenctl user add creates the other user"
new_user "$L" "$PW" || not_ok "apitokenctl user add creates the list user"
new_user "$A" "$PW" --admin || not_ok "apitokenctl user add --admin creates the admin"

# Every plain token this script sees, for the "never stored" checks.
PLAIN=()

# mint LOGIN JSON_BODY [curl options...]: POST /api/tokens as LOGIN; sets
# TOK and TOK_ID from the answer. Status 0 on a 201 with a token.
TOK=
TOK_ID=
mint() {
	local login=$1 body=$2
	shift 2
	breq "$login" POST /api/tokens "$body" "$@"
	TOK=$(jq_body '.apiToken // empty')
	TOK_ID=$(jq_body '.id // empty')
	[ -n "$TOK" ] && PLAIN+=("$TOK")
	[ "$RES_STATUS" = 201 ] && [ -n "$TOK" ] && [ -n "$TOK_ID" ]
}

# warm TOKEN: a few uses, so that every worker may have the token cached.
warm() {
	local _i
	for _i in 1 2 3 4 5 6; do
		curl -s -o /dev/null --max-time 10 -H "X-Auth-Token: $1" \
		    "$APITOKEN_URL/api/whoami"
	done
}

# safe STRING: only [0-9A-Za-z_] (ids and tokens), for SQL statements.
safe() {
	printf '%s' "${1//[^0-9A-Za-z_]/}"
}

# body_has_no_plain NAME TOKEN...: ok when the last body holds none of them.
body_has_no_plain() {
	local name=$1 t
	shift
	for t in "$@"; do
		[ -n "$t" ] || continue
		if grep -qF -- "$t" "$RES_BODY_FILE"; then
			not_ok "$name" "the body holds a plain token"
			return
		fi
	done
	ok "$name"
}

# audit_count PUBLIC_ID ACTION: audit rows about a token with ACTION.
audit_count() {
	sql "SELECT COUNT(*) FROM audit_events a JOIN tokens t ON t.id = a.token_id
	     WHERE t.public_id = '$(safe "$1")' AND a.action = '$2'"
}

# sleep_until MS: sleeps until now_ms reaches MS.
sleep_until() {
	local left=$(($1 - $(now_ms)))
	[ "$left" -gt 0 ] && sleep "$(printf '%d.%03d' $((left / 1000)) $((left % 1000)))"
	return 0
}

TO=$(make_token "$O" --description other)
TO_ID=$(user_newest_token_id "$O")
PLAIN+=("$TO")
expect_match "apitokenctl made a token for the other user" "$TO" "$TOKEN_RE"

# =============================================== POST /api/tokens
UA_CREATE="apitoken-84-manage/$$ (custom agent)"
if mint "$U" '{"description": "full one"}' -A "$UA_CREATE"; then
	ok "POST /api/tokens by Basic answers 201 with a token"
else
	not_ok "POST /api/tokens by Basic answers 201 with a token"
fi
FULL=$TOK
FULL_ID=$TOK_ID
expect_json_match "the new token has the atk_ format" '.apiToken' "$TOKEN_RE"
expect_json "a token made without permissions is a full one (permissions null)" \
    '.permissions' null
expect_json "the new token is personal" '.kind' personal
expect_json "the new token belongs to the caller" '.user' "$U"
expect_json "the new token is active" '.state' active
expect_json "the description is kept" '.description' 'full one'
expect_json "the creation answer has the hint of the token" '.hint' "atk_...${FULL: -4}"

if mint "$U" '{"permissions": ["read"], "description": "narrow"}'; then
	ok "POST /api/tokens with permissions [read] answers 201"
else
	not_ok "POST /api/tokens with permissions [read] answers 201"
fi
NARROW=$TOK
NARROW_ID=$TOK_ID
expect_json "the narrowed token has permissions [\"read\"]" '.permissions | tojson' '["read"]'
expect_json "a narrowed token is still personal" '.kind' personal

breq "$U" POST /api/tokens '{"permissions": ["fly"]}'
expect_error "an unknown permission name is 400 invalid_field" 400 invalid_field

# --- a narrowed token is not a user caller
treq "$NARROW" GET /api/tokens
expect_error "a narrowed token gets 403 insufficient_scope on GET /api/tokens" \
    403 insufficient_scope
treq "$NARROW" POST /api/tokens -H "$JSON_CT" --data-binary '{}'
expect_error "a narrowed token cannot make tokens (403 insufficient_scope)" \
    403 insufficient_scope
treq "$NARROW" GET "/api/tokens/$NARROW_ID"
expect_error "a narrowed token cannot read itself by id (403 insufficient_scope)" \
    403 insufficient_scope
treq "$NARROW" GET /api/tokens/self
expect_status "a narrowed token may use GET /api/tokens/self (200)" 200
expect_json "tokens/self of the narrowed token is that token" '.id' "$NARROW_ID"
expect_json "tokens/self shows the narrowed permissions" '.permissions | tojson' '["read"]'
treq "$NARROW" GET /api/whoami
expect_status "a narrowed token may use whoami" 200

# --- a full personal token is a user caller
treq "$FULL" GET /api/tokens
expect_status "a full personal token may list tokens (200)" 200

# =============================================== GET /api/tokens/self
treq "$FULL" GET /api/tokens/self
expect_status "GET /api/tokens/self with a token answers 200" 200
expect_json "tokens/self returns the calling token's id" '.id' "$FULL_ID"
expect_json "tokens/self returns its hint" '.hint' "atk_...${FULL: -4}"
expect_json "tokens/self returns its kind" '.kind' personal
expect_json "tokens/self has no apiToken field" 'has("apiToken")' false
body_has_no_plain "tokens/self never shows the plain token" "$FULL"
req GET /api/tokens/self -u "$U:$PW"
expect_match "GET /api/tokens/self without a token is refused (4xx)" "$RES_STATUS" '^4[0-9][0-9]$'

# =============================================== GET /api/tokens/{id}
breq "$U" GET "/api/tokens/$FULL_ID"
expect_status "GET /api/tokens/{id} of the caller's own token answers 200" 200
expect_json "it is the right token" '.id' "$FULL_ID"
expect_json "created_user_agent is the User-Agent of the creating request" \
    '.created_user_agent' "$UA_CREATE"
expect_json "created_ip is the client address" '.created_ip' 127.0.0.1
expect_json "the token object has every documented field" \
    '[ "id", "kind", "hint", "description", "state", "user", "container",
       "identity", "permissions", "reason", "created", "created_by",
       "created_ip", "created_user_agent", "expires", "max_expires", "uses",
       "max_uses", "trusted_ips", "lastUsed", "last_used_ip", "revoked",
       "revoked_reason", "rotated_from", "overlap_until" ] - keys | join(",")' ''
expect_json_match "created is in ms" '.created' '^1[0-9]{12}$'
body_has_no_plain "GET /api/tokens/{id} never shows the plain token" "$FULL"

breq "$U" GET "/api/tokens/$TO_ID"
OTHER_STATUS=$RES_STATUS
OTHER_BODY=$(jq -cS . <"$RES_BODY_FILE" 2>/dev/null)
expect_error "another user's token id answers 404 no_such_token" 404 no_such_token
breq "$U" GET /api/tokens/NoSuchToken12345
MADEUP_STATUS=$RES_STATUS
MADEUP_BODY=$(jq -cS . <"$RES_BODY_FILE" 2>/dev/null)
expect_error "a made-up token id answers 404 no_such_token" 404 no_such_token
expect_eq "another user's token and a made-up id get the same status and body" \
    "$OTHER_STATUS $OTHER_BODY" "$MADEUP_STATUS $MADEUP_BODY"

breq "$A" GET "/api/tokens/$TO_ID"
expect_status "an admin sees any user's token by id" 200
expect_json "the admin sees the owner's login" '.user' "$O"

# =============================================== PATCH /api/tokens/{id}
breq "$U" PATCH "/api/tokens/$FULL_ID" '{"description": "renamed"}'
expect_status "PATCH /api/tokens/{id} with a description answers 200" 200
expect_json "the PATCH answer has the new description" '.description' renamed
breq "$U" GET "/api/tokens/$FULL_ID"
expect_json "GET shows the new description" '.description' renamed

breq "$U" PATCH "/api/tokens/$TO_ID" '{"description": "hijacked"}'
expect_error "PATCH of another user's token answers 404 no_such_token" 404 no_such_token
expect_eq "the other user's description is unchanged" \
    "$(sql "SELECT description FROM tokens WHERE public_id = '$(safe "$TO_ID")'")" other

LONG255=$(printf 'x%.0s' $(seq 1 255))
breq "$U" PATCH "/api/tokens/$FULL_ID" "{\"description\": \"${LONG255}y\"}"
expect_error "a description of 256 characters is 400 invalid_field" 400 invalid_field
breq "$U" GET "/api/tokens/$FULL_ID"
expect_json "a refused PATCH changes nothing" '.description' renamed
breq "$U" PATCH "/api/tokens/$FULL_ID" "{\"description\": \"$LONG255\"}"
expect_status "a description of exactly 255 characters is accepted" 200
expect_json "the 255-character description is kept whole" '.description | length' 255
breq "$U" PATCH "/api/tokens/$FULL_ID" '{"description": "renamed"}'

# =============================================== GET /api/tokens (list)
mint "$L" '{"description": "L1"}' || not_ok "setup: POST /api/tokens makes L1"
L1=$TOK_ID
mint "$L" '{"description": "L2"}' || not_ok "setup: POST /api/tokens makes L2"
L2=$TOK_ID
mint "$L" '{"description": "L3", "expires_in": 1}' || not_ok "setup: POST /api/tokens makes L3"
L3=$TOK_ID
L3_AT=$(now_ms)
mint "$L" '{"description": "L4"}' || not_ok "setup: POST /api/tokens makes L4"
L4=$TOK_ID
mint "$L" '{"description": "L5"}' || not_ok "setup: POST /api/tokens makes L5"
L5=$TOK_ID
breq "$L" DELETE "/api/tokens/$L4"
expect_status "setup: L4 is revoked by DELETE" 200
sleep_until $((L3_AT + 1200))

breq "$L" GET /api/tokens
expect_status "GET /api/tokens answers 200" 200
expect_json "the list is {tokens, next_offset}" \
    '(.tokens | type) + " " + (has("next_offset") | tostring)' 'array true'
expect_json "the list holds every token of the caller, newest first" \
    '[.tokens[].id] | join(" ")' "$L5 $L4 $L3 $L2 $L1"
expect_json "every listed token belongs to the caller" \
    "[.tokens[].user] | unique | join(\",\")" "$L"
expect_json "a short list has next_offset null" '.next_offset' null
expect_json "listed tokens have no apiToken field" '[.tokens[] | has("apiToken")] | any' false
body_has_no_plain "the list never shows a plain token" "${PLAIN[@]}"

breq "$L" GET '/api/tokens?kind=personal'
expect_json "kind=personal lists the personal tokens" '[.tokens[].id] | join(" ")' \
    "$L5 $L4 $L3 $L2 $L1"
breq "$L" GET '/api/tokens?kind=container'
expect_json "kind=container lists none for a user without container tokens" \
    '.tokens | length' 0
breq "$L" GET '/api/tokens?state=active'
expect_json "state=active lists only the active tokens" '[.tokens[].id] | join(" ")' \
    "$L5 $L2 $L1"
expect_json "state=active entries all say active" '[.tokens[].state] | unique | join(",")' active
breq "$L" GET '/api/tokens?state=revoked'
expect_json "state=revoked lists only the revoked token" '[.tokens[].id] | join(" ")' "$L4"
expect_json "the revoked entry says revoked" '.tokens[0].state' revoked
breq "$L" GET '/api/tokens?state=expired'
expect_json "state=expired lists only the expired token (expires_in 1, 1.2 s later)" \
    '[.tokens[].id] | join(" ")' "$L3"
expect_json "the expired entry says expired" '.tokens[0].state' expired

breq "$L" GET '/api/tokens?state=active&limit=2'
expect_json "limit=2 gives the first two" '[.tokens[].id] | join(" ")' "$L5 $L2"
expect_json "limit=2 with more left gives next_offset 2" '.next_offset' 2
breq "$L" GET '/api/tokens?state=active&limit=2&offset=2'
expect_json "offset=2 gives the rest" '[.tokens[].id] | join(" ")' "$L1"
expect_json "the last page has next_offset null" '.next_offset' null

breq "$L" GET '/api/tokens?limit=0'
expect_error "limit=0 is 400 invalid_field" 400 invalid_field
breq "$L" GET '/api/tokens?limit=500'
expect_error "limit=500 is 400 invalid_field" 400 invalid_field
breq "$L" GET '/api/tokens?limit=200'
expect_status "limit=200 is allowed" 200
breq "$L" GET '/api/tokens?state=bogus'
expect_status "state=bogus is 400" 400

breq "$U" GET '/api/tokens?limit=200'
expect_json "U's list does not show another user's token" \
    "[.tokens[] | select(.id == \"$TO_ID\")] | length" 0
expect_json "U's list does not show L's tokens" \
    "[.tokens[] | select(.id == \"$L1\")] | length" 0
expect_json "U's list shows U's own tokens only" \
    "[.tokens[].user] | unique | join(\",\")" "$U"

# =============================================== DELETE /api/tokens/{id}
mint "$U" '{"description": "to delete"}' || not_ok "setup: POST /api/tokens makes DEL"
DEL=$TOK
DEL_ID=$TOK_ID
warm "$DEL"
treq "$DEL" GET /api/whoami
expect_status "the token to delete works before" 200
breq "$U" DELETE "/api/tokens/$DEL_ID?reason=leaked"
expect_status "DELETE /api/tokens/{id}?reason=leaked answers 200" 200
expect_json "DELETE answers ok true, revoked true" '"\(.ok) \(.revoked)"' 'true true'
treq "$DEL" GET /api/whoami
expect_error "the deleted token answers 401 token_revoked" 401 token_revoked
CODES=$(for _ in 1 2 3 4 5 6; do
	curl -s -o /dev/null --max-time 10 -w '%{http_code} ' \
	    -H "X-Auth-Token: $DEL" "$APITOKEN_URL/api/whoami"
done)
expect_match "every worker refuses the deleted token at once" "$CODES" '^(401 ){6}$'
breq "$U" DELETE "/api/tokens/$DEL_ID?reason=again"
expect_status "a second DELETE answers 200" 200
expect_json "a second DELETE answers revoked false" '"\(.ok) \(.revoked)"' 'true false'
expect_eq "the revocation reason is stored" \
    "$(sql "SELECT revoked_reason FROM tokens WHERE public_id = '$(safe "$DEL_ID")'")" leaked
breq "$U" GET "/api/tokens/$DEL_ID"
expect_json "GET shows the deleted token as revoked" '.state' revoked
expect_json "GET shows the revocation reason" '.revoked_reason' leaked
expect_json_match "GET shows when it was revoked (ms)" '.revoked' '^1[0-9]{12}$'

breq "$U" DELETE "/api/tokens/$TO_ID?reason=mine"
expect_error "DELETE of another user's token answers 404 no_such_token" 404 no_such_token
treq "$TO" GET /api/whoami
expect_status "the other user's token still works" 200

# =============================================== rotation with overlap
mint "$U" '{"description": "rotate me"}' || not_ok "setup: POST /api/tokens makes R0"
R0=$TOK
R0_ID=$TOK_ID
warm "$R0"
breq "$U" POST "/api/tokens/$R0_ID/rotate" '{"overlap": 2}'
ROT_AT=$(now_ms)
R1=$(jq_body '.apiToken // empty')
R1_ID=$(jq_body '.id // empty')
[ -n "$R1" ] && PLAIN+=("$R1")
expect_status "POST /api/tokens/{id}/rotate {overlap:2} answers 201" 201
expect_json_match "the rotation answer holds a new token" '.apiToken' "$TOKEN_RE"
expect_json "the new token names the old one in rotated_from" '.rotated_from' "$R0_ID"
expect_json "the new token keeps the description" '.description' 'rotate me'
if [ -n "$R1" ] && [ "$R1" != "$R0" ] && [ "$R1_ID" != "$R0_ID" ]; then
	ok "the new token and id differ from the old ones"
else
	not_ok "the new token and id differ from the old ones"
fi
treq "$R1" GET /api/whoami
expect_status "during the overlap the new token works" 200
# The old token is used only while well inside the overlap: a use after it
# would be a reuse and revoke the family before the checks below.
if [ $(($(now_ms) - ROT_AT)) -lt 1000 ]; then
	treq "$R0" GET /api/whoami
	expect_status "during the overlap the old token still works" 200
else
	skip "during the overlap the old token still works" "the checks took over 1 s"
fi
breq "$U" GET "/api/tokens/$R0_ID"
expect_json "GET of the old token shows state rotated" '.state' rotated
expect_json_match "the old token has overlap_until (ms)" '.overlap_until' '^1[0-9]{12}$'
breq "$U" POST "/api/tokens/$R0_ID/rotate" '{"overlap": 2}'
expect_error "rotating the old token again answers 409 already_rotated" 409 already_rotated
breq "$U" POST "/api/tokens/$TO_ID/rotate" '{}'
expect_error "rotating another user's token answers 404 no_such_token" 404 no_such_token
expect_eq "rotating another user's token made nothing" \
    "$(sql "SELECT COUNT(*) FROM tokens n JOIN tokens o ON o.id = n.rotated_from
	    WHERE o.public_id = '$(safe "$TO_ID")'")" 0
breq "$U" POST "/api/tokens/$FULL_ID/rotate" '{"overlap": 604801}'
expect_error "an overlap over 604800 s is 400 invalid_field" 400 invalid_field
if [ $(($(now_ms) - ROT_AT)) -lt 1000 ]; then
	treq "$R0" GET /api/whoami
	expect_status "the old token still works later in the overlap" 200
else
	skip "the old token still works later in the overlap" "the checks took over 1 s"
fi

sleep_until $((ROT_AT + 2500))
treq "$R0" GET /api/whoami
expect_error "the old token used after its overlap answers 401 token_rotated" \
    401 token_rotated
treq "$R1" GET /api/whoami
expect_error "that reuse revoked the new token too (401 token_revoked)" 401 token_revoked
CODES=$(for _ in 1 2 3 4 5 6; do
	curl -s -o /dev/null --max-time 10 -w '%{http_code} ' \
	    -H "X-Auth-Token: $R1" "$APITOKEN_URL/api/whoami"
done)
expect_match "every worker refuses the new token after the reuse" "$CODES" '^(401 ){6}$'
N=$(sql "SELECT COUNT(*) FROM audit_events a JOIN tokens t ON t.id = a.token_id
	 WHERE t.public_id IN ('$(safe "$R0_ID")', '$(safe "$R1_ID")')
	   AND a.action = 'token.reuse'")
expect_match "a token.reuse audit row was written" "$N" '^[1-9][0-9]*$'
expect_eq "the new token is revoked in the database" \
    "$(sql "SELECT revoked_at IS NOT NULL FROM tokens WHERE public_id = '$(safe "$R1_ID")'")" 1
breq "$U" GET "/api/tokens/$R1_ID"
expect_json "GET of the new token shows state revoked" '.state' revoked
breq "$U" GET "/api/tokens/$R0_ID"
expect_json_match "the old token of the family is revoked too" '.revoked' '^1[0-9]{12}$'

# --- overlap 0: the old token is refused at once
mint "$U" '{"description": "rotate now"}' || not_ok "setup: POST /api/tokens makes Z0"
Z0=$TOK
Z0_ID=$TOK_ID
warm "$Z0"
breq "$U" POST "/api/tokens/$Z0_ID/rotate" '{"overlap": 0}'
expect_status "rotation with overlap 0 answers 201" 201
Z1=$(jq_body '.apiToken // empty')
[ -n "$Z1" ] && PLAIN+=("$Z1")
expect_json "the overlap-0 token names the old one in rotated_from" '.rotated_from' "$Z0_ID"
treq "$Z1" GET /api/whoami
expect_status "the new token works (checked before the old one is reused)" 200
treq "$Z0" GET /api/whoami
expect_error "with overlap 0 the old token is refused at once (401 token_rotated)" \
    401 token_rotated
treq "$Z1" GET /api/whoami
expect_error "using the old token revoked the new one (401 token_revoked)" \
    401 token_revoked

# =============================================== GET /api/tokens/{id}/events
breq "$U" GET "/api/tokens/$R0_ID/events"
expect_status "GET /api/tokens/{id}/events answers 200" 200
expect_json "the events include token.create, token.rotate and token.reuse" \
    '[.events[].action] | (index(["token.create"]) != null) and
     (index(["token.rotate"]) != null) and (index(["token.reuse"]) != null)' true
expect_json "the events are newest first (at descending)" \
    '[.events[].at] | . == (sort | reverse)' true
expect_json "the events are ordered reuse, rotate, create" \
    '[.events[].action] | index(["token.reuse"]) < index(["token.rotate"]) and
     index(["token.rotate"]) < index(["token.create"])' true
expect_json "every event is about that token" \
    "[.events[].token] | unique | join(\",\")" "$R0_ID"
body_has_no_plain "the events never show a plain token" "$R0" "$R1"
breq "$U" GET "/api/tokens/$R0_ID/events?limit=1"
expect_json "events limit=1 gives one event, the newest" \
    '"\(.events | length) \(.events[0].action)"' '1 token.reuse'
breq "$U" GET "/api/tokens/$TO_ID/events"
expect_error "events of another user's token answer 404 no_such_token" 404 no_such_token

# =============================================== POST /api/introspect
mint "$U" '{"description": "introspect me", "expires_in": 3600}' ||
    not_ok "setup: POST /api/tokens makes INTRO"
INTRO=$TOK
INTRO_ID=$TOK_ID
INTRO_CREATED=$(jq_body '.created')
INTRO_EXPIRES=$(jq_body '.expires')
req POST /api/introspect -u "$U:$PW" --data-urlencode "token=$INTRO"
expect_status "POST /api/introspect by the owner answers 200" 200
expect_json "introspection of a live token says active true" '.active' true
expect_json "sub is the owner's login" '.sub' "$U"
expect_json "token_type is Bearer" '.token_type' Bearer
expect_json "kind is personal" '.kind' personal
expect_json "id is the token's public id" '.id' "$INTRO_ID"
expect_json_match "iat is in seconds" '.iat' '^1[0-9]{9}$'
expect_json_match "exp is in seconds" '.exp' '^1[0-9]{9}$'
expect_json "iat is the creation time in seconds" \
    "(.iat * 1000 - $INTRO_CREATED) | (. > -1000 and . < 1000)" true
expect_json "exp is the expiry time in seconds" \
    "(.exp * 1000 - $INTRO_EXPIRES) | (. > -1000 and . < 1000)" true
body_has_no_plain "introspection never echoes the plain token" "$INTRO"

breq "$U" POST /api/introspect "{\"token\": \"$INTRO\"}"
expect_json "introspection takes a JSON body too" '"\(.active) \(.id)"' "true $INTRO_ID"

req POST /api/introspect -u "$U:$PW" --data-urlencode "token=$DEL"
expect_status "introspection of a revoked token answers 200" 200
expect_json "introspection of a revoked token is exactly {\"active\":false}" \
    'tojson' '{"active":false}'
req POST /api/introspect -u "$U:$PW" --data-urlencode 'token=garbage'
expect_json "introspection of garbage is exactly {\"active\":false}" \
    'tojson' '{"active":false}'
req POST /api/introspect -u "$O:$PW" --data-urlencode "token=$INTRO"
expect_status "introspection by another (non-admin) user answers 200" 200
expect_json "another user's token looks inactive to a non-admin" \
    'tojson' '{"active":false}'
req POST /api/introspect -u "$A:$PW" --data-urlencode "token=$INTRO"
expect_json "an admin user sees any token as active" '"\(.active) \(.sub)"' "true $U"
req POST /api/introspect --data-urlencode "token=$INTRO"
expect_status "introspection without credentials answers 401" 401
INTRO_AT=$(now_ms)	# the last introspection of INTRO

expect_eq "introspection did not count as a use (uses stays 0)" \
    "$(sql "SELECT uses FROM tokens WHERE public_id = '$(safe "$INTRO_ID")'")" 0
expect_eq "introspection wrote no token.use audit row" \
    "$(audit_count "$INTRO_ID" token.use)" 0

# =============================================== POST /api/revoke
mint "$U" '{"description": "revoke me"}' || not_ok "setup: POST /api/tokens makes RV"
RV=$TOK
RV_ID=$TOK_ID
warm "$RV"
req POST /api/revoke --data-urlencode "token=$RV"
expect_status "POST /api/revoke of a live token without credentials answers 200" 200
expect_json "POST /api/revoke answers {}" 'tojson' '{}'
treq "$RV" GET /api/whoami
expect_error "the token revoked by /api/revoke answers 401 token_revoked" 401 token_revoked
expect_eq "the revocation is in the database" \
    "$(sql "SELECT revoked_at IS NOT NULL FROM tokens WHERE public_id = '$(safe "$RV_ID")'")" 1
req POST /api/revoke --data-urlencode "token=$RV"
expect_status "revoking it again answers 200" 200
req POST /api/revoke --data-urlencode 'token=garbage'
expect_status "POST /api/revoke of garbage answers 200" 200
expect_json "POST /api/revoke of garbage answers {}" 'tojson' '{}'
req POST /api/revoke --data ''
expect_status "POST /api/revoke with an empty form body answers 200" 200
RV2=$(make_token "$U" --description 'revoke by json')
PLAIN+=("$RV2")
req POST /api/revoke -H "$JSON_CT" --data-binary "{\"token\": \"$RV2\"}"
expect_status "POST /api/revoke with a JSON body answers 200" 200
treq "$RV2" GET /api/whoami
expect_error "the token sent as JSON is revoked" 401 token_revoked

# =============================================== the audit trail
UA_OK="apitoken-84-login-ok/$$"
UA_FAIL="apitoken-84-login-fail/$$"
WRONG="wrong-$RANDOM-$RANDOM-pw"
req POST /api/login -A "$UA_OK" -H "$JSON_CT" --data-binary "$(login_body "$U" "$PW")"
expect_status "setup: a good login answers 200" 200
req POST /api/login -A "$UA_FAIL" -H "$JSON_CT" --data-binary "$(login_body "$U" "$WRONG")"
expect_error "setup: a wrong password answers 401 invalid_login" 401 invalid_login

breq "$A" GET "/api/audit?action=login&since=$T0&limit=200"
expect_status "GET /api/audit by an admin answers 200" 200
expect_json "a login success is audited (action login, outcome ok)" \
    "[.events[] | select(.user_agent == \"$UA_OK\") | \"\(.action) \(.outcome)\"] | .[0]" \
    'login ok'
expect_json "a login failure is audited (action login, outcome denied)" \
    "[.events[] | select(.user_agent == \"$UA_FAIL\") | \"\(.action) \(.outcome)\"] | .[0]" \
    'login denied'
expect_json "action=login returns only login events" \
    '[.events[].action] | unique | join(",")' login
expect_json "the login events carry the client address" \
    "[.events[] | select(.user_agent == \"$UA_FAIL\") | .ip] | .[0]" 127.0.0.1
expect_eq "no audit row holds the wrong password" \
    "$(sql "SELECT COUNT(*) FROM audit_events WHERE reason LIKE '%$WRONG%'
	    OR user_agent LIKE '%$WRONG%'")" 0

breq "$A" GET "/api/audit?action=token.revoke&token=$DEL_ID"
expect_status "GET /api/audit?action=token.revoke&token=ID answers 200" 200
expect_json "it returns the revocation of that token" '.events | length > 0' true
expect_json "every returned event is a token.revoke" \
    '[.events[].action] | unique | join(",")' token.revoke
expect_json "every returned event is about that token" \
    '[.events[].token] | unique | join(",")' "$DEL_ID"
expect_json "the revocation event carries the reason" '.events[0].reason' leaked
expect_json_match "audit events have at in ms" '.events[0].at' '^1[0-9]{12}$'
breq "$A" GET "/api/audit?token=$R0_ID"
expect_json "the token filter returns the reuse event of R0" \
    '[.events[].action] | index(["token.reuse"]) != null' true
expect_json "the audit is newest first" \
    '[.events[].at] | . == (sort | reverse)' true
body_has_no_plain "the audit answer never shows a plain token" "${PLAIN[@]}"

breq "$U" GET /api/audit
expect_status "GET /api/audit by a non-admin answers 403" 403
treq "$FULL" GET /api/audit
expect_status "GET /api/audit with a non-admin's token answers 403" 403

# --- apitokenctl audit
if ctl audit --token "$R0_ID" --limit 5 >"$T_DIR/audit.out" 2>"$T_DIR/audit.err"; then
	ok "apitokenctl audit --token ID --limit 5 succeeds"
else
	not_ok "apitokenctl audit --token ID --limit 5 succeeds" "$(head -c 300 "$T_DIR/audit.err")"
fi
HEAD_LINE=$(head -n 1 "$T_DIR/audit.out")
ROWS=$(tail -n +2 "$T_DIR/audit.out")
expect_match "apitokenctl audit prints a header line naming the action column" \
    "$HEAD_LINE" '[Aa][Cc][Tt][Ii][Oo][Nn]'
if [ -n "$ROWS" ] && ! printf '%s\n' "$ROWS" | grep -qv "$(printf '\t')"; then
	ok "every apitokenctl audit row is tab-separated"
else
	not_ok "every apitokenctl audit row is tab-separated" "$(head -c 300 "$T_DIR/audit.out")"
fi
if printf '%s\n' "$ROWS" | grep -qF token.create &&
    printf '%s\n' "$ROWS" | grep -qF token.rotate &&
    printf '%s\n' "$ROWS" | grep -qF token.reuse; then
	ok "apitokenctl audit rows name the actions (create, rotate, reuse)"
else
	not_ok "apitokenctl audit rows name the actions (create, rotate, reuse)" \
	    "$(head -c 300 "$T_DIR/audit.out")"
fi
NROWS=$(printf '%s\n' "$ROWS" | grep -c .)
if [ "$NROWS" -ge 3 ] && [ "$NROWS" -le 5 ]; then
	ok "apitokenctl audit --limit 5 prints at most 5 rows"
else
	not_ok "apitokenctl audit --limit 5 prints at most 5 rows" "got $NROWS rows"
fi
expect_match "apitokenctl audit lists newest first (reuse on top)" \
    "$(printf '%s\n' "$ROWS" | head -n 1)" 'token\.reuse'
if grep -qF -e "$R0" -e "$R1" "$T_DIR/audit.out"; then
	not_ok "apitokenctl audit never prints a plain token"
else
	ok "apitokenctl audit never prints a plain token"
fi
ctl audit --token "$R0_ID" --limit 2 >"$T_DIR/audit2.out" 2>&1
expect_eq "apitokenctl audit --limit 2 prints the header and 2 rows" \
    "$(grep -c . "$T_DIR/audit2.out")" 3

# --- no secret in the audit table
COND=
for t in "${PLAIN[@]}"; do
	t=$(safe "$t")
	[ -n "$t" ] || continue
	COND="$COND OR reason LIKE '%$t%' OR user_agent LIKE '%$t%'"
done
expect_eq "no audit row holds any plain token of this script (${#PLAIN[@]} tokens)" \
    "$(sql "SELECT COUNT(*) FROM audit_events WHERE 1 = 0 $COND")" 0

# =============================================== late checks (flush interval)
# lastUsed is written at most every 5 s; by now more than that has passed
# since FULL was used and INTRO was introspected.
sleep_until $((INTRO_AT + 6500))
LIP=
for _ in 1 2 3 4 5 6 7 8; do
	LIP=$(sql "SELECT COALESCE(last_used_ip, '') FROM tokens
		   WHERE public_id = '$(safe "$FULL_ID")'")
	[ -n "$LIP" ] && break
	sleep 0.5
done
breq "$U" GET "/api/tokens/$FULL_ID"
expect_json "last_used_ip of a used token is the client address" '.last_used_ip' 127.0.0.1
expect_json_match "lastUsed of a used token is set (ms)" '.lastUsed' '^1[0-9]{12}$'
expect_eq "an introspected, never used token still has no last_used_at" \
    "$(sql "SELECT COALESCE(last_used_at, 0) FROM tokens
	    WHERE public_id = '$(safe "$INTRO_ID")'")" 0
breq "$U" GET "/api/tokens/$INTRO_ID"
expect_json "GET shows lastUsed null for the introspected token" '.lastUsed' null

finish
