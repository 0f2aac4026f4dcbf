#!/usr/bin/env bash
# 88_guard.sh: apitoken guarding other locations, with the configurations of
# conf-examples/ as they are (placeholders replaced): lighttpd's FastCGI
# Authorizer (lighttpd-authorizer.conf), nginx's auth_request to
# GET /api/authorize (nginx-auth-request.conf) and Apache's mod_authnz_fcgi
# (apache-authnz-fcgi.conf, against a second pool listening on TCP). Each
# server runs as this script's own process on a free loopback port and
# guards /private/ with "read on container C": no credentials, a user
# without read, a container token with only write and a revoked token are
# refused; a user with read gets the file by either header and the
# application behind the server learns who called; %-encoding, doubled
# slashes and dot segments in the path do not get around the requirements.
# shellcheck source-path=SCRIPTDIR source=../lib/assert.sh
. "$(dirname "$0")/../lib/assert.sh"
# shellcheck source=../../scripts/lib/stack.sh
. "$APITOKEN_SRCDIR/scripts/lib/stack.sh"

EX="$APITOKEN_SRCDIR/conf-examples"
# The pool's unix socket (tests/run may put it outside the stack directory).
SOCK=${APITOKEN_SOCKET:-$APITOKEN_STACK_DIR/apitoken.sock}
TOKEN_RE='^atk_[0-9A-Za-z]{36}$'

# ================================================ cleanup
# Pid files of every process this script starts; the trap stops them.
PIDFILES=()
GUARD=
# shellcheck disable=SC2317,SC2329  # called by the EXIT trap
cleanup() {
	local f
	for f in "${PIDFILES[@]}"; do
		stop_pidfile "$f" "$f" 10 >/dev/null 2>&1
	done
	[ -n "$GUARD" ] && rm -rf "$GUARD"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# binary NAME: path of a server binary (also looked for in /usr/sbin, which
# is not in every user's PATH); fails when it is not installed.
binary() {
	local p
	p=$(command -v "$1" 2>/dev/null) || p=/usr/sbin/$1
	[ -x "$p" ] || return 1
	printf '%s\n' "$p"
}

# wait_port PORT PIDFILE: the process of PIDFILE listens on PORT (10 s).
wait_port() {
	local i
	for ((i = 0; i < 100; i++)); do
		pid_alive "$2" && stack_port_busy "$1" && return 0
		sleep 0.1
	done
	return 1
}

# example FILE OUT: conf-examples/FILE with the test's socket, container id
# and TCP pool port in place of the placeholders (comment lines untouched).
example() {
	sed -e "s#/run/apitoken/apitoken.sock#$SOCK#g" \
	    -e "s#127\.0\.0\.1:9000#127.0.0.1:$FCGI_PORT#g" \
	    -e "/^[[:space:]]*#/!s/\(APITOKEN_CONTAINER[^0-9A-Za-z]*\)1\([^0-9]\|\$\)/\1$CID\2/" \
	    "$EX/$1" >"$2"
	if grep -v '^[[:space:]]*#' "$2" |
	    grep -Eq "APITOKEN_CONTAINER[^0-9A-Za-z]*$CID([^0-9]|\$)" &&
	    ! grep -v '^[[:space:]]*#' "$2" | grep -Eq '/run/apitoken|127\.0\.0\.1:9000'; then
		ok "conf-examples/$1: the placeholders are replaced"
	else
		not_ok "conf-examples/$1: the placeholders are replaced" \
		    "$(grep -v '^[[:space:]]*#' "$2")"
	fi
}

# ================================================ users, container, tokens
AD=$(uniq_login ga)	# admin
R=$(uniq_login gR)	# read on the container
W=$(uniq_login gW)	# write only on the container
X=$(uniq_login gX)	# not a member
PW="pw-$RANDOM-secret"
new_user "$AD" "$PW" --admin || not_ok "apitokenctl user add --admin creates the admin"
for u in "$R" "$W" "$X"; do
	new_user "$u" "$PW" || not_ok "apitokenctl user add creates test user $u"
done

breq "$AD" POST /api/containers "{\"name\": \"$(uniq_login guard)\"}"
expect_status "setup: the admin creates a container" 201
CID=$(jq_body '.id // empty')
if ! printf '%s' "$CID" | grep -Eq '^[1-9][0-9]*$'; then
	not_ok "setup: the container exists, the rest of this script needs it"
	finish
fi
breq "$AD" PUT "/api/containers/$CID/members/$R" '{"permissions": ["read"]}'
expect_status "setup: R is granted read on the container" 200
breq "$AD" PUT "/api/containers/$CID/members/$W" '{"permissions": ["write"]}'
expect_status "setup: W is granted write (only) on the container" 200

T_R=$(make_token "$R")
T_R_ID=$(user_newest_token_id "$R")
T_W=$(make_token "$W")
T_X=$(make_token "$X")
T_REV=$(make_token "$R")
REV_ID=$(user_newest_token_id "$R")
breq "$AD" POST "/api/containers/$CID/tokens" \
    '{"description": "guard write", "permissions": ["write"], "reason": "88_guard"}'
expect_status "setup: a container token with only write is made" 201
T_CW=$(jq_body '.apiToken // empty')
breq "$AD" POST "/api/containers/$CID/tokens" \
    '{"description": "guard read", "permissions": ["read"], "reason": "88_guard"}'
expect_status "setup: a container token with read is made" 201
T_CR=$(jq_body '.apiToken // empty')
for t in "$T_R" "$T_W" "$T_X" "$T_REV" "$T_CW" "$T_CR"; do
	if ! printf '%s' "$t" | grep -Eq "$TOKEN_RE"; then
		not_ok "setup: every token of this script is made" "got '$t'"
		finish
	fi
done
if ctl token revoke "$REV_ID" --reason 88_guard >"$T_DIR/ctl.out" 2>&1; then
	ok "setup: apitokenctl token revoke revokes R's second token"
else
	not_ok "setup: apitokenctl token revoke revokes R's second token" \
	    "$(head -c 300 "$T_DIR/ctl.out")"
fi

# ================================================ what the servers serve
# A world-readable directory (the servers' workers may run as nobody,
# whatever the checkout path).
GUARD=$(mktemp -d /tmp/apitoken-guard.XXXXXX) || {
	not_ok "setup: a temporary document root is made"
	finish
}
chmod 0755 "$GUARD"
WWW="$GUARD/www"
SECRET="guarded file $$"
(
	umask 022
	mkdir -p "$WWW/private" "$GUARD/run" "$GUARD/nginx-tmp"
	printf '%s\n' "$SECRET" >"$WWW/private/hello.txt"
	printf 'public\n' >"$WWW/public.txt"
	cat >"$WWW/private/who.cgi" <<-'EOF'
		#!/bin/sh
		printf 'Content-Type: text/plain\r\n\r\n'
		printf 'user=%s\n' "$APITOKEN_USER"
		printf 'auth=%s\n' "$APITOKEN_AUTH"
		printf 'kind=%s\n' "$APITOKEN_KIND"
		printf 'token_id=%s\n' "$APITOKEN_TOKEN_ID"
		printf 'container=%s\n' "$APITOKEN_CONTAINER"
		printf 'permissions=%s\n' "$APITOKEN_PERMISSIONS"
		printf 'remote_user=%s\n' "$REMOTE_USER"
	EOF
	chmod 0755 "$WWW/private/who.cgi"
)

IS_ROOT=0
[ "$(id -u)" = 0 ] && IS_ROOT=1
FCGI_PORT=0

# ================================================ the checks
# guard_checks SERVER BASE JSON: what every server must do; JSON=1 when the
# server passes apitoken's body on (lighttpd, Apache; not nginx).
guard_checks() {
	local s=$1 base=$2 json=$3 u
	local f="$base/private/hello.txt"

	req GET "$base/public.txt"
	expect_status "$s: an unguarded file is served without credentials" 200

	req GET "$f"
	if [ "$json" = 1 ]; then
		expect_error "$s: no credentials get 401 missing_credentials" 401 missing_credentials
	else
		expect_status "$s: no credentials get 401" 401
	fi
	expect_eq "$s: the refused request does not get the file" \
	    "$(grep -c "$SECRET" "$RES_BODY_FILE")" 0

	treq "$T_R" GET "$f"
	expect_status "$s: a token of a user with read gets 200 (X-Auth-Token)" 200
	expect_eq "$s: ... and the guarded file" "$RES_BODY" "$SECRET"

	req GET "$f" -H "Authorization: Bearer $T_R"
	expect_status "$s: the same token as Authorization: Bearer gets 200" 200
	expect_eq "$s: ... and the guarded file" "$RES_BODY" "$SECRET"

	for u in W X; do
		if [ $u = W ]; then
			treq "$T_W" GET "$f"
			u="a user with only write on the container"
		else
			treq "$T_X" GET "$f"
			u="a user who is not a member of the container"
		fi
		if [ "$json" = 1 ]; then
			expect_error "$s: a token of $u gets 403 insufficient_scope" 403 insufficient_scope
		else
			expect_status "$s: a token of $u gets 403" 403
		fi
	done

	treq "$T_CW" GET "$f"
	if [ "$json" = 1 ]; then
		expect_error "$s: a container token with only write gets 403 insufficient_scope" \
		    403 insufficient_scope
	else
		expect_status "$s: a container token with only write gets 403" 403
	fi

	treq "$T_REV" GET "$f"
	if [ "$json" = 1 ]; then
		expect_error "$s: a revoked token gets 401 token_revoked" 401 token_revoked
	else
		expect_status "$s: a revoked token gets 401" 401
	fi

	# The requirements hold for every spelling of the guarded path.
	for u in "/%70rivate/hello.txt" "//private/hello.txt" "/private/./hello.txt" \
	    "/public/../private/hello.txt"; do
		treq "$T_W" GET "$base$u" --path-as-is
		expect_status "$s: $u with the write-only user's token gets 403" 403
		req GET "$base$u" --path-as-is
		expect_status "$s: $u without credentials gets 401" 401
	done
}

# field NAME: the value who.cgi printed for NAME in the last response.
field() {
	sed -n "s/^$1=//p" "$RES_BODY_FILE" | head -n 1
}

# who_checks SERVER BASE APACHE: who.cgi sees the caller in its environment
# (and REMOTE_USER too when APACHE=1).
who_checks() {
	local s=$1 base=$2
	treq "$T_R" GET "$base/private/who.cgi"
	expect_status "$s: a CGI behind the guard runs for R" 200
	expect_eq "$s: the CGI sees APITOKEN_USER = R" "$(field user)" "$R"
	expect_eq "$s: ... APITOKEN_AUTH = token" "$(field auth)" token
	expect_eq "$s: ... APITOKEN_KIND = personal" "$(field kind)" personal
	expect_eq "$s: ... APITOKEN_TOKEN_ID = the token's public id" \
	    "$(field token_id)" "$T_R_ID"
	# The server's own APITOKEN_CONTAINER, once (the authorizer does not
	# send it back, or lighttpd would append it: "C, C").
	expect_eq "$s: ... APITOKEN_CONTAINER = the container" "$(field container)" "$CID"
	expect_eq "$s: ... APITOKEN_PERMISSIONS = read" "$(field permissions)" read
	if [ "$3" = 1 ]; then
		expect_eq "$s: ... REMOTE_USER = R (UserExpr)" "$(field remote_user)" "$R"
	fi
	treq "$T_CR" GET "$base/private/who.cgi"
	expect_status "$s: a container token with read passes" 200
	expect_eq "$s: ... seen as kind container" "$(field kind)" container
	req GET "$base/private/who.cgi" -u "$R:$PW"
	expect_status "$s: R's Basic login passes" 200
	expect_eq "$s: ... seen as auth basic" "$(field user) $(field auth)" "$R basic"
	treq "$T_W" GET "$base/private/who.cgi"
	expect_status "$s: the CGI does not run for the write-only user" 403
}

# ================================================ lighttpd
run_lighttpd() {
	local bin d="$T_DIR/lighttpd" port
	if ! bin=$(binary lighttpd); then
		not_ok "lighttpd is installed" "run scripts/deps --test (as root)"
		return
	fi
	mkdir -p "$d"
	port=$(stack_free_port) || { not_ok "lighttpd: a free port"; return; }
	example lighttpd-authorizer.conf "$d/guard.conf"
	cat >"$d/lighttpd.conf" <<-EOF
		server.port = $port
		server.bind = "127.0.0.1"
		server.document-root = "$WWW"
		server.pid-file = "$d/lighttpd.pid"
		server.errorlog = "$d/lighttpd.err"
		include "$d/guard.conf"
		server.modules += ( "mod_cgi" )
		cgi.assign = ( ".cgi" => "" )
	EOF
	if ! "$bin" -tt -f "$d/lighttpd.conf" >"$d/check.out" 2>&1; then
		not_ok "lighttpd: accepts the configuration" "$(head -c 600 "$d/check.out")"
		return
	fi
	PIDFILES+=("$d/lighttpd.pid")
	"$bin" -f "$d/lighttpd.conf" >"$d/start.out" 2>&1
	if ! wait_port "$port" "$d/lighttpd.pid"; then
		not_ok "lighttpd: starts with the example" \
		    "$(head -c 300 "$d/start.out")" "$(tail -5 "$d/lighttpd.err" 2>/dev/null)"
		return
	fi
	ok "lighttpd: starts with conf-examples/lighttpd-authorizer.conf"
	guard_checks lighttpd "http://127.0.0.1:$port" 1
	who_checks lighttpd "http://127.0.0.1:$port" 0
	stop_pidfile "$d/lighttpd.pid" lighttpd 10 >/dev/null
}

# ================================================ nginx
run_nginx() {
	local bin d="$T_DIR/nginx" port user=
	if ! bin=$(binary nginx); then
		not_ok "nginx is installed" "run scripts/deps --test (as root)"
		return
	fi
	mkdir -p "$d"
	port=$(stack_free_port) || { not_ok "nginx: a free port"; return; }
	example nginx-auth-request.conf "$d/guard.conf"
	# Show the caller to the test (the example has this line commented out).
	sed -i 's/^\([[:space:]]*\)# \(add_header X-Seen-User\)/\1\2/' "$d/guard.conf"
	if [ $IS_ROOT = 1 ]; then
		# Workers run as nobody; they must reach the pool's socket.
		if stack_can_drop "${SOCK%/*}" >/dev/null 2>&1; then
			user="user nobody $(id -gn nobody);"
		else
			user="user root $(id -gn root);"
		fi
	fi
	cat >"$d/nginx.conf" <<-EOF
		$user
		pid $d/nginx.pid;
		error_log $d/error.log;
		daemon on;
		events { worker_connections 64; }
		http {
		    access_log off;
		    client_body_temp_path $GUARD/nginx-tmp/body;
		    fastcgi_temp_path $GUARD/nginx-tmp/fastcgi;
		    proxy_temp_path $GUARD/nginx-tmp/proxy;
		    uwsgi_temp_path $GUARD/nginx-tmp/uwsgi;
		    scgi_temp_path $GUARD/nginx-tmp/scgi;
		    types { text/plain txt; }
		    server {
		        listen 127.0.0.1:$port;
		        root $WWW;
		        include $d/guard.conf;
		    }
		}
	EOF
	if ! "$bin" -t -p "$d" -e "$d/error.log" -c "$d/nginx.conf" >"$d/check.out" 2>&1; then
		not_ok "nginx: accepts the configuration" "$(head -c 600 "$d/check.out")"
		return
	fi
	PIDFILES+=("$d/nginx.pid")
	"$bin" -p "$d" -e "$d/error.log" -c "$d/nginx.conf" >"$d/start.out" 2>&1
	if ! wait_port "$port" "$d/nginx.pid"; then
		not_ok "nginx: starts with the example" \
		    "$(head -c 300 "$d/start.out")" "$(tail -5 "$d/error.log" 2>/dev/null)"
		return
	fi
	ok "nginx: starts with conf-examples/nginx-auth-request.conf"
	guard_checks nginx "http://127.0.0.1:$port" 0

	treq "$T_R" GET "http://127.0.0.1:$port/private/hello.txt"
	expect_header "nginx: auth_request_set hands R's login on (\$apitoken_user)" \
	    X-Seen-User "^$R\$"
	req GET "http://127.0.0.1:$port/private/hello.txt" -u "$R:$PW"
	expect_status "nginx: R's Basic login passes" 200
	expect_header "nginx: ... seen as R" X-Seen-User "^$R\$"
	# The query string of the guarded request never reaches apitoken.
	treq "$T_W" GET "http://127.0.0.1:$port/private/hello.txt?container=999999&permission=write"
	expect_status "nginx: a query string does not change the requirements" 403
	stop_pidfile "$d/nginx.pid" nginx 10 >/dev/null
}

# ================================================ Apache
run_apache() {
	local bin d="$T_DIR/apache" port m mods
	if ! bin=$(binary apache2); then
		not_ok "apache2 is installed" "run scripts/deps --test (as root)"
		return
	fi
	mkdir -p "$d"
	mods=/usr/lib/apache2/modules
	# mod_authnz_fcgi only speaks TCP: a second pool of the same database.
	FCGI_PORT=$(stack_free_port) || { not_ok "apache: a free port for the pool"; return; }
	sed -e "s#^listen[[:space:]]*=.*#listen = 127.0.0.1:$FCGI_PORT#" \
	    -e "s#^pid_file[[:space:]]*=.*#pid_file = $d/apitoken.pid#" \
	    -e "s#^file[[:space:]]*=.*#file = $d/apitoken.log#" \
	    "$APITOKEN_CONF" >"$d/apitoken.conf"
	if ! grep -q "^listen = 127.0.0.1:$FCGI_PORT\$" "$d/apitoken.conf" ||
	    ! grep -q "^pid_file = $d/apitoken.pid\$" "$d/apitoken.conf" ||
	    ! "$APITOKEN_SRCDIR/apitoken-fcgi" -t -c "$d/apitoken.conf" >"$d/check.out" 2>&1; then
		not_ok "apache: a TCP pool's configuration is made from \$APITOKEN_CONF" \
		    "$(head -c 300 "$d/check.out" 2>/dev/null)"
		return
	fi
	PIDFILES+=("$d/apitoken.pid")
	setsid "$APITOKEN_SRCDIR/apitoken-fcgi" -c "$d/apitoken.conf" </dev/null \
	    >"$d/apitoken.out" 2>&1 &
	if ! wait_port "$FCGI_PORT" "$d/apitoken.pid"; then
		not_ok "apache: a second apitoken pool listens on 127.0.0.1:$FCGI_PORT" \
		    "$(tail -5 "$d/apitoken.out" "$d/apitoken.log" 2>/dev/null)"
		return
	fi
	ok "apache: a second apitoken pool listens on TCP"

	port=$(stack_free_port) || { not_ok "apache: a free port"; return; }
	example apache-authnz-fcgi.conf "$d/guard.conf"
	{
		echo "ServerRoot \"$d\""
		echo "ServerName 127.0.0.1"
		echo "Listen 127.0.0.1:$port"
		echo "PidFile \"$d/httpd.pid\""
		echo "ErrorLog \"$d/error.log\""
		echo "DefaultRuntimeDir \"$GUARD/run\""
		echo "LogLevel warn"
		for m in mpm_event authn_core authz_core authz_user authnz_fcgi \
		    setenvif mime cgid; do
			echo "LoadModule ${m}_module $mods/mod_$m.so"
		done
		echo "ScriptSock \"$GUARD/run/cgisock\""
		if [ $IS_ROOT = 1 ]; then
			echo "User nobody"
			echo "Group $(id -gn nobody)"
		fi
		echo "TypesConfig /etc/mime.types"
		echo "DocumentRoot \"$WWW\""
		echo "<Directory \"$WWW\">"
		echo "    Require all granted"
		echo "    Options +ExecCGI"
		echo "    AddHandler cgi-script .cgi"
		echo "</Directory>"
		echo "Include \"$d/guard.conf\""
	} >"$d/httpd.conf"
	if ! "$bin" -t -f "$d/httpd.conf" >"$d/check.out" 2>&1; then
		not_ok "apache: accepts the configuration" "$(head -c 600 "$d/check.out")"
		return
	fi
	PIDFILES+=("$d/httpd.pid")
	"$bin" -f "$d/httpd.conf" -k start >"$d/start.out" 2>&1
	if ! wait_port "$port" "$d/httpd.pid"; then
		not_ok "apache: starts with the example" \
		    "$(head -c 300 "$d/start.out")" "$(tail -5 "$d/error.log" 2>/dev/null)"
		return
	fi
	ok "apache: starts with conf-examples/apache-authnz-fcgi.conf"
	guard_checks apache "http://127.0.0.1:$port" 1
	who_checks apache "http://127.0.0.1:$port" 1
	stop_pidfile "$d/httpd.pid" apache 10 >/dev/null
	stop_pidfile "$d/apitoken.pid" "apitoken pool (TCP)" 10 >/dev/null
}

run_lighttpd
run_nginx
run_apache

finish
