#!/usr/bin/env bash
# 60_ctl.sh: apitokenctl (migrate, help, errors, users, tokens) and
# apitoken-fcgi -t.
# shellcheck source-path=SCRIPTDIR source=../lib/assert.sh
. "$(dirname "$0")/../lib/assert.sh"

SRCDIR=${APITOKEN_SRCDIR:-.}
OUT="$T_DIR/out"
ERR="$T_DIR/err"

# run_ctl ARGS...: runs apitokenctl, stdout in $OUT, stderr in $ERR; sets RC.
run_ctl() {
	ctl "$@" >"$OUT" 2>"$ERR" </dev/null
	RC=$?
}

# ctl_detail: detail lines for a failed apitokenctl check.
ctl_detail() {
	printf 'exit %s\nstdout: %s\nstderr: %s' "$RC" "$(head -c 300 "$OUT")" \
	    "$(head -c 300 "$ERR")"
}

# --- migrate is idempotent
run_ctl migrate --schema-dir "$SRCDIR/schema"
if [ "$RC" = 0 ]; then ok "apitokenctl migrate succeeds"; else
	not_ok "apitokenctl migrate succeeds" "$(ctl_detail)"; fi
N1=$(sql 'SELECT COUNT(*) FROM schema_migrations')
run_ctl migrate --schema-dir "$SRCDIR/schema"
if [ "$RC" = 0 ]; then ok "a second apitokenctl migrate succeeds"; else
	not_ok "a second apitokenctl migrate succeeds" "$(ctl_detail)"; fi
N2=$(sql 'SELECT COUNT(*) FROM schema_migrations')
if [ -n "$N1" ] && [ "$N1" = "$N2" ] && [ "$N1" -ge 1 ]; then
	ok "a second migrate applies nothing (schema_migrations rows unchanged)"
else
	not_ok "a second migrate applies nothing (schema_migrations rows unchanged)" \
	    "rows before '$N1', after '$N2'"
fi
NF=$(find "$SRCDIR/schema/" -maxdepth 1 -name '[0-9][0-9][0-9]_*.sql' | wc -l)
expect_eq "schema_migrations has one row per schema file" "$N2" "$NF"

# --- help and usage errors
"${CTL[0]}" --help >"$OUT" 2>"$ERR" </dev/null
RC=$?
if [ "$RC" = 0 ] && grep -qi 'usage' "$OUT"; then
	ok "apitokenctl --help exits 0 and prints usage on stdout"
else
	not_ok "apitokenctl --help exits 0 and prints usage on stdout" "$(ctl_detail)"
fi
run_ctl -h
if [ "$RC" = 0 ] && grep -qi 'usage' "$OUT"; then
	ok "apitokenctl -c FILE -h exits 0 and prints usage"
else
	not_ok "apitokenctl -c FILE -h exits 0 and prints usage" "$(ctl_detail)"
fi
run_ctl user --help
if [ "$RC" = 0 ] && grep -qi 'usage' "$OUT" && grep -q 'passwd' "$OUT"; then
	ok "apitokenctl user --help exits 0 and prints the user commands"
else
	not_ok "apitokenctl user --help exits 0 and prints the user commands" "$(ctl_detail)"
fi
run_ctl token --help
if [ "$RC" = 0 ] && grep -qi 'usage' "$OUT"; then
	ok "apitokenctl token --help exits 0 and prints usage"
else
	not_ok "apitokenctl token --help exits 0 and prints usage" "$(ctl_detail)"
fi
run_ctl frobnicate
if [ "$RC" != 0 ] && [ -s "$ERR" ]; then
	ok "an unknown command exits non-zero with a message on stderr"
else
	not_ok "an unknown command exits non-zero with a message on stderr" "$(ctl_detail)"
fi
run_ctl
if [ "$RC" != 0 ]; then ok "apitokenctl without a command exits non-zero"; else
	not_ok "apitokenctl without a command exits non-zero" "$(ctl_detail)"; fi

# --- users
U=$(uniq_login t)
PW="pw-$RANDOM-secret"
if new_user "$U" "$PW"; then ok "apitokenctl user add creates a user"; else
	not_ok "apitokenctl user add creates a user"; fi
printf '%s\n' "$PW" | ctl user add "$U" --password-stdin >"$OUT" 2>"$ERR"
RC=$?
if [ "$RC" != 0 ] && grep -qiF -e exists -e "$U" -e duplicate -e taken "$ERR"; then
	ok "user add of an existing login fails with a clear message"
else
	not_ok "user add of an existing login fails with a clear message" "$(ctl_detail)"
fi
N=$(sql "SELECT COUNT(*) FROM users WHERE login = '$U'")
expect_eq "the failed user add left one row" "$N" 1

printf 'short\n' | ctl user add "$(uniq_login ts)" --password-stdin >"$OUT" 2>"$ERR"
RC=$?
if [ "$RC" != 0 ] && [ -s "$ERR" ]; then
	ok "user add with a too short password fails"
else
	not_ok "user add with a too short password fails" "$(ctl_detail)"
fi
printf '%s\n' "$PW" | ctl user add 'bad login!' --password-stdin >"$OUT" 2>"$ERR"
RC=$?
if [ "$RC" != 0 ] && [ -s "$ERR" ]; then
	ok "user add with an invalid login name fails"
else
	not_ok "user add with an invalid login name fails" "$(ctl_detail)"
fi

run_ctl user list
if [ "$RC" = 0 ] && grep -Eq "^[0-9]+[[:space:]]+${U}[[:space:]]+active[[:space:]]+no([[:space:]]|$)" "$OUT"; then
	ok "user list shows the user as 'id login active no ...'"
else
	not_ok "user list shows the user as 'id login active no ...'" \
	    "exit $RC" "first line: $(head -n 1 "$OUT")" "user line: $(grep -F "$U" "$OUT")"
fi

NEWPW="new-$PW"
printf '%s\n' "$NEWPW" | ctl user passwd "$U" --password-stdin >"$OUT" 2>"$ERR"
RC=$?
if [ "$RC" = 0 ]; then ok "user passwd succeeds"; else
	not_ok "user passwd succeeds" "$(ctl_detail)"; fi
req POST /api/login -H 'Content-Type: application/json' \
    --data-binary "$(login_body "$U" "$PW")"
expect_error "after user passwd the old password is refused" 401 invalid_login
req POST /api/login -H 'Content-Type: application/json' \
    --data-binary "$(login_body "$U" "$NEWPW")"
expect_status "after user passwd the new password logs in" 200

run_ctl user disable "$U"
# apitokenctl signals the pool in the pid file only when its
# /proc/PID/comm says apitoken-fcgi; otherwise the change waits for the
# cache ttl and it says so on stderr.
if [ "$RC" = 0 ] && ! grep -q 'pool was not told' "$ERR"; then
	ok "user disable tells the running pool (no 'not told' note)"
else
	not_ok "user disable tells the running pool (no 'not told' note)" "$(ctl_detail)"
fi
run_ctl user list
if grep -Eq "^[0-9]+[[:space:]]+${U}[[:space:]]+disabled" "$OUT"; then
	ok "user list shows a disabled user as disabled"
else
	not_ok "user list shows a disabled user as disabled" \
	    "exit $RC" "user line: $(grep -F "$U" "$OUT")"
fi
run_ctl user enable "$U"
req POST /api/login -H 'Content-Type: application/json' \
    --data-binary "$(login_body "$U" "$NEWPW")"
expect_status "user enable lets the user log in again" 200

A=$(uniq_login ta)
new_user "$A" "$PW" --admin || not_ok "user add --admin creates an admin"
run_ctl user list
if grep -Eq "^[0-9]+[[:space:]]+${A}[[:space:]]+active[[:space:]]+yes" "$OUT"; then
	ok "user list shows an admin with admin yes"
else
	not_ok "user list shows an admin with admin yes" \
	    "exit $RC" "first line: $(head -n 1 "$OUT")" "user line: $(grep -F "$A" "$OUT")"
fi

# --- tokens
run_ctl token create "nouser_$$_$RANDOM"
if [ "$RC" != 0 ] && [ -s "$ERR" ] && ! grep -q '^atk_' "$OUT"; then
	ok "token create for an unknown user fails with a message"
else
	not_ok "token create for an unknown user fails with a message" "$(ctl_detail)"
fi
run_ctl token create "$U" --description 'ctl made' --expires-in 600
TK=$(tr -d '\n' <"$OUT")
if [ "$RC" = 0 ] && printf '%s' "$TK" | grep -Eq '^atk_[0-9A-Za-z]{36}$'; then
	ok "token create prints the token alone on stdout"
else
	not_ok "token create prints the token alone on stdout" "$(ctl_detail)"
fi
req GET /api/whoami -H "X-Auth-Token: $TK"
expect_json "a token made by apitokenctl works" '.user.login' "$U"
expect_json_match "token create --expires-in sets an expiry" \
    "(.token.expires - $(now_ms)) / 1000 | floor" '^(59[0-9]|600)$'
run_ctl token create "$U" --expires-in abc
if [ "$RC" != 0 ]; then ok "token create with a bad --expires-in fails"; else
	not_ok "token create with a bad --expires-in fails" "$(ctl_detail)"; fi
run_ctl token revoke "nosuchid$$"
if [ "$RC" != 0 ] && [ -s "$ERR" ]; then
	ok "token revoke of an unknown id fails with a message"
else
	not_ok "token revoke of an unknown id fails with a message" "$(ctl_detail)"
fi

# --- apitoken-fcgi -t
FCGI="$SRCDIR/apitoken-fcgi"
# An out-of-tree build keeps it next to apitokenctl.
[ -x "$FCGI" ] || FCGI="$(dirname "${CTL[0]}")/apitoken-fcgi"
"$FCGI" -t -c "$APITOKEN_CONF" >"$OUT" 2>"$ERR" </dev/null
RC=$?
if [ "$RC" = 0 ]; then ok "apitoken-fcgi -t accepts the test config"; else
	not_ok "apitoken-fcgi -t accepts the test config" "$(ctl_detail)"; fi
BAD="$T_DIR/bad.conf"
cp "$APITOKEN_CONF" "$BAD"
printf '\nno_such_key = 1\n' >>"$BAD"
LINE=$(grep -n '^no_such_key' "$BAD" | cut -d: -f1)
"$FCGI" -t -c "$BAD" >"$OUT" 2>"$ERR" </dev/null
RC=$?
if [ "$RC" != 0 ]; then ok "apitoken-fcgi -t rejects an unknown key"; else
	not_ok "apitoken-fcgi -t rejects an unknown key" "$(ctl_detail)"; fi
if cat "$OUT" "$ERR" | grep -qF "$BAD:$LINE:"; then
	ok "the unknown key is reported as file:line:"
else
	not_ok "the unknown key is reported as file:line:" "want '$BAD:$LINE:'" "$(ctl_detail)"
fi
"$FCGI" -t -c "$T_DIR/missing.conf" >"$OUT" 2>"$ERR" </dev/null
RC=$?
if [ "$RC" != 0 ] && [ -s "$ERR" ]; then
	ok "apitoken-fcgi -t with a missing file fails with a message"
else
	not_ok "apitoken-fcgi -t with a missing file fails with a message" "$(ctl_detail)"
fi

finish
