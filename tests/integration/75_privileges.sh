#!/bin/bash
# 75_privileges: started as root with [server] user set, the workers run as
# that user (the master alone keeps root, to reload and reopen logs); the
# secret file is not readable by anyone else.
. "$APITOKEN_SRCDIR/tests/lib/assert.sh"

M=$(master_pid)
# [server] user only: [database] has a user key too.
user=$(awk -F' *= *' '/^\[/ { s = $0 } s == "[server]" && $1 == "user" { print $2; exit }' \
    "$APITOKEN_CONF")
if [ "$(id -u)" != 0 ] || [ -z "$user" ]; then
	# Not root, or no user to drop to (nobody cannot reach the checkout).
	skip "workers run as [server] user" "not root, or no [server] user"
else
	want=$(id -u "$user")
	bad=0
	for k in $(children "$M"); do
		uid=$(awk '/^Uid:/ { print $2 }' "/proc/$k/status" 2>/dev/null)
		[ "$uid" = "$want" ] || bad=$((bad + 1))
	done
	expect_eq "every worker runs as $user (uid $want)" "$bad" 0
	for k in $(children "$M"); do
		e=$(awk '/^Uid:/ { print $3 }' "/proc/$k/status" 2>/dev/null)
		expect_eq "worker $k cannot be root again (effective uid $want)" "$e" "$want"
		break
	done
fi
secret=$(sed -n 's/^secret_file *= *//p' "$APITOKEN_CONF" | head -1)
mode=$(stat -c '%a' "$secret" 2>/dev/null)
expect_eq "the secret file is mode 600" "$mode" 600
finish
