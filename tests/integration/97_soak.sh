#!/bin/bash
# 97_soak: a short soak (tests/soak/run --seconds 40: the bench scenario
# mix at full load on its own stack under var/soak, 20 s warm-up then 20 s
# more): no 5xx, no socket error, no unexpected status, worker RSS growth
# under 5 %, no file descriptor more or less in the master or any worker,
# one MariaDB connection per worker, no worker exit. tests/soak/run
# prints its own ok / not ok lines. The long soak: tests/soak/run [MINUTES].
# SOAK_SECONDS (default 40): its length.
. "$APITOKEN_SRCDIR/tests/lib/assert.sh"

"$APITOKEN_SRCDIR/tests/soak/run" --seconds "${SOAK_SECONDS:-40}" >"$T_DIR/soak.out" 2>&1
rc=$?
cat "$T_DIR/soak.out"
if [ "$rc" = 0 ]; then
	ok "tests/soak/run --seconds ${SOAK_SECONDS:-40} exits 0"
else
	not_ok "tests/soak/run --seconds ${SOAK_SECONDS:-40} exits 0" "exit status $rc"
fi
finish
