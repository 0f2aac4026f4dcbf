#!/usr/bin/env bash
# 85_authorize.sh: GET /api/authorize called directly (what nginx's
# auth_request does): requirements from the query string when the server
# sets none, fail-closed answers, and who called in the X-Apitoken-*
# headers. The web servers' own guards are in 88_guard.
# shellcheck source-path=SCRIPTDIR source=../lib/assert.sh
. "$(dirname "$0")/../lib/assert.sh"

AD=$(uniq_login za)
R=$(uniq_login zr)
PW="pw-$RANDOM-secret"
new_user "$AD" "$PW" --admin || not_ok "apitokenctl user add --admin creates the admin"
new_user "$R" "$PW" || not_ok "apitokenctl user add creates the reader"
breq "$AD" POST /api/containers "{\"name\":\"$(uniq_login zc)\"}"
C=$(jq_body .id)
breq "$AD" PUT "/api/containers/$C/members/$R" '{"permissions":["read"]}'
expect_status "the reader gets read on a container" 200
T=$(make_token "$R")

req GET /api/authorize
expect_error "no credentials: 401 like the API" 401 missing_credentials
treq "$T" GET /api/authorize
expect_status "any valid token passes when nothing is required" 200
expect_header "the caller is named for auth_request_set" X-Apitoken-User "^$R"
expect_header "so is the token id" X-Apitoken-Token-Id '^[0-9A-Za-z]{16}'
treq "$T" GET "/api/authorize?container=$C&permission=read"
expect_status "read on the container passes" 200
expect_header "the effective flags are given" X-Apitoken-Permissions '^read'
treq "$T" GET "/api/authorize?container=$C&permission=write"
expect_error "write on it is refused" 403 insufficient_scope
expect_json "the refusal names write" .permission write
treq "$T" GET "/api/authorize?permission=read"
expect_error "a permission without a container is 400" 400 missing_field
treq "$T" GET "/api/authorize?container=abc"
expect_error "a container that is not a number is 400" 400 invalid_field
treq "$T" GET "/api/authorize?container=$C&permission=fly"
expect_error "an unknown permission is 400" 400 invalid_field
treq "$T" HEAD "/api/authorize?container=$C&permission=read"
expect_status "HEAD works too (nginx may send it)" 200
req GET "/api/authorize?container=$C&permission=read" -u "$R:$PW"
expect_status "Basic credentials are accepted too" 200
finish
