#!/usr/bin/env bash
# 06_install.sh: `make install` puts the programs, every schema migration,
# every conf-examples file and the three man pages under the prefix (a
# migration left out of Makefile.am would be missing on installed systems).
# shellcheck source-path=SCRIPTDIR source=../lib/assert.sh
. "$(dirname "$0")/../lib/assert.sh"

dest="$T_DIR/destdir"
rm -rf "$dest"
if make -C "$APITOKEN_SRCDIR" install DESTDIR="$dest" >"$T_DIR/install.log" 2>&1; then
	ok "make install DESTDIR=... succeeds"
else
	not_ok "make install DESTDIR=... succeeds" "$(tail -5 "$T_DIR/install.log")"
fi
prefix=$(sed -n 's/^prefix = //p' "$APITOKEN_SRCDIR/Makefile")
root="$dest$prefix"
check "apitoken-fcgi is installed in sbin" test -x "$root/sbin/apitoken-fcgi"
check "apitokenctl is installed in bin" test -x "$root/bin/apitokenctl"
for f in "$APITOKEN_SRCDIR"/schema/*.sql; do
	check "schema/$(basename "$f") is installed" \
	    cmp -s "$f" "$root/share/apitoken/schema/$(basename "$f")"
done
for f in "$APITOKEN_SRCDIR"/conf-examples/*; do
	check "conf-examples/$(basename "$f") is installed" \
	    cmp -s "$f" "$root/share/apitoken/conf-examples/$(basename "$f")"
done
check "apitoken-fcgi(8) is installed" test -s "$root/share/man/man8/apitoken-fcgi.8"
check "apitokenctl(8) is installed" test -s "$root/share/man/man8/apitokenctl.8"
check "apitoken.conf(5) is installed" test -s "$root/share/man/man5/apitoken.conf.5"
rm -rf "$dest"
finish
