# shellcheck shell=bash
# shellcheck disable=SC2154  # dir, L, short, load_end...: set by tests/galera/run
# tests/galera/verify.sh: the checks tests/galera/run makes after the load,
# on what the clients logged (LOAD_DIR files, see load.sh), the rows on the
# nodes and the pools' logs. Sourced by tests/galera/run, which defines
# dir, L, LIMIT, short, load_start, load_end and ok/not_ok/check/t_rel.

q() { galera_sql "$dir" 2 -N -B apitoken -e "$1"; }
cat "$L"/create.* | sort -n >"$L/creates"
cat "$L"/use.* | sort -n >"$L/uses"
q "SELECT description, public_id, uses, max_uses FROM tokens
   WHERE description LIKE 'gal-%'" | sort >"$L/rows"

attempts=$(wc -l <"$L/creates")
made=$(awk '$4 == 201' "$L/creates" | wc -l)
rows=$(wc -l <"$L/rows")
cerr=$(awk '$4 ~ /^(000|5)/' "$L/creates" | wc -l)

# Every 201 has exactly its row (same public id); no description twice.
awk 'NR == FNR { row[$1] = row[$1] " " $2; n[$1]++; next }
    $4 == 201 && (n[$3] != 1 || row[$3] != " " $5) { print "201 without its one row:", $3, $5, row[$3] }' \
    "$L/rows" "$L/creates" >"$L/lost"
check "every 201 has exactly one row, with its id ($made creates answered 201)" \
    "$([ ! -s "$L/lost" ]; echo $?)" "$(cat "$L/lost")"
awk '{ n[$1]++ } END { for (d in n) if (n[d] > 1) print d, n[d] }' "$L/rows" >"$L/doubled"
check "no creation is stored twice ($rows rows)" \
    "$([ ! -s "$L/doubled" ]; echo $?)" "$(cat "$L/doubled")"
# A row without a 201 is allowed only where the client saw no answer or a
# 5xx: the commit may have happened before the node died.
awk 'NR == FNR { st[$3] = $4; next } st[$1] == 201 { next }
    st[$1] == "" || st[$1] ~ /^[^05]/ { print "row without a 201 or an error:", $1, st[$1] }
    { print "orphan:", $1, st[$1] > "/dev/stderr" }' \
    "$L/creates" "$L/rows" >"$L/extra" 2>"$L/orphans"
orphans=$(wc -l <"$L/orphans")
check "a row without a 201 only where the client saw an error ($orphans such rows)" \
    "$([ ! -s "$L/extra" ]; echo $?)" "$(cat "$L/extra")"

# Uses: per token, the 200s clients saw, the errors, the stored count.
awk 'NR == FNR { uses[$2] = $3; max[$2] = $4; next }
    { id = $3 } $4 == 200 { okn[id]++ } $4 ~ /^(000|5)/ { err[id]++ }
    $5 == "token_uses_exhausted" { ex[id]++ }
    END { for (id in uses) printf "%s %d %d %d %d %d\n", id, okn[id], err[id], ex[id], uses[id], max[id] }' \
    "$L/rows" "$L/uses" >"$L/pertoken"
# id ok err exhausted stored limit
awk '$2 > $6' "$L/pertoken" >"$L/over"
check "no token is accepted more times than its limit of $LIMIT" \
    "$([ ! -s "$L/over" ]; echo $?)" "$(cat "$L/over")"
awk '$5 > $6' "$L/pertoken" >"$L/overdb"
check "no stored use count is above its limit" \
    "$([ ! -s "$L/overdb" ]; echo $?)" "$(cat "$L/overdb")"
awk '$5 < $2 || $5 > $2 + $3' "$L/pertoken" >"$L/inexact"
check "stored use counts equal the uses clients saw accepted (an unanswered use may count)" \
    "$([ ! -s "$L/inexact" ]; echo $?)" "$(head -5 "$L/inexact")"
awk '$4 > 0 && $5 != $6' "$L/pertoken" >"$L/early"
check "token_uses_exhausted only once the stored count reached the limit" \
    "$([ ! -s "$L/early" ]; echo $?)" "$(head -5 "$L/early")"
spent=$(awk '$5 == $6' "$L/pertoken" | wc -l)
uerr=$(awk '$4 ~ /^(000|5)/' "$L/uses" | wc -l)
usesn=$(wc -l <"$L/uses")
uok=$(awk '$4 == 200' "$L/uses" | wc -l)
uex=$(awk '$5 == "token_uses_exhausted"' "$L/uses" | wc -l)
uodd=$(awk '$4 != 200 && $4 !~ /^(000|5)/ && $5 != "token_uses_exhausted"' "$L/uses")
check "no other refusal of a valid token (e.g. invalid_token: a stale read)" \
    "$([ -z "$uodd" ]; echo $?)" "$(echo "$uodd" | head -5)"

# The nodes agree: same rows, same use counts, on each of them.
for n in 1 2 3; do
	galera_sql "$dir" "$n" -N -B apitoken -e "SELECT COUNT(*), SUM(uses),
	    BIT_XOR(CRC32(CONCAT_WS(':', public_id, uses, description, revoked_at))) FROM tokens" >"$L/sum.$n"
done
check "the three nodes hold the same tokens and use counts ($(cat "$L/sum.1"))" \
    "$(cmp -s "$L/sum.1" "$L/sum.2" && cmp -s "$L/sum.1" "$L/sum.3"; echo $?)" \
    "$(paste "$L/sum.1" "$L/sum.2" "$L/sum.3")"

# Errors clients saw, and how long after each kill the service answered
# again: the first request started after the kill that succeeded.
check "the load ran: creates and uses answered while the cluster was whole" \
    "$([ "$made" -gt 0 ] && [ "$uok" -gt 0 ]; echo $?)"
sort -n "$L/creates" "$L/uses" >"$L/all"
failover=""
windows=""
while read -r kt what; do
	case $what in kill* | isolate*) ;; *) continue ;; esac
	windows="$windows $kt"
	first=$(awk -v k="$kt" '$1 >= k && ($4 == 200 || $4 == 201) { print $2; exit }' "$L/all")
	if [ -z "$first" ]; then
		not_ok "requests succeed again after $what"
		continue
	fi
	failover="$failover $what: first success $(((first - kt) / 1000)) ms after;"
done <"$L/events"
# Galera stalls commits (and causal reads) on every node until it declares
# the lost node gone (evs.suspect_timeout, 5 s); then the pools must answer
# again, through a node that serves. 15 s leaves room for a loaded machine.
check "the pools answer again within 15 s of each kill or cut" \
    "$(echo "$failover" | awk '{ for (i = 1; i <= NF; i++) if ($i == "success" && $(i+1) > 15000) bad = 1 } END { print bad + 0 }')" \
    "$failover"
# An error is allowed only for a request in flight when a node died or
# was cut off (its connection was lost: the outcome of a write is unknown,
# so it is not retried) or stalled past that: within 15 s after a kill or
# a cut. A 500 never.
awk -v w="$windows" 'BEGIN { n = split(w, k, " ") }
    $4 ~ /^(000|5)/ { inw = 0; for (i = 1; i <= n; i++) if ($2 >= k[i] && $1 <= k[i] + 15e6) inw = 1
        if (!inw || $4 == 500) print }' "$L/all" >"$L/badErrors"
check "errors only for requests in flight at a kill or a cut, and no 500 ($(awk '$4 ~ /^(000|5)/' "$L/all" | wc -l) errors in all)" \
    "$([ ! -s "$L/badErrors" ]; echo $?)" \
    "$(head -8 "$L/badErrors" | while read -r a _ c d e; do echo "at $(t_rel "$a") s: $c $d $e"; done)"

# What the pool logged about the database.
logs=("$dir/a/apitoken.log" "$dir/b/apitoken.log")
retries=$(cat "${logs[@]}" | grep -c 'event=db_tx_retry')
sretries=$(cat "${logs[@]}" | grep -c 'event=db_retry')
reconn=$(cat "${logs[@]}" | grep -c 'event=db_reconnect')
notready=$(cat "${logs[@]}" | grep -c 'errno=1047')
deadlk=$(cat "${logs[@]}" | grep -c 'errno=1213')
lockwait=$(cat "${logs[@]}" | grep -c 'errno=1205')
exhausted=$(cat "${logs[@]}" | grep -c 'event=db_retries_exhausted')
skipped=$(cat "${logs[@]}" | grep -c 'event=db_host_not_ready')
crashes=$(cat "${logs[@]}" | grep -cE 'event=worker_exited.*status=signal:(6|11)')
check "no worker crashed" "$([ "$crashes" = 0 ]; echo $?)"

cat <<-EOF
	# ---- summary ($([ "$short" = 1 ] && echo short || echo full), $(t_rel "$load_end") s of load)
	# creates: $attempts attempted, $made answered 201, $cerr errors (5xx or no answer), $rows rows, $orphans rows without a 201
	# uses: $usesn requests, $uok accepted (200), $uex token_uses_exhausted, $uerr errors (5xx or no answer)
	# tokens: $(wc -l <"$L/pertoken") with a limit of $LIMIT, $spent spent to the limit; most accepted uses of one token: $(awk '$2 > m { m = $2 } END { print m + 0 }' "$L/pertoken")
	# failover:$failover
	# pool log: $retries transaction retries (db_tx_retry), $sretries statement retries (db_retry), $reconn reconnects, $notready errno=1047 (node not ready), $deadlk errno=1213 (deadlock/certification), $lockwait errno=1205 (lock wait / causal read timeout), $exhausted retries exhausted, $skipped connects that skipped a node not ready
	# events (s after the load began): $(while read -r t w; do printf '%s %s; ' "$w" "$(t_rel "$t")"; done <"$L/events")
EOF
