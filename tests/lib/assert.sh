# shellcheck shell=bash
# tests/lib/assert.sh: helpers sourced by every tests/integration/*.sh.
#
# Output protocol (see tests/README.md): one line per check,
#   ok - <what it shows>
#   not ok - <what it shows>
#   # <detail lines>
# A script ends with `finish`, which exits non-zero when any check failed.
#
# Environment (set by tests/run): APITOKEN_URL, APITOKENCTL, APITOKEN_CONF,
# APITOKEN_PIDFILE, APITOKEN_LOG, APITOKEN_SQL, APITOKEN_TEST_DIR,
# APITOKEN_SRCDIR.

set -u

# Every script needs these; without them nothing can be tested.
for _v in APITOKEN_URL APITOKENCTL APITOKEN_CONF APITOKEN_SQL APITOKEN_SRCDIR; do
	if [ -z "${!_v:-}" ]; then
		printf 'not ok - %s: environment variable %s is set\n' \
		    "$(basename "${0:-test}" .sh)" "$_v"
		printf '#   run the integration scripts through tests/run\n'
		exit 1
	fi
done
unset _v

T_FAILS=0
T_CHECKS=0
T_NAME=$(basename "${0:-test}" .sh)

# Scratch directory of this script (removed by finish unless a check failed).
T_DIR="${APITOKEN_TEST_DIR:-${TMPDIR:-/tmp}}/$T_NAME.$$"
mkdir -p "$T_DIR"

# The last response (set by req).
RES_STATUS=000
RES_BODY=
RES_BODY_FILE="$T_DIR/body"
RES_HEADERS_FILE="$T_DIR/headers"
: >"$RES_BODY_FILE"
: >"$RES_HEADERS_FILE"

# Command prefixes split into arrays (they hold a program and its options).
CTL=()
SQL=()
read -r -a CTL <<<"${APITOKENCTL:-apitokenctl}"
read -r -a SQL <<<"${APITOKEN_SQL:-mariadb}"

# The session cookie of the last successful login_cookie: "name=value".
COOKIE_PAIR=
COOKIE_VALUE=

# ---------------------------------------------------------------- printers

# ok NAME
ok() {
	T_CHECKS=$((T_CHECKS + 1))
	printf 'ok - %s\n' "$1"
}

# not_ok NAME [DETAIL...]: prints the detail lines and the last response.
not_ok() {
	local name=$1 line
	shift
	T_CHECKS=$((T_CHECKS + 1))
	T_FAILS=$((T_FAILS + 1))
	printf 'not ok - %s\n' "$name"
	for line in "$@"; do
		printf '%s\n' "$line" | sed 's/^/#   /'
	done
	printf '#   last response: status %s\n' "$RES_STATUS"
	printf '#   body: %s\n' "$(head -c 300 "$RES_BODY_FILE" 2>/dev/null | tr '\n\r' '  ')"
}

# skip NAME REASON: counted as passing, marked as skipped.
skip() {
	T_CHECKS=$((T_CHECKS + 1))
	printf 'ok - %s # SKIP %s\n' "$1" "$2"
}

# finish: last line of every script.
finish() {
	if [ "$T_FAILS" -eq 0 ]; then
		rm -rf "$T_DIR"
		exit 0
	fi
	printf '# %s: %d of %d checks failed (scratch kept in %s)\n' \
	    "$T_NAME" "$T_FAILS" "$T_CHECKS" "$T_DIR"
	exit 1
}

# ---------------------------------------------------------------- requests

# req METHOD PATH [curl options...]
# PATH is appended to $APITOKEN_URL unless it is a full http(s) URL.
# Sets RES_STATUS and RES_BODY; the headers are in $RES_HEADERS_FILE (CRs
# stripped; only the last header block when there are several).
req() {
	local method=$1 path=$2 url raw="$T_DIR/headers.raw"
	shift 2
	case $path in
	http://* | https://*) url=$path ;;
	*) url="${APITOKEN_URL:-}${path}" ;;
	esac
	: >"$RES_BODY_FILE"
	: >"$raw"
	RES_STATUS=$(curl -sS --max-time 10 -X "$method" -o "$RES_BODY_FILE" \
	    -D "$raw" -w '%{http_code}' "$@" "$url" 2>"$T_DIR/curl.err")
	[ -n "$RES_STATUS" ] || RES_STATUS=000
	# Keep only the last block (a 100 Continue block may precede it).
	tr -d '\r' <"$raw" | awk '/^HTTP\//{n=0; delete h} {h[n++]=$0}
	    END{for (i = 0; i < n; i++) print h[i]}' >"$RES_HEADERS_FILE"
	# shellcheck disable=SC2034 # read by the scripts
	RES_BODY=$(cat "$RES_BODY_FILE")
	if [ "$RES_STATUS" = 000 ]; then
		printf '# curl %s %s failed: %s\n' "$method" "$url" \
		    "$(head -c 300 "$T_DIR/curl.err")"
	fi
	return 0
}

# header_value NAME: values of header NAME (case-insensitive) of the last
# response, one per line.
header_value() {
	awk -v want="$(printf '%s' "$1" | tr '[:upper:]' '[:lower:]')" '
	    { i = index($0, ":"); if (i == 0) next
	      n = tolower(substr($0, 1, i - 1))
	      if (n == want) { v = substr($0, i + 1); sub(/^[ \t]+/, "", v)
	                       sub(/[ \t]+$/, "", v); print v } }' \
	    "$RES_HEADERS_FILE"
}

# jq_body FILTER: jq -r FILTER over the last body; empty + status 1 when the
# body is not JSON.
jq_body() {
	jq -r "$1" <"$RES_BODY_FILE" 2>/dev/null
}

# ---------------------------------------------------------------- checks

# expect_status NAME CODE
expect_status() {
	if [ "$RES_STATUS" = "$2" ]; then
		ok "$1"
	else
		not_ok "$1" "expected status $2, got $RES_STATUS"
	fi
}

# expect_json NAME JQ_FILTER EXPECTED: compares `jq -r FILTER` output.
expect_json() {
	local got
	if ! got=$(jq -r "$2" <"$RES_BODY_FILE" 2>"$T_DIR/jq.err"); then
		not_ok "$1" "jq '$2' failed (body not JSON?): $(head -c 200 "$T_DIR/jq.err")"
		return
	fi
	if [ "$got" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "jq '$2': expected '$3', got '$(printf '%s' "$got" | head -c 300)'"
	fi
}

# expect_json_match NAME JQ_FILTER REGEX (extended regex over the output).
expect_json_match() {
	local got
	if ! got=$(jq -r "$2" <"$RES_BODY_FILE" 2>"$T_DIR/jq.err"); then
		not_ok "$1" "jq '$2' failed (body not JSON?): $(head -c 200 "$T_DIR/jq.err")"
		return
	fi
	if printf '%s' "$got" | grep -Eq -- "$3"; then
		ok "$1"
	else
		not_ok "$1" "jq '$2': '$(printf '%s' "$got" | head -c 300)' does not match /$3/"
	fi
}

# expect_error NAME STATUS REASON: one check for status + JSON reason.
expect_error() {
	local reason
	reason=$(jq -r '.reason // empty' <"$RES_BODY_FILE" 2>/dev/null)
	if [ "$RES_STATUS" = "$2" ] && [ "$reason" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "expected $2 reason '$3', got $RES_STATUS reason '$reason'"
	fi
}

# expect_header NAME HEADER REGEX: some HEADER value matches REGEX (ERE).
expect_header() {
	local vals
	vals=$(header_value "$2")
	if [ -z "$vals" ]; then
		not_ok "$1" "no $2 header" "headers: $(tr '\n' '|' <"$RES_HEADERS_FILE")"
	elif printf '%s\n' "$vals" | grep -Eq -- "$3"; then
		ok "$1"
	else
		not_ok "$1" "$2: '$vals' does not match /$3/"
	fi
}

# expect_no_header_match NAME HEADER REGEX: no HEADER value matches REGEX.
expect_no_header_match() {
	local vals
	vals=$(header_value "$2")
	if printf '%s\n' "$vals" | grep -Eq -- "$3"; then
		not_ok "$1" "$2: '$vals' matches /$3/"
	else
		ok "$1"
	fi
}

# expect_eq NAME GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "expected '$3', got '$2'"
	fi
}

# expect_match NAME STRING REGEX
expect_match() {
	if printf '%s' "$2" | grep -Eq -- "$3"; then
		ok "$1"
	else
		not_ok "$1" "'$(printf '%s' "$2" | head -c 300)' does not match /$3/"
	fi
}

# check NAME COMMAND...: ok when COMMAND succeeds.
check() {
	local name=$1
	shift
	if "$@" >"$T_DIR/check.out" 2>&1; then
		ok "$name"
	else
		not_ok "$name" "command failed: $*" "$(head -c 300 "$T_DIR/check.out")"
	fi
}

# breq LOGIN METHOD PATH [JSON_BODY [curl options...]]: a request of LOGIN
# by Basic auth (password $PW), with a JSON body when one is given.
breq() {
	local login=$1 method=$2 path=$3 body
	shift 3
	if [ $# -gt 0 ]; then
		body=$1
		shift
		req "$method" "$path" -u "$login:$PW" \
		    -H 'Content-Type: application/json' --data-binary "$body" "$@"
	else
		req "$method" "$path" -u "$login:$PW"
	fi
}

# treq TOKEN METHOD PATH [curl options...]: a request with a token.
treq() {
	local tok=$1 method=$2 path=$3
	shift 3
	req "$method" "$path" -H "X-Auth-Token: $tok" "$@"
}

# reload_pool: SIGHUP to the master, then waits (at most 5 s) until none of
# the workers from before is left and there is at least one. Status 0 then.
reload_pool() {
	local m old cur i
	m=$(master_pid)
	if [ -z "$m" ] || ! kill -0 "$m" 2>/dev/null; then
		return 1
	fi
	old=$(children "$m")
	kill -HUP "$m" || return 1
	for ((i = 0; i < 50; i++)); do
		sleep 0.1
		cur=$(children "$m")
		if [ -n "$cur" ] &&
		    ! printf '%s\n' "$cur" | grep -qxF -f <(printf '%s\n' "$old"); then
			return 0
		fi
	done
	return 1
}

# conf_add SECTION LINE...: adds LINEs under [SECTION] of the test config
# (the section is appended when missing), written through the same inode so
# owner and mode stay. The first call keeps a backup and sets an EXIT trap
# that puts it back and reloads the pool. Reload with reload_pool after.
CONF_BACKUP=
conf_add() {
	local section=$1 tmp="$T_DIR/conf.new"
	shift
	if [ -z "$CONF_BACKUP" ]; then
		# Outside T_DIR: finish removes T_DIR before the EXIT trap runs.
		CONF_BACKUP="${APITOKEN_TEST_DIR:-${TMPDIR:-/tmp}}/$T_NAME.conf.$$"
		cp "$APITOKEN_CONF" "$CONF_BACKUP" || return 1
		trap 'conf_restore' EXIT
	fi
	if grep -q "^\[$section\][[:space:]]*$" "$APITOKEN_CONF"; then
		CONF_ADD=$(printf '%s\n' "$@") awk -v s="[$section]" \
		    '{ print } $0 == s { print ENVIRON["CONF_ADD"] }' \
		    "$APITOKEN_CONF" >"$tmp"
	else
		{ cat "$APITOKEN_CONF"; echo "[$section]"; printf '%s\n' "$@"; } >"$tmp"
	fi && cat "$tmp" >"$APITOKEN_CONF"
}

# conf_restore: undoes conf_add (called by the EXIT trap it sets).
conf_restore() {
	[ -n "$CONF_BACKUP" ] || return 0
	cat "$CONF_BACKUP" >"$APITOKEN_CONF" && rm -f "$CONF_BACKUP"
	CONF_BACKUP=
	reload_pool
}

# ---------------------------------------------------------------- fixtures

# uniq_login [PREFIX]: a login no other script or run uses.
uniq_login() {
	printf '%s_%s_%s%s\n' "${1:-u}" "$$" "$RANDOM" "$RANDOM"
}

# ctl ARGS...: the admin tool with the test config.
ctl() {
	"${CTL[@]}" "$@"
}

# sql STATEMENT: one statement, tab-separated rows, no column names.
sql() {
	"${SQL[@]}" -N -B -e "$1"
}

# new_user LOGIN PASSWORD [--admin]: creates the user; status of apitokenctl.
new_user() {
	local login=$1 pw=$2
	shift 2
	if ! printf '%s\n' "$pw" | ctl user add "$login" --password-stdin "$@" \
	    >"$T_DIR/ctl.out" 2>&1; then
		printf '# new_user %s failed: %s\n' "$login" \
		    "$(head -c 300 "$T_DIR/ctl.out")"
		return 1
	fi
	return 0
}

# login_body LOGIN PASSWORD: the JSON body of a login request.
login_body() {
	jq -nc --arg l "$1" --arg p "$2" '{login: $l, password: $p}'
}

# login_cookie LOGIN PASSWORD JAR: logs in, cookie jar in JAR; sets
# COOKIE_PAIR ("name=value") and COOKIE_VALUE. Status 0 on a 200.
login_cookie() {
	local sc
	COOKIE_PAIR=
	COOKIE_VALUE=
	req POST /api/login -c "$3" -H 'Content-Type: application/json' \
	    --data-binary "$(login_body "$1" "$2")"
	[ "$RES_STATUS" = 200 ] || return 1
	sc=$(header_value Set-Cookie | head -n 1)
	COOKIE_PAIR=${sc%%;*}
	COOKIE_VALUE=${COOKIE_PAIR#*=}
	[ -n "$COOKIE_VALUE" ]
}

# make_token LOGIN [apitokenctl token create options]: prints the token.
make_token() {
	local login=$1
	shift
	ctl token create "$login" "$@" 2>"$T_DIR/ctl.err" | tail -n 1
}

# user_newest_token_id LOGIN: public id of the newest token of LOGIN
# (read from the database, so the token itself is never used).
user_newest_token_id() {
	sql "SELECT t.public_id FROM tokens t JOIN users u ON u.id = t.user_id
	     WHERE u.login = '$1' ORDER BY t.id DESC LIMIT 1"
}

# master_pid: pid of the pool master.
master_pid() {
	cat "${APITOKEN_PIDFILE:-/nonexistent}" 2>/dev/null
}

# children PID: sorted child pids of PID, one per line.
children() {
	pgrep -P "$1" | sort -n
}

# now_ms: milliseconds since the epoch.
now_ms() {
	date +%s%3N
}
