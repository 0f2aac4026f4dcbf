#!/usr/bin/env bash
# 80_containers.sh: containers from the user's side: creation by admins,
# members and their permissions (read, write, manage, access), container
# tokens (reason required, never more than the creator holds), the check
# route, a creator losing flags / membership / being disabled, the audit
# rows of creation and refused uses, container tokens kept off management
# routes, and apitokenctl container add|list|grant|revoke-grant.
# shellcheck source-path=SCRIPTDIR source=../lib/assert.sh
. "$(dirname "$0")/../lib/assert.sh"

TOKEN_RE='^atk_[0-9A-Za-z]{36}$'
JSON_CT='Content-Type: application/json'

AD=$(uniq_login ca)	# an admin user
A=$(uniq_login cA)	# read, write, access
B=$(uniq_login cB)	# read only
M=$(uniq_login cM)	# manage, read
N=$(uniq_login cN)	# granted read by M, then removed
X=$(uniq_login cX)	# never a member
G=$(uniq_login cG)	# granted through apitokenctl
PW="pw-$RANDOM-secret"
new_user "$AD" "$PW" --admin || not_ok "apitokenctl user add --admin creates the admin"
for u in "$A" "$B" "$M" "$N" "$X" "$G"; do
	new_user "$u" "$PW" || not_ok "apitokenctl user add creates test user $u"
done

# The container token under test, and how many refused uses of it this
# script has seen (each must be one audit row).
T=
T_ID=
SEEN_SCOPE=0
SEEN_DISABLED=0

# tuse METHOD PATH [curl options...]: a request with the container token T;
# counts the refusals it gets.
tuse() {
	local method=$1 path=$2 reason
	shift 2
	req "$method" "$path" -H "X-Auth-Token: $T" "$@"
	reason=$(jq_body '.reason // empty')
	if [ "$RES_STATUS" = 403 ] && [ "$reason" = insufficient_scope ]; then
		SEEN_SCOPE=$((SEEN_SCOPE + 1))
	elif [ "$RES_STATUS" = 401 ] && [ "$reason" = user_disabled ]; then
		SEEN_DISABLED=$((SEEN_DISABLED + 1))
	fi
}

# tuse_n N METHOD PATH: N requests with T (so that every worker may see
# it); CODES gets the statuses, "200 200 ...".
CODES=
tuse_n() {
	local n=$1 _i
	shift
	CODES=
	for _i in $(seq 1 "$n"); do
		tuse "$@"
		CODES="$CODES$RES_STATUS "
	done
}

# safe STRING: only [0-9A-Za-z_] (ids and tokens), for SQL statements.
safe() {
	printf '%s' "${1//[^0-9A-Za-z_]/}"
}

# perms_of ID: jq filter, the sorted permissions of container ID in a
# GET /api/containers answer, comma-joined ("absent" when not listed).
perms_of() {
	printf '[.containers[] | select((.id | tostring) == "%s") |
	    (.permissions | sort | join(","))] | .[0] // "absent"' "$1"
}

# ================================================ POST /api/containers
C=$(uniq_login cont)
breq "$AD" POST /api/containers "{\"name\": \"$C\"}"
expect_status "an admin creates a container (POST /api/containers answers 201)" 201
expect_json "the answer names the container" '.name' "$C"
expect_json_match "the answer has a numeric id" '.id' '^[1-9][0-9]*$'
expect_json_match "the answer has created in ms" '.created' '^1[0-9]{12}$'
CID=$(jq_body '.id // empty')
if ! printf '%s' "$CID" | grep -Eq '^[1-9][0-9]*$'; then
	not_ok "setup: the container exists, the rest of this script needs it"
	finish
fi

breq "$AD" POST /api/containers "{\"name\": \"$C\"}"
expect_error "a duplicate container name answers 409 name_taken" 409 name_taken
for bad in "has space" "slash/name" "semi;colon" "$(printf 'x%.0s' $(seq 1 65))"; do
	breq "$AD" POST /api/containers "$(jq -nc --arg n "$bad" '{name: $n}')"
	expect_error "container name '${bad:0:20}' (${#bad} chars) answers 400 invalid_field" \
	    400 invalid_field
done
C64=$(uniq_login c64)
C64=$C64$(printf 'x%.0s' $(seq 1 $((64 - ${#C64}))))
breq "$AD" POST /api/containers "{\"name\": \"$C64\"}"
expect_status "a 64-character name of [A-Za-z0-9._-] is accepted" 201
CNA=$(uniq_login cna)
breq "$A" POST /api/containers "{\"name\": \"$CNA\"}"
expect_status "a non-admin user creating a container gets 403" 403
expect_eq "the non-admin's container was not made" \
    "$(sql "SELECT COUNT(*) FROM containers WHERE name = '$(safe "$CNA")'")" 0

# A second container nobody of this script but the admin is in.
C2=$(uniq_login cont2)
breq "$AD" POST /api/containers "{\"name\": \"$C2\"}"
expect_status "setup: the admin creates a second container" 201
CID2=$(jq_body '.id // empty')
[ -n "$CID2" ] || CID2=0

breq "$AD" GET /api/containers
expect_status "GET /api/containers by the admin answers 200" 200
expect_json "the admin sees the new container with all four permissions" \
    "$(perms_of "$CID")" 'access,manage,read,write'
expect_json "the admin sees the second container too" \
    "[.containers[] | select((.id | tostring) == \"$CID2\") | .name] | .[0]" "$C2"

# ================================================ members
breq "$AD" PUT "/api/containers/$CID/members/$A" '{"permissions": ["read", "write", "access"]}'
expect_status "the admin grants A read,write,access (PUT members/{login} answers 200)" 200
expect_json "the grant answer names the user" '.user' "$A"
expect_json "the grant answer has the permissions" '.permissions | sort | join(",")' \
    'access,read,write'
breq "$AD" PUT "/api/containers/$CID/members/$B" '{"permissions": ["read"]}'
expect_status "the admin grants B read" 200
breq "$AD" PUT "/api/containers/$CID/members/$M" '{"permissions": ["manage", "read"]}'
expect_status "the admin grants M manage,read" 200
breq "$AD" PUT "/api/containers/$CID/members/$B" '{"permissions": ["read", "root"]}'
expect_error "granting an unknown permission answers 400 invalid_field" 400 invalid_field

breq "$A" GET /api/containers
expect_status "GET /api/containers by A answers 200" 200
expect_json "A's list shows the container with A's permissions" \
    "$(perms_of "$CID")" 'access,read,write'
expect_json "A's list names the container" \
    "[.containers[] | select((.id | tostring) == \"$CID\") | .name] | .[0]" "$C"
expect_json "A's list does not show a container A is not in" "$(perms_of "$CID2")" absent
breq "$B" GET /api/containers
expect_json "B's list shows the container with read only (the failed grant changed nothing)" \
    "$(perms_of "$CID")" read
breq "$X" GET /api/containers
expect_json "a non-member's list does not show the container" "$(perms_of "$CID")" absent

breq "$A" GET "/api/containers/$CID/members"
expect_status "GET members by A (access) answers 200" 200
expect_json "the members are A, B and M" \
    "[.members[].user] | map(select(. == \"$A\" or . == \"$B\" or . == \"$M\")) | length" 3
expect_json "the members list shows B's permissions" \
    "[.members[] | select(.user == \"$B\") | .permissions | sort | join(\",\")] | .[0]" read
expect_json_match "the members list shows when A was granted (ms)" \
    "[.members[] | select(.user == \"$A\") | .granted] | .[0]" '^1[0-9]{12}$'
breq "$B" GET "/api/containers/$CID/members"
expect_status "GET members by B (read only) answers 403" 403
breq "$X" GET "/api/containers/$CID/members"
expect_error "GET members by a non-member answers 404 no_such_container" 404 no_such_container

# --- M holds manage but not write
breq "$M" PUT "/api/containers/$CID/members/$N" '{"permissions": ["read", "write"]}'
expect_error "M (manage, no write) granting write answers 403 insufficient_scope" \
    403 insufficient_scope
expect_json "the refusal names the missing permission write" '.permission' write
breq "$M" PUT "/api/containers/$CID/members/$N" '{"permissions": ["access"]}'
expect_error "M granting access (which M lacks) answers 403 insufficient_scope" \
    403 insufficient_scope
expect_json "that refusal names access" '.permission' access
breq "$N" GET /api/containers
expect_json "the refused grants made N no member" "$(perms_of "$CID")" absent
breq "$M" PUT "/api/containers/$CID/members/$N" '{"permissions": ["read"]}'
expect_status "M granting read answers 200" 200
expect_json "M's grant answer has read" '.permissions | join(",")' read
breq "$N" GET /api/containers
expect_json "N now sees the container with read" "$(perms_of "$CID")" read
breq "$M" GET "/api/containers/$CID/members"
expect_status "GET members by M (manage) answers 200" 200
expect_json "M sees N among the members" \
    "[.members[] | select(.user == \"$N\")] | length" 1
breq "$M" DELETE "/api/containers/$CID/members/$N"
expect_status "M removing N answers 200" 200
expect_json "the removal answers ok true" '.ok' true
breq "$N" GET /api/containers
expect_json "N no longer sees the container" "$(perms_of "$CID")" absent
breq "$M" DELETE "/api/containers/$CID/members/$N"
expect_error "removing N again answers 404 no_such_member" 404 no_such_member
breq "$AD" DELETE "/api/containers/$CID/members/$X"
expect_error "DELETE of a user who never was a member answers 404 no_such_member" \
    404 no_such_member
breq "$B" DELETE "/api/containers/$CID/members/$M"
expect_status "B (read only) cannot remove a member (403)" 403

# ================================================ container tokens
REASON="deploy bot $$"
BODY=$(jq -nc --arg r "$REASON" \
    '{description: "ci deploy", permissions: ["read", "write"], reason: $r}')
breq "$A" POST "/api/containers/$CID/tokens" "$BODY"
expect_status "A (access) creates a container token (201)" 201
expect_json_match "the answer holds the plain token (atk_ + 36 base62)" '.apiToken' "$TOKEN_RE"
expect_json "the token's kind is container" '.kind' container
expect_json "the token's permissions are read,write" '.permissions | sort | join(",")' \
    'read,write'
expect_json "the token names its container" '.container | tostring' "$CID"
expect_json "the token keeps the description" '.description' 'ci deploy'
expect_json "the token keeps the reason" '.reason' "$REASON"
expect_json "the token is active" '.state' active
T=$(jq_body '.apiToken // empty')
T_ID=$(jq_body '.id // empty')
A_UID=$(sql "SELECT id FROM users WHERE login = '$(safe "$A")'")
expect_json "created_by is A's user id" '.created_by | tostring' "${A_UID:-unknown}"

breq "$A" POST "/api/containers/$CID/tokens" '{"description": "x", "permissions": ["read"]}'
expect_error "a container token without reason answers 400 missing_field" 400 missing_field
breq "$B" POST "/api/containers/$CID/tokens" \
    '{"description": "x", "permissions": ["read"], "reason": "b tries"}'
expect_status "B (no access) creating a container token answers 403" 403
breq "$A" POST "/api/containers/$CID/tokens" \
    '{"description": "x", "permissions": ["read", "manage"], "reason": "too much"}'
expect_error "A asking for manage (which A lacks) answers 403 insufficient_scope" \
    403 insufficient_scope
expect_json "the refusal's permission is manage" '.permission' manage
breq "$A" POST "/api/containers/$CID/tokens" \
    '{"description": "x", "permissions": ["read", "fly"], "reason": "typo"}'
expect_error "an unknown permission name answers 400 invalid_field" 400 invalid_field
NOID=$(sql 'SELECT COALESCE(MAX(id), 0) + 1000000 FROM containers')
breq "$A" POST "/api/containers/$NOID/tokens" \
    '{"description": "x", "permissions": ["read"], "reason": "nowhere"}'
expect_error "a container id that does not exist answers 404 no_such_container" \
    404 no_such_container
breq "$A" POST "/api/containers/$CID2/tokens" \
    '{"description": "x", "permissions": ["read"], "reason": "not mine"}'
expect_error "a container A cannot see answers 404 no_such_container" \
    404 no_such_container
expect_eq "none of the refused requests made a token (A has exactly one)" \
    "$(sql "SELECT COUNT(*) FROM tokens WHERE user_id = '$(safe "$A_UID")'
	    OR created_by = '$(safe "$A_UID")'")" 1

# --- the reason is in the audit trail
expect_eq "the token.create audit row carries the reason" \
    "$(sql "SELECT reason FROM audit_events WHERE action = 'token.create' AND
	    token_id = (SELECT id FROM tokens WHERE public_id = '$(safe "$T_ID")')")" \
    "$REASON"

# ================================================ using the container token
tuse GET /api/whoami
expect_status "the container token authenticates (whoami answers 200)" 200
expect_json "whoami shows a token of kind container" '.token.kind' container
expect_json "whoami shows the token's id" '.token.id' "${T_ID:-none}"

tuse GET "/api/containers/$CID/check?permission=write"
expect_status "check write with the token answers 200" 200
expect_json "check write says allowed true" '.allowed' true
expect_json "check names the permission" '.permission' write
expect_json "check names the container" '.container | tostring' "$CID"
tuse GET "/api/containers/$CID/check?permission=read"
expect_status "check read with the token answers 200" 200
tuse GET "/api/containers/$CID/check?permission=access"
expect_error "check access (not in the token) answers 403 insufficient_scope" \
    403 insufficient_scope
expect_json "the refusal names access" '.permission' access
expect_json "the refusal names the container" '.container | tostring' "$CID"
tuse GET "/api/containers/$CID2/check?permission=read"
expect_error "check on another container answers 403 insufficient_scope" \
    403 insufficient_scope

# --- management routes are closed to it
tuse GET /api/tokens
expect_error "GET /api/tokens with a container token answers 403 insufficient_scope" \
    403 insufficient_scope
tuse GET /api/containers
expect_error "GET /api/containers with a container token answers 403 insufficient_scope" \
    403 insufficient_scope
tuse POST "/api/containers/$CID/tokens" -H "$JSON_CT" --data-binary \
    '{"description": "child", "permissions": ["read"], "reason": "token mints token"}'
expect_error "a container token cannot mint container tokens (403 insufficient_scope)" \
    403 insufficient_scope

# ================================================ the creator loses rights
# Use the token a few times first, so that every worker may have it cached.
tuse_n 8 GET "/api/containers/$CID/check?permission=write"
expect_match "before the change, check write answers 200 on every try (8)" \
    "$CODES" '^(200 ){8}$'
breq "$AD" PUT "/api/containers/$CID/members/$A" '{"permissions": ["read", "access"]}'
expect_status "the admin sets A's permissions to read,access (no write)" 200
tuse_n 8 GET "/api/containers/$CID/check?permission=write"
expect_match "at once the token's check write answers 403 on every try (8)" \
    "$CODES" '^(403 ){8}$'
expect_json "the refusal is insufficient_scope naming write" \
    '"\(.reason) \(.permission)"' 'insufficient_scope write'
tuse_n 4 GET "/api/containers/$CID/check?permission=read"
expect_match "the token's check read still answers 200 (4 tries)" "$CODES" '^(200 ){4}$'
breq "$A" GET "/api/tokens/$T_ID"
expect_json "the token's own flags are unchanged (read,write)" \
    '.permissions | sort | join(",")' 'read,write'

breq "$AD" DELETE "/api/containers/$CID/members/$A"
expect_status "the admin removes A from the container" 200
tuse_n 8 GET "/api/containers/$CID/check?permission=read"
expect_match "at once the token's check read answers 403 on every try (8)" \
    "$CODES" '^(403 ){8}$'
expect_json "the refusal is insufficient_scope naming read" \
    '"\(.reason) \(.permission)"' 'insufficient_scope read'
breq "$A" GET /api/containers
expect_json "A no longer sees the container" "$(perms_of "$CID")" absent
breq "$A" POST "/api/containers/$CID/tokens" \
    '{"description": "x", "permissions": ["read"], "reason": "after removal"}'
expect_error "A can no longer create tokens there (404 no_such_container)" \
    404 no_such_container

# --- disabling the creator
tuse_n 4 GET /api/whoami
expect_match "before A is disabled the token still authenticates (whoami 200)" \
    "$CODES" '^(200 ){4}$'
if ctl user disable "$A" >"$T_DIR/ctl.out" 2>&1; then
	ok "apitokenctl user disable disables the creator"
else
	not_ok "apitokenctl user disable disables the creator" "$(head -c 300 "$T_DIR/ctl.out")"
fi
tuse GET /api/whoami
expect_error "the creator disabled, the token answers 401 user_disabled (whoami)" \
    401 user_disabled
expect_header "that 401 carries WWW-Authenticate Bearer" WWW-Authenticate '^Bearer realm='
tuse_n 8 GET /api/whoami
expect_match "every worker refuses it at once (8 tries, 401)" "$CODES" '^(401 ){8}$'
tuse GET "/api/containers/$CID/check?permission=read"
expect_error "the check route also answers 401 user_disabled" 401 user_disabled

# --- refused uses are audited
N_SCOPE=$(sql "SELECT COUNT(*) FROM audit_events
	       WHERE token_id = (SELECT id FROM tokens WHERE public_id = '$(safe "$T_ID")')
	         AND action = 'token.use' AND outcome = 'denied'
	         AND reason LIKE '%insufficient_scope%'")
if [ "$SEEN_SCOPE" -gt 0 ] && [ "$N_SCOPE" = "$SEEN_SCOPE" ]; then
	ok "each insufficient_scope refusal is one token.use/denied audit row ($SEEN_SCOPE)"
else
	not_ok "each insufficient_scope refusal is one token.use/denied audit row ($SEEN_SCOPE)" \
	    "refusals seen $SEEN_SCOPE, audit rows $N_SCOPE"
fi
N_DIS=$(sql "SELECT COUNT(*) FROM audit_events
	     WHERE token_id = (SELECT id FROM tokens WHERE public_id = '$(safe "$T_ID")')
	       AND action = 'token.use' AND outcome = 'denied'
	       AND reason LIKE '%user_disabled%'")
if [ "$SEEN_DISABLED" -gt 0 ] && [ "$N_DIS" = "$SEEN_DISABLED" ]; then
	ok "each user_disabled refusal is one token.use/denied audit row ($SEEN_DISABLED)"
else
	not_ok "each user_disabled refusal is one token.use/denied audit row ($SEEN_DISABLED)" \
	    "refusals seen $SEEN_DISABLED, audit rows $N_DIS"
fi
if [ -n "$T" ] && [ "$(sql "SELECT COUNT(*) FROM audit_events
    WHERE reason LIKE '%$(safe "$T")%' OR user_agent LIKE '%$(safe "$T")%'")" = 0 ]; then
	ok "no audit row holds the plain container token"
else
	not_ok "no audit row holds the plain container token"
fi

# ================================================ apitokenctl container
OUT="$T_DIR/ctl.out"
ERR="$T_DIR/ctl.err"

# run_ctl ARGS...: apitokenctl, stdout in $OUT, stderr in $ERR; sets RC.
run_ctl() {
	ctl "$@" >"$OUT" 2>"$ERR" </dev/null
	RC=$?
}

# ctl_detail: detail lines for a failed apitokenctl check.
ctl_detail() {
	printf 'exit %s\nstdout: %s\nstderr: %s' "$RC" "$(head -c 300 "$OUT")" \
	    "$(head -c 300 "$ERR")"
}

# ctl_ok NAME: the last run_ctl exited 0.
ctl_ok() {
	if [ "$RC" = 0 ]; then ok "$1"; else not_ok "$1" "$(ctl_detail)"; fi
}

# ctl_refused NAME: the last run_ctl exited non-zero with one line on stderr.
ctl_refused() {
	if [ "$RC" != 0 ] && [ "$(grep -c . "$ERR")" = 1 ]; then
		ok "$1"
	else
		not_ok "$1" "$(ctl_detail)"
	fi
}

# ctl_audit_rows ACTION: audit rows of ACTION written by apitokenctl.
ctl_audit_rows() {
	sql "SELECT COUNT(*) FROM audit_events WHERE action = '$1'
	     AND user_agent = 'apitokenctl' AND actor_user_id IS NULL"
}

# g_perms NAME: jq filter, G's sorted permissions on container NAME in a
# GET /api/containers answer ("absent" when not listed).
g_perms() {
	printf '[.containers[] | select(.name == "%s") |
	    (.permissions | sort | join(","))] | .[0] // "absent"' "$1"
}

CC=$(uniq_login ctlc)
AUD_CREATE=$(ctl_audit_rows container.create)
run_ctl container add "$CC"
ctl_ok "apitokenctl container add NAME succeeds"
expect_match "container add prints 'container NAME created (id N)'" \
    "$(head -n 1 "$OUT")" "^container $CC created \\(id [1-9][0-9]*\\)$"
CC_ADD_ID=$(sed -n 's/.*(id \([0-9][0-9]*\)).*/\1/p' "$OUT" | head -n 1)
expect_eq "container add wrote one container.create audit row (no actor, agent apitokenctl)" \
    "$(ctl_audit_rows container.create)" "$((AUD_CREATE + 1))"
run_ctl container add "$CC"
ctl_refused "a second container add of the same name exits non-zero with one line on stderr"
run_ctl container add "bad name"
ctl_refused "container add of a bad name exits non-zero with one line on stderr"

run_ctl container list
ctl_ok "apitokenctl container list succeeds"
cp "$OUT" "$T_DIR/list.out"
expect_match "container list starts with a header naming the name column" \
    "$(head -n 1 "$T_DIR/list.out")" '[Nn][Aa][Mm][Ee]'
CC_ID=$(tail -n +2 "$T_DIR/list.out" | awk -F '\t' -v n="$CC" '$2 == n { print $1 }')
expect_match "container list has a tab-separated row 'id<TAB>name' for it" \
    "$CC_ID" '^[1-9][0-9]*$'
expect_eq "the listed id is the one container add printed" "$CC_ID" "${CC_ADD_ID:-none}"
expect_match "the row's third column is the creation time in ms" \
    "$(tail -n +2 "$T_DIR/list.out" | awk -F '\t' -v n="$CC" '$2 == n { print $3 }')" \
    '^1[0-9]{12}$'
if [ "$(tail -n +2 "$T_DIR/list.out" | grep -c .)" -ge 4 ] &&
    ! tail -n +2 "$T_DIR/list.out" | grep -v "$(printf '\t')" | grep -q .; then
	ok "every container list row is tab-separated (at least this script's 4)"
else
	not_ok "every container list row is tab-separated (at least this script's 4)" \
	    "$(head -c 300 "$T_DIR/list.out")"
fi
expect_eq "container list shows the HTTP-made container with its id" \
    "$(tail -n +2 "$T_DIR/list.out" | awk -F '\t' -v n="$C" '$2 == n { print $1 }')" "$CID"
breq "$AD" GET /api/containers
expect_json "the ctl-made container is seen by the API with the same id" \
    "[.containers[] | select(.name == \"$CC\") | .id | tostring] | .[0]" "${CC_ID:-none}"

breq "$G" GET /api/containers
expect_json "before a grant, G does not see the ctl-made container" "$(g_perms "$CC")" absent
AUD_GRANT=$(ctl_audit_rows member.grant)
run_ctl container grant "$CC" "$G" read,write
ctl_ok "apitokenctl container grant NAME LOGIN read,write succeeds"
breq "$G" GET /api/containers
expect_json "after the grant, G sees the container with read,write" \
    "$(g_perms "$CC")" 'read,write'

run_ctl container grant "$CC" "$G" read,bogus
ctl_refused "container grant with an unknown permission exits non-zero with one line on stderr"
run_ctl container grant "$CC" "nosuch_$$_$RANDOM" read
ctl_refused "container grant to an unknown user exits non-zero with one line on stderr"
run_ctl container grant "nosuch_$$_$RANDOM" "$G" read
ctl_refused "container grant on an unknown container exits non-zero with one line on stderr"
breq "$G" GET /api/containers
expect_json "the refused grants left G's permissions as they were" \
    "$(g_perms "$CC")" 'read,write'
expect_eq "one member.grant audit row for the one grant that succeeded" \
    "$(ctl_audit_rows member.grant)" "$((AUD_GRANT + 1))"

run_ctl container grant "$CC" "$G" read
ctl_ok "a second container grant succeeds"
breq "$G" GET /api/containers
expect_json "container grant replaces the flags (now read only)" "$(g_perms "$CC")" read

AUD_REVOKE=$(ctl_audit_rows member.revoke)
run_ctl container revoke-grant "$CC" "$G"
ctl_ok "apitokenctl container revoke-grant NAME LOGIN succeeds"
breq "$G" GET /api/containers
expect_status "GET /api/containers by G still answers 200" 200
expect_json "after revoke-grant, G no longer sees the container" "$(g_perms "$CC")" absent
expect_eq "revoke-grant wrote one member.revoke audit row" \
    "$(ctl_audit_rows member.revoke)" "$((AUD_REVOKE + 1))"
run_ctl container revoke-grant "$CC" "$G"
ctl_refused "revoke-grant of a non-member exits non-zero with one line on stderr"

finish
