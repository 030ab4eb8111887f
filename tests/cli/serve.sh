# capmatch serve against the real server on a free loopback port, with curl:
# every endpoint, every error status, token roles, limits, a bad reload
# keeping the old policy, profile changes seen by the next request, the
# decision log, SIGHUP, and SIGTERM draining a request under way. Every wait
# has a timeout; every server started is stopped (trap).
. tests/cli/lib.sh

R=examples/data/regions.json
E=examples/data/enterprises.json
PIDS=""
trap 'for p in $PIDS; do kill -KILL "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT

# serve NAME ARGS...: start a server (log in $TMP/NAME.log), wait for its
# port (10 s at most) into $PORT and its pid into $PID
serve() {
    name=$1
    shift
    serve_start "$TMP/$name.log" "$@"
    PIDS="$PIDS $PID"
    if [ -z "$PORT" ]; then
        not_ok "server $name starts" "$(head -c 800 "$TMP/$name.log")"
        exit 0
    fi
    U="http://127.0.0.1:$PORT"
}

# req METHOD PATH [DATA] [CURL ARGS...]: the status in $CODE, the body in
# $TMP/out, the headers in $TMP/headers; each answer is kept for
# openapi_check.py (tests/cli/openapi_check.py) in $TMP/answers
mkdir -p "$TMP/answers"
NANS=0
req() {
    req_ "$@"
    NANS=$((NANS + 1))
    cp "$TMP/out" "$TMP/answers/$NANS"
    echo "$m $p $CODE $TMP/answers/$NANS $(sed -n 's/^[Cc]ontent-[Tt]ype: *//p' "$TMP/headers" | tr -d '\r')" \
        >>"$TMP/answers/index"
}
req_() {
    m=$1
    p=$2
    shift 2
    if [ $# -gt 0 ] && [ "$1" != "--" ]; then
        d=$1
        shift
        CODE=$(curl -s --max-time 20 -X "$m" -o "$TMP/out" -D "$TMP/headers" \
               -w '%{http_code}' --data-binary "$d" "$@" "$U$p")
    else
        [ $# -gt 0 ] && shift
        CODE=$(curl -s --max-time 20 -X "$m" -o "$TMP/out" -D "$TMP/headers" \
               -w '%{http_code}' "$@" "$U$p")
    fi
}

# expect_code NAME CODE [JQ-TEST]: the last answer's status, and a jq test
# of its body that must print true
expect_code() {
    if [ "$CODE" != "$2" ]; then
        not_ok "$1" "status $CODE, expected $2" "body: $(head -c 600 "$TMP/out")"
    elif [ -n "${3:-}" ] && [ "$(jq -e "$3" "$TMP/out" 2>&1)" != true ]; then
        not_ok "$1" "jq '$3' is not true on:" "$(head -c 800 "$TMP/out")"
    else
        ok "$1"
    fi
}

# an error answer: {"error": {"status": CODE, "message": ...}}
expect_error() {
    expect_code "$1" "$2" ".error.status == $2 and (.error.message | length > 0)${3:+ and $3}"
}

# ---- refusing to start ------------------------------------------------------------
run "$CAPMATCH" serve --regions "$R" --policy rules/default.lua --listen 0.0.0.0:0
expect_status "no token file: refuses a non-loopback address" 2
expect_grep "no token file: says why" err "refusing to listen on 0.0.0.0 without --token-file"
run "$CAPMATCH" serve --regions "$R" --policy tests/policies/cli_syntax_error.lua --listen 127.0.0.1:0
expect_status "a bad policy at start: exit 2" 2
expect_grep "a bad policy at start: names the file" err "tests/policies/cli_syntax_error.lua:"
run "$CAPMATCH" serve --regions examples/bad/regions-demo.json --policy rules/default.lua --listen 127.0.0.1:0
expect_status "bad data at start: exit 2" 2
expect_grep "bad data at start: the loader's message" err 'examples/bad/regions-demo.json:2: record 2 (id "ph cat2"): name: expected a non-empty string'
run "$CAPMATCH" serve --regions "$R" --policy rules/default.lua --threads 2 --copies 3
expect_status "--copies over --threads: exit 2" 2
expect_grep "--copies over --threads: says why" err "--copies 3: at most --threads (2)"
printf 'tok1 admin\n' >"$TMP/badtokens"
run "$CAPMATCH" serve --regions "$R" --policy rules/default.lua --token-file "$TMP/badtokens"
expect_status "a bad token file: exit 2" 2
expect_grep "a bad token file: file and line" err "badtokens:1: expected 'TOKEN read' or 'TOKEN write'"

# ---- a server without tokens ---------------------------------------------------------
cp rules/default.lua "$TMP/policy.lua"
cp -r rules/lib "$TMP/lib"
serve main --regions "$R" --enterprises "$E" --policy "$TMP/policy.lua" \
    --decision-log "$TMP/decisions.jsonl" --max-body 4000
SHA=$(sha256sum "$TMP/policy.lua" | cut -d' ' -f1)

req GET /health
expect_code "GET /health" 200 '.status == "ok"'
req GET /ready
expect_code "GET /ready: counts and the policy" 200 ".status == \"ready\" and .regions == 18 and .enterprises == 57 and .meta.policy.sha256 == \"$SHA\""

# the rows of GET /v1/match are capmatch match --format json's
"$CAPMATCH" match --regions "$R" --enterprises "$E" --policy "$TMP/policy.lua" --top 3 \
    --explain --format json >"$TMP/cli.json" 2>/dev/null
jq -c '[.results[] | select(.enterprise == "cn-xian-textile-machinery")]' "$TMP/cli.json" >"$TMP/want"
req GET "/v1/match?enterprise=cn-xian-textile-machinery&top=3&explain=true"
jq -c '.results' "$TMP/out" >"$TMP/got" 2>/dev/null
if [ "$CODE" = 200 ] && [ -s "$TMP/want" ] && cmp -s "$TMP/want" "$TMP/got"; then
    ok "GET /v1/match: the rows of capmatch match --format json"; else
    not_ok "GET /v1/match: the rows of capmatch match --format json" "status $CODE" \
        "$(diff "$TMP/want" "$TMP/got" | head -c 600)"; fi
expect_code "GET /v1/match: provenance" 200 ".meta.policy.sha256 == \"$SHA\" and .meta.snapshot.serial == 1 and .meta.capmatch == \"$("$CAPMATCH" --version | awk '{print $NF}')\""
req GET "/v1/match?region=ph-catanduanes&top=2"
expect_code "GET /v1/match?region=: a region's enterprises" 200 '(.results | length) == 2 and .results[0].region == "ph-catanduanes" and .results[0].rank == 1'

# a visitor: the same rows as the profile loaded from a file
VIS='{"id":"visitor-1","name":"Loom maker","country":"CN","sector":"2826","offers":["technology","equipment"],"seeks":["raw_materials"],"target_countries":["PH"]}'
printf '{"enterprises":[%s]}\n' "$VIS" >"$TMP/visitor.json"
"$CAPMATCH" match --regions "$R" --enterprises "$TMP/visitor.json" --policy "$TMP/policy.lua" \
    --top 5 --explain --format json 2>/dev/null | jq -c '.results' >"$TMP/want"
req POST /v1/match "{\"enterprise\":$VIS,\"top\":5,\"explain\":true}"
jq -c '.results' "$TMP/out" >"$TMP/got" 2>/dev/null
if [ "$CODE" = 200 ] && [ -s "$TMP/want" ] && cmp -s "$TMP/want" "$TMP/got"; then
    ok "POST /v1/match: a visitor ranks as if loaded"; else
    not_ok "POST /v1/match: a visitor ranks as if loaded" "status $CODE" \
        "$(diff "$TMP/want" "$TMP/got" | head -c 600)"; fi
# visitors at once (two copies of the profiles, one visitor in each, by
# default), among requests for loaded ids: each answer as when alone
CURLS=""
for i in 1 2 3 4 5 6 7 8; do
    curl -s --max-time 20 -o "$TMP/par$i" -w '%{http_code}' -X POST \
        --data-binary "{\"enterprise\":$VIS,\"top\":5,\"explain\":true}" "$U/v1/match" \
        >"$TMP/par$i.code" &
    CURLS="$CURLS $!"
    curl -s --max-time 20 -o "$TMP/loaded$i" "$U/v1/match?enterprise=cn-xian-textile-machinery" &
    CURLS="$CURLS $!"
done
for c in $CURLS; do wait "$c"; done
bad=""
for i in 1 2 3 4 5 6 7 8; do
    jq -c '.results' "$TMP/par$i" >"$TMP/got" 2>/dev/null
    { [ "$(cat "$TMP/par$i.code")" = 200 ] && cmp -s "$TMP/want" "$TMP/got"; } || bad="$bad $i"
done
if [ -z "$bad" ]; then ok "POST /v1/match: 8 visitors at once, each as if alone"; else
    not_ok "POST /v1/match: 8 visitors at once, each as if alone" "differ:$bad"; fi
req POST /v1/match '{"enterprise":"cn-xian-textile-machinery","top":1}'
expect_code "POST /v1/match: a loaded id" 200 '(.results | length) == 1 and .results[0].rank == 1'
req GET "/v1/match?enterprise=visitor-1"
expect_error "the visitor was not kept (404)" 404 '(.error.message | contains("visitor-1"))'

# explain: ids, a visitor, the trace of capmatch explain
"$CAPMATCH" explain --regions "$R" --enterprises "$E" --policy "$TMP/policy.lua" \
    --enterprise cn-xian-textile-machinery --region ph-catanduanes --format json 2>/dev/null |
    jq -c 'del(.meta)' >"$TMP/want"
req POST /v1/explain '{"enterprise":"cn-xian-textile-machinery","region":"ph-catanduanes"}'
jq -c 'del(.meta)' "$TMP/out" >"$TMP/got" 2>/dev/null
if [ "$CODE" = 200 ] && [ -s "$TMP/want" ] && cmp -s "$TMP/want" "$TMP/got"; then
    ok "POST /v1/explain: capmatch explain's trace"; else
    not_ok "POST /v1/explain: capmatch explain's trace" "status $CODE" \
        "$(diff "$TMP/want" "$TMP/got" | head -c 600)"; fi
req POST /v1/explain "{\"enterprise\":$VIS,\"region\":\"ph-catanduanes\"}"
expect_code "POST /v1/explain: a visitor, named" 200 '.format == "capmatch.result/1" and .results[0].enterprise == "visitor-1" and .results[0].enterprise_name == "Loom maker" and .results[0].region == "ph-catanduanes" and .results[0].region_name == "Catanduanes" and (.results[0].explain | length) > 0'

# whatif: the same answers as capmatch whatif --format json, under "whatif"
"$CAPMATCH" whatif --regions "$R" --enterprises "$E" --policy "$TMP/policy.lua" \
    --enterprise cn-xian-textile-machinery --region my-johor --target rank=3 --max 1 --format json \
    2>/dev/null | jq -c . >"$TMP/want"
req POST /v1/whatif '{"enterprise":"cn-xian-textile-machinery","region":"my-johor","target":"rank=3","max":1}'
jq -c '.whatif' "$TMP/out" >"$TMP/got" 2>/dev/null
if [ "$CODE" = 200 ] && [ -s "$TMP/want" ] && cmp -s "$TMP/want" "$TMP/got"; then
    ok "POST /v1/whatif: capmatch whatif's answers"; else
    not_ok "POST /v1/whatif: capmatch whatif's answers" "status $CODE" \
        "$(diff "$TMP/want" "$TMP/got" | head -c 600)"; fi
req POST /v1/whatif '{"enterprise":"cn-xian-textile-machinery","region":"my-johor","target":"top"}'
expect_error "POST /v1/whatif: a bad target (400)" 400 '.error.field == "target"'
req POST /v1/whatif '{"enterprise":"nobody","region":"my-johor"}'
expect_error "POST /v1/whatif: an unknown id (404)" 404 '(.error.message | contains("nobody"))'
req POST /v1/whatif '{"region":"my-johor"}'
expect_error "POST /v1/whatif: no enterprise (400)" 400 '.error.field == "enterprise"'
req POST /v1/match '{"enterprise":"cn-xian-textile-machinery"}'
expect_code "POST /v1/whatif left the engine as it was" 200 '(.results | length) > 0'

# ---- errors ------------------------------------------------------------------------------
req POST /v1/match '{"enterprise": '
expect_error "400: malformed JSON, with line and column" 400 '(.error.message | startswith("request body:1:"))'
req POST /v1/match '[1]'
expect_error "400: not an object" 400
req POST /v1/match '{"enterprise":"a","region":"b"}'
expect_error "400: both sides" 400
req GET "/v1/match?enterprise=cn-xian-textile-machinery&top=zero"
expect_error "400: a bad top" 400 '.error.field == "top"'
req POST /v1/match '{"enterprise":"cn-xian-textile-machinery","explain":"yes"}'
expect_error "400: a bad explain" 400 '.error.field == "explain"'
req POST /v1/match '{"enterprise":42}'
expect_error "400: a side neither id nor profile" 400 '.error.field == "enterprise"'
req POST /v1/explain '{"enterprise":"cn-xian-textile-machinery"}'
expect_error "400: explain without a region" 400 '.error.field == "region"'
req GET "/v1/match?enterprise=nobody"
expect_error "404: an unknown id" 404 '(.error.message | contains("nobody"))'
req GET /v2/nothing
expect_error "404: an unknown path" 404
req GET /v1/profiles/towns/x
expect_error "404: an unknown kind of profile" 404
req DELETE /v1/match
expect_error "405: a method not allowed" 405
if grep -qi '^Allow: GET, POST' "$TMP/headers"; then ok "405: the Allow header"; else
    not_ok "405: the Allow header" "$(cat "$TMP/headers")"; fi
req POST /v1/match "{\"enterprise\":{\"id\":\"v2\",\"name\":\"V\",\"country\":\"XX\",\"sector\":\"2826\"}}"
expect_error "422: an invalid visitor: the loader's message and field" 422 '.error.field == "country" and .error.problems[0].field == "country" and .error.message == "enterprise:1: record 1 (id \"v2\"): country: expected an ISO 3166-1 alpha-2 country code, found \"XX\""'
req POST /v1/match "{\"enterprise\":{\"id\":\"cn-xian-textile-machinery\",\"name\":\"V\",\"country\":\"CN\",\"sector\":\"2826\"}}"
expect_error "422: a visitor with a loaded id" 422
BIG=$(head -c 5000 /dev/zero | tr '\0' 'x')
req POST /v1/match "{\"enterprise\":\"$BIG\"}"
expect_error "413: a body over --max-body" 413
printf '{"enterprise":"%s"}' "$BIG" >"$TMP/big.json"
CODE=$(curl -s --max-time 20 -o "$TMP/out" -w '%{http_code}' -H 'Transfer-Encoding: chunked' \
       --data-binary @"$TMP/big.json" "$U/v1/match")
expect_error "413: a chunked body over --max-body" 413

# ---- profiles: put, replace, get, delete; the next request sees them ---------------------
NEW='{"id":"la-new","name":"New province","country":"LA","sectors_sought":["2826"],"needs":["technology","equipment","skills"],"offers":["raw_materials"]}'
req PUT /v1/profiles/regions/la-new "$NEW"
expect_code "PUT a new region: 201" 201 '.created == true and .id == "la-new" and .snapshot == 2'
req GET /v1/profiles/regions/la-new
expect_code "GET the stored profile" 200 '.id == "la-new" and .name == "New province" and .sectors_sought == ["2826"]'
req GET "/v1/match?enterprise=cn-xian-textile-machinery&top=20"
expect_code "the next match sees the new region" 200 '[.results[].region] | index("la-new") != null'
req GET /ready
expect_code "ready counts it" 200 '.regions == 19'
req PUT /v1/profiles/regions/la-new '{"id":"la-new","name":"Renamed","country":"LA"}'
expect_code "PUT again: replaced" 200 '.replaced == true'
req GET /v1/profiles/regions/la-new
expect_code "GET: the replacement" 200 '.name == "Renamed" and (has("sectors_sought") | not)'
req PUT /v1/profiles/regions/la-new '{"id":"la-new","name":"","country":"LA"}'
expect_error "422: an invalid profile, the file's message" 422 '.error.field == "name" and (.error.message == "body:1: record 1 (id \"la-new\"): name: expected a non-empty string, found \"\"")'
req PUT /v1/profiles/regions/la-new '{"id":"other","name":"X","country":"LA"}'
expect_error "422: an id other than the path's" 422 '(.error.message | contains("expected \"la-new\""))'
req GET /v1/profiles/regions/la-new
expect_code "a refused PUT changed nothing" 200 '.name == "Renamed"'
req PUT /v1/profiles/enterprises/cn-xian-textile-machinery '{"id":"cn-xian-textile-machinery","name":"Xi an looms","country":"CN","sector":"2826","offers":["technology"]}'
expect_code "PUT replaces a profile from a file" 200 '.replaced == true'
req GET /v1/profiles/enterprises/cn-xian-textile-machinery
expect_code "GET: the enterprise replaced" 200 '.name == "Xi an looms" and .offers == ["technology"]'
req DELETE /v1/profiles/regions/la-new
expect_code "DELETE: 200" 200 '.deleted == true'
req GET /v1/profiles/regions/la-new
expect_error "GET after DELETE: 404" 404
req DELETE /v1/profiles/regions/la-new
expect_error "DELETE again: 404" 404
req GET "/v1/match?enterprise=cn-xian-textile-machinery&top=20"
expect_code "the next match no longer sees it" 200 '[.results[].region] | index("la-new") == null'

# ---- reload: a bad policy keeps the old one serving -------------------------------------
req POST /v1/reload
expect_code "POST /v1/reload" 200 ".reloaded == true and .meta.policy.sha256 == \"$SHA\""
req GET /v1/profiles/enterprises/cn-xian-textile-machinery
expect_code "a reload keeps the changes made through the API" 200 '.name == "Xi an looms"'
printf 'policy { name = "broken" }\nrule {\n' >"$TMP/policy.lua"
req POST /v1/reload
expect_error "a bad policy: reload fails (422)" 422 '(.error.message | contains("policy.lua:"))'
req GET "/v1/match?enterprise=cn-xian-textile-machinery&top=1"
expect_code "the old policy keeps serving" 200 ".meta.policy.sha256 == \"$SHA\" and (.results | length) == 1"
wait_line "$TMP/main.log" "reload failed; the snapshot before keeps serving"
expect_grep "the failed reload is logged" "main.log" "reload failed; the snapshot before keeps serving"
# SIGHUP with a good one: a new policy serves
sed 's/name = "default"/name = "default, reloaded"/' rules/default.lua >"$TMP/policy.lua"
SHA2=$(sha256sum "$TMP/policy.lua" | cut -d' ' -f1)
kill -HUP "$PID"
i=0
while [ $i -lt 100 ]; do
    req GET /ready
    [ "$(jq -r .meta.policy.sha256 "$TMP/out" 2>/dev/null)" = "$SHA2" ] && break
    sleep 0.1
    i=$((i + 1))
done
expect_code "SIGHUP: the new policy serves" 200 ".meta.policy.sha256 == \"$SHA2\" and .meta.policy.name == \"default, reloaded\""

# ---- metrics ------------------------------------------------------------------------------
req GET /metrics
if [ "$CODE" = 200 ] &&
   grep -q '^capmatch_requests_total{endpoint="match",status="200"} [1-9]' "$TMP/out" &&
   grep -q '^capmatch_requests_total{endpoint="match",status="413"} 2$' "$TMP/out" &&
   grep -q '^capmatch_requests_total{endpoint="profiles",status="422"} 2$' "$TMP/out" &&
   grep -q '^capmatch_request_duration_seconds_bucket{le="+Inf"} [1-9]' "$TMP/out" &&
   grep -q '^capmatch_pairs_scored_total [1-9]' "$TMP/out" &&
   grep -q '^capmatch_reloads_total 3$' "$TMP/out" &&
   grep -q '^capmatch_reloads_failed_total 1$' "$TMP/out" &&
   grep -q '^capmatch_profiles{kind="regions"} 18$' "$TMP/out" &&
   grep -q "^capmatch_policy_info{name=\"default, reloaded\",sha256=\"$SHA2\",snapshot=\"[0-9]*\"} 1$" "$TMP/out" &&
   grep -qi '^Content-Type: text/plain; version=0.0.4' "$TMP/headers"; then
    ok "GET /metrics: requests, latency, pairs, reloads, profiles, policy"; else
    not_ok "GET /metrics: requests, latency, pairs, reloads, profiles, policy" "$(head -c 1500 "$TMP/out")"; fi

# ---- the decision log and the access log --------------------------------------------------
BODY='{"enterprise":"cn-xian-textile-machinery","top":2}'
req POST /v1/match "$BODY"
H=$(printf '%s' "$BODY" | sha256sum | cut -d' ' -f1)
wait_line "$TMP/decisions.jsonl" "$H"
wait_line "$TMP/main.log" '127.0.0.1 "POST /v1/match" 200'
if [ "$(tail -n 1 "$TMP/decisions.jsonl" | jq -e "(.input_sha256 == \"$H\") and (.policy_sha256 == \"$SHA2\") and (.endpoint == \"match\") and (.status == 200) and ((.results | length) == 2) and (.decision_id > 0) and (.time | test(\"^[0-9-]+T[0-9:]+Z\$\"))")" = true ] &&
   jq -e . "$TMP/decisions.jsonl" >/dev/null; then
    ok "decision log: one JSON line per decision, input and policy hashes"; else
    not_ok "decision log: one JSON line per decision, input and policy hashes" "$(tail -n 2 "$TMP/decisions.jsonl")"; fi
expect_grep "access log: method, path, status" "main.log" '127.0.0.1 "POST /v1/match" 200'

# the OpenAPI document: served as shipped
req GET /v1/openapi.json
if [ "$CODE" = 200 ] && cmp -s "$TMP/out" doc/openapi.json; then
    ok "GET /v1/openapi.json: doc/openapi.json"; else
    not_ok "GET /v1/openapi.json: doc/openapi.json" "status $CODE"; fi
serve_stop "$PID"
expect_status "SIGTERM: exit 0" 0

# ---- tokens: read and write roles -------------------------------------------------------------
printf '# tokens\nreadtok read\nwritetok write\n' >"$TMP/tokens"
serve auth --regions "$R" --enterprises "$E" --policy rules/default.lua --token-file "$TMP/tokens"
req GET /health
expect_code "tokens: /health needs none" 200
req GET "/v1/match?enterprise=cn-xian-textile-machinery"
expect_error "401: no token" 401
if grep -qi '^WWW-Authenticate: Bearer' "$TMP/headers"; then ok "401: WWW-Authenticate"; else
    not_ok "401: WWW-Authenticate" "$(cat "$TMP/headers")"; fi
req GET "/v1/match?enterprise=cn-xian-textile-machinery" -- -H "Authorization: Bearer nope"
expect_error "401: an unknown token" 401
req GET /metrics
expect_error "401: /metrics needs a token" 401
req GET "/v1/match?enterprise=cn-xian-textile-machinery" -- -H "Authorization: Bearer readtok"
expect_code "a read token matches" 200
req DELETE /v1/profiles/regions/ph-catanduanes -- -H "Authorization: Bearer readtok"
expect_error "403: a read token cannot write" 403
req POST /v1/reload -- -H "Authorization: Bearer readtok"
expect_error "403: nor reload" 403
req DELETE /v1/profiles/regions/ph-catanduanes -- -H "Authorization: Bearer writetok"
expect_code "a write token writes" 200 '.deleted == true'
serve_stop "$PID"
expect_status "tokens: SIGTERM, exit 0" 0

# ---- limits: requests at once, and SIGTERM draining one under way ----------------------------
serve limits --regions "$R" --enterprises "$E" --policy rules/default.lua --max-requests 1
# a request whose body arrives after a second holds the only place
(sleep 1.5; printf '{"enterprise":"cn-xian-textile-machinery","top":1}') |
    curl -s --max-time 20 -o "$TMP/slow.out" -w '%{http_code}' -X POST -T - "$U/v1/match" \
        >"$TMP/slow.code" &
SLOW=$!
sleep 0.5
req GET "/v1/match?enterprise=cn-xian-textile-machinery"
expect_error "429: more requests at once than --max-requests" 429
req GET /health
expect_code "health checks are not refused" 200
kill -TERM "$PID"
sleep 0.3
CODE=$(curl -s --max-time 2 -o "$TMP/after" -w '%{http_code}' "$U/health")
if [ "$CODE" = 000 ]; then ok "SIGTERM: no new connections"; else
    not_ok "SIGTERM: no new connections" "status $CODE"; fi
wait "$SLOW"
if [ "$(cat "$TMP/slow.code")" = 200 ] && [ "$(jq -r '.results[0].enterprise' "$TMP/slow.out")" = cn-xian-textile-machinery ]; then
    ok "SIGTERM: the request under way is answered"; else
    not_ok "SIGTERM: the request under way is answered" "status $(cat "$TMP/slow.code")" "$(head -c 300 "$TMP/slow.out")"; fi
serve_stop "$PID"
expect_status "SIGTERM after draining: exit 0" 0
expect_grep "SIGTERM: logged" "limits.log" "capmatch serve: stopping; 1 request under way"

# every answer above against the OpenAPI document
python3 tests/cli/openapi_check.py doc/openapi.json "$TMP/answers/index"
