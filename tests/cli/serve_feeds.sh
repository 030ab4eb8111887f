# capmatch serve --feeds: profiles from feeds fetched from a real HTTP
# server on loopback (tests/feeds/feedsrv.c) at start and on every reload
# (POST /v1/reload, SIGHUP); a new body is served after the reload, an
# unchanged one costs a 304, and a failed fetch (a body that does not parse,
# the server gone) keeps the feed's last good snapshot serving, with a
# warning in the answer and the log. A configuration that does not load is
# refused at start (exit 2) and fails a reload (the old snapshot serves).
. tests/cli/lib.sh
. tests/feeds/lib.sh

# the feed's file, replaced between reloads
mkdir -p "$TMP/www"
cp "$WWW/portal-a.json" "$TMP/www/portal.json"
start http HPORT "$FEEDS_BIN/feedsrv" --root "$TMP/www"
FEEDSRV=${PIDS##* }
H="http://127.0.0.1:$HPORT"
cat >"$TMP/feeds.lua" <<EOF
defaults { retries = 0, timeout = 5, connect_timeout = 2 }
feed { name = "portal", kind = "regions", url = "$H/files/portal.json" }
EOF
CACHE="$TMP/cache"

SRV=""
trap '[ -n "$SRV" ] && kill -KILL "$SRV" 2>/dev/null; feeds_cleanup' EXIT
serve_start "$TMP/serve.log" --feeds "$TMP/feeds.lua" --cache "$CACHE" \
    --enterprises examples/data/enterprises.json --policy rules/default.lua
SRV=$PID
if [ -z "$PORT" ]; then
    not_ok "serve --feeds starts" "$(head -c 800 "$TMP/serve.log")"
    exit 0
fi
U="http://127.0.0.1:$PORT"

# get PATH: the body in $TMP/out, the status in $CODE
get() {
    CODE=$(curl -s --max-time 30 -o "$TMP/out" -w '%{http_code}' "$U$1")
}
# (each answer kept for openapi_check.py, as serve.sh does)
mkdir -p "$TMP/answers"
NANS=0
reload() {
    CODE=$(curl -s --max-time 60 -o "$TMP/out" -w '%{http_code}' -X POST "$U/v1/reload")
    NANS=$((NANS + 1))
    cp "$TMP/out" "$TMP/answers/$NANS"
    echo "POST /v1/reload $CODE $TMP/answers/$NANS application/json" >>"$TMP/answers/index"
}
# expect_json NAME JQ: the last answer was 200 and JQ holds of it
expect_json() {
    if [ "$CODE" = 200 ] && [ "$(jq -e "$2" "$TMP/out" 2>/dev/null)" = true ]; then ok "$1"; else
        not_ok "$1" "status $CODE" "$(head -c 600 "$TMP/out")"; fi
}
# regions_served N NAME: /ready counts N regions
regions_served() {
    get /ready
    expect_json "$2" ".regions == $1"
}

regions_served 4 "at start: the feed's 4 regions are served"
if grep -q '^/files/portal.json 200' "$TMP/http.log"; then
    ok "at start: the feed was fetched"; else
    not_ok "at start: the feed was fetched" "$(cat "$TMP/http.log")"; fi
get /v1/profiles/regions/cn-hainan
expect_json "a region of the feed is a stored profile" '.id == "cn-hainan"'

# a new body: served after the reload
cp "$WWW/portal-b.json" "$TMP/www/portal.json"
get /v1/profiles/regions/cn-qingdao
if [ "$CODE" = 404 ]; then ok "before the reload: the new region is not served"; else
    not_ok "before the reload: the new region is not served" "status $CODE"; fi
reload
expect_json "POST /v1/reload: the feed updated" \
    '.reloaded == true and .feeds == [{"feed":"portal","outcome":"updated","records":5,"message":.feeds[0].message}]'
regions_served 5 "after the reload: 5 regions"
get /v1/profiles/regions/cn-qingdao
expect_json "after the reload: the new region is served" '.id == "cn-qingdao"'

# unchanged: a 304, nothing transferred
reload
expect_json "a reload with the feed unchanged" '.feeds[0].outcome == "unchanged"'
if grep -q '^/files/portal.json 304' "$TMP/http.log"; then
    ok "unchanged: the request was conditional (304)"; else
    not_ok "unchanged: the request was conditional (304)" "$(cat "$TMP/http.log")"; fi

# a body that does not parse: the reload succeeds on the last good snapshot
cp "$WWW/broken.json" "$TMP/www/portal.json"
reload
expect_json "a broken body: the reload serves the last good snapshot, saying why" \
    '.reloaded == true and .feeds[0].outcome == "failed" and (.feeds[0].message | contains("kept the last good snapshot (5 records"))'
regions_served 5 "a broken body: the 5 regions still served"
wait_line "$TMP/serve.log" "capmatch serve: warning: feed 'portal'"
expect_grep "a broken body: a warning in the log" serve.log "capmatch serve: warning: feed 'portal' ($H/files/portal.json)"

# the feed server gone: SIGHUP keeps the last good snapshot too
kill "$FEEDSRV"
wait "$FEEDSRV" 2>/dev/null
n=$(grep -c "^capmatch serve: loaded snapshot" "$TMP/serve.log")
kill -HUP "$SRV"
i=0
while [ "$(grep -c "^capmatch serve: loaded snapshot" "$TMP/serve.log")" -le "$n" ] && [ $i -lt 300 ]; do
    sleep 0.1
    i=$((i + 1))
done
if [ "$(grep -c "^capmatch serve: loaded snapshot" "$TMP/serve.log")" -gt "$n" ] &&
   [ "$(grep -c "warning: feed 'portal'.*kept the last good snapshot" "$TMP/serve.log")" -ge 2 ]; then
    ok "SIGHUP with the feed server gone: reloaded, the failure logged"; else
    not_ok "SIGHUP with the feed server gone: reloaded, the failure logged" "$(tail -n 5 "$TMP/serve.log")"; fi
regions_served 5 "the feed server gone: the 5 regions still served"

# a feed configuration that no longer loads: the reload fails, the old one serves
printf 'feed { name = "portal" \n' >"$TMP/feeds.lua"
reload
if [ "$CODE" = 422 ] && jq -e '.error.message | contains("feeds.lua")' "$TMP/out" >/dev/null; then
    ok "a broken feed configuration: the reload fails (422), naming it"; else
    not_ok "a broken feed configuration: the reload fails (422), naming it" "status $CODE" "$(head -c 400 "$TMP/out")"; fi
regions_served 5 "a broken feed configuration: the old snapshot serves"
python3 tests/cli/openapi_check.py doc/openapi.json "$TMP/answers/index"
serve_stop "$SRV"
SRV=""
expect_status "SIGTERM: exit 0" 0

# at start: a configuration that does not load, or --cache without --feeds
run "$CAPMATCH" serve --feeds "$TMP/feeds.lua" --cache "$CACHE" --policy rules/default.lua \
    --listen 127.0.0.1:0
expect_status "a broken feed configuration at start: exit 2" 2
expect_grep "a broken feed configuration at start: named" err "feeds.lua"
run "$CAPMATCH" serve --regions examples/data/regions.json --cache "$CACHE" \
    --policy rules/default.lua --listen 127.0.0.1:0
expect_status "--cache without --feeds: exit 2" 2
expect_grep "--cache without --feeds: said" err "--cache goes with --feeds CONFIG"
