#!/bin/bash
# 94_db_readonly: MariaDB made read-only under the running pool (SET
# GLOBAL read_only = 1: the apitoken user has no global privilege, so no
# SUPER or READ_ONLY ADMIN to write past it). Writes (token create, a
# login that stores a session, a revocation) get 503 with Retry-After and
# a JSON reason, never a 500; reads (a token check of an existing token,
# getApiTokens by token and by session cookie) keep working; nothing is
# half written (no token row without its audit event, no audit event of a
# token that is not there, no new row at all); once writable again,
# writes work without restarting apitoken. Restores read_only = 0 at exit.
. "$APITOKEN_SRCDIR/tests/lib/assert.sh"

t_start=$(now_ms)
U=$(uniq_login ro)
PW="pw-$U-secret"
new_user "$U" "$PW"
T=$(make_token "$U")
# Made now, first used while read-only: its check is a real SELECT.
T2=$(make_token "$U")
T3=$(make_token "$U")
JAR="$T_DIR/jar"
login_cookie "$U" "$PW" "$JAR" || not_ok "the test user can log in"
treq "$T" GET /api/whoami
expect_status "the token works while MariaDB is writable" 200

grants=$(sql "SHOW GRANTS FOR 'apitoken'@'localhost'" | tr '\n' ' ')
if printf '%s' "$grants" | grep -qiE 'SUPER|READ_ONLY ADMIN|ALL PRIVILEGES ON \*\.\*'; then
	not_ok "the apitoken database user cannot write past read_only" "$grants"
else
	ok "the apitoken database user cannot write past read_only (no SUPER, no READ_ONLY ADMIN)"
fi

# count_rows: tokens, audit events and sessions of U, as one line.
count_rows() {
	sql "SELECT (SELECT COUNT(*) FROM tokens t JOIN users u ON u.id = t.user_id
	      WHERE u.login = '$U'),
	     (SELECT COUNT(*) FROM audit_events a JOIN users u ON u.id = a.actor_user_id
	      WHERE u.login = '$U'),
	     (SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id
	      WHERE u.login = '$U')"
}
before=$(count_rows)

# shellcheck disable=SC2317  # called by the EXIT trap
writable() { sql "SET GLOBAL read_only = 0" 2>/dev/null; }
trap writable EXIT
sql "SET GLOBAL read_only = 1"
expect_eq "MariaDB is read-only now" "$(sql 'SELECT @@global.read_only')" 1

# expect_503 NAME: the last answer is a 503 with a JSON reason and Retry-After.
expect_503() {
	local reason
	reason=$(jq_body '.reason // empty')
	if [ "$RES_STATUS" = 503 ] && [ -n "$reason" ] &&
	    [ -n "$(header_value Retry-After)" ]; then
		ok "$1 (reason $reason)"
	else
		not_ok "$1" "expected 503 with a reason and Retry-After, got $RES_STATUS reason '$reason'"
	fi
}

treq "$T" GET /api/createApiToken -G --data-urlencode "description=ro"
expect_503 "token create by token gets 503 while read-only"
req GET /api/createApiToken -b "$JAR" -H 'Sec-Fetch-Site: same-origin' \
    -G --data-urlencode "description=ro-cookie"
expect_503 "token create by session cookie gets 503 while read-only"
req POST /api/login -H 'Content-Type: application/json' \
    --data-binary "$(login_body "$U" "$PW")"
expect_503 "a login (it stores a session) gets 503 while read-only"
treq "$T3" GET /api/revokeApiToken
expect_503 "a revocation gets 503 while read-only"
if grep -qiE 'read.only|mysql|mariadb|sql' "$RES_BODY_FILE"; then
	not_ok "no MariaDB error text reaches the client" "$(cat "$RES_BODY_FILE")"
else
	ok "no MariaDB error text reaches the client"
fi

treq "$T" GET /api/whoami
expect_status "a token check of an existing token still works (200)" 200
treq "$T2" GET /api/whoami
expect_status "a token first used while read-only still works (200)" 200
treq "$T" GET /api/getApiTokens
expect_status "getApiTokens by token still works (200)" 200
expect_json "getApiTokens lists the user's 3 tokens" 'length' 3
req GET /api/getApiTokens -b "$JAR"
expect_status "getApiTokens by session cookie still works (200)" 200
treq "$T3" GET /api/whoami
expect_status "the token whose revocation failed still works" 200

expect_eq "no row was written while read-only (tokens, audit events, sessions)" \
    "$(count_rows)" "$before"
orphans=$(sql "SELECT
    (SELECT COUNT(*) FROM tokens t WHERE NOT EXISTS (SELECT 1 FROM audit_events a
       WHERE a.token_id = t.id AND a.action = 'token.create')
       AND t.user_id = (SELECT id FROM users WHERE login = '$U')),
    (SELECT COUNT(*) FROM audit_events a LEFT JOIN tokens t ON t.id = a.token_id
       WHERE a.token_id IS NOT NULL AND t.id IS NULL AND a.at >= $t_start)")
# (A deleted user's tokens go, their events stay: only events since this
# script started are looked at.)
expect_eq "nothing half written: no token without its create event, no event without its token" \
    "$orphans" "$(printf '0\t0')"

writable
treq "$T" GET /api/createApiToken -G --data-urlencode "description=rw-again"
expect_status "writable again: token create works without a restart" 200
treq "$T3" GET /api/revokeApiToken
expect_status "writable again: the revocation works" 200
treq "$T3" GET /api/whoami
expect_status "the revoked token is refused now" 401
finish
