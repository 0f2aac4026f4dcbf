#!/usr/bin/env bash
# 82_identities.sh: machine identities from the user's side: creation and
# defaults (admins only), container roles and org roles as seen through an
# identity token, per-token settings that may only shorten or narrow the
# identity's, expiry and renewal up to max_ttl, exact use counting across
# workers, trusted IPs behind a trusted proxy (config change + SIGHUP),
# the audit rows of refused uses and the apitokenctl identity commands.
# shellcheck source-path=SCRIPTDIR source=../lib/assert.sh
. "$(dirname "$0")/../lib/assert.sh"

TOKEN_RE='^atk_[0-9A-Za-z]{36}$'
JSON_CT='Content-Type: application/json'

A=$(uniq_login ia)	# an admin user
N=$(uniq_login in)	# a plain user
PW="pw-$RANDOM-secret"
new_user "$A" "$PW" --admin || not_ok "apitokenctl user add --admin creates the admin"
new_user "$N" "$PW" || not_ok "apitokenctl user add creates the plain user"

# renew TOKEN: POST /api/tokens/renew with TOKEN (an empty JSON body, so
# that the web server sees a Content-Length).
renew() {
	treq "$1" POST /api/tokens/renew -H "$JSON_CT" --data-binary '{}'
}

# mkident JSON_BODY: POST /api/identities as the admin; sets IDN to the new
# id. Status 0 on a 201 with a numeric id.
IDN=
mkident() {
	breq "$A" POST /api/identities "$1"
	IDN=$(jq_body '.id // empty')
	[ "$RES_STATUS" = 201 ] && [[ $IDN =~ ^[0-9]+$ ]]
}

# itok IDENTITY_ID [JSON_BODY]: POST /api/identities/{id}/tokens as the
# admin; sets TOK, TOK_ID, TOK_CREATED. Status 0 on a 201 with a token.
TOK=
TOK_ID=
TOK_CREATED=
itok() {
	local body=${2:-'{}'}
	breq "$A" POST "/api/identities/$1/tokens" "$body"
	TOK=$(jq_body '.apiToken // empty')
	TOK_ID=$(jq_body '.id // empty')
	TOK_CREATED=$(jq_body '.created // empty')
	[ "$RES_STATUS" = 201 ] && [ -n "$TOK" ] && [ -n "$TOK_ID" ]
}

# safe ID: only base62 characters, for SQL statements.
safe() {
	printf '%s' "${1//[^0-9A-Za-z]/}"
}

# denied_count PUBLIC_ID REASON: audit rows of refused uses of the token.
denied_count() {
	sql "SELECT COUNT(*) FROM audit_events a JOIN tokens t ON t.id = a.token_id
	     WHERE t.public_id = '$(safe "$1")' AND a.action = 'token.use'
	     AND a.outcome = 'denied' AND a.reason = '$2'"
}

# expect_denied_audit NAME PUBLIC_ID REASON
expect_denied_audit() {
	local n
	n=$(denied_count "$2" "$3" 2>&1)
	if [[ $n =~ ^[0-9]+$ ]] && [ "$n" -gt 0 ]; then
		ok "$1"
	else
		not_ok "$1" "audit rows token.use/denied/$3 of token $2: '$n'"
	fi
}

# sleep_until MS: sleeps until now_ms reaches MS.
sleep_until() {
	local left=$(($1 - $(now_ms)))
	[ "$left" -gt 0 ] && sleep "$(printf '%d.%03d' $((left / 1000)) $((left % 1000)))"
	return 0
}

# num_or_zero VALUE: VALUE when it is an integer, else 0 (for arithmetic
# on answers that may be missing).
num_or_zero() {
	if [[ $1 =~ ^-?[0-9]+$ ]]; then printf '%s' "$1"; else printf 0; fi
}

# =============================================== creating identities
I1_NAME=$(uniq_login id)
if mkident "$(jq -nc --arg n "$I1_NAME" '{name: $n, org_role: "member"}')"; then
	ok "an admin creates an identity (POST /api/identities: 201 with an id)"
else
	not_ok "an admin creates an identity (POST /api/identities: 201 with an id)"
fi
I1=$IDN
expect_json "the identity has the given name" '.name' "$I1_NAME"
expect_json "the identity has org_role member" '.org_role' member
expect_json "default access_token_ttl is 2592000 s" '.access_token_ttl' 2592000
expect_json "default access_token_max_ttl is 2592000 s" '.access_token_max_ttl' 2592000
expect_json "default access_token_num_uses_limit is 0 (unlimited)" \
    '.access_token_num_uses_limit' 0
expect_json "default access_token_trusted_ips is everything" \
    '.access_token_trusted_ips | tojson' '["0.0.0.0/0","::/0"]'

NA_NAME=$(uniq_login idn)
breq "$N" POST /api/identities "$(jq -nc --arg n "$NA_NAME" '{name: $n}')"
expect_status "a non-admin user cannot create an identity (403)" 403
expect_json "the refusal's error is forbidden" '.error' forbidden
breq "$N" GET /api/identities
expect_status "a non-admin user cannot list identities (403)" 403

breq "$A" POST /api/identities \
    "$(jq -nc --arg n "$(uniq_login idb)" '{name: $n, org_role: "owner"}')"
expect_error "an unknown org_role is 400 invalid_field" 400 invalid_field
breq "$A" POST /api/identities "$(jq -nc --arg n "$(uniq_login idb)" \
    '{name: $n, access_token_ttl: 100, access_token_max_ttl: 50}')"
expect_error "access_token_ttl above access_token_max_ttl is 400 invalid_field" \
    400 invalid_field
breq "$A" POST /api/identities "$(jq -nc --arg n "$(uniq_login idb)" \
    '{name: $n, access_token_ttl: 0}')"
expect_error "access_token_ttl 0 is 400 invalid_field" 400 invalid_field
breq "$A" POST /api/identities "$(jq -nc --arg n "$(uniq_login idb)" \
    '{name: $n, access_token_trusted_ips: ["10.0.0.0/33"]}')"
expect_error "a bad CIDR in access_token_trusted_ips is 400 invalid_field" \
    400 invalid_field

breq "$A" GET /api/identities
expect_status "an admin lists identities (200)" 200
expect_json "the list holds the new identity" \
    "[.identities[] | select(.name == \"$I1_NAME\") | .id] | .[0]" "${I1:-<no id>}"
expect_json "the non-admin's refused create made no identity" \
    "[.identities[] | select(.name == \"$NA_NAME\")] | length" 0

# =============================================== roles seen through a token
C_NAME=$(uniq_login ic)
breq "$A" POST /api/containers "$(jq -nc --arg n "$C_NAME" '{name: $n}')"
expect_status "an admin creates a container (201)" 201
CID=$(jq_body '.id // empty')
C2_NAME=$(uniq_login ic2)
breq "$A" POST /api/containers "$(jq -nc --arg n "$C2_NAME" '{name: $n}')"
expect_status "an admin creates a second container (201)" 201
CID2=$(jq_body '.id // empty')

breq "$A" PUT "/api/identities/$I1/containers/$CID" '{"role": "viewer"}'
expect_status "the admin gives the identity role viewer on the container (200)" 200
breq "$A" GET "/api/identities/$I1"
expect_status "GET /api/identities/{id} answers 200" 200
expect_json "the identity shows role viewer on the container" \
    "[.containers[] | select(.container == ${CID:-0}) | .role] | .[0]" viewer

if itok "$I1" '{"description": "roles"}'; then
	ok "an identity token is created (POST /api/identities/{id}/tokens: 201)"
else
	not_ok "an identity token is created (POST /api/identities/{id}/tokens: 201)"
fi
T1=$TOK
expect_json "the token's kind is identity" '.kind' identity
expect_json_match "the plain token is in the answer (atk_ format)" '.apiToken' "$TOKEN_RE"
expect_json "the token names its identity" '.identity' "${I1:-<no id>}"
expect_json "an identity token has no user" '.user' null
expect_json "the token's expires is created + the identity's ttl (2592000 s)" \
    '(.expires - .created - 2592000000) | (if . < 0 then -. else . end) < 2000' true

treq "$T1" GET /api/whoami
expect_status "the identity token answers whoami (200)" 200
expect_json "whoami shows the token kind identity" '.token.kind' identity

treq "$T1" GET "/api/containers/$CID/check?permission=read"
expect_status "viewer: the identity token may read the container (200)" 200
expect_json "the check answer says allowed" '.allowed' true
treq "$T1" GET "/api/containers/$CID/check?permission=write"
expect_error "viewer: write is refused (403 insufficient_scope)" 403 insufficient_scope
expect_json "the refusal names the missing permission" '.permission' write
treq "$T1" GET "/api/containers/$CID2/check?permission=read"
expect_error "no role on the other container: read there is refused (403)" \
    403 insufficient_scope
treq "$T1" GET /api/identities
expect_error "an identity token is no user caller on management routes (403)" \
    403 insufficient_scope

breq "$A" PUT "/api/identities/$I1/containers/$CID" '{"role": "member"}'
expect_status "the admin changes the role to member (200)" 200
treq "$T1" GET "/api/containers/$CID/check?permission=write"
expect_status "member: the same token may now write (200)" 200
treq "$T1" GET "/api/containers/$CID/check?permission=manage"
expect_error "member: manage is still refused (403 insufficient_scope)" \
    403 insufficient_scope

breq "$A" PATCH "/api/identities/$I1" '{"org_role": "no-access"}'
expect_status "the admin sets org_role no-access (PATCH: 200)" 200
expect_json "the PATCH answer shows org_role no-access" '.org_role' no-access
treq "$T1" GET "/api/containers/$CID/check?permission=read"
expect_error "org_role no-access: even read is refused (403 insufficient_scope)" \
    403 insufficient_scope

# =============================================== shorten, never lengthen
breq "$A" POST "/api/identities/$I1/tokens" '{"access_token_ttl": 2592001}'
expect_error "a token ttl longer than the identity's is 400 invalid_field" \
    400 invalid_field
breq "$A" POST "/api/identities/$I1/tokens" '{"access_token_max_ttl": 2592001}'
expect_error "a token max_ttl longer than the identity's is 400 invalid_field" \
    400 invalid_field
BEFORE=$(now_ms)
itok "$I1" '{"access_token_ttl": 3600}'
AFTER=$(now_ms)
expect_status "a token ttl shorter than the identity's is accepted (201)" 201
EXP=$(num_or_zero "$(jq_body '.expires')")
if [ "$EXP" -ge $((BEFORE + 3600000 - 1000)) ] &&
    [ "$EXP" -le $((AFTER + 3600000 + 1000)) ]; then
	ok "the shortened token expires about now + 3600 s"
else
	not_ok "the shortened token expires about now + 3600 s" \
	    "expires $EXP, request between $BEFORE and $AFTER"
fi

# =============================================== expiry and renewal
IE_NAME=$(uniq_login ie)
mkident "$(jq -nc --arg n "$IE_NAME" \
    '{name: $n, access_token_ttl: 1, access_token_max_ttl: 3}')" ||
    not_ok "an identity with ttl 1 and max_ttl 3 is created"
IE=$IDN
itok "$IE" ||
    not_ok "a token of the ttl-1 identity is created"
TE=$TOK
TE_ID=$TOK_ID
TE_CREATED=$(num_or_zero "$TOK_CREATED")
expect_json "the ttl-1 token expires 1000 ms after its creation" \
    '(.expires - .created - 1000) | (if . < 0 then -. else . end) <= 50' true
treq "$TE" GET /api/whoami
expect_status "the ttl-1 token works at once (200)" 200

IR_NAME=$(uniq_login ir)
mkident "$(jq -nc --arg n "$IR_NAME" \
    '{name: $n, access_token_ttl: 2, access_token_max_ttl: 3}')" ||
    not_ok "an identity with ttl 2 and max_ttl 3 is created"
IR=$IDN
itok "$IR" || not_ok "a token of the ttl-2 identity is created"
TR=$TOK
TR_ID=$TOK_ID
RC=$(num_or_zero "$TOK_CREATED")
RMAX=$(num_or_zero "$(jq_body '.max_expires')")
REXP=$(num_or_zero "$(jq_body '.expires')")
expect_eq "the renewable token's max_expires is created + 3000 ms" \
    "$RMAX" $((RC + 3000))

sleep_until $((RC + 400))
renew "$TR"
expect_status "renewing the identity token answers 200" 200
expect_json "the renewal answer names the token" '.id' "${TR_ID:-<no id>}"
expect_json "the renewal keeps max_expires" '.max_expires' "$RMAX"
E1=$(num_or_zero "$(jq_body '.expires')")
if [ "$E1" -gt "$REXP" ] && [ "$E1" -le "$RMAX" ]; then
	ok "renewal pushes expires later, not past max_expires"
else
	not_ok "renewal pushes expires later, not past max_expires" \
	    "expires was $REXP, now $E1, max_expires $RMAX"
fi

sleep_until $((RC + 1200))
renew "$TR"
expect_status "a renewal that would pass max_expires answers 200" 200
expect_json "it stops expires at max_expires" '.expires' "$RMAX"
renew "$TR"
expect_error "renewing when expires equals max_expires is 400 max_ttl_reached" \
    400 max_ttl_reached
treq "$TR" GET /api/whoami
expect_status "the renewed token still works before max_expires (200)" 200

TP=$(make_token "$A" --description personal-renew)
expect_match "apitokenctl token create made a personal token" "$TP" "$TOKEN_RE"
renew "$TP"
expect_error "a personal token cannot be renewed (400 not_renewable)" \
    400 not_renewable

sleep_until $((TE_CREATED + 1500))
treq "$TE" GET /api/whoami
expect_error "after 1.5 s the ttl-1 token is refused (401 token_expired)" \
    401 token_expired
expect_header "the expired-token answer has WWW-Authenticate" \
    WWW-Authenticate '^Bearer'

# =============================================== exact use counting
IU_NAME=$(uniq_login iu)
mkident "$(jq -nc --arg n "$IU_NAME" '{name: $n, access_token_num_uses_limit: 100}')" ||
    not_ok "an identity with 100 uses per token is created"
IU=$IDN
expect_json "the identity's access_token_num_uses_limit is 100" \
    '.access_token_num_uses_limit' 100
breq "$A" POST "/api/identities/$IU/tokens" '{"access_token_num_uses_limit": 101}'
expect_error "a token with more uses than the identity allows is 400 invalid_field" \
    400 invalid_field
breq "$A" POST "/api/identities/$IU/tokens" '{"access_token_num_uses_limit": 0}'
expect_error "an unlimited token of a limited identity is 400 invalid_field" \
    400 invalid_field
itok "$IU" || not_ok "a token of the 100-uses identity is created"
TU=$TOK
TU_ID=$TOK_ID
expect_json "the token's max_uses is 100" '.max_uses' 100

UD="$T_DIR/uses"
mkdir -p "$UD"
for c in $(seq 1 20); do
	(
		for i in 1 2 3 4 5 6 7 8; do
			curl -s --max-time 10 -o "$UD/b.$c.$i" \
			    -w "$c.$i %{http_code}\n" -H "X-Auth-Token: $TU" \
			    "$APITOKEN_URL/api/whoami"
		done >"$UD/s.$c"
	) &
done
wait
cat "$UD"/s.* >"$UD/all" 2>/dev/null
NALL=$(grep -c . "$UD/all")
N200=$(awk '$2 == 200' "$UD/all" | grep -c .)
N401=$(awk '$2 == 401' "$UD/all" | grep -c .)
expect_eq "20 parallel clients made 160 attempts" "$NALL" 160
if [ "$N200" = 100 ]; then
	ok "exactly 100 of the 160 attempts were served (200)"
else
	not_ok "exactly 100 of the 160 attempts were served (200)" \
	    "200: $N200, 401: $N401, all codes: $(awk '{print $2}' "$UD/all" | sort | uniq -c | tr '\n' ' ')"
fi
expect_eq "the other 60 attempts were refused with 401" "$N401" 60
NEXH=0
while read -r k code; do
	[ "$code" = 401 ] || continue
	[ "$(jq -r '.reason // empty' <"$UD/b.$k" 2>/dev/null)" = token_uses_exhausted ] &&
	    NEXH=$((NEXH + 1))
done <"$UD/all"
if [ "$NEXH" -ge 1 ] && [ "$NEXH" = "$N401" ]; then
	ok "every refused attempt's body has reason token_uses_exhausted"
else
	not_ok "every refused attempt's body has reason token_uses_exhausted" \
	    "$NEXH of $N401 401-bodies say token_uses_exhausted"
fi
USES=$(sql "SELECT uses FROM tokens WHERE public_id = '$(safe "$TU_ID")'" 2>&1)
expect_eq "the database counts exactly 100 uses" "$USES" 100
treq "$TU" GET /api/whoami
expect_error "the exhausted token stays refused (401 token_uses_exhausted)" \
    401 token_uses_exhausted
breq "$A" GET "/api/tokens/$TU_ID"
expect_json "the token object shows uses 100" '.uses' 100

# The renewed token ends at max_expires, whatever the renewals did.
sleep_until $((RMAX + 200))
treq "$TR" GET /api/whoami
expect_error "after max_expires the renewed token is refused (401 token_expired)" \
    401 token_expired

# =============================================== trusted IPs
IT_NAME=$(uniq_login it)
mkident "$(jq -nc --arg n "$IT_NAME" \
    '{name: $n, access_token_trusted_ips: ["10.9.0.0/16", "2001:db8::/32"]}')" ||
    not_ok "an identity with trusted IPs 10.9.0.0/16 and 2001:db8::/32 is created"
IT=$IDN
expect_json "the identity shows its trusted IPs" \
    '.access_token_trusted_ips | tojson' '["10.9.0.0/16","2001:db8::/32"]'
breq "$A" POST "/api/identities/$IT/tokens" '{"access_token_trusted_ips": ["0.0.0.0/0"]}'
expect_error "a token with trusted IPs wider than the identity's is 400 invalid_field" \
    400 invalid_field
breq "$A" POST "/api/identities/$IT/tokens" '{"access_token_trusted_ips": ["10.8.0.0/15"]}'
expect_error "a token range overlapping but not inside the identity's is 400" \
    400 invalid_field
itok "$IT" '{"access_token_trusted_ips": ["10.9.1.0/24"]}'
expect_status "a token with narrower trusted IPs is accepted (201)" 201
TN=$TOK
itok "$IT" || not_ok "a token of the trusted-IP identity is created"
TT=$TOK
TT_ID=$TOK_ID
expect_json "the token carries the identity's trusted IPs" \
    '.trusted_ips | tojson' '["10.9.0.0/16","2001:db8::/32"]'

treq "$TT" GET /api/whoami
expect_error "the test client (127.0.0.1) is outside the trusted IPs (403 ip_not_trusted)" \
    403 ip_not_trusted
treq "$TT" GET /api/whoami -H 'X-Forwarded-For: 10.9.1.2'
expect_error "without a trusted proxy X-Forwarded-For is ignored (still 403)" \
    403 ip_not_trusted


# The backup lives outside T_DIR: finish removes T_DIR before the EXIT trap.
CONF_BAK="${APITOKEN_TEST_DIR:-${TMPDIR:-/tmp}}/$T_NAME.conf.$$"
CONF_CHANGED=0
restore_conf() {
	[ "$CONF_CHANGED" = 1 ] || return 0
	cat "$CONF_BAK" >"$APITOKEN_CONF" || return 1
	CONF_CHANGED=0
	rm -f "$CONF_BAK"
	reload_pool
}
trap 'restore_conf' EXIT
trap 'exit 1' INT TERM HUP

CONF_SUM=$(cksum <"$APITOKEN_CONF")
if cp "$APITOKEN_CONF" "$CONF_BAK"; then
	CONF_CHANGED=1
	# Written through the same inode (owner and mode stay as they are).
	sed '/^[[:space:]]*\[http\][[:space:]]*$/a trusted_proxies = 127.0.0.1/32, ::1/128' \
	    "$CONF_BAK" >"$APITOKEN_CONF"
fi
if grep -q '^trusted_proxies = 127.0.0.1/32, ::1/128$' "$APITOKEN_CONF"; then
	ok "trusted_proxies is added to the [http] section of the config"
else
	not_ok "trusted_proxies is added to the [http] section of the config" \
	    "$(grep -n 'http\|trusted' "$APITOKEN_CONF" | head -5)"
fi
if reload_pool; then
	ok "after SIGHUP the master replaces its workers within 5 s"
else
	not_ok "after SIGHUP the master replaces its workers within 5 s" \
	    "master '$(master_pid)', workers now: $(children "$(master_pid)" | tr '\n' ' ')"
fi

treq "$TT" GET /api/whoami -H 'X-Forwarded-For: 10.9.1.2'
expect_status "behind the trusted proxy, client 10.9.1.2 is inside 10.9.0.0/16 (200)" 200
treq "$TT" GET /api/whoami -H 'X-Forwarded-For: 10.10.0.1'
expect_error "client 10.10.0.1 is refused (403 ip_not_trusted)" 403 ip_not_trusted
treq "$TT" GET /api/whoami -H 'X-Forwarded-For: 2001:db8::5'
expect_status "IPv6 client 2001:db8::5 is inside 2001:db8::/32 (200)" 200
treq "$TT" GET /api/whoami -H 'X-Forwarded-For: 2001:db9::5'
expect_error "IPv6 client 2001:db9::5 is refused (403 ip_not_trusted)" \
    403 ip_not_trusted
treq "$TT" GET /api/whoami -H 'X-Forwarded-For: 10.9.1.2, 192.0.2.1'
expect_error "a spoofed left-most X-Forwarded-For entry is not believed (403)" \
    403 ip_not_trusted
treq "$TT" GET /api/whoami -H 'X-Forwarded-For: 192.0.2.1, 10.9.1.2'
expect_status "X-Forwarded-For is read right to left (right-most 10.9.1.2: 200)" 200
treq "$TN" GET /api/whoami -H 'X-Forwarded-For: 10.9.1.2'
expect_status "the narrowed token (10.9.1.0/24) serves 10.9.1.2 (200)" 200
treq "$TN" GET /api/whoami -H 'X-Forwarded-For: 10.9.2.1'
expect_error "the narrowed token refuses 10.9.2.1, inside the identity's range (403)" \
    403 ip_not_trusted

if restore_conf; then
	ok "the original config is restored and the pool reloaded"
else
	not_ok "the original config is restored and the pool reloaded"
fi
expect_eq "the restored config is byte for byte the original" \
    "$(cksum <"$APITOKEN_CONF")" "$CONF_SUM"
treq "$TT" GET /api/whoami -H 'X-Forwarded-For: 10.9.1.2'
expect_error "after the restore X-Forwarded-For is ignored again (403)" \
    403 ip_not_trusted

# =============================================== audit of refused uses
expect_denied_audit "a refused use for ip_not_trusted is an audit row" \
    "$TT_ID" ip_not_trusted
expect_denied_audit "a refused use for token_expired is an audit row" \
    "$TE_ID" token_expired
expect_denied_audit "a refused use for token_uses_exhausted is an audit row" \
    "$TU_ID" token_uses_exhausted
expect_denied_audit "the renewed token's use after max_expires is an audit row" \
    "$TR_ID" token_expired

# =============================================== apitokenctl identity
IC_NAME=$(uniq_login ik)
if ctl identity add "$IC_NAME" --role member --ttl 60 --max-ttl 120 \
    --max-uses 5 --trusted-ips 127.0.0.1/32 >"$T_DIR/ctl.out" 2>"$T_DIR/ctl.err"; then
	ok "apitokenctl identity add with every option succeeds"
else
	not_ok "apitokenctl identity add with every option succeeds" \
	    "$(head -c 300 "$T_DIR/ctl.err")"
fi
if ctl identity list >"$T_DIR/ctl.list" 2>"$T_DIR/ctl.err"; then
	ok "apitokenctl identity list succeeds"
else
	not_ok "apitokenctl identity list succeeds" "$(head -c 300 "$T_DIR/ctl.err")"
fi
if [ -s "$T_DIR/ctl.list" ] && ! head -n 1 "$T_DIR/ctl.list" | grep -Eq '^[0-9]+'$'\t'; then
	ok "identity list starts with a header line"
else
	not_ok "identity list starts with a header line" "$(head -n 2 "$T_DIR/ctl.list")"
fi
IC_ID=$(awk -F '\t' -v n="$IC_NAME" 'NR > 1 && $2 == n && $1 ~ /^[0-9]+$/ {print $1}' \
    "$T_DIR/ctl.list")
if [[ $IC_ID =~ ^[0-9]+$ ]]; then
	ok "identity list has a tab-separated row: id, then the new name"
else
	not_ok "identity list has a tab-separated row: id, then the new name" \
	    "$(head -c 300 "$T_DIR/ctl.list")"
fi
IC_ROW=$(awk -F '\t' -v n="$IC_NAME" 'NR > 1 && $2 == n {
    print $3 "|" $4 "|" $5 "|" $6 "|" $7 "|" $8; exit }' "$T_DIR/ctl.list")
expect_eq "the row shows org_role, state, ttl, max_ttl, max_uses, trusted_ips" \
    "$IC_ROW" 'member|active|60|120|5|127.0.0.1/32'
breq "$A" GET "/api/identities/${IC_ID:-0}"
expect_json "the API shows the apitokenctl identity under the listed id" '.name' "$IC_NAME"
expect_json "apitokenctl --role member is org_role member" '.org_role' member
expect_json "apitokenctl --ttl 60 is access_token_ttl 60" '.access_token_ttl' 60
expect_json "apitokenctl --max-ttl 120 is access_token_max_ttl 120" \
    '.access_token_max_ttl' 120
expect_json "apitokenctl --max-uses 5 is access_token_num_uses_limit 5" \
    '.access_token_num_uses_limit' 5
expect_json "apitokenctl --trusted-ips is access_token_trusted_ips" \
    '.access_token_trusted_ips | tojson' '["127.0.0.1/32"]'

if ctl identity token "$IC_NAME" >"$T_DIR/ctl.tok" 2>"$T_DIR/ctl.err"; then
	ok "apitokenctl identity token succeeds"
else
	not_ok "apitokenctl identity token succeeds" "$(head -c 300 "$T_DIR/ctl.err")"
fi
TC=$(cat "$T_DIR/ctl.tok")
if [ "$(grep -c . "$T_DIR/ctl.tok")" = 1 ] && [[ $TC =~ ^atk_[0-9A-Za-z]{36}$ ]]; then
	ok "apitokenctl identity token prints only the token on stdout"
else
	not_ok "apitokenctl identity token prints only the token on stdout" \
	    "stdout: '$(head -c 200 "$T_DIR/ctl.tok" | tr '\n' '|')'"
fi
NOW=$(now_ms)
treq "$TC" GET /api/whoami
expect_status "the apitokenctl identity token answers whoami (200)" 200
expect_json "it is an identity token" '.token.kind' identity
expect_json "it expires about 60 s from now (the identity's ttl)" \
    "(.token.expires - $NOW - 60000) | (if . < 0 then -. else . end) < 5000" true

for bad in abc 0; do
	IB_NAME=$(uniq_login ikb)
	if ctl identity add "$IB_NAME" --ttl "$bad" >"$T_DIR/ctl.out" 2>"$T_DIR/ctl.err"; then
		not_ok "apitokenctl identity add --ttl $bad fails"
	else
		ok "apitokenctl identity add --ttl $bad fails"
	fi
	if [ "$(grep -c . "$T_DIR/ctl.err")" = 1 ]; then
		ok "apitokenctl identity add --ttl $bad says why in one line on stderr"
	else
		not_ok "apitokenctl identity add --ttl $bad says why in one line on stderr" \
		    "stderr: '$(head -c 300 "$T_DIR/ctl.err")'"
	fi
done
breq "$A" GET /api/identities
expect_json "a refused apitokenctl identity add made no identity" \
    "[.identities[] | select(.name == \"$IB_NAME\")] | length" 0

finish
