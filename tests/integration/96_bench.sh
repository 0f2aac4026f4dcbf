#!/usr/bin/env bash
# 96_bench.sh: the benchmark itself still works. bench/run --quick starts
# its own stack under var/bench (its own MariaDB, pool, floors and lighttpd
# on a free port, beside this suite's under var/test), runs every scenario
# for 2 s and prints its table. Only that it ran is checked: every row is
# there and served requests, the bad-token scenarios had no errors and the
# malformed token cost no database round trip. Never its speed: that
# depends on the machine and on what else runs on it.
# shellcheck source-path=SCRIPTDIR source=../lib/assert.sh
. "$(dirname "$0")/../lib/assert.sh"

log="$T_DIR/bench.out"
"$APITOKEN_SRCDIR/bench/run" --quick >"$log" 2>&1
rc=$?
if [ "$rc" = 0 ]; then
	ok "bench/run --quick exits 0"
else
	not_ok "bench/run --quick exits 0" "exit status $rc" "$(tail -15 "$log")"
fi

# The table's rows: "| ID | scenario | requests | req/s | p50 | p99 |
# errors | x hello | x db | round trips/req | ...".
# col ID N: column N (1 = ID) of row ID, trimmed; empty when there is none.
col() {
	awk -F'|' -v id="$1" -v n="$2" '
	    { f = $2; gsub(/^ +| +$/, "", f) }
	    f == id { v = $(n + 1); gsub(/^ +| +$/, "", v); print v; exit }' "$log"
}

# Without a table there is nothing more to look at: one failure, not 13.
if ! grep -q '^| hello |' "$log"; then
	not_ok "bench/run --quick prints its table" "$(tail -15 "$log")"
	finish
fi
for id in hello db 1 2 3 4 5 6 7; do
	req=$(col "$id" 3)
	if [ -z "$req" ]; then
		not_ok "the table has a row for scenario $id" "$(grep '^|' "$log" | head -12)"
	elif [ "$req" -gt 0 ] 2>/dev/null; then
		ok "scenario $id served requests ($req)"
	else
		not_ok "scenario $id served requests" "requests: '$req'"
	fi
done
expect_eq "the malformed-token scenario (3) had no errors" "$(col 3 7)" 0
expect_eq "the unknown-token scenario (4) had no errors" "$(col 4 7)" 0
# Printed with two decimals: 0.00 means no query at all for a malformed
# token (at most a stray statement of the pool over thousands of requests).
expect_eq "the malformed token costs no database round trip" "$(col 3 10)" 0.00
finish
