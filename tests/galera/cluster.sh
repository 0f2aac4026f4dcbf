# shellcheck shell=bash
# tests/galera/cluster.sh: a 3-node MariaDB Galera cluster on loopback
# ports under one directory (var/galera), our own processes, stopped by
# pid only. Sourced by tests/galera/run after scripts/lib/stack.sh.
#
# Node N (1..3) lives in DIR/nN: my.cnf, data/, tmp/, mysqld.sock,
# mysqld.pid, error.log. Each node has four loopback ports of its own:
# MariaDB (clients), Galera replication, IST and SST (DIR/ports).

GALERA_PROVIDER=${GALERA_PROVIDER:-/usr/lib/galera/libgalera_smm.so}
GALERA_NODES=(1 2 3)

# galera_ports DIR: picks 12 distinct free loopback ports once, kept in
# DIR/ports as "N mysql galera ist sst" lines.
galera_ports() {
	local dir=$1 n p used=" " line=()
	[ -s "$dir/ports" ] && return 0
	: >"$dir/ports.new"
	for n in "${GALERA_NODES[@]}"; do
		line=("$n")
		while [ ${#line[@]} -lt 5 ]; do
			p=$(stack_free_port) || return 1
			case $used in *" $p "*) continue ;; esac
			used="$used$p "
			line+=("$p")
		done
		echo "${line[*]}" >>"$dir/ports.new"
	done
	mv "$dir/ports.new" "$dir/ports"
}

# galera_port DIR N KIND: KIND is mysql, galera, ist or sst.
galera_port() {
	local col
	case $3 in mysql) col=2 ;; galera) col=3 ;; ist) col=4 ;; sst) col=5 ;;
	*) return 1 ;; esac
	awk -v n="$2" -v c="$col" '$1 == n { print $c }' "$1/ports"
}

# galera_hosts DIR: the [database] host list, "127.0.0.1:P1,...".
galera_hosts() {
	local n out=""
	for n in "${GALERA_NODES[@]}"; do
		out="$out${out:+,}127.0.0.1:$(galera_port "$1" "$n" mysql)"
	done
	echo "$out"
}

# galera_sql DIR N [mariadb options...]: a root client on node N's socket.
galera_sql() {
	local dir=$1 n=$2
	shift 2
	mariadb --socket="$dir/n$n/mysqld.sock" -uroot "$@"
}

# galera_status DIR N VAR: a wsrep status value of node N (empty if down).
galera_status() {
	galera_sql "$1" "$2" -N -B -e "SHOW GLOBAL STATUS LIKE '$3'" 2>/dev/null |
	    awk '{ print $2 }'
}

# galera_config DIR N: writes DIR/nN/my.cnf.
galera_config() {
	local dir=$1 n=$2 d="$1/n$2" m g i s peers="" k user=""
	m=$(galera_port "$dir" "$n" mysql)
	g=$(galera_port "$dir" "$n" galera)
	i=$(galera_port "$dir" "$n" ist)
	s=$(galera_port "$dir" "$n" sst)
	for k in "${GALERA_NODES[@]}"; do
		peers="$peers${peers:+,}127.0.0.1:$(galera_port "$dir" "$k" galera)"
	done
	[ "$(id -u)" = 0 ] && user="user = root"
	mkdir -p "$d/data" "$d/tmp"
	cat >"$d/my.cnf" <<-EOF
		[mysqld]
		$user
		datadir = $d/data
		tmpdir = $d/tmp
		socket = $d/mysqld.sock
		pid-file = $d/mysqld.pid
		log-error = $d/error.log
		bind-address = 127.0.0.1
		port = $m
		skip-name-resolve
		innodb_buffer_pool_size = 64M
		innodb_log_file_size = 48M
		innodb_flush_log_at_trx_commit = 1
		max_connections = 200
		# Galera: row-based replication, InnoDB only, interleaved
		# auto-increment locks (each node hands out its own ids).
		binlog_format = ROW
		default_storage_engine = InnoDB
		innodb_autoinc_lock_mode = 2
		wsrep_on = ON
		wsrep_provider = $GALERA_PROVIDER
		wsrep_cluster_name = apitoken-test
		wsrep_cluster_address = gcomm://$peers
		wsrep_node_name = n$n
		wsrep_node_address = 127.0.0.1:$g
		wsrep_node_incoming_address = 127.0.0.1:$m
		# State transfers (SST) by mariadb-backup: it runs as the
		# server's user and, as root, logs in as root by unix socket.
		wsrep_sst_method = mariabackup
		wsrep_sst_auth = root:
		wsrep_sst_receive_address = 127.0.0.1:$s
		wsrep_provider_options = "gmcast.listen_addr=tcp://127.0.0.1:$g;ist.recv_addr=127.0.0.1:$i;gcache.size=128M"
		wsrep_slave_threads = 2
		# The server retries an autocommit statement that lost a
		# certification conflict once by default; here never, so that
		# the client's own retry is what the test sees.
		wsrep_retry_autocommit = 0
		# Causal reads: a SELECT waits until this node has applied every
		# write set committed anywhere before it began (read-your-writes
		# when a client's next request lands on another node).
		wsrep_sync_wait = ${GALERA_SYNC_WAIT:-1}
	EOF
}

# galera_recover NODEDIR: the uuid:seqno InnoDB last committed (the
# server's --wsrep-recover run).
galera_recover() {
	local d=$1 pos
	mariadbd --defaults-file="$1/my.cnf" --wsrep-recover \
	    --log-error="$d/recover.log" </dev/null >/dev/null 2>&1
	pos=$(sed -n 's/.*WSREP: Recovered position: *\([^ ]*\).*/\1/p' \
	    "$d/recover.log" | tail -1)
	rm -f "$d/recover.log"
	[ -n "$pos" ] || { die "no position recovered in $d"; return 1; }
	echo "$pos"
}

# galera_node_start DIR N [--wsrep-new-cluster]: starts node N and waits
# until it is Synced (joining includes the IST or SST).
galera_node_start() {
	local dir=$1 n=$2 d="$1/n$2" i st pid pos
	shift 2
	if pid_alive "$d/mysqld.pid"; then
		say "node $n already running"
		return 0
	fi
	galera_config "$dir" "$n" || return 1
	if [ "${1:-}" = --wsrep-new-cluster ] && [ ! -d "$d/data/mysql" ]; then
		say "initialising node $n in $d/data"
		mariadb-install-db --defaults-file="$d/my.cnf" --wsrep-on=OFF \
		    --auth-root-authentication-method=socket \
		    >"$d/install.log" 2>&1 ||
		    { tail -20 "$d/install.log" >&2; die "mariadb-install-db failed"; return 1; }
	fi
	# After a crash grastate.dat says seqno -1: recover the position
	# from InnoDB first (as galera_recovery does under systemd), so the
	# node asks for the write sets it missed (IST), not a full copy (SST).
	if grep -q '^seqno: *-1' "$d/data/grastate.dat" 2>/dev/null; then
		pos=$(galera_recover "$d") || return 1
		say "node $n: recovered position $pos"
		set -- "$@" "--wsrep-start-position=$pos"
	fi
	say "starting Galera node $n (mysql $(galera_port "$dir" "$n" mysql))${1:+ $*}"
	setsid mariadbd --defaults-file="$d/my.cnf" "$@" \
	    </dev/null >>"$d/stdout.log" 2>&1 &
	pid=$!
	for ((i = 0; i < 1200; i++)); do
		st=$(galera_status "$dir" "$n" wsrep_local_state_comment)
		[ "$st" = Synced ] && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	tail -30 "$d/error.log" >&2
	die "node $n is not Synced after 120 s (state: ${st:-down}; log: $d/error.log)"
}

# galera_node_kill DIR N: SIGKILL, as a crash; waits until it is gone.
galera_node_kill() {
	local d="$1/n$2" pid i
	pid_alive "$d/mysqld.pid" || { die "node $2 is not running"; return 1; }
	pid=$(cat "$d/mysqld.pid")
	say "killing node $2 (pid $pid) with SIGKILL"
	kill -KILL "$pid"
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	die "node $2 (pid $pid) did not die"
}

galera_node_stop() { stop_pidfile "$1/n$2/mysqld.pid" "Galera node $2" 60; }

# galera_start DIR: bootstraps node 1 and clones it to nodes 2 and 3.
# A fresh node would join by SST, which costs mariadb-backup's fixed 10 s
# pause and more; copies of a cleanly stopped node 1 hold the same state
# (grastate.dat), so they join with nothing to transfer.
galera_start() {
	local dir=$1 n
	mkdir -p "$dir" && chmod 0755 "$dir" || return 1
	galera_ports "$dir" || return 1
	if [ ! -d "$dir/n1/data/mysql" ]; then
		galera_node_start "$dir" 1 --wsrep-new-cluster || return 1
		galera_node_stop "$dir" 1 >/dev/null || return 1
		for n in 2 3; do
			rm -rf "$dir/n$n/data"
			mkdir -p "$dir/n$n" &&
			    cp -a "$dir/n1/data" "$dir/n$n/data" || return 1
			rm -f "$dir/n$n/data/gvwstate.dat"
			# Only node 1 may bootstrap the cluster.
			sed -i 's/^safe_to_bootstrap:.*/safe_to_bootstrap: 0/' \
			    "$dir/n$n/data/grastate.dat"
		done
	fi
	galera_node_start "$dir" 1 --wsrep-new-cluster || return 1
	for n in 2 3; do
		galera_node_start "$dir" "$n" || return 1
	done
}

# galera_stop DIR: stops every node (the last one to stop is 3).
galera_stop() {
	local n
	for n in "${GALERA_NODES[@]}"; do
		galera_node_stop "$1" "$n"
	done
}
