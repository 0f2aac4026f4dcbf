#!/usr/bin/env bash
# 05_readme.sh: README's Deploying and Guarding sections quote each
# conf-examples file verbatim (the files tests/run actually uses), so the
# documentation cannot drift from what is tested.
# shellcheck source-path=SCRIPTDIR source=../lib/assert.sh
. "$(dirname "$0")/../lib/assert.sh"

readme="$APITOKEN_SRCDIR/README.md"
mapfile -t files < <(sed -n 's/^<!-- conf-examples\/\(.*\) -->$/\1/p' "$readme")
expect_match "README quotes the web-server configurations" "${files[*]}" \
    'lighttpd-apitoken.conf nginx-apitoken.conf apache-proxy-fcgi.conf'
for f in "${files[@]}"; do
	# The fenced block right after the marker, without its fences.
	awk -v m="<!-- conf-examples/$f -->" '
		$0 == m { want = 1; next }
		want == 1 && /^```/ { want = 2; next }
		want == 2 && /^```$/ { exit }
		want == 2 { print }' "$readme" >"$T_DIR/quoted"
	if cmp -s "$T_DIR/quoted" "$APITOKEN_SRCDIR/conf-examples/$f"; then
		ok "README quotes conf-examples/$f verbatim"
	else
		not_ok "README quotes conf-examples/$f verbatim (run scripts/readme-sync)" \
		    "$(diff "$T_DIR/quoted" "$APITOKEN_SRCDIR/conf-examples/$f" | head -5)"
	fi
done
finish
