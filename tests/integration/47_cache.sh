#!/bin/bash
# 47_cache: the per-worker token cache. A token used once is answered from
# the cache (no database read), yet a revocation made through any worker is
# refused by every worker on the very next request; one made on another
# host (here: in SQL, moving the auth epoch as apitoken does) is seen within
# [cache] ttl (2 s here, the default).
. "$APITOKEN_SRCDIR/tests/lib/assert.sh"

U=$(uniq_login ca)
PW="pw-$U-secret"
new_user "$U" "$PW"

# metric NAME: the pool's current value of a counter.
metric() {
	curl -s --max-time 5 "$APITOKEN_URL/metrics" |
	    awk -v n="$1" '$1 == n { print $2 }'
}

# burst TOKEN N: N requests to /api/whoami, 8 at a time, so that every
# worker takes some; prints "count status" lines.
burst() {
	local tok=$1 n=$2
	seq 1 "$n" | xargs -P 8 -I{} curl -s -o /dev/null --max-time 10 \
	    -w '%{http_code}\n' -H "X-Auth-Token: $tok" \
	    "$APITOKEN_URL/api/whoami" | sort | uniq -c |
	    awk '{ print $1, $2 }'
}

# all_status WHAT TOKEN N STATUS: checks that a burst answers only STATUS.
all_status() {
	local got
	got=$(burst "$2" "$3")
	if [ "$got" = "$3 $4" ]; then
		ok "$1"
	else
		not_ok "$1" "wanted $3 × $4, got: $(echo "$got" | tr '\n' ' ')"
	fi
}

workers=$(children "$(master_pid)" | wc -l)
expect_match "the pool runs more than one worker (so 'every worker' means something)" \
    "$workers" '^([2-9]|[1-9][0-9]+)$'

# --- a cached token is answered without the database
T=$(make_token "$U")
ID=$(user_newest_token_id "$U")
h0=$(metric apitoken_token_cache_hits_total)
m0=$(metric apitoken_token_cache_misses_total)
all_status "a fresh token works on every worker" "$T" 40 200
h1=$(metric apitoken_token_cache_hits_total)
m1=$(metric apitoken_token_cache_misses_total)
expect_match "cache counters are exported" "$h0 $m0 $h1 $m1" \
    '^[0-9]+ [0-9]+ [0-9]+ [0-9]+$'
if [ $((m1 - m0)) -le "$workers" ] && [ $((h1 - h0)) -ge $((40 - workers)) ]; then
	ok "40 uses read the database at most once per worker ($((m1 - m0)) misses, $((h1 - h0)) hits)"
else
	not_ok "40 uses read the database at most once per worker" \
	    "misses $((m1 - m0)), hits $((h1 - h0)), workers $workers"
fi
q0=$(sql "SHOW GLOBAL STATUS LIKE 'Com_stmt_execute'" | cut -f2)
all_status "20 more uses all succeed" "$T" 20 200
q1=$(sql "SHOW GLOBAL STATUS LIKE 'Com_stmt_execute'" | cut -f2)
# Other scripts do not run at the same time; allow a lastUsed flush and
# the epoch read (once per ttl for the pool).
if [ $((q1 - q0)) -le 3 ]; then
	ok "20 cached uses run no statement in MariaDB ($((q1 - q0)))"
else
	not_ok "20 cached uses run no statement in MariaDB" "$((q1 - q0)) executed"
fi

# --- another host: its change moves the auth epoch, read once per ttl
sql "UPDATE tokens SET revoked_at = $(now_ms) WHERE public_id = '$ID';
     UPDATE auth_epoch SET n = n + 1 WHERE id = 1"
treq "$T" GET /api/whoami
expect_status "a revocation made by another host is not seen at once (cached)" 200
sleep 2.3
all_status "... but within [cache] ttl every worker refuses it" "$T" 16 401
treq "$T" GET /api/whoami
expect_error "... as token_revoked" 401 token_revoked

# --- by hand in SQL (no epoch): the entry outlives the ttl; SIGUSR2 clears
T1=$(make_token "$U")
ID1=$(user_newest_token_id "$U")
all_status "a token for the by-hand case is cached" "$T1" 40 200
sql "UPDATE tokens SET revoked_at = $(now_ms) WHERE public_id = '$ID1'"
sleep 2.3
treq "$T1" GET /api/whoami
expect_status "a change by hand that moves no epoch is still cached after the ttl" 200
kill -USR2 "$(master_pid)"
sleep 0.2
all_status "after SIGUSR2 to the master every worker refuses it" "$T1" 40 401

# --- through the pool: every worker refuses on the next request
T2=$(make_token "$U")
all_status "a second token is cached by every worker" "$T2" 40 200
req GET /api/revokeApiToken -H "X-Auth-Token: $T2"
expect_status "revokeApiToken through one worker" 200
all_status "the next 40 requests on any worker are refused" "$T2" 40 401

# --- apitokenctl tells the pool (SIGUSR2 to the pid file's master)
T3=$(make_token "$U")
ID3=$(user_newest_token_id "$U")
all_status "a third token is cached by every worker" "$T3" 40 200
ctl token revoke "$ID3" --reason "cache test" >/dev/null 2>&1
all_status "apitokenctl token revoke is refused at once by every worker" "$T3" 40 401
T4=$(make_token "$U")
all_status "a fourth token is cached" "$T4" 40 200
ctl user disable "$U" >/dev/null 2>&1
all_status "apitokenctl user disable refuses the user's cached token at once" "$T4" 40 401
treq "$T4" GET /api/whoami
expect_error "... as user_disabled" 401 user_disabled
ctl user enable "$U" >/dev/null 2>&1
all_status "enabled again, the token works again" "$T4" 16 200

# --- rotation without overlap: the old token stops at once
T5=$(make_token "$U")
ID5=$(user_newest_token_id "$U")
all_status "a fifth token is cached" "$T5" 40 200
breq "$U" POST "/api/tokens/$ID5/rotate" '{"overlap":0}'
expect_status "rotated with no overlap" 201
all_status "the rotated-out token is refused by every worker" "$T5" 16 401

# --- expiry is checked on every cached use
req POST /api/tokens -u "$U:$PW" -H 'Content-Type: application/json' \
    --data-binary '{"description":"short","expires_in":2}'
expect_status "a token expiring in 2 s" 201
TX=$(jq_body .apiToken)
all_status "it works and is cached" "$TX" 16 200
sleep 2.2
treq "$TX" GET /api/whoami
expect_error "once expired, the cached token is refused" 401 token_expired

# --- a cached token still shows its whole row where the API shows it
req POST /api/tokens -u "$U:$PW" -H 'Content-Type: application/json' \
    --data-binary '{"description":"full row please"}'
TD=$(jq_body .apiToken)
all_status "a described token is cached" "$TD" 16 200
treq "$TD" GET /api/tokens/self
expect_status "GET /api/tokens/self with a cached token" 200
expect_json "... shows the description (read in full)" .description "full row please"
finish
