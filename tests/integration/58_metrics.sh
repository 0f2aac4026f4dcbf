#!/usr/bin/env bash
# 58_metrics.sh: GET /metrics: Prometheus text, counters summed over every
# worker (shared memory), latency histogram, refusals by reason, tokens
# created/revoked; only [http] metrics_allow addresses may read it.
# shellcheck source-path=SCRIPTDIR source=../lib/assert.sh
. "$(dirname "$0")/../lib/assert.sh"

# metric NAME_WITH_LABELS: its value in the last /metrics answer, 0 if absent.
metric() {
	awk -v k="$1" '$1 == k { print $2; found = 1 } END { if (!found) print 0 }' \
	    "$RES_BODY_FILE"
}
scrape() { req GET /metrics; }

U=$(uniq_login mt)
PW="pw-$RANDOM-secret"
new_user "$U" "$PW" || not_ok "apitokenctl user add creates the test user"
TOK=$(make_token "$U")

scrape
expect_status "/metrics answers 200 to 127.0.0.1" 200
expect_header "it is Prometheus text" Content-Type '^text/plain; version=0\.0\.4'
check "it has the requests counter" grep -q '^# TYPE apitoken_requests_total counter$' "$RES_BODY_FILE"
check "it has the latency histogram" grep -q '^apitoken_request_duration_seconds_bucket{le="+Inf"} ' "$RES_BODY_FILE"
before=$(metric 'apitoken_requests_total{route="/api/whoami",status="200"}')
bad_before=$(metric 'apitoken_auth_failures_total{reason="invalid_token"}')
created_before=$(metric apitoken_tokens_created_total)
revoked_before=$(metric apitoken_tokens_revoked_total)
count_before=$(metric apitoken_request_duration_seconds_count)

# 20 requests spread over both workers, 3 refused tokens, one create/revoke.
for ((i = 0; i < 20; i++)); do
	curl -s -o /dev/null -H "X-Auth-Token: $TOK" "$APITOKEN_URL/api/whoami"
done
for ((i = 0; i < 3; i++)); do
	curl -s -o /dev/null -H "X-Auth-Token: atk_not-a-token" \
	    "$APITOKEN_URL/api/whoami"
done
T2=$(curl -s -u "$U:$PW" "$APITOKEN_URL/api/createApiToken" | jq -r .apiToken)
curl -s -o /dev/null -H "X-Auth-Token: $T2" "$APITOKEN_URL/api/revokeApiToken"

scrape
expect_eq "20 whoami answers are counted exactly, over every worker" \
    "$(( $(metric 'apitoken_requests_total{route="/api/whoami",status="200"}') - before ))" 20
check "the refused tokens are counted as refusals" \
    test "$(metric 'apitoken_auth_failures_total{reason="malformed_token"}')" -ge 3
expect_eq "no invalid_token refusal was made up" \
    "$(metric 'apitoken_auth_failures_total{reason="invalid_token"}')" "$bad_before"
check "tokens created grew (apitokenctl's do not count: another process)" \
    test "$(metric apitoken_tokens_created_total)" -ge $((created_before + 1))
check "tokens revoked grew" \
    test "$(metric apitoken_tokens_revoked_total)" -ge $((revoked_before + 1))
check "the histogram count grew with the requests" \
    test "$(metric apitoken_request_duration_seconds_count)" -ge $((count_before + 24))
# shellcheck disable=SC2016  # awk's own $2
check "histogram buckets are cumulative" awk '
	/^apitoken_request_duration_seconds_bucket/ { if ($2 < last) bad = 1; last = $2 }
	END { exit bad }' "$RES_BODY_FILE"
if grep -q "$TOK" "$RES_BODY_FILE"; then
	not_ok "no token appears in /metrics"
else
	ok "no token appears in /metrics"
fi

# --- only metrics_allow addresses: shut 127.0.0.1 out, then restore.
CONF_BAK="${APITOKEN_TEST_DIR:-/tmp}/58_metrics.conf.$$"
restore() {
	[ -s "$CONF_BAK" ] || return 0
	cat "$CONF_BAK" >"$APITOKEN_CONF" && rm -f "$CONF_BAK" && reload_pool
}
trap restore EXIT
cp "$APITOKEN_CONF" "$CONF_BAK"
sed '/^[[:space:]]*\[http\][[:space:]]*$/a metrics_allow = 10.0.0.0/8' "$CONF_BAK" >"$APITOKEN_CONF"
if reload_pool; then
	scrape
	expect_error "/metrics refuses an address outside metrics_allow" 403 metrics_not_allowed
else
	not_ok "the pool reloads with metrics_allow = 10.0.0.0/8"
fi
restore
scrape
expect_status "after the restore 127.0.0.1 may read /metrics again" 200
finish
