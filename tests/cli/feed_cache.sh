# The feed cache and configuration: shrink hold-back, accept-shrink and
# rollback, skip-invalid with rejects, pagination (body link and Link
# header, 304 on the first page), map functions, formats, secrets from the
# environment, two fetches at once, partial success, feeds status, and
# configuration mistakes. Servers on loopback, small timeouts.
. tests/cli/lib.sh
. tests/feeds/lib.sh

SECRET="s3cr3t-$$-token"
export FEEDSRV_TOKEN="$SECRET"     # what the server's /auth/ wants
start http PORT "$FEEDS_BIN/feedsrv" --root "$WWW"
H="http://127.0.0.1:$PORT"
CACHE="$TMP/cache"
fetch_one() {
    run "$CAPMATCH" fetch --name portal --kind regions --cache "$CACHE" --retries 1 \
        --set retry_delay=0.02 --timeout 5 "$@"
}

# ---- an empty list after a full one is held back -----------------------------------------
fetch_one "$H/files/portal-b.json"
expect_status "full list" 0
remember portal
clear_logs
fetch_one "$H/files/empty.json"
expect_status "empty list: exit 1" 1
expect_grep "empty list: held back" err "feed 'portal' ($H/files/empty.json): held back: the new body has 0 records against 5 in the snapshot in use (fewer than 50% of them); it is kept as $CACHE/portal/held-back.json; apply it with capmatch fetch --accept-shrink"
expect_grep "empty list: counted" out "0 updated, 0 unchanged, 0 not due, 1 held back, 0 failed"
expect_count "empty list: one try" http "/files/empty.json 200" 1
if cmp -s "$CACHE/portal/held-back.json" "$WWW/empty.json"; then ok "empty list: kept aside"; else
    not_ok "empty list: kept aside"; fi
expect_intact "held back" portal

run "$CAPMATCH" feeds status --cache "$CACHE" --format json
expect_status "status after a hold-back: exit 1" 1
expect_grep "status: record count" out '"name":"portal","kind":"regions"'
expect_grep "status: still 5 records" out '"state":"error","records":5'
expect_grep "status: last error" out '"last_error":"feed '"'portal'"' ('"$H"'/files/empty.json): held back: the new body has 0 records against 5'

fetch_one --accept-shrink "$H/files/empty.json"
expect_status "accept-shrink: exit 0" 0
expect_grep "accept-shrink: applied" out "feed 'portal': updated: 0 records (5 before)"
run "$CAPMATCH" feeds status --cache "$CACHE"
expect_status "status after success: exit 0" 0
expect_grep "status table" out "portal                 regions            0  "

# ---- rollback ------------------------------------------------------------------------------
run "$CAPMATCH" feeds rollback --cache "$CACHE" portal
expect_status "rollback: exit 0" 0
expect_grep "rollback: back to the 5 records" out "feed 'portal': now on snapshot-000001.json (5 records"
expect_grep "rollback: the undone one is kept" out "$CACHE/portal/rolled-back.json"
if [ "$(current portal)" = "$KEPT_FILE" ] && cmp -s "$KEPT_FILE" "$WWW/portal-b.json"; then
    ok "rollback: the earlier snapshot is in use"; else not_ok "rollback: the earlier snapshot is in use" "$(current portal)"; fi
run "$CAPMATCH" feeds rollback --cache "$CACHE" portal
expect_status "rollback with nothing earlier: exit 1" 1
expect_grep "rollback with nothing earlier: message" err "feed 'portal' has no earlier snapshot to go back to"

# ---- the last few snapshots are kept ----------------------------------------------------------------
for f in portal-a.json portal-b.json portal-a.json portal-b.json; do
    fetch_one --set keep=3 "$H/files/$f"
done
n=$(ls "$CACHE/portal" | grep -c '^snapshot-')
if [ "$n" -eq 3 ]; then ok "three snapshots kept"; else not_ok "three snapshots kept" "$(ls "$CACHE/portal")"; fi

# ---- skip-invalid -------------------------------------------------------------------------------------
remember portal
fetch_one "$H/files/mixed.json"
expect_status "one invalid record, strict: exit 1" 1
expect_grep "strict: names the record and field" err "record 4 (id \"cn-nanjing\"): location.lat: expected a latitude in [-90, 90], found 123"
expect_intact "strict invalid record" portal
fetch_one --skip-invalid "$H/files/mixed.json"
expect_status "skip-invalid: exit 0" 0
expect_grep "skip-invalid: applied the valid ones" out "feed 'portal': updated: 4 records (5 before)"
expect_grep "skip-invalid: says where the rejects are" out "1 invalid record left out, kept with the reasons in $CACHE/portal/rejects.jsonl"
if grep -q 'location.lat: expected a latitude' "$CACHE/portal/rejects.jsonl" 2>/dev/null; then
    ok "skip-invalid: rejects with reasons beside the snapshot"; else
    not_ok "skip-invalid: rejects with reasons beside the snapshot" "$(ls "$CACHE/portal")"; fi
# (match writes FILE.rejects.jsonl beside each input: keep them in $TMP)
cp examples/data/enterprises.json "$TMP/enterprises.json"
run "$CAPMATCH" match --regions "$(current portal)" --enterprises "$TMP/enterprises.json" \
    --policy rules/default.lua --top 1 --skip-invalid
expect_status "skip-invalid snapshot still matches" 0

# ---- a configuration: pagination, map, formats ---------------------------------------------------------
cat >"$TMP/feeds.lua" <<EOF
-- feeds for the tests: every retry and timeout small
defaults { retries = 1, retry_delay = 0.02, timeout = 5, connect_timeout = 2 }
feed { name = "paged-body", kind = "regions",
       url = "$H/pages/portal-six.json?per=2&style=body",
       records = "data", pages = { next = "links.next" } }
feed { name = "paged-link", kind = "regions",
       url = "$H/pages/portal-six.json?per=2&style=link", pages = "link" }
feed { name = "foreign", kind = "regions", url = "$H/files/foreign.json", records = "items",
       map = function(r)
           local sectors = {}
           for code in string.gmatch(r.isic_offered or "", "[^;]+") do
               sectors[#sectors + 1] = code
           end
           return { id = r.region_code, name = r.title, country = string.upper(r.cc),
                    location = { lat = r.geo.y, lon = r.geo.x },
                    sectors_offered = sectors, needs = r.needs }
       end }
feed { name = "lines", kind = "regions", url = "$H/files/portal-a.jsonl" }
feed { name = "firms", kind = "enterprises", url = "$H/files/ent-sample.csv" }
EOF
clear_logs
run "$CAPMATCH" fetch --feeds "$TMP/feeds.lua" --cache "$CACHE" --format json
expect_status "configuration: exit 0" 0
expect_grep "pages in the body: three pages, six records" out '"name":"paged-body","outcome":"updated"'
expect_grep "pages in the body: counts" out '"tries":1,"requests":3,"http_status":200,"pages":3,"bytes":5317,"records":6,"fetched_records":6'
expect_grep "Link header pages: counts" out '"requests":3,"http_status":200,"pages":3,"bytes":5136,"records":6'
expect_count "pages: page 3 fetched (body link)" http "/pages/portal-six.json?page=3&per=2&style=body 200" 1
expect_count "pages: page 3 fetched (Link header)" http "/pages/portal-six.json?page=3&per=2&style=link 200" 1
expect_grep "map: four profiles" out '"name":"foreign","outcome":"updated"'
if grep -q '"country":"CN","id":"cn-hainan"' "$(current foreign)"; then ok "map: fields renamed, codes converted"; else
    not_ok "map: fields renamed, codes converted" "$(head -c 300 "$(current foreign)")"; fi
case "$(current lines)" in *.jsonl) ok "JSON Lines told by the Content-Type" ;; *) not_ok "JSON Lines told by the Content-Type" "$(current lines)" ;; esac
case "$(current firms)" in *.csv) ok "CSV feed of enterprises" ;; *) not_ok "CSV feed of enterprises" "$(current firms)" ;; esac
expect_grep "CSV feed: five enterprises" out '"name":"firms","outcome":"updated"'

clear_logs
run "$CAPMATCH" fetch --feeds "$TMP/feeds.lua" --cache "$CACHE" --format json paged-body paged-link
expect_status "pages again: exit 0" 0
expect_grep "pages again: 304 on the first page, nothing more" out '"name":"paged-body","outcome":"unchanged","message":"feed '"'paged-body'"': unchanged: 304 Not Modified (6 records kept; 1 request)"'
expect_count "pages again: one request each" http "304 inm=" 2
expect_count "pages again: no page 2" http "page=2" 0

run "$CAPMATCH" fetch --feeds "$TMP/feeds.lua" --cache "$CACHE" --due
expect_status "due: exit 0" 0
expect_grep "due: nothing is due" out "5 feeds: 0 updated, 0 unchanged, 5 not due"

run "$CAPMATCH" fetch --feeds "$TMP/feeds.lua" --cache "$CACHE" nosuchfeed
expect_status "unknown feed name: exit 2" 2
expect_grep "unknown feed name: message" err "no feed named 'nosuchfeed'"

# ---- a map that fails --------------------------------------------------------------------------------------
cat >"$TMP/badmap.lua" <<EOF
feed { name = "foreign", kind = "regions", url = "$H/files/foreign.json", records = "items",
       map = function(r) return { id = r.region_code, name = r.nosuch.title } end }
EOF
remember foreign
run "$CAPMATCH" fetch --feeds "$TMP/badmap.lua" --cache "$CACHE"
expect_status "map error: exit 1" 1
expect_grep "map error: record, file and line" err "map failed on record 1 of page 1: $TMP/badmap.lua:2: attempt to index a nil value (field 'nosuch')"
expect_intact "map error" foreign

# ---- some feeds fail, the others are applied ------------------------------------------------------------------
cat >"$TMP/mixed.lua" <<EOF
defaults { retries = 0, timeout = 5 }
feed { name = "good", kind = "regions", url = "$H/files/portal-a.json" }
feed { name = "down", kind = "regions", url = "$H/status/502" }
EOF
run "$CAPMATCH" fetch --feeds "$TMP/mixed.lua" --cache "$CACHE"
expect_status "partial success: exit 1" 1
expect_grep "partial success: the good one applied" out "feed 'good': updated: 4 records (first snapshot)"
expect_grep "partial success: the bad one said" err "feed 'down' ($H/status/502): HTTP 502 Bad Gateway after 1 try; there is no snapshot of this feed yet"
expect_grep "partial success: summary" out "2 feeds: 1 updated, 0 unchanged, 0 not due, 0 held back, 1 failed"
run "$CAPMATCH" feeds status --cache "$CACHE" --feeds "$TMP/mixed.lua" --format json
expect_grep "status: a feed never fetched" out '"name":"down","kind":"regions","url":"'"$H"'/status/502","state":"none","records":0'

# ---- secrets from the environment -------------------------------------------------------------------------------
cat >"$TMP/auth.lua" <<EOF
feed { name = "private", kind = "regions", url = "$H/auth/portal-a.json", retries = 0,
       headers = { Authorization = "Bearer " .. env "CAPMATCH_TEST_TOKEN" } }
EOF
clear_logs
run env -u CAPMATCH_TEST_TOKEN "$CAPMATCH" fetch --feeds "$TMP/auth.lua" --cache "$CACHE"
expect_status "secret unset: exit 1" 1
expect_grep "secret unset: names the variable" err "header 'Authorization' needs the environment variable CAPMATCH_TEST_TOKEN, which is not set"
expect_count "secret unset: no request made" http "/auth/" 0
run env CAPMATCH_TEST_TOKEN="$SECRET" "$CAPMATCH" fetch --feeds "$TMP/auth.lua" --cache "$CACHE"
expect_status "secret set: exit 0" 0
expect_count "secret set: sent" http "auth=yes" 1
run env CAPMATCH_TEST_TOKEN=wrong "$CAPMATCH" fetch --feeds "$TMP/auth.lua" --cache "$CACHE"
expect_grep "wrong secret: 401, not retried" err "HTTP 401 Unauthorized after 1 try (a client error: not retried)"
expect_no_grep "wrong secret: the value is never printed" err "wrong"
if grep -rqs -e "$SECRET" -e "Bearer wrong" "$CACHE"; then not_ok "the secret is never written to the cache"; else
    ok "the secret is never written to the cache"; fi

# ---- two fetches at once -----------------------------------------------------------------------------------------
cat >"$TMP/slow.lua" <<EOF
feed { name = "slow", kind = "regions", url = "$H/slow/portal-b.json?chunk=1000&delay_ms=300",
       retries = 0, timeout = 10 }
EOF
clear_logs
"$CAPMATCH" fetch --feeds "$TMP/slow.lua" --cache "$CACHE" >"$TMP/first.out" 2>&1 &
first=$!
i=0
while ! grep -q "/slow/" "$TMP/http.log" && [ $i -lt 250 ]; do sleep 0.02; i=$((i + 1)); done
run "$CAPMATCH" fetch --name other --kind regions --cache "$CACHE" "$H/files/portal-a.json"
expect_status "second fetch meanwhile: exit 1" 1
expect_grep "second fetch meanwhile: message" err "another fetch (process $first) is writing the feed cache $CACHE (lock $CACHE/.lock); nothing was fetched; wait for it to end, or give --wait SECONDS"
wait $first
rc=$?
if [ $rc -eq 0 ] && grep -q "feed 'slow': updated: 5 records" "$TMP/first.out"; then ok "the first fetch finished"; else
    not_ok "the first fetch finished" "exit $rc" "$(cat "$TMP/first.out")"; fi
if [ ! -e "$CACHE/other" ]; then ok "the second fetch wrote nothing"; else not_ok "the second fetch wrote nothing"; fi
"$CAPMATCH" fetch --feeds "$TMP/slow.lua" --cache "$CACHE" >"$TMP/first.out" 2>&1 &
first=$!
sleep 0.1
run "$CAPMATCH" fetch --name other --kind regions --cache "$CACHE" --wait 20 "$H/files/portal-a.json"
expect_status "with --wait, the second fetch waits its turn" 0
wait $first
if [ $? -eq 0 ]; then ok "the first fetch finished again"; else not_ok "the first fetch finished again" "$(cat "$TMP/first.out")"; fi

# ---- configuration mistakes ---------------------------------------------------------------------------------------
printf 'feed { name = "x", kind = "regions", url = "%s/files/portal-a.json", timout = 3 }\n' "$H" >"$TMP/typo.lua"
run "$CAPMATCH" fetch --feeds "$TMP/typo.lua" --cache "$CACHE"
expect_status "unknown key: exit 2" 2
expect_grep "unknown key: file, line, key" err "typo.lua:1: feed 'x': unknown key 'timout' (known: "
printf 'feed { name = "x", url = "ftp://example.org/x.json", kind = "regions" }\n' >"$TMP/ftp.lua"
run "$CAPMATCH" fetch --feeds "$TMP/ftp.lua" --cache "$CACHE"
expect_status "ftp URL: exit 2" 2
expect_grep "ftp URL: only http, https and file" err "ftp.lua:1: feed 'x': url \"ftp://example.org/x.json\": only http://, https:// and file: URLs are allowed"
printf 'local f = io.open("/etc/passwd")\n' >"$TMP/io.lua"
run "$CAPMATCH" fetch --feeds "$TMP/io.lua" --cache "$CACHE"
expect_status "sandbox: exit 2" 2
expect_grep "sandbox: no io" err "io.lua:1: undeclared global 'io'"
printf 'while true do end\n' >"$TMP/loop.lua"
run "$CAPMATCH" fetch --feeds "$TMP/loop.lua" --cache "$CACHE"
expect_grep "sandbox: instruction limit" err "instruction limit reached"
run "$CAPMATCH" feeds list --feeds "$TMP/feeds.lua"
expect_status "feeds list: exit 0" 0
expect_grep "feeds list: shows feeds" out "paged-link             regions     $H"

# ---- file: URLs, relative to the configuration --------------------------------------------------------------------------
mkdir -p "$TMP/conf"
cp "$WWW/portal-a.json" "$TMP/conf/local-regions.json"
printf 'feed { name = "local", kind = "regions", url = "file:local-regions.json" }\n' >"$TMP/conf/local.lua"
run "$CAPMATCH" fetch --feeds "$TMP/conf/local.lua" --cache "$CACHE"
expect_status "file: URL: exit 0" 0
expect_grep "file: URL: read relative to the configuration" out "feed 'local': updated: 4 records (first snapshot)"
run "$CAPMATCH" fetch --feeds "$TMP/conf/local.lua" --cache "$CACHE"
expect_grep "file: URL: unchanged by content" out "feed 'local': unchanged: the same content as the snapshot in use"

# ---- match --feeds -------------------------------------------------------------------------------------------------------
cat >"$TMP/match.lua" <<EOF
feed { name = "first", kind = "regions", url = "file:$TMP/conf/local-regions.json" }
feed { name = "second", kind = "regions", url = "$H/files/portal-six.json" }
EOF
run "$CAPMATCH" match --feeds "$TMP/match.lua" --cache "$CACHE" --refresh \
    --enterprises examples/data/enterprises.json --policy rules/default.lua --top 1 --format json
expect_status "match --feeds --refresh: exit 0" 0

# ---- the examples ---------------------------------------------------------------------------------------
run "$CAPMATCH" feeds list --feeds examples/feeds/asean.lua
expect_status "examples/feeds/asean.lua is a valid configuration" 0
expect_grep "asean.lua: three feeds" out "chamber-members        enterprises https://chamber.example.ph/exports/members.csv"
run "$CAPMATCH" fetch --feeds examples/feeds/local.lua --cache "$TMP/excache"
expect_status "examples/feeds/local.lua fetches" 0
expect_grep "local.lua: regions" out "feed 'example-regions': updated: 18 records (first snapshot)"
expect_no_grep "no progress line when not a terminal" err "fetching:"
if command -v script >/dev/null 2>&1; then
    script -qc "'$CAPMATCH' fetch --name tty --kind regions --cache '$TMP/excache' '$H/slow/portal-b.json?chunk=1000&delay_ms=200'" \
        /dev/null >"$TMP/tty.out" 2>&1
    if grep -q "fetching: 0 of 1 feeds done, .* at .*/s" "$TMP/tty.out"; then ok "progress line on a terminal"; else
        not_ok "progress line on a terminal" "$(head -c 300 "$TMP/tty.out")"; fi
else
    ok "progress line on a terminal # skip no script(1)"
fi
