# scripts/lib/stack.sh: run a private stack (MariaDB, the apitoken pool,
# shellcheck shell=bash
# lighttpd) under one directory, as our own processes, stopped by pid only.
# Sourced by scripts/quickstart and tests/run. Every function prints what it
# does and fails with a clear message.

STACK_SRC=${STACK_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}

say() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; return 1; }

# pid_alive FILE: the pid in FILE is a live process.
pid_alive() {
	local pid
	[ -s "$1" ] || return 1
	pid=$(cat "$1" 2>/dev/null) || return 1
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# stop_pidfile FILE NAME SECONDS: TERM, wait, then KILL. Only our own pid.
stop_pidfile() {
	local file=$1 name=$2 secs=${3:-15} pid i
	pid_alive "$file" || { rm -f "$file"; return 0; }
	pid=$(cat "$file")
	say "stopping $name (pid $pid)"
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < secs * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || { rm -f "$file"; return 0; }
		sleep 0.1
	done
	say "$name did not stop in ${secs}s: killing it"
	kill -KILL "$pid" 2>/dev/null
	rm -f "$file"
}

# stack_free_port: a free loopback TCP port.
stack_free_port() {
	local i p
	for ((i = 0; i < 50; i++)); do
		p=$((20000 + RANDOM % 20000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	die "no free port found"
}

# stack_port_busy PORT
stack_port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# stack_wait_http PORT NAME LOG: waits (at most 10 s) until /healthz answers
# on PORT; else shows the end of LOG and fails naming the server.
stack_wait_http() {
	local port=$1 name=$2 log=$3 i
	for ((i = 0; i < 100; i++)); do
		curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/healthz" && return 0
		sleep 0.1
	done
	tail -20 "$log" >&2
	die "$name does not answer on port $port"
}

# stack_db_sock DIR: where MariaDB's socket is: DIR/mariadb/mysqld.sock,
# unless we are root and user nobody cannot reach DIR. Then it is next to
# the pool's socket (see stack_sock), so that an apitoken a web server
# starts as nobody (mod_fcgid) can connect, and DIR/mariadb/mysqld.sock is
# a symbolic link to it for everything else.
stack_db_sock() {
	local sock
	sock=$(stack_sock "$1") || return 1
	if [ "${sock%/*}" = "$1" ]; then
		printf '%s/mariadb/mysqld.sock\n' "$1"
	else
		printf '%s/mysqld.sock\n' "${sock%/*}"
	fi
}

stack_mariadb_start() {
	local dir=$1 m="$1/mariadb" i userarg=() pw sock
	# A tmpdir of its own: MariaDB's temporary files in the shared /tmp
	# can meet another server's (seen: an install failing while another
	# stack's MariaDB started).
	mkdir -p "$m/tmp" && chmod 0755 "$dir" "$m"
	[ "$(id -u)" = 0 ] && userarg=(--user=root)
	sock=$(stack_db_sock "$dir") || return 1
	if [ "$sock" != "$m/mysqld.sock" ]; then
		ln -sfn "$sock" "$m/mysqld.sock" || { die "cannot link $m/mysqld.sock"; return 1; }
	fi
	if pid_alive "$m/mysqld.pid"; then
		say "MariaDB already running in $m"
	else
		if [ ! -d "$m/data/mysql" ]; then
			say "initialising MariaDB in $m/data"
			mariadb-install-db --no-defaults --datadir="$m/data" \
			    --tmpdir="$m/tmp" \
			    --auth-root-authentication-method=socket \
			    "${userarg[@]}" >"$m/install.log" 2>&1 ||
			    { tail -20 "$m/install.log" >&2; die "mariadb-install-db failed"; return 1; }
		fi
		say "starting MariaDB (socket $sock)"
		setsid mariadbd --no-defaults --datadir="$m/data" \
		    --tmpdir="$m/tmp" \
		    --socket="$sock" --skip-networking \
		    --pid-file="$m/mysqld.pid" --log-error="$m/error.log" \
		    --innodb-buffer-pool-size=128M --skip-name-resolve \
		    --innodb-flush-log-at-trx-commit=1 \
		    "${userarg[@]}" </dev/null >/dev/null 2>&1 &
		for ((i = 0; i < 300; i++)); do
			mariadb-admin --socket="$m/mysqld.sock" -uroot ping \
			    >/dev/null 2>&1 && break
			sleep 0.1
		done
		if ! mariadb-admin --socket="$m/mysqld.sock" -uroot ping >/dev/null 2>&1; then
			tail -20 "$m/error.log" >&2
			die "MariaDB did not start within 30 s (log: $m/error.log)"
			return 1
		fi
	fi
	if [ ! -s "$dir/db_password" ]; then
		(umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$dir/db_password")
	fi
	pw=$(cat "$dir/db_password")
	mariadb --socket="$m/mysqld.sock" -uroot <<-SQL || { die "cannot create the database"; return 1; }
		CREATE DATABASE IF NOT EXISTS apitoken CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
		CREATE USER IF NOT EXISTS 'apitoken'@'localhost' IDENTIFIED BY '$pw';
		ALTER USER 'apitoken'@'localhost' IDENTIFIED BY '$pw';
		GRANT ALL ON apitoken.* TO 'apitoken'@'localhost';
	SQL
}

stack_mariadb_stop() { stop_pidfile "$1/mariadb/mysqld.pid" MariaDB 30; }

# stack_can_drop DIR: we are root and user nobody can reach DIR (the
# MariaDB socket lives there). A checkout under /root is not reachable:
# then the workers keep root's uid, and say so.
stack_can_drop() {
	[ "$(id -u)" = 0 ] || return 1
	id nobody >/dev/null 2>&1 || return 1
	if command -v runuser >/dev/null &&
	    runuser -u nobody -- test -x "$1" 2>/dev/null; then
		return 0
	fi
	say "note: user nobody cannot reach $1; workers will run as root" >&2
	return 1
}

# stack_sock DIR: the pool's unix socket. In DIR, unless we are root and
# user nobody cannot reach DIR: web servers run their workers as an
# unprivileged user (nginx, Apache), so the socket then lives in a
# root-owned 0755 directory under /tmp named after DIR.
stack_sock() {
	local dir=$1 run
	if [ "$(id -u)" != 0 ] || stack_can_drop "$dir" >/dev/null; then
		printf '%s/apitoken.sock\n' "$dir"
		return 0
	fi
	run=/tmp/apitoken-run-$(printf '%s' "$dir" | md5sum | cut -c1-12)
	[ -d "$run" ] || mkdir -m 755 "$run" || return 1
	# Never a directory someone else made, or a link to one.
	if [ -L "$run" ] || [ ! -O "$run" ]; then
		die "$run is not ours: remove it"
		return 1
	fi
	chmod 755 "$run"
	printf '%s/apitoken.sock\n' "$run"
}

# stack_app_config DIR PORT [ORIGIN...]: the pool's config (kept if it
# exists). ORIGINs are more public origins (other web servers in front);
# STACK_EXTRA_CONF, when set, is appended (whole sections).
stack_app_config() {
	local dir=$1 port=$2 conf="$1/apitoken.conf" sock origins
	[ -s "$conf" ] && return 0
	shift 2
	sock=$(stack_sock "$dir") || return 1
	origins="http://127.0.0.1:$port"
	[ $# -gt 0 ] && origins="$origins$(printf ', %s' "$@")"
	say "writing $conf"
	{
		echo "# written by scripts/lib/stack.sh for a private stack"
		echo "[server]"
		echo "listen = $sock"
		echo "socket_mode = 0666"
		echo "workers = 2"
		echo "pid_file = $dir/apitoken.pid"
		stack_can_drop "$dir" && echo "user = nobody"
		echo "[database]"
		echo "socket = $dir/mariadb/mysqld.sock"
		echo "user = apitoken"
		echo "password_file = $dir/db_password"
		echo "name = apitoken"
		echo "[tokens]"
		echo "secret_file = $dir/secret"
		echo "[http]"
		echo "public_origin = $origins"
		echo "[log]"
		echo "file = $dir/apitoken.log"
		echo "level = info"
		# More sections from the caller (tests/run, bench/run).
		[ -z "${STACK_EXTRA_CONF:-}" ] || printf '%s\n' "$STACK_EXTRA_CONF"
	} >"$conf"
}

# stack_app_start DIR BUILDDIR: secret, migrate, then the pool. From the
# environment (tests/valgrind/run): STACK_APP_PREFIX, a command the pool
# runs under (split on blanks), and STACK_APP_WAIT, how long it may take
# to start (10 s).
stack_app_start() {
	local dir=$1 build=$2 conf="$1/apitoken.conf" i sock
	local prefix=() wait=${STACK_APP_WAIT:-10}
	read -r -a prefix <<<"${STACK_APP_PREFIX:-}"
	local ctl=("$build/apitokenctl" -c "$conf")
	sock=$(stack_sock "$dir") || return 1
	if [ ! -s "$dir/secret" ]; then
		"${ctl[@]}" secret init || { die "cannot create the secret"; return 1; }
	fi
	say "migrating the schema"
	"${ctl[@]}" migrate --schema-dir "$STACK_SRC/schema" ||
	    { die "migrate failed"; return 1; }
	if pid_alive "$dir/apitoken.pid"; then
		say "apitoken pool already running; reloading it"
		kill -HUP "$(cat "$dir/apitoken.pid")"
		return 0
	fi
	"$build/apitoken-fcgi" -t -c "$conf" >/dev/null ||
	    { die "apitoken-fcgi -t refused $conf"; return 1; }
	say "starting the apitoken pool (socket $sock)"
	setsid "${prefix[@]}" "$build/apitoken-fcgi" -c "$conf" </dev/null \
	    >>"$dir/apitoken.out" 2>&1 &
	for ((i = 0; i < wait * 10; i++)); do
		[ -S "$sock" ] && pid_alive "$dir/apitoken.pid" && return 0
		sleep 0.1
	done
	tail -20 "$dir/apitoken.out" "$dir/apitoken.log" >&2 2>/dev/null
	die "the apitoken pool did not start (log: $dir/apitoken.log)"
}

# stack_app_stop DIR: waits STACK_APP_STOP_WAIT seconds (15) before KILL.
stack_app_stop() { stop_pidfile "$1/apitoken.pid" "apitoken pool" "${STACK_APP_STOP_WAIT:-15}"; }

# stack_lighttpd_launch DIR PORT DOCROOT INCLUDE NAME: writes DIR/lighttpd.conf
# (127.0.0.1:PORT, pid and error log in DIR, INCLUDE'd), checks it, starts
# lighttpd and waits until /healthz answers.
stack_lighttpd_launch() {
	local d=$1 port=$2 root=$3 inc=$4 name=$5
	cat >"$d/lighttpd.conf" <<-EOF
		server.port = $port
		server.bind = "127.0.0.1"
		server.document-root = "$root"
		server.pid-file = "$d/lighttpd.pid"
		server.errorlog = "$d/lighttpd.err"
		server.max-connections = 1024
		include "$inc"
	EOF
	lighttpd -tt -f "$d/lighttpd.conf" >/dev/null ||
	    { die "lighttpd refused $d/lighttpd.conf"; return 1; }
	say "starting $name on http://127.0.0.1:$port"
	lighttpd -f "$d/lighttpd.conf" ||
	    { die "$name did not start (see $d/lighttpd.err)"; return 1; }
	stack_wait_http "$port" "$name" "$d/lighttpd.err"
}

# stack_lighttpd_start DIR PORT: lighttpd on 127.0.0.1:PORT in front of the
# pool, using conf-examples/lighttpd-apitoken.conf with our socket path.
stack_lighttpd_start() {
	local dir=$1 port=$2 i sock
	sock=$(stack_sock "$dir") || return 1
	mkdir -p "$dir/www"
	if pid_alive "$dir/lighttpd.pid"; then
		say "lighttpd already running"
		return 0
	fi
	stack_port_busy "$port" && { die "port $port is in use (set APITOKEN_PORT)"; return 1; }
	sed "s#/run/apitoken/apitoken.sock#$sock#g" \
	    "$STACK_SRC/conf-examples/lighttpd-apitoken.conf" >"$dir/lighttpd-apitoken.conf"
	stack_lighttpd_launch "$dir" "$port" "$dir/www" \
	    "$dir/lighttpd-apitoken.conf" lighttpd
}

stack_lighttpd_stop() { stop_pidfile "$1/lighttpd.pid" lighttpd 10; }

# stack_nginx_start DIR PORT: nginx on 127.0.0.1:PORT in front of the pool,
# with conf-examples/nginx-apitoken.conf as shipped (only the socket path
# changed), files under DIR/nginx.
stack_nginx_start() {
	local dir=$1 port=$2 n="$1/nginx" sock tmp user="" i
	sock=$(stack_sock "$dir") || return 1
	pid_alive "$n/nginx.pid" && { say "nginx already running"; return 0; }
	stack_port_busy "$port" && { die "port $port is in use"; return 1; }
	# Buffered request bodies are written by the workers (nobody): next to
	# the socket, which nobody can always reach.
	tmp="${sock%/*}/nginx-tmp"
	mkdir -p "$n" "$tmp"
	[ "$(id -u)" = 0 ] && chown nobody "$tmp"
	sed "s#/run/apitoken/apitoken.sock#$sock#g" \
	    "$STACK_SRC/conf-examples/nginx-apitoken.conf" >"$n/apitoken.conf"
	# "include fastcgi_params" is relative to the directory of nginx.conf.
	cp /etc/nginx/fastcgi_params "$n/fastcgi_params" ||
	    { die "nginx's fastcgi_params is missing (package nginx-common)"; return 1; }
	# As root nginx runs its workers as nobody: state that, for clarity.
	[ "$(id -u)" = 0 ] && user="user nobody nogroup;"
	cat >"$n/nginx.conf" <<-EOF
		$user
		pid $n/nginx.pid;
		error_log $n/error.log;
		events { worker_connections 512; }
		http {
		    access_log off;
		    client_body_temp_path $tmp;
		    fastcgi_temp_path $tmp;
		    proxy_temp_path $tmp;
		    uwsgi_temp_path $tmp;
		    scgi_temp_path $tmp;
		    server {
		        listen 127.0.0.1:$port;
		        root $dir/www;
		        include $n/apitoken.conf;
		    }
		}
	EOF
	nginx -t -q -p "$n" -c "$n/nginx.conf" 2>"$n/check.err" ||
	    { cat "$n/check.err" >&2; die "nginx refused $n/nginx.conf"; return 1; }
	say "starting nginx on http://127.0.0.1:$port"
	nginx -p "$n" -c "$n/nginx.conf" 2>>"$n/error.log" ||
	    { die "nginx did not start (see $n/error.log)"; return 1; }
	stack_wait_http "$port" nginx "$n/error.log"
}

stack_nginx_stop() { stop_pidfile "$1/nginx/nginx.pid" nginx 10; }

# stack_apache_start DIR PORT: Apache 2.4 on 127.0.0.1:PORT in front of the
# pool with mod_proxy_fcgi and conf-examples/apache-proxy-fcgi.conf as
# shipped (only the socket path changed), files under DIR/apache.
stack_apache_start() {
	local dir=$1 port=$2 a="$1/apache" sock mods=/usr/lib/apache2/modules www
	local user="" i
	sock=$(stack_sock "$dir") || return 1
	pid_alive "$a/httpd.pid" && { say "Apache already running"; return 0; }
	www="${sock%/*}/apache-www"
	mkdir -p "$www"
	stack_port_busy "$port" && { die "port $port is in use"; return 1; }
	mkdir -p "$a"
	sed "s#/run/apitoken/apitoken.sock#$sock#g" \
	    "$STACK_SRC/conf-examples/apache-proxy-fcgi.conf" >"$a/apitoken.conf"
	# Apache never serves as root: its children become nobody.
	[ "$(id -u)" = 0 ] && user=$'User nobody\nGroup nogroup'
	cat >"$a/httpd.conf" <<-EOF
		ServerRoot "$a"
		ServerName 127.0.0.1
		Listen 127.0.0.1:$port
		PidFile "$a/httpd.pid"
		ErrorLog "$a/error.log"
		LogLevel warn
		$user
		LoadModule mpm_event_module $mods/mod_mpm_event.so
		LoadModule authz_core_module $mods/mod_authz_core.so
		LoadModule proxy_module $mods/mod_proxy.so
		LoadModule proxy_fcgi_module $mods/mod_proxy_fcgi.so
		# Apache walks DocumentRoot as nobody even for proxied paths: an
		# empty directory next to the socket, which nobody can reach. No
		# file anywhere else is served.
		DocumentRoot "$www"
		# No .htaccess lookups: nobody may not be able to read them.
		<Directory />
		    AllowOverride None
		    Require all denied
		</Directory>
		<Directory "$www">
		    Require all granted
		</Directory>
		Include "$a/apitoken.conf"
	EOF
	apache2 -t -f "$a/httpd.conf" >"$a/check.err" 2>&1 ||
	    { cat "$a/check.err" >&2; die "Apache refused $a/httpd.conf"; return 1; }
	say "starting Apache on http://127.0.0.1:$port"
	apache2 -f "$a/httpd.conf" -k start >>"$a/check.err" 2>&1 ||
	    { cat "$a/check.err" >&2; die "Apache did not start"; return 1; }
	stack_wait_http "$port" Apache "$a/error.log"
}

stack_apache_stop() { stop_pidfile "$1/apache/httpd.pid" Apache 10; }

# stack_spawned_pids CONF: pids of the apitoken-fcgi processes started
# with -c CONF.
stack_spawned_pids() {
	pgrep -f -- "apitoken-fcgi -c $(printf '%s' "$1" | sed 's/[][\.*^$+?(){}|]/\\&/g')$"
}

# stack_spawned_gone CONF NAME: wait until no apitoken-fcgi started with
# CONF is left (the web server that spawned them has stopped); kill any
# that stays, by pid, and fail saying so.
stack_spawned_gone() {
	local conf=$1 name=$2 i pids
	for ((i = 0; i < 150; i++)); do
		pids=$(stack_spawned_pids "$conf") || return 0
		sleep 0.1
	done
	pids=${pids//$'\n'/ }
	# shellcheck disable=SC2086  # one pid a word
	kill -KILL $pids 2>/dev/null
	die "$name left apitoken-fcgi running after it stopped (pids $pids): killed"
}

# stack_lighttpd_spawn_start DIR PORT [BUILDDIR]: lighttpd on
# 127.0.0.1:PORT starting apitoken-fcgi itself (bin-path), with
# conf-examples/lighttpd-spawn.conf as shipped (only the paths changed),
# files under DIR/lighttpd-spawn. The app gets a copy of the stack's config
# (its own path, so its processes can be told from the pool's) whose
# pid_file the example's empty APITOKEN_SERVER_PID_FILE must override.
stack_lighttpd_spawn_start() {
	local dir=$1 port=$2 build=${3:-$STACK_SRC} l="$1/lighttpd-spawn" i
	pid_alive "$l/lighttpd.pid" && { say "lighttpd (spawning) already running"; return 0; }
	stack_port_busy "$port" && { die "port $port is in use"; return 1; }
	mkdir -p "$l" "$dir/www"
	sed "s#^pid_file = .*#pid_file = $l/apitoken.pid#" "$dir/apitoken.conf" \
	    >"$l/apitoken.conf" || return 1
	rm -f "$l/apitoken.pid"
	sed -e "s#/usr/local/sbin/apitoken-fcgi#$build/apitoken-fcgi#g" \
	    -e "s#/etc/apitoken/apitoken.conf#$l/apitoken.conf#g" \
	    -e "s#/run/lighttpd/apitoken.sock#$l/apitoken.sock#g" \
	    "$STACK_SRC/conf-examples/lighttpd-spawn.conf" >"$l/apitoken-spawn.conf"
	stack_lighttpd_launch "$l" "$port" "$dir/www" "$l/apitoken-spawn.conf" \
	    "lighttpd (spawning apitoken-fcgi)" || return 1
	[ ! -e "$l/apitoken.pid" ] && return 0
	die "the spawned apitoken-fcgi wrote $l/apitoken.pid: APITOKEN_SERVER_PID_FILE did not reach it"
}

# stack_lighttpd_spawn_stop DIR: lighttpd stops the apitoken-fcgi it started.
stack_lighttpd_spawn_stop() {
	stop_pidfile "$1/lighttpd-spawn/lighttpd.pid" "lighttpd (spawning)" 10
	stack_spawned_gone "$1/lighttpd-spawn/apitoken.conf" lighttpd
}

# stack_fcgid_dir DIR: what the apitoken mod_fcgid starts runs from: its
# program, config, password, secret and log, in a root-owned 0755
# directory next to the pool's socket, which user nobody can always reach
# (see stack_sock); a checkout under /root is not reachable.
stack_fcgid_dir() {
	local sock
	sock=$(stack_sock "$1") || return 1
	printf '%s/fcgid\n' "${sock%/*}"
}

# stack_fcgid_start DIR PORT [BUILDDIR]: Apache 2.4 on 127.0.0.1:PORT
# starting apitoken-fcgi itself with mod_fcgid and
# conf-examples/apache-fcgid.conf as shipped (only the paths changed),
# files under DIR/apache-fcgid. As root, Apache runs the app as nobody: it
# gets copies of the program, the stack's config, the database password and
# the secret (owned by nobody, 0600) in stack_fcgid_dir, MariaDB's socket
# where nobody reaches it (stack_db_sock) and a log file of its own there.
stack_fcgid_start() {
	local dir=$1 port=$2 build=${3:-$STACK_SRC} a="$1/apache-fcgid"
	local mods=/usr/lib/apache2/modules user="" app db f i
	app=$(stack_fcgid_dir "$dir") || return 1
	db=$(stack_db_sock "$dir") || return 1
	pid_alive "$a/httpd.pid" && { say "Apache (mod_fcgid) already running"; return 0; }
	stack_port_busy "$port" && { die "port $port is in use"; return 1; }
	[ -e "$mods/mod_fcgid.so" ] ||
	    { die "mod_fcgid is missing (package libapache2-mod-fcgid)"; return 1; }
	mkdir -p "$a" "$app/www" && chmod 0755 "$app" "$app/www" || return 1
	rm -f "$app/apitoken.pid"
	if ! { install -m 0755 "$build/apitoken-fcgi" "$app/apitoken-fcgi" &&
	    install -m 0600 "$dir/secret" "$app/secret" &&
	    install -m 0600 "$dir/db_password" "$app/db_password" &&
	    install -m 0600 /dev/null "$app/apitoken.log"; }; then
		die "cannot copy the program, secret and password to $app"
		return 1
	fi
	sed -e "s#^pid_file = .*#pid_file = $app/apitoken.pid#" \
	    -e "/^user = /d" \
	    -e "s#^socket = .*#socket = $db#" \
	    -e "s#^password_file = .*#password_file = $app/db_password#" \
	    -e "s#^secret_file = .*#secret_file = $app/secret#" \
	    -e "s#^file = .*#file = $app/apitoken.log#" \
	    "$dir/apitoken.conf" >"$app/apitoken.conf" || return 1
	chmod 0644 "$app/apitoken.conf"
	if [ "$(id -u)" = 0 ]; then
		# Apache never serves as root: its children, mod_fcgid's process
		# manager and so the app run as nobody.
		user=$'User nobody\nGroup nogroup'
		for f in secret db_password apitoken.log; do
			chown nobody:nogroup "$app/$f" || return 1
		done
	fi
	sed -e "s#/usr/local/sbin/apitoken-fcgi#$app/apitoken-fcgi#g" \
	    -e "s#/etc/apitoken/apitoken.conf#$app/apitoken.conf#g" \
	    "$STACK_SRC/conf-examples/apache-fcgid.conf" >"$a/apitoken.conf"
	cat >"$a/httpd.conf" <<-EOF
		ServerRoot "$a"
		ServerName 127.0.0.1
		Listen 127.0.0.1:$port
		PidFile "$a/httpd.pid"
		ErrorLog "$a/error.log"
		LogLevel warn
		$user
		LoadModule mpm_event_module $mods/mod_mpm_event.so
		LoadModule authz_core_module $mods/mod_authz_core.so
		LoadModule fcgid_module $mods/mod_fcgid.so
		# mod_fcgid's sockets (it makes the directory, for Apache's user)
		# and process table.
		FcgidIPCDir "$app/ipc"
		FcgidProcessTableFile "$a/fcgid_shm"
		# Apache walks DocumentRoot as nobody: an empty directory nobody
		# can reach (not one with the secret in it).
		DocumentRoot "$app/www"
		<Directory />
		    AllowOverride None
		</Directory>
		Include "$a/apitoken.conf"
	EOF
	apache2 -t -f "$a/httpd.conf" >"$a/check.err" 2>&1 ||
	    { cat "$a/check.err" >&2; die "Apache refused $a/httpd.conf"; return 1; }
	say "starting Apache with mod_fcgid on http://127.0.0.1:$port"
	apache2 -f "$a/httpd.conf" -k start >>"$a/check.err" 2>&1 ||
	    { cat "$a/check.err" >&2; die "Apache did not start"; return 1; }
	# mod_fcgid starts the app at the first request.
	for ((i = 0; i < 100; i++)); do
		if curl -s -o /dev/null -f --max-time 2 "http://127.0.0.1:$port/healthz"; then
			grep -q 'event=master_start.* workers=1 ' "$app/apitoken.log" && return 0
			die "the apitoken-fcgi mod_fcgid started does not run one worker (log: $app/apitoken.log)"
			return 1
		fi
		sleep 0.1
	done
	tail -20 "$a/error.log" "$app/apitoken.log" >&2
	die "Apache (mod_fcgid) does not answer on port $port"
}

# stack_fcgid_stop DIR: Apache stops the apitoken-fcgi mod_fcgid started;
# the copies of the secret and password go.
stack_fcgid_stop() {
	local app rc=0
	app=$(stack_fcgid_dir "$1") || return 1
	stop_pidfile "$1/apache-fcgid/httpd.pid" "Apache (mod_fcgid)" 10
	stack_spawned_gone "$app/apitoken.conf" "Apache (mod_fcgid)" || rc=1
	rm -f "$app/secret" "$app/db_password"
	return $rc
}

# stack_build [FLAGS [TREE]]: configure (if needed) and make in TREE (the
# source tree by default), and stay in it. make does not rebuild objects
# when only the compiler or its sanitizer flags change, and objects built
# with and without -fsanitize (or by gcc and clang with it) cannot be
# linked together: such a change cleans first.
stack_build() {
	local flags=${1:-} tree=${2:-$STACK_SRC} old
	cd "$tree" || return 1
	if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt configure ]; then
		say "generating configure"
		./autogen.sh >/dev/null 2>&1 || { ./autogen.sh; die "autogen.sh failed"; return 1; }
	fi
	if [ ! -f Makefile ] || [ "$(cat .configure-flags 2>/dev/null)" != "$flags" ] || [ configure -nt Makefile ]; then
		old=$(sed -n 's/^\(CC\|SAN_FLAGS\) = //p' Makefile 2>/dev/null)
		say "configuring ${flags:-(default flags)}"
		# shellcheck disable=SC2086
		./configure $flags >config.out 2>&1 || { tail -20 config.out >&2; die "configure failed (see config.out)"; return 1; }
		echo "$flags" >.configure-flags
		if [ -n "$old" ] && [ "$old" != "$(sed -n 's/^\(CC\|SAN_FLAGS\) = //p' Makefile)" ]; then
			say "compiler or sanitizers changed: make clean"
			make clean >/dev/null 2>&1
		fi
	fi
	say "building"
	make -j"$(nproc)" >make.out 2>&1 || { grep -E 'error|warning' make.out | head -30 >&2; die "build failed (see make.out)"; return 1; }
}
