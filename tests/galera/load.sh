# shellcheck shell=bash
# tests/galera/load.sh: the load tests/galera/run drives through lighttpd:
# creators mint limited-use identity tokens, spenders spend them. Every
# request is one line in a file of LOAD_DIR, for the checks afterwards.
#
#   create.K  START_US END_US DESCRIPTION STATUS PUBLIC_ID
#   use.K     START_US END_US PUBLIC_ID STATUS REASON
#   tokens    TOKEN PUBLIC_ID (every token a creator got, for the spenders)
#
# A loop ends when LOAD_DIR/stop exists or after LOAD_MAX requests.
# Sourced; needs LOAD_DIR, LOAD_URLS (the two pools' base URLs, space
# separated), LOAD_ADMIN (an admin's token), LOAD_IDENTITY (identity id),
# LOAD_LIMIT (uses per token).

LOAD_MAX=${LOAD_MAX:-100000}
LOAD_WINDOW=${LOAD_WINDOW:-6}	# spenders pick among the newest tokens

# load_field JSON NAME: the string value of "NAME" (first match).
load_field() {
	local re="\"$2\":\"([^\"]*)\""
	[[ $1 =~ $re ]] && printf '%s' "${BASH_REMATCH[1]}"
}

# load_use URL TOKEN ID OUT: one GET /api/whoami with TOKEN, a line in OUT.
load_use() {
	local t0 t1 res status reason
	t0=${EPOCHREALTIME/./}
	res=$(curl -s --max-time 10 -w '\n%{http_code}' \
	    -H "X-Auth-Token: $2" "$1/api/whoami" 2>/dev/null)
	t1=${EPOCHREALTIME/./}
	status=${res##*$'\n'}
	[ -n "$status" ] || status=000
	reason=$(load_field "$res" reason)
	echo "$t0 $t1 $3 $status ${reason:--}" >>"$4"
}

# load_creator K: mints tokens "gal-K-I" until stopped, on each pool in
# turn; each new token is used once at once through the other pool, whose
# node may not have applied the write yet (read-your-writes), and handed
# to the spenders.
load_creator() {
	local k=$1 i=0 t0 t1 res status id tok desc url other
	local out="$LOAD_DIR/create.$k" uses="$LOAD_DIR/use.c$k"
	local -a urls
	read -r -a urls <<<"$LOAD_URLS"
	while [ ! -e "$LOAD_DIR/stop" ] && [ $i -lt "$LOAD_MAX" ]; do
		i=$((i + 1))
		desc="gal-$k-$i"
		url=${urls[$((i % 2))]}
		other=${urls[$(((i + 1) % 2))]}
		t0=${EPOCHREALTIME/./}
		res=$(curl -s --max-time 10 -w '\n%{http_code}' -X POST \
		    -H "X-Auth-Token: $LOAD_ADMIN" \
		    -H 'Content-Type: application/json' \
		    -d "{\"description\":\"$desc\",\"access_token_num_uses_limit\":$LOAD_LIMIT}" \
		    "$url/api/identities/$LOAD_IDENTITY/tokens" 2>/dev/null)
		t1=${EPOCHREALTIME/./}
		status=${res##*$'\n'}
		[ -n "$status" ] || status=000
		id=$(load_field "$res" id)
		tok=$(load_field "$res" apiToken)
		echo "$t0 $t1 $desc $status ${id:--}" >>"$out"
		{ [ "$status" = 201 ] && [ -n "$tok" ]; } || continue
		echo "$tok $id" >>"$LOAD_DIR/tokens"
		load_use "$other" "$tok" "$id" "$uses"
	done
}

# load_spender K: spends the newest tokens, each spender on its own pick
# and through either pool, so several workers and nodes race for the same
# token's last uses.
load_spender() {
	local k=$1 i=0 n tok id part="" line idx
	local -a toks=() ids=() urls
	read -r -a urls <<<"$LOAD_URLS"
	exec {fd}<"$LOAD_DIR/tokens"
	while [ ! -e "$LOAD_DIR/stop" ] && [ $i -lt "$LOAD_MAX" ]; do
		# New lines since the last look; a line still being written
		# is kept until its newline arrives.
		while IFS= read -r line <&"$fd"; do
			line="$part$line"
			part=""
			toks+=("${line%% *}")
			ids+=("${line#* }")
		done
		part="$part$line"
		n=${#toks[@]}
		if [ "$n" -eq 0 ]; then
			sleep 0.05
			continue
		fi
		i=$((i + 1))
		[ "$n" -gt "$LOAD_WINDOW" ] && n=$LOAD_WINDOW
		idx=$((${#toks[@]} - 1 - RANDOM % n))
		tok=${toks[$idx]}
		id=${ids[$idx]}
		load_use "${urls[$((RANDOM % 2))]}" "$tok" "$id" "$LOAD_DIR/use.s$k"
	done
	exec {fd}<&-
}
