#!/bin/bash
# 92_worker_kill: workers killed with SIGKILL under load (wrk): each is
# respawned (the master's log: a new worker in its slot within 1 s of the
# exit; this script sees the count back with a new pid), and only the
# requests the killed workers had in flight may fail: a worker serves one
# request at a time, so at most one failed answer (non-2xx or socket
# error) per kill. The master survives with the same pid.
# WORKER_KILLS (default 3): how many kills, one every 1.5 s, always the
# oldest worker (never one just respawned, which would only test the
# respawn backoff).
. "$APITOKEN_SRCDIR/tests/lib/assert.sh"
. "$APITOKEN_SRCDIR/tests/lib/load.sh"

kills=${WORKER_KILLS:-3}
U=$(uniq_login wk)
new_user "$U" "pw-$U-secret"
for _ in $(seq 1 20); do make_token "$U"; done >"$T_DIR/tokens"
M=$(master_pid)
mapfile -t W < <(children "$M")
NW=${#W[@]}
if [ "$NW" -lt 1 ] || [ "$(grep -c . "$T_DIR/tokens")" != 20 ]; then
	not_ok "the pool has workers and the test has tokens" "workers: ${W[*]}"
	finish
fi

# oldest_worker: the child of the master that has run longest.
oldest_worker() {
	ps -o pid=,etimes= --ppid "$M" | sort -k2,2nr -k1,1n | awk 'NR == 1 { print $1 }'
}

# wait_respawn VICTIM: until the master has NW children again, VICTIM
# not among them (at most 10 s: on a loaded machine the polling itself is
# slow; the master's own timing is in its log). Prints the milliseconds
# it took; status 1 if not.
wait_respawn() {
	local t0 cur
	t0=$(now_ms)
	while [ $(($(now_ms) - t0)) -lt 10000 ]; do
		cur=$(children "$M")
		if [ "$(grep -c . <<<"$cur")" = "$NW" ] && ! grep -qx "$1" <<<"$cur"; then
			echo $(($(now_ms) - t0))
			return 0
		fi
		sleep 0.05
	done
	echo $(($(now_ms) - t0))
	return 1
}

secs=$(awk -v k="$kills" 'BEGIN { printf "%d", k * 1.5 + 3 }')
load_start kill "$secs" /api/whoami "$T_DIR/tokens" X-Auth-Token
sleep 1
respawned=0
victims=()
times=()
for _ in $(seq 1 "$kills"); do
	v=$(oldest_worker)
	[ -n "$v" ] || break
	kill -KILL "$v"
	victims+=("$v")
	if ms=$(wait_respawn "$v"); then
		respawned=$((respawned + 1))
	fi
	times+=("$ms")
	sleep 1.5
done
load_wait kill
# respawn_ms VICTIM: from the master's log, milliseconds from the exit of
# VICTIM to the spawn of the next worker in its slot.
respawn_ms() {
	awk -v v="child=$1" '
	    function ms(l,  t) { match(l, /T[0-9:.]+Z/); t = substr(l, RSTART + 1, RLENGTH - 2)
	        split(t, a, ":"); return (a[1] * 3600 + a[2] * 60 + a[3]) * 1000 }
	    /event=worker_exited/ && index($0, " " v " ") { t0 = ms($0); match($0, /slot=[0-9]+/); slot = substr($0, RSTART, RLENGTH); next }
	    t0 && /event=worker_spawned/ && index($0, " " slot " ") { printf "%d", ms($0) - t0; exit }' "$APITOKEN_LOG"
}
logged=()
for v in "${victims[@]}"; do logged+=("$(respawn_ms "$v")"); done
printf '# killed %s; seen respawned by this script after %s ms; master log: spawned %s ms after the exit\n' \
    "${victims[*]}" "${times[*]}" "${logged[*]}"
printf '# %s\n' "$(load_text kill)"

expect_eq "every worker killed with SIGKILL under load is respawned ($kills kills)" \
    "$respawned" "$kills"
slow=0
for ms in "${logged[@]}"; do
	[ -n "$ms" ] && [ "$ms" -le 1000 ] || slow=$((slow + 1))
done
expect_eq "the master spawns each replacement within 1 s of the exit (its log: ${logged[*]} ms)" \
    "$slow" 0
now=$(children "$M")
expect_eq "the worker count is back to $NW" "$(grep -c . <<<"$now")" "$NW"
gone=0
for v in "${victims[@]}"; do grep -qx "$v" <<<"$now" || gone=$((gone + 1)); done
expect_eq "no killed pid is among the workers (new pids)" "$gone" "${#victims[@]}"
if load_ok kill; then
	ok "wrk ran through the kills ($(load_field kill requests) requests)"
else
	not_ok "wrk ran through the kills" "$(load_text kill)"
fi
failed=$(load_failed kill)
if [ "$failed" -le "${#victims[@]}" ]; then
	ok "at most one failed request per killed worker ($failed failed for ${#victims[@]} kills)"
else
	not_ok "at most one failed request per killed worker" \
	    "$failed failed for ${#victims[@]} kills: $(load_text kill)"
fi
exited=0
for v in "${victims[@]}"; do
	grep -q "event=worker_exited .*child=$v status=signal:9" "$APITOKEN_LOG" &&
	    exited=$((exited + 1))
done
expect_eq "the master logs each killed worker's exit with signal 9" "$exited" "${#victims[@]}"
expect_eq "the master survives with the same pid" "$(master_pid)" "$M"
load_run after 2 /api/whoami "$T_DIR/tokens" X-Auth-Token
if [ "$(load_failed after)" = 0 ] && load_ok after; then
	ok "afterwards every answer under load is a 200 ($(load_field after requests))"
else
	not_ok "afterwards every answer under load is a 200" "$(load_text after)"
fi
finish
