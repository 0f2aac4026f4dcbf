#!/bin/bash
# 93_reload_load: SIGHUP every second under load (wrk): not one request
# fails (no non-2xx answer, no socket error), the master keeps its pid,
# every reload replaces the workers, no old worker is left behind and the
# pool holds no more file descriptors than before.
# RELOAD_SECS (default 15; tests/faults/run: 60): how long it goes on.
. "$APITOKEN_SRCDIR/tests/lib/assert.sh"
. "$APITOKEN_SRCDIR/tests/lib/load.sh"

secs=${RELOAD_SECS:-15}
U=$(uniq_login rl)
PW="pw-$U-secret"
new_user "$U" "$PW"
for _ in $(seq 1 20); do make_token "$U"; done >"$T_DIR/tokens"
JAR="$T_DIR/jar"
login_cookie "$U" "$PW" "$JAR" || not_ok "the test user can log in"
M=$(master_pid)
NW=$(children "$M" | grep -c .)
fds_before=$(find "/proc/$M/fd" -mindepth 1 -maxdepth 1 | wc -l)
reloads_before=$(grep -c 'event=reloaded' "$APITOKEN_LOG")

# Reads with tokens and, on other connections, token creation by session
# cookie: both kinds of request cross every reload.
load_start reads $((secs + 2)) /api/whoami "$T_DIR/tokens" X-Auth-Token
# expires_in=1: the user never reaches max_tokens_per_user.
LOAD_CONNS=2 load_start writes $((secs + 2)) "/api/createApiToken?expires_in=1" \
    "Cookie: $COOKIE_PAIR" "Sec-Fetch-Site: same-origin"
sleep 1
sent=0
for _ in $(seq 1 "$secs"); do
	kill -HUP "$M" && sent=$((sent + 1))
	sleep 1
done
load_wait reads
load_wait writes
printf '# %d reloads; reads: %s\n# writes: %s\n' "$sent" "$(load_text reads)" "$(load_text writes)"

# Workers of the last generation may still be finishing: 5 s at most.
for _ in $(seq 1 50); do
	[ "$(children "$M" | grep -c .)" = "$NW" ] && break
	sleep 0.1
done
if load_ok reads && load_ok writes; then
	ok "wrk ran through $sent reloads ($(load_field reads requests) reads, $(load_field writes requests) creates)"
else
	not_ok "wrk ran through the reloads" "$(load_text reads)" "$(load_text writes)"
fi
expect_eq "no read failed across $sent SIGHUP reloads (non-2xx + socket errors)" \
    "$(load_failed reads)" 0
expect_eq "no token create failed across the reloads (non-2xx + socket errors)" \
    "$(load_failed writes)" 0
reloads=$(($(grep -c 'event=reloaded' "$APITOKEN_LOG") - reloads_before))
expect_eq "the master reloaded once per SIGHUP" "$reloads" "$sent"
expect_eq "the master keeps its pid" "$(master_pid)" "$M"
expect_eq "afterwards the master has its $NW workers and no old one" \
    "$(children "$M" | grep -c .)" "$NW"
fds_after=$(find "/proc/$M/fd" -mindepth 1 -maxdepth 1 | wc -l)
expect_eq "the master holds as many file descriptors as before ($fds_before)" \
    "$fds_after" "$fds_before"
if grep -E 'event=worker_exited' "$APITOKEN_LOG" | grep -qE 'status=signal:(6|11)'; then
	not_ok "no worker crashed" "$(grep -E 'event=worker_exited.*signal' "$APITOKEN_LOG" | tail -3)"
else
	ok "no worker crashed"
fi
finish
