# shellcheck shell=bash
# tests/lib/load.sh: load with wrk for the fault tests (sourced after
# assert.sh). Every run is bounded by its duration; its "load:" line (see
# load.lua) lands in $T_DIR/NAME.wrk.
#
#   load_start NAME SECS PATH [FILE HEADER] ["Name: value"...]  in the background
#   load_run   NAME SECS PATH [FILE HEADER] ["Name: value"...]  in the foreground
#   load_wait  NAME          waits for a background run
#   load_field NAME KEY      a value of its load: line (requests, max_ms, ...)
#   load_count NAME STATUS   answers with that status
#   load_failed NAME [STATUS...]  socket errors + answers of any status not
#                            listed (default: anything but 2xx)

LOAD_THREADS=${LOAD_THREADS:-1}
LOAD_CONNS=${LOAD_CONNS:-8}
LOAD_LUA="$APITOKEN_SRCDIR/tests/lib/load.lua"
declare -A LOAD_PIDS=()

# load_cmd NAME SECS PATH [ARGS...]: the wrk command line (an array in LOAD_CMD).
load_cmd() {
	local secs=$2 path=$3
	shift 3
	# --timeout well above any answer we accept: slow answers are
	# measured (max_ms) instead of being dropped as timeouts.
	LOAD_CMD=(wrk "-t$LOAD_THREADS" "-c$LOAD_CONNS" "-d${secs}s" --timeout 10s
	    -s "$LOAD_LUA" "$APITOKEN_URL$path")
	[ $# -gt 0 ] && LOAD_CMD+=(-- "$@")
}

load_start() {
	local name=$1
	load_cmd "$@"
	"${LOAD_CMD[@]}" >"$T_DIR/$name.wrk" 2>&1 &
	LOAD_PIDS[$name]=$!
}

load_run() {
	local name=$1
	load_cmd "$@"
	"${LOAD_CMD[@]}" >"$T_DIR/$name.wrk" 2>&1
}

load_wait() {
	[ -n "${LOAD_PIDS[$1]:-}" ] && wait "${LOAD_PIDS[$1]}"
	unset "LOAD_PIDS[$1]"
}

load_field() {
	sed -n 's/^load: //p' "$T_DIR/$1.wrk" | tr ' ' '\n' |
	    sed -n "s/^$2=//p" | head -n 1
}

load_count() {
	load_field "$1" statuses | tr ',' '\n' | awk -F: -v s="$2" \
	    '$1 == s { n += $2 } END { print n + 0 }'
}

load_failed() {
	local name=$1 sock
	shift
	sock=$(($(load_field "$name" connect) + $(load_field "$name" read) +
	    $(load_field "$name" write) + $(load_field "$name" timeout)))
	load_field "$name" statuses | tr ',' '\n' | awk -F: -v ok=" $* " -v s="$sock" '
	    $2 == "" { next }
	    (ok == "  " && $1 !~ /^2/) || (ok != "  " && index(ok, " " $1 " ") == 0) { n += $2 }
	    END { print n + s }'
}

# load_text NAME: the load: line, for details.
load_text() {
	sed -n 's/^load: //p' "$T_DIR/$1.wrk"
	grep -v '^load: ' "$T_DIR/$1.wrk" | grep -iE 'error|unable' | head -3
}

# load_ok NAME: the run printed its load: line (wrk ran).
load_ok() {
	grep -q '^load: requests=[1-9]' "$T_DIR/$1.wrk"
}
