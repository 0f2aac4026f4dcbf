#!/bin/bash
# 55_head: HEAD is answered only where nothing changes; a HEAD request can
# never mint or revoke a token.
. "$APITOKEN_SRCDIR/tests/lib/assert.sh"

U=$(uniq_login hd)
PW="pw-$U-secret"
new_user "$U" "$PW"
T=$(make_token "$U")

req HEAD /api/whoami -H "X-Auth-Token: $T"
expect_status "HEAD /api/whoami with a token is 200" 200
expect_eq "HEAD sends no body" "$(wc -c <"$RES_BODY_FILE" | tr -d ' ')" 0

req HEAD /api/createApiToken -u "$U:$PW"
expect_status "HEAD /api/createApiToken is 405" 405
expect_header "its Allow header lists GET and POST only" Allow '^GET, POST$'
req GET /api/getApiTokens -H "X-Auth-Token: $T"
expect_json "the HEAD minted no token (still one)" 'length' 1

req HEAD /api/revokeApiToken -H "X-Auth-Token: $T"
expect_status "HEAD /api/revokeApiToken is 405" 405
req GET /api/whoami -H "X-Auth-Token: $T"
expect_status "the token still works after the HEAD" 200
finish
