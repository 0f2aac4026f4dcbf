#!/usr/bin/env bash
# 89_browser.sh: the browser token page (/app/). curl checks what is served
# (types, CSP, no inline script or style), then headless Chromium, driven by
# Playwright (tests/browser/token_page.mjs), signs in, creates a token that
# is shown once, uses it with curl, revokes it with confirmation, makes a
# container token (only the permissions held are offered, a reason is
# required), uses and revokes it, and checks that pages of other origins
# cannot mint with the session.
# Needs node and Debian's chromium; playwright-core is installed with npm
# into var/npm (kept between runs) when missing. Screenshots of each step go
# to $APITOKEN_TEST_DIR/screenshots/.
# shellcheck source-path=SCRIPTDIR source=../lib/assert.sh
. "$(dirname "$0")/../lib/assert.sh"

PLAYWRIGHT_VERSION=1.65.1
CHROMIUM=${APITOKEN_CHROMIUM:-/usr/bin/chromium}
NPM_DIR=${APITOKEN_NPM_DIR:-$APITOKEN_SRCDIR/var/npm}
SHOTS=${APITOKEN_TEST_DIR:-$T_DIR}/screenshots

# ------------------------------------------------ what the server sends
req GET /app/
expect_status "GET /app/ answers 200" 200
expect_header "the page is HTML" Content-Type '^text/html; charset=utf-8$'
expect_header "the page has a Content-Security-Policy" \
    Content-Security-Policy "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'"
expect_header "the CSP forbids framing, base and foreign form targets" \
    Content-Security-Policy "frame-ancestors 'none'.*base-uri 'none'"
expect_header "the CSP has form-action 'self'" Content-Security-Policy \
    "form-action 'self'"
expect_no_header_match "the CSP allows no inline script, style or eval" \
    Content-Security-Policy "unsafe-inline|unsafe-eval|\\*|data:"
expect_header "the page is served with nosniff" X-Content-Type-Options '^nosniff$'
expect_header "the page may not be framed (X-Frame-Options)" X-Frame-Options '^DENY$'
page_html=$RES_BODY
# Inline code would be refused by the CSP; make sure there is none: every
# <script> has a src and nothing inside, no <style>, no style= or on...=.
inline=$(printf '%s' "$page_html" | tr '\n' ' ' | grep -Eio \
    '<script[^>]*>[^<]*|<style|[[:space:]](style|on[a-z]+)=' |
    grep -Eiv '^<script [^>]*src="[^"]+"[^>]*>$')
expect_eq "the page has no inline script, style or event handler" "$inline" ""
if printf '%s' "$page_html" | grep -Eiq '(src|href)="(https?:)?//'; then
	not_ok "the page loads nothing from another site" \
	    "$(printf '%s' "$page_html" | grep -Eio '(src|href)="[^"]*"' | head -5)"
else
	ok "the page loads nothing from another site"
fi
# Every input and select has a <label for=...>.
missing=""
for id in $(printf '%s' "$page_html" | grep -Eo '<(input|select)[^>]* id="[^"]+"' |
    sed 's/.* id="\([^"]*\)"/\1/'); do
	printf '%s' "$page_html" | grep -q "<label for=\"$id\"" || missing="$missing $id"
done
expect_eq "every input of the page has a label" "${missing# }" ""

req GET /app/app.js
expect_status "GET /app/app.js answers 200" 200
expect_header "the script is JavaScript" Content-Type '^text/javascript'
expect_header "the script is served with nosniff" X-Content-Type-Options '^nosniff$'
if cmp -s "$RES_BODY_FILE" "$APITOKEN_SRCDIR/fcgi-app/page/app.js"; then
	ok "the served script is fcgi-app/page/app.js byte for byte"
else
	not_ok "the served script is fcgi-app/page/app.js byte for byte"
fi
req GET /app/app.css
expect_status "GET /app/app.css answers 200" 200
expect_header "the style sheet is CSS" Content-Type '^text/css'
if cmp -s "$RES_BODY_FILE" "$APITOKEN_SRCDIR/fcgi-app/page/app.css"; then
	ok "the served style sheet is fcgi-app/page/app.css byte for byte"
else
	not_ok "the served style sheet is fcgi-app/page/app.css byte for byte"
fi
req HEAD /app/
expect_status "HEAD /app/ answers 200" 200
req POST /app/ -H 'Content-Type: application/json' --data-binary '{}'
expect_error "POST /app/ is 405" 405 wrong_method
expect_header "the 405 says GET and HEAD" Allow '^GET, HEAD$'
req GET /app/nothing.js
expect_error "an unknown file under /app/ is 404" 404 no_such_route

# ------------------------------------------------ the browser
if ! command -v node >/dev/null 2>&1 || [ ! -x "$CHROMIUM" ]; then
	not_ok "chromium and node are installed" \
	    "node: $(command -v node || echo missing); chromium: $CHROMIUM $([ -x "$CHROMIUM" ] || echo missing)" \
	    "Debian: apt-get install chromium nodejs npm (scripts/deps --test)"
	finish
fi
ok "chromium and node are installed"

pw_dir="$NPM_DIR/node_modules/playwright-core"
have=$(node -p "require('$pw_dir/package.json').version" 2>/dev/null)
if [ "$have" != "$PLAYWRIGHT_VERSION" ]; then
	mkdir -p "$NPM_DIR"
	if ! command -v npm >/dev/null 2>&1 ||
	    ! npm install --prefix "$NPM_DIR" --no-audit --no-fund \
	    --no-package-lock --loglevel=error \
	    "playwright-core@$PLAYWRIGHT_VERSION" >"$T_DIR/npm.log" 2>&1; then
		not_ok "playwright-core $PLAYWRIGHT_VERSION is installed in $NPM_DIR" \
		    "$(tail -5 "$T_DIR/npm.log" 2>/dev/null)"
		finish
	fi
fi
ok "playwright-core $PLAYWRIGHT_VERSION is installed in $NPM_DIR"

PW=pw-$$-$RANDOM
login=$(uniq_login page)
if new_user "$login" "$PW"; then
	ok "a user for the page exists"
else
	not_ok "a user for the page exists"
	finish
fi

# A container where the page's user holds read and access (no write, no
# manage), made by an admin user.
admin=$(uniq_login pagead)
cname=$(uniq_login pagec)
cid=
if new_user "$admin" "$PW" --admin; then
	breq "$admin" POST /api/containers "{\"name\": \"$cname\"}"
	[ "$RES_STATUS" = 201 ] && cid=$(jq_body '.id // empty')
fi
if [ -n "$cid" ]; then
	breq "$admin" PUT "/api/containers/$cid/members/$login" \
	    '{"permissions": ["read", "access"]}'
fi
if [ -n "$cid" ] && [ "$RES_STATUS" = 200 ]; then
	ok "the page's user holds read,access on container $cname"
else
	not_ok "the page's user holds read,access on container $cname" \
	    "status $RES_STATUS: $RES_BODY"
	finish
fi

mkdir -p "$SHOTS"
# Chromium (Playwright's launch) needs a writable HOME for its profile.
APITOKEN_URL=$APITOKEN_URL PAGE_LOGIN=$login PAGE_PASSWORD=$PW \
    PAGE_CONTAINER_ID=$cid PAGE_CONTAINER_NAME=$cname \
    PAGE_SHOTS=$SHOTS PAGE_CHROMIUM=$CHROMIUM \
    PAGE_NODE_MODULES="$NPM_DIR/node_modules" HOME=$T_DIR \
    timeout 240 node "$APITOKEN_SRCDIR/tests/browser/token_page.mjs" \
    >"$T_DIR/browser.out" 2>"$T_DIR/browser.err"
rc=$?
cat "$T_DIR/browser.out"
T_CHECKS=$((T_CHECKS + $(grep -c '^ok' "$T_DIR/browser.out")))
bad=$(grep -c '^not ok' "$T_DIR/browser.out")
T_CHECKS=$((T_CHECKS + bad))
T_FAILS=$((T_FAILS + bad))
if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
	not_ok "token_page.mjs ends with status 0" "status $rc" \
	    "$(tail -5 "$T_DIR/browser.err")"
fi
n=$(find "$SHOTS" -name '*.png' | wc -l)
expect_match "screenshots of the steps are in $SHOTS" "$n" '^([5-9]|[1-9][0-9]+)$'

# ------------------------------------------------ after the browser, by API
breq "$login" GET /api/getApiTokens
expect_json "the cross-site pages minted nothing (Basic getApiTokens)" \
    '[.[] | select(.description | test("^evil"))] | length' 0
expect_json "only the token made on the phone-sized page is left" \
    '[.[].description] | join(",")' phone
breq "$admin" GET "/api/tokens?kind=container&container=$cid"
expect_json "the page made one container token (none without a reason)" \
    '.tokens | length' 1
expect_json "the container token has the reason given on the page" \
    '.tokens[0].reason' "browser test of container $cname"
expect_json "the container token carries only read" \
    '.tokens[0].permissions | join(",")' read
expect_json "the container token is revoked" '.tokens[0].state' revoked
finish
