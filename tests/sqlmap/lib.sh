# shellcheck shell=bash
# tests/sqlmap/lib.sh: what tests/integration/94_sqlmap.sh (the short
# profile, in tests/run) and tests/sqlmap/run (the full --level 5 --risk 3
# run) share: the fixtures, the targets (every route of fcgi-app/route.c and
# doc/api.md that reads a parameter, a header or the cookie), one sqlmap run
# per target, its verdict, and the control run against a deliberately
# injectable page (tests/sqlmap/vulnerable.py). sqlmap only ever targets
# 127.0.0.1.
#
# The caller sets:
#   SQ_URL      http://127.0.0.1:PORT of the web server in front of the pool
#   SQ_OUT      a directory for sqlmap's output (one subdirectory a target)
#   SQ_CTL      array: apitokenctl with the stack's config
#   SQ_PROFILE  short | full
# and calls sq_fixtures, sq_targets, then sq_run_one for each target (or
# sq_run_all) and sq_control. Results: one line a target in
# $SQ_OUT/results.tsv (see sq_run_one).

SQ_COOKIE_NAME=${SQ_COOKIE_NAME:-apitoken_session}

# sq_options: the sqlmap options of the profile in SQ_OPTS, the time limit
# of one target in SQ_LIMIT (seconds). MariaDB is MySQL to sqlmap; naming
# it skips the payloads of the other ten DBMSes, which could not apply.
sq_options() {
	# Without parameters sqlmap would also inject into the path's end;
	# the targets name their places (path segments with "*" marks).
	local common=(--batch --disable-coloring --flush-session --dbms=MySQL
		--ignore-code=401 --timeout=15 --retries=1
		"--answers=URI injections=N")
	if [ "$SQ_PROFILE" = full ]; then
		# Every technique (time-based too, 2 s a delay), every payload.
		SQ_OPTS=("${common[@]}" --level=5 --risk=3 --time-sec=2)
		SQ_LIMIT=${SQ_LIMIT:-4200}
	else
		# Boolean, error and UNION: fast, and immune to a loaded machine's
		# timing noise (time-based payloads are left to the full run).
		SQ_OPTS=("${common[@]}" --level=1 --risk=1 --technique=BEU)
		SQ_LIMIT=${SQ_LIMIT:-60}
	fi
}

# sq_ctl ARGS...: apitokenctl with the stack's config.
sq_ctl() { "${SQ_CTL[@]}" "$@"; }

# sq_token LOGIN: a new personal token of LOGIN in SQ_LAST_TOKEN, its
# public id in SQ_LAST_ID (apitokenctl says "created token ID (...)" on
# stderr).
sq_token() {
	SQ_LAST_TOKEN=$(sq_ctl token create "$1" 2>"$SQ_OUT/ctl.err" | tail -n 1)
	SQ_LAST_ID=$(sed -n 's/^created token \([^ ]*\) .*/\1/p' "$SQ_OUT/ctl.err")
	[ -n "$SQ_LAST_TOKEN" ] && [ -n "$SQ_LAST_ID" ]
}

# sq_login LOGIN PASSWORD: a session id of LOGIN on stdout.
sq_login() {
	curl -s -D - -o /dev/null --max-time 10 -H 'Content-Type: application/json' \
	    --data-binary "$(jq -nc --arg l "$1" --arg p "$2" '{login: $l, password: $p}')" \
	    "$SQ_URL/api/login" | tr -d '\r' |
	    sed -n "s/^[Ss]et-[Cc]ookie: $SQ_COOKIE_NAME=\([^;]*\);.*/\1/p" | head -n 1
}

# sq_fixtures: users, tokens, a container, identities and sessions for the
# targets, with names of their own. Status 1 (and a line on stderr) when
# any could not be made.
sq_fixtures() {
	local tag="sq$$x$RANDOM" u
	mkdir -p "$SQ_OUT" || return 1
	SQ_PW="sq-$RANDOM-$RANDOM-password"
	SQ_USER="${tag}u" SQ_ADMIN="${tag}a" SQ_MEMBER="${tag}m" SQ_MEMBER2="${tag}n"
	# The create targets mint a token a request: tens of thousands in the
	# full run, for a user of their own (a list of them all would be a
	# page of megabytes for the list targets).
	SQ_MINT="${tag}t"
	for u in "$SQ_USER" "$SQ_MEMBER" "$SQ_MEMBER2" "$SQ_MINT"; do
		printf '%s\n' "$SQ_PW" | sq_ctl user add "$u" --password-stdin \
		    >/dev/null || { echo "sq_fixtures: user add $u failed" >&2; return 1; }
	done
	printf '%s\n' "$SQ_PW" | sq_ctl user add "$SQ_ADMIN" --admin --password-stdin \
	    >/dev/null || { echo "sq_fixtures: user add $SQ_ADMIN failed" >&2; return 1; }
	SQ_CNAME="${tag}c"
	SQ_CID=$(sq_ctl container add "$SQ_CNAME" | sed -n 's/.*(id \([0-9]*\)).*/\1/p')
	[ -n "$SQ_CID" ] || { echo "sq_fixtures: container add failed" >&2; return 1; }
	# shellcheck disable=SC2015  # any step failing is the error
	sq_ctl container grant "$SQ_CNAME" "$SQ_USER" read,write,manage,access >/dev/null &&
	    sq_ctl container grant "$SQ_CNAME" "$SQ_MEMBER" read >/dev/null &&
	    sq_ctl container grant "$SQ_CNAME" "$SQ_MEMBER2" read >/dev/null &&
	    sq_ctl container grant "$SQ_CNAME" "$SQ_MINT" read >/dev/null ||
	    { echo "sq_fixtures: container grant failed" >&2; return 1; }
	# Two identities: one whose token the targets use, one they change.
	SQ_INAME="${tag}i" SQ_INAME2="${tag}j"
	# shellcheck disable=SC2015
	sq_ctl identity add "$SQ_INAME" --role member >/dev/null &&
	    sq_ctl identity add "$SQ_INAME2" --role member >/dev/null &&
	    sq_ctl identity grant "$SQ_INAME" "$SQ_CNAME" admin >/dev/null ||
	    { echo "sq_fixtures: identity add/grant failed" >&2; return 1; }
	SQ_IID=$(sq_ctl identity list | awk -F'\t' -v n="$SQ_INAME" '$2 == n { print $1 }')
	SQ_IID2=$(sq_ctl identity list | awk -F'\t' -v n="$SQ_INAME2" '$2 == n { print $1 }')
	SQ_ITOK=$(sq_ctl identity token "$SQ_INAME" 2>/dev/null | tail -n 1)
	# shellcheck disable=SC2015
	sq_token "$SQ_USER" && SQ_TOK=$SQ_LAST_TOKEN &&
	    sq_token "$SQ_MINT" && SQ_MTOK=$SQ_LAST_TOKEN &&
	    sq_token "$SQ_ADMIN" && SQ_ATOK=$SQ_LAST_TOKEN &&
	    sq_token "$SQ_USER" && SQ_OTHER=$SQ_LAST_TOKEN && SQ_TID=$SQ_LAST_ID &&
	    sq_token "$SQ_USER" && SQ_TID_DEL=$SQ_LAST_ID &&
	    sq_token "$SQ_USER" && SQ_TID_ROT=$SQ_LAST_ID &&
	    sq_token "$SQ_USER" && SQ_THROW=$SQ_LAST_TOKEN &&
	    sq_token "$SQ_USER" && SQ_THROW2=$SQ_LAST_TOKEN ||
	    { echo "sq_fixtures: token create failed" >&2; return 1; }
	SQ_SID=$(sq_login "$SQ_USER" "$SQ_PW")
	SQ_SID2=$(sq_login "$SQ_USER" "$SQ_PW")
	SQ_MSID=$(sq_login "$SQ_MINT" "$SQ_PW")
	if [ -z "$SQ_IID" ] || [ -z "$SQ_IID2" ] || [ -z "$SQ_ITOK" ] ||
	    [ -z "$SQ_TID" ] || [ -z "$SQ_SID" ] || [ -z "$SQ_SID2" ] ||
	    [ -z "$SQ_MSID" ]; then
		echo "sq_fixtures: identity ids, identity token, token id or session missing" >&2
		return 1
	fi
}

# sq_target TIER NAME AUTH METHOD PATH DATA PARAMS [FULL_PARAMS [FULL_OPT...]]: one
# target. TIER: main (both profiles) or full (the full run only). AUTH:
# none, token, bearer, admin, identity, throw (a token the target revokes),
# session, logout (a session the target ends), mint and mintsession (the
# token and a session of the user whose tokens the create targets make). PATH may carry sqlmap's "*"
# marks (path segments: then only the marked places are tested); DATA is a
# form or JSON body. PARAMS (comma list for sqlmap -p) are tested in both
# profiles, FULL_PARAMS (headers, mostly) in the full run only, and
# FULL_OPTs are sqlmap options of this target in the full run (its own
# level and risk, codes to ignore).
sq_target() {
	local p=$7 extra=${8:-}
	[ "$1" = full ] && [ "$SQ_PROFILE" != full ] && return 0
	if [ "$SQ_PROFILE" = full ] && [ $# -gt 8 ]; then
		SQ_T_OPTS+=("${*:9}")
	else
		SQ_T_OPTS+=("")
	fi
	SQ_T_NAME+=("$2")
	SQ_T_AUTH+=("$3")
	SQ_T_METHOD+=("$4")
	SQ_T_PATH+=("$5")
	SQ_T_DATA+=("$6")
	[ "$SQ_PROFILE" = full ] && [ -n "$extra" ] && p="$p${p:+,}$extra"
	SQ_T_PARAMS+=("$p")
}

# sq_targets: the list. Headers: User-Agent is stored (sessions, audit),
# Referer and Host feed the CSRF check (tested where all three meet: a
# cookie-authenticated create), X-Auth-Token and Authorization carry
# tokens, the cookie a session id.
sq_targets() {
	local c=$SQ_CID i=$SQ_IID i2=$SQ_IID2 ua=User-Agent,Referer,Host
	SQ_T_NAME=() SQ_T_AUTH=() SQ_T_METHOD=() SQ_T_PATH=() SQ_T_DATA=() SQ_T_PARAMS=()
	SQ_T_OPTS=()
	# Every login request pays an argon2id check (unknown logins too,
	# against password.c's dummy hash): 0.2-0.8 s a request on 2 cores,
	# 15-50 min a login target in the full run, which still gives them
	# level 5 risk 3 like every other target. They come first in the list
	# so that they start at once, side by side with the others.
	sq_target main login-form none POST /api/login \
	    "login=$SQ_USER&password=$SQ_PW" login
	sq_target main login-form-password none POST /api/login \
	    "login=$SQ_USER&password=$SQ_PW" password
	sq_target full login-json none POST /api/login \
	    "{\"login\":\"$SQ_USER\",\"password\":\"$SQ_PW\"}" login
	sq_target full logout logout POST /api/logout "" "$SQ_COOKIE_NAME"
	# A created token's answer is 190 bytes of which 80 change every time
	# (token, id, times, hint): compared as text, a page that changes that
	# much made sqlmap think a place injectable, then rule it out, in two
	# full runs out of two, which cuts the place's tests short (sq_verdict).
	# The full run tells it a true page by its status, 200: a token made.
	sq_target main create-query mint GET \
	    "/api/createApiToken?description=sq&expires_in=3600" "" \
	    description,expires_in,X-Auth-Token User-Agent --code=200
	sq_target main create-form-session mintsession POST /api/createApiToken \
	    "description=sq&expires_in=3600" "description,expires_in,$SQ_COOKIE_NAME" \
	    "$ua" --code=200
	sq_target full create-json mint POST /api/createApiToken \
	    '{"description":"sq","expires_in":3600}' description,expires_in "" --code=200
	sq_target main list-session session GET /api/getApiTokens "" "$SQ_COOKIE_NAME"
	sq_target main revoke-header throw GET /api/revokeApiToken "" X-Auth-Token
	sq_target main whoami-bearer bearer GET /api/whoami "" Authorization
	sq_target full containers-create admin POST /api/containers \
	    "{\"name\":\"${SQ_CNAME}x\"}" name
	sq_target full containers-list token GET /api/containers "" X-Auth-Token
	sq_target full members-list token GET "/api/containers/$c*/members" "" ""
	sq_target main member-put token PUT "/api/containers/$c/members/$SQ_MEMBER*" \
	    '{"permissions":["read"]}' ""
	# The first request removes the member: a 404 from then on.
	sq_target full member-delete token DELETE \
	    "/api/containers/$c/members/$SQ_MEMBER2*" "" "" "" --ignore-code=401,404
	sq_target full container-token token POST "/api/containers/$c/tokens" \
	    '{"description":"sq","permissions":["read"],"reason":"sq","expires_in":3600}' \
	    description,permissions,reason,expires_in
	sq_target main container-check token GET \
	    "/api/containers/$c*/check?permission=read*" "" ""
	sq_target full identities-create admin POST /api/identities \
	    "{\"name\":\"${SQ_INAME}x\",\"org_role\":\"member\",\"access_token_ttl\":60,\"access_token_max_ttl\":120,\"access_token_num_uses_limit\":5,\"access_token_trusted_ips\":[\"127.0.0.1/32\"]}" \
	    name,org_role,access_token_ttl,access_token_max_ttl,access_token_num_uses_limit,access_token_trusted_ips
	sq_target full identities-list admin GET /api/identities "" X-Auth-Token
	sq_target full identity-get admin GET "/api/identities/$i*" "" ""
	sq_target full identity-patch admin PATCH "/api/identities/$i2" \
	    '{"org_role":"member","access_token_ttl":60,"access_token_max_ttl":120,"access_token_num_uses_limit":3,"access_token_trusted_ips":["127.0.0.1/32"],"disabled":false}' \
	    org_role,access_token_ttl,access_token_max_ttl,access_token_num_uses_limit,access_token_trusted_ips,disabled
	sq_target full identity-role admin PUT "/api/identities/$i2/containers/$c*" \
	    '{"role":"viewer"}' ""
	sq_target full identity-token admin POST "/api/identities/$i/tokens" \
	    '{"description":"sq","access_token_ttl":60,"access_token_max_ttl":60,"access_token_num_uses_limit":1,"access_token_trusted_ips":["127.0.0.1/32"]}' \
	    description,access_token_ttl,access_token_max_ttl,access_token_num_uses_limit,access_token_trusted_ips
	sq_target main tokens-list token GET \
	    "/api/tokens?kind=personal&container=$c&identity=$i&state=active&limit=10&offset=0" \
	    "" kind,container,identity,state,limit,offset
	sq_target main tokens-create mint POST /api/tokens \
	    "{\"description\":\"sq\",\"expires_in\":3600,\"permissions\":[\"read\"],\"container\":$c}" \
	    description,expires_in,permissions,container
	sq_target full token-self identity GET /api/tokens/self "" X-Auth-Token
	sq_target full token-renew identity POST /api/tokens/renew "" X-Auth-Token
	sq_target main token-get token GET "/api/tokens/$SQ_TID*" "" ""
	sq_target full token-patch token PATCH "/api/tokens/$SQ_TID*" \
	    '{"description":"sq"}' ""
	sq_target full token-delete token DELETE "/api/tokens/$SQ_TID_DEL?reason=sq" "" reason
	sq_target full token-delete-path token DELETE "/api/tokens/$SQ_TID_DEL*" "" ""
	sq_target full token-rotate token POST "/api/tokens/$SQ_TID_ROT/rotate" \
	    '{"overlap":0}' overlap
	sq_target full token-events token GET \
	    "/api/tokens/$SQ_TID/events?limit=10&offset=0" "" limit,offset
	sq_target main introspect-form token POST /api/introspect \
	    "token=$SQ_OTHER" token
	sq_target full introspect-json token POST /api/introspect \
	    "{\"token\":\"$SQ_OTHER\"}" token
	sq_target main revoke-form none POST /api/revoke "token=$SQ_THROW2" token
	sq_target main audit admin GET \
	    "/api/audit?action=login&token=$SQ_TID&actor=1&outcome=ok&since=1&until=99999999999999&limit=10&offset=0" \
	    "" action,token,actor,outcome,since,until,limit,offset
	sq_target main authorize token GET \
	    "/api/authorize?container=$c&permission=read" "" container,permission
}

# sq_expected I: how many places target I must have tested: its -p names
# and its "*" marks.
sq_expected() {
	local p=${SQ_T_PARAMS[$1]} marks=${SQ_T_PATH[$1]//[^*]/} n=0
	[ -n "$p" ] && n=$(($(printf '%s' "$p" | tr -cd , | wc -c) + 1))
	printf '%d\n' $((n + ${#marks}))
}

# sq_verdict DIR EXPECTED RC: reads one run's output; sets SQ_REQUESTS,
# SQ_TESTED, SQ_INJECTABLE and SQ_VERDICT (clean, injectable, throttled,
# cut-short, incomplete).
# A finding counts wherever sqlmap reports it (its summary, its results
# CSV, its log), unless sqlmap itself ruled it out; a run counts as complete only when sqlmap ended, sent
# requests, and concluded on at least EXPECTED places.
sq_verdict() {
	local d=$1 want=$2 rc=$3 csv=0 log=0 said=0
	SQ_REQUESTS=$(grep -c '^HTTP request \[#' "$d/traffic" 2>/dev/null)
	SQ_REQUESTS=${SQ_REQUESTS:-0}
	SQ_TESTED=$(grep -c 'does not seem to be injectable' "$d/out")
	said=$(grep -c 'identified the following injection point' "$d/out")
	# Its CSV also lists what it rejected itself ("false positive or
	# unexploitable" in the notes): those are not findings.
	csv=$(find "$d/sqlmap" -name 'results-*.csv' -exec tail -q -n +2 {} + 2>/dev/null |
	    grep -v 'false positive' | grep -c .)
	log=$(cat "$d"/sqlmap/*/log 2>/dev/null | grep -c '^Parameter: ')
	SQ_INJECTABLE=$((csv > log ? csv : log))
	[ "$SQ_INJECTABLE" -eq 0 ] && [ "$said" -gt 0 ] && SQ_INJECTABLE=1
	SQ_TESTED=$((SQ_TESTED + SQ_INJECTABLE))
	if [ "$SQ_INJECTABLE" -gt 0 ]; then
		SQ_VERDICT=injectable
	# Payloads a throttle answered 429 never reached the database.
	elif grep -Eq '(^|, )429 \(' "$d/out"; then
		SQ_VERDICT=throttled
	# A place sqlmap thought injectable, then ruled out, was not tested in
	# full: from that test on it tried the rest with that one payload's
	# boundary (prefix, suffix) only and skipped the other payloads of its
	# technique. Under load a slow answer does this to time-based tests,
	# a changing page to boolean ones: run the target again.
	elif grep -q 'false positive or unexploitable injection point detected' "$d/out"; then
		SQ_VERDICT=cut-short
	elif [ "$rc" -ne 0 ] || [ "$SQ_REQUESTS" -eq 0 ] ||
	    [ "$SQ_TESTED" -lt "$want" ] || ! grep -q '^\[\*\] ending @' "$d/out"; then
		SQ_VERDICT=incomplete
	else
		SQ_VERDICT=clean
	fi
}

# sq_auth_args AUTH: the credentials of a target, into SQ_ARGS.
sq_auth_args() {
	case $1 in
	token) SQ_ARGS+=(-H "X-Auth-Token: $SQ_TOK") ;;
	bearer) SQ_ARGS+=(-H "Authorization: Bearer $SQ_TOK") ;;
	admin) SQ_ARGS+=(-H "X-Auth-Token: $SQ_ATOK") ;;
	identity) SQ_ARGS+=(-H "X-Auth-Token: $SQ_ITOK") ;;
	throw) SQ_ARGS+=(-H "X-Auth-Token: $SQ_THROW") ;;
	mint) SQ_ARGS+=(-H "X-Auth-Token: $SQ_MTOK") ;;
	# Cookie callers pass the CSRF check by a same-origin Referer.
	session) SQ_ARGS+=(--cookie "$SQ_COOKIE_NAME=$SQ_SID" -H "Referer: $SQ_URL/app/") ;;
	logout) SQ_ARGS+=(--cookie "$SQ_COOKIE_NAME=$SQ_SID2" -H "Referer: $SQ_URL/app/") ;;
	mintsession) SQ_ARGS+=(--cookie "$SQ_COOKIE_NAME=$SQ_MSID" -H "Referer: $SQ_URL/app/") ;;
	esac
}

# sq_run_one I: sqlmap against target I; appends to $SQ_OUT/results.tsv
# "name method path tested expected requests injectable seconds verdict
# options" (options: the target's own level and risk, if any)
# and returns 0 only when the verdict is clean. The traffic log (every
# request and answer) is kept only when something was found.
sq_run_one() {
	local i=$1 name=${SQ_T_NAME[$1]} d="$SQ_OUT/${SQ_T_NAME[$1]}" t0 rc want
	rm -rf "$d"
	mkdir -p "$d"
	SQ_ARGS=(-u "$SQ_URL${SQ_T_PATH[$i]}")
	[ "${SQ_T_METHOD[$i]}" = GET ] || SQ_ARGS+=(--method "${SQ_T_METHOD[$i]}")
	[ -n "${SQ_T_DATA[$i]}" ] && SQ_ARGS+=(--data "${SQ_T_DATA[$i]}")
	sq_auth_args "${SQ_T_AUTH[$i]}"
	case ${SQ_T_PARAMS[$i]} in
	*Host*) SQ_ARGS+=(-H "Host: ${SQ_URL#http://}") ;;
	esac
	case ,${SQ_T_PARAMS[$i]}, in
	# Below --level 2 sqlmap tests cookies only when -p names the place.
	*,"$SQ_COOKIE_NAME",*) SQ_ARGS+=(-p "${SQ_T_PARAMS[$i]},Cookie") ;;
	,,) ;;
	*) SQ_ARGS+=(-p "${SQ_T_PARAMS[$i]}") ;;
	esac
	want=$(sq_expected "$i")
	t0=$(date +%s)
	# shellcheck disable=SC2206  # options such as "--level=3 --risk=2"
	[ -n "${SQ_T_OPTS[$i]}" ] && SQ_ARGS+=(${SQ_T_OPTS[$i]})
	TERM=dumb timeout "$SQ_LIMIT" sqlmap "${SQ_OPTS[@]}" "${SQ_ARGS[@]}" \
	    --output-dir="$d/sqlmap" -t "$d/traffic" </dev/null >"$d/out" 2>&1
	rc=$?
	sq_verdict "$d" "$want" "$rc"
	[ "$SQ_VERDICT" = injectable ] || rm -f "$d/traffic"
	printf '%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%s\t%s\n' "$name" "${SQ_T_METHOD[$i]}" \
	    "${SQ_T_PATH[$i]%%\?*}" "$SQ_TESTED" "$want" "$SQ_REQUESTS" \
	    "$SQ_INJECTABLE" $(($(date +%s) - t0)) "$SQ_VERDICT" \
	    "${SQ_T_OPTS[$i]:-}" >>"$SQ_OUT/results.tsv"
	[ "$SQ_VERDICT" = clean ]
}

# sq_control: the same sqlmap options against vulnerable.py, which must be
# found injectable (SQ_VERDICT=injectable); proves that sqlmap runs here
# and that sq_verdict sees a finding. Status 0 when it was found.
sq_control() {
	local d="$SQ_OUT/control" pid port i rc
	rm -rf "$d"
	mkdir -p "$d"
	python3 "$(dirname "${BASH_SOURCE[0]}")/vulnerable.py" "$d/port" &
	pid=$!
	# shellcheck disable=SC2034  # the caller's clean-up stops it if need be
	SQ_CONTROL_PID=$pid
	for ((i = 0; i < 50; i++)); do
		[ -s "$d/port" ] && break
		sleep 0.1
	done
	port=$(cat "$d/port" 2>/dev/null)
	if [ -z "$port" ]; then
		kill "$pid" 2>/dev/null
		SQ_VERDICT=incomplete SQ_REQUESTS=0 SQ_INJECTABLE=0 SQ_TESTED=0
		return 1
	fi
	TERM=dumb timeout "$SQ_LIMIT" sqlmap "${SQ_OPTS[@]}" --dbms=SQLite --technique=B \
	    -u "http://127.0.0.1:$port/item?id=1" -p id \
	    --output-dir="$d/sqlmap" -t "$d/traffic" </dev/null >"$d/out" 2>&1
	rc=$?
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	sq_verdict "$d" 1 "$rc"
	[ "$SQ_VERDICT" = injectable ]
}
