#!/usr/bin/env bash
# 86_scope_edges.sh: the edges a security review found in scoped tokens:
# access holders see container tokens only (never another user's personal
# token narrowed to their container); rotating someone else's container
# token needs every flag it has; managers cannot change members stronger
# than themselves; tokens are refused in the URL of introspect/revoke;
# reusing a rotated-out token that was revoked since still revokes the
# family; introspection reports effective flags.
# shellcheck source-path=SCRIPTDIR source=../lib/assert.sh
. "$(dirname "$0")/../lib/assert.sh"

AD=$(uniq_login ea)	# admin
O=$(uniq_login eo)	# owner: read, write, access
H=$(uniq_login eh)	# access holder: read, access (no write)
M=$(uniq_login em)	# manager: manage, read
PW="pw-$RANDOM-secret"
new_user "$AD" "$PW" --admin || not_ok "apitokenctl user add --admin creates the admin"
for u in "$O" "$H" "$M"; do
	new_user "$u" "$PW" || not_ok "apitokenctl user add creates $u"
done

breq "$AD" POST /api/containers "{\"name\":\"$(uniq_login edge)\"}"
expect_status "the admin creates a container" 201
C=$(jq_body .id)
breq "$AD" PUT "/api/containers/$C/members/$O" '{"permissions":["read","write","access"]}'
expect_status "the owner gets read, write, access" 200
breq "$AD" PUT "/api/containers/$C/members/$H" '{"permissions":["read","access"]}'
expect_status "the holder gets read, access" 200
breq "$AD" PUT "/api/containers/$C/members/$M" '{"permissions":["manage","read"]}'
expect_status "the manager gets manage, read" 200

# --- a personal token narrowed to the container stays its owner's alone
breq "$O" POST /api/tokens "{\"permissions\":[\"read\"],\"container\":$C}"
expect_status "the owner narrows a personal token to the container" 201
P_ID=$(jq_body .id)
breq "$H" GET "/api/tokens/$P_ID"
expect_error "an access holder does not see another user's narrowed personal token" 404 no_such_token
breq "$H" POST "/api/tokens/$P_ID/rotate" '{"overlap":600}'
expect_error "nor can rotate it" 404 no_such_token
breq "$H" GET "/api/tokens?container=$C"
expect_json "nor finds it in the list" "[.tokens[] | select(.id == \"$P_ID\")] | length" 0
breq "$O" GET "/api/tokens/$P_ID"
expect_status "the owner still sees it" 200

# --- rotating a container token needs every flag it carries
breq "$O" POST "/api/containers/$C/tokens" '{"description":"rw","permissions":["read","write"],"reason":"edge test"}'
expect_status "the owner makes a read+write container token" 201
CT_ID=$(jq_body .id)
CT=$(jq_body .apiToken)
breq "$H" GET "/api/tokens/$CT_ID"
expect_status "the access holder sees the container token" 200
breq "$H" POST "/api/tokens/$CT_ID/rotate" '{"overlap":600}'
expect_error "but cannot rotate it without write (403)" 403 insufficient_scope
expect_json "the refusal names write" .permission write
treq "$CT" GET "/api/containers/$C/check?permission=write"
expect_status "the refused rotation left the token working" 200
breq "$O" POST "/api/tokens/$CT_ID/rotate" '{"overlap":600}'
expect_status "the owner may rotate it" 201
NEW_CT=$(jq_body .apiToken)

# --- introspection reports what the token can do now
breq "$AD" PUT "/api/containers/$C/members/$O" '{"permissions":["read","access"]}'
expect_status "the owner loses write" 200
req POST /api/introspect -u "$AD:$PW" --data-urlencode "token=$NEW_CT"
expect_json "introspection of the container token is active" .active true
expect_json "its scope is the effective flags (read only now)" .scope read

# --- tokens never in the URL of introspect and revoke
req POST "/api/introspect?token=$NEW_CT" -u "$AD:$PW" --data ''
expect_error "introspect refuses a token in the query string" 400 token_in_url
req POST "/api/revoke?token=$NEW_CT" --data ''
expect_error "revoke refuses a token in the query string" 400 token_in_url
treq "$NEW_CT" GET "/api/containers/$C/check?permission=read"
expect_status "so the token was not revoked" 200

# --- managers cannot change members stronger than themselves
breq "$M" PUT "/api/containers/$C/members/$H" '{"permissions":["read"]}'
expect_error "a manager cannot rewrite a member holding access" 403 insufficient_scope
expect_json "the refusal names access" .permission access
breq "$M" DELETE "/api/containers/$C/members/$H"
expect_error "nor remove them" 403 insufficient_scope
breq "$H" GET /api/containers
expect_json "the holder keeps read, access" \
    "[.containers[] | select(.id == $C) | .permissions | sort | join(\",\")] | .[0]" access,read
breq "$AD" PUT "/api/containers/$C/members/$H" '{"permissions":[]}'
expect_error "an empty permission list is refused (use DELETE)" 400 invalid_field

# --- reuse of a rotated-out token that was revoked since
T1=$(make_token "$O" --description reuse-after-revoke)
T1_ID=$(user_newest_token_id "$O")
breq "$O" POST "/api/tokens/$T1_ID/rotate" '{"overlap":0}'
expect_status "the owner rotates with no overlap" 201
T2=$(jq_body .apiToken)
treq "$T2" GET /api/whoami
expect_status "the new token works" 200
breq "$O" DELETE "/api/tokens/$T1_ID?reason=tidy"
expect_status "the owner revokes the rotated-out token" 200
treq "$T1" GET /api/whoami
expect_error "a thief using the old token is refused" 401 token_revoked
treq "$T2" GET /api/whoami
expect_error "and the reuse revoked the new token as well" 401 token_revoked
check "one token.reuse audit row was written" \
    test "$(sql "SELECT COUNT(*) FROM audit_events e JOIN tokens t ON t.id = e.token_id
	    WHERE t.public_id = '$T1_ID' AND e.action = 'token.reuse'")" = 1
treq "$T1" GET /api/whoami
check "a second use writes no second reuse row" \
    test "$(sql "SELECT COUNT(*) FROM audit_events e JOIN tokens t ON t.id = e.token_id
	    WHERE t.public_id = '$T1_ID' AND e.action = 'token.reuse'")" = 1

finish
