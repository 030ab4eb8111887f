# capmatch fetch against real servers on loopback, one fault at a time: each
# test checks the message, the number of tries (in the report and in the
# server's log), and that the last good snapshot is intact and still loads.
. tests/cli/lib.sh
. tests/feeds/lib.sh

start http PORT "$FEEDS_BIN/feedsrv" --root "$WWW"
start raw RAWPORT "$FEEDS_BIN/rawsrv" --body "$WWW/portal-b.json"
H="http://127.0.0.1:$PORT"
CACHE="$TMP/cache"
# one feed, "portal", fetched from a different URL for each fault
fetch_text() {
    run "$CAPMATCH" fetch --name portal --kind regions --cache "$CACHE" --retries 2 \
        --set retry_delay=0.02 --timeout 5 --connect-timeout 2 "$@"
}

# ---- a good body first ----------------------------------------------------------
fetch_text "$H/files/portal-a.json"
expect_status "first fetch" 0
expect_grep "first fetch: updated" out "feed 'portal': updated: 4 records (first snapshot); 1 page, 3668 bytes, 1 request"
expect_count "first fetch: one request" http "/files/portal-a.json 200" 1
remember portal

# ---- 304 after an ETag: no body transferred ----------------------------------------
clear_logs
run "$CAPMATCH" fetch --name portal --kind regions --cache "$CACHE" --format json "$H/files/portal-a.json"
expect_status "304: exit 0" 0
expect_grep "304: unchanged" out '"outcome":"unchanged","message":"feed '"'portal'"': unchanged: 304 Not Modified (4 records kept; 1 request)"'
expect_grep "304: no body transferred" out '"http_status":304,"pages":0,"bytes":0'
expect_count "304: the request was conditional" http '/files/portal-a.json 304 inm="' 1
expect_count "304: If-Modified-Since sent too" http 'ims=' 1

# ---- 500: retried, then the last good snapshot stays --------------------------------
clear_logs
fetch_text "$H/status/500"
expect_status "500: exit 1" 1
expect_grep "500: message" err "feed 'portal' ($H/status/500): HTTP 500 Internal Server Error after 3 tries; kept the last good snapshot (4 records, fetched "
expect_count "500: three tries" http "/status/500 500" 3
expect_intact "500" portal

# ---- 503 with Retry-After: honoured ------------------------------------------------------
clear_logs
t0=$(date +%s%N)
run "$CAPMATCH" fetch --name portal --kind regions --cache "$CACHE" --retries 2 --set retry_delay=0.02 \
    --format json "$H/flaky/1/503/portal-b.json?retry_after=1"
t1=$(date +%s%N)
expect_status "503 then 200: exit 0" 0
expect_grep "503 then 200: updated on the second try" out '"outcome":"updated"'
expect_grep "503 then 200: two tries" out '"tries":2,"requests":2,"http_status":200'
if [ $(((t1 - t0) / 1000000)) -ge 1000 ]; then ok "503: waited the Retry-After second"; else
    not_ok "503: waited the Retry-After second" "took $(((t1 - t0) / 1000000)) ms"; fi
expect_count "503: one 503, then the body" http "/flaky/1/503/portal-b.json?retry_after=1 503" 1
remember portal

clear_logs
fetch_text --retries 1 "$H/status/503?retry_after=1"
expect_status "503 for good: exit 1" 1
expect_grep "503 for good: message" err "HTTP 503 Service Unavailable after 2 tries; kept the last good snapshot (5 records"
expect_count "503 for good: two tries" http "/status/503?retry_after=1 503" 2
expect_intact "503" portal

clear_logs
fetch_text "$H/status/503?retry_after=3600"
expect_status "Retry-After too long: exit 1" 1
expect_grep "Retry-After too long: message" err "HTTP 503 Service Unavailable after 1 try; the server asks to retry after 3600 s, longer than retry_max_delay (60 s)"
expect_count "Retry-After too long: one try" http "/status/503" 1
expect_intact "503 Retry-After 3600" portal

# ---- 429 -------------------------------------------------------------------------------
clear_logs
fetch_text "$H/status/429"
expect_status "429: exit 1" 1
expect_grep "429: message" err "HTTP 429 Too Many Requests after 3 tries"
expect_count "429: three tries" http "/status/429 429" 3
expect_intact "429" portal

# ---- other 4xx: not retried ----------------------------------------------------------------
clear_logs
fetch_text "$H/status/404"
expect_status "404: exit 1" 1
expect_grep "404: message" err "HTTP 404 Not Found after 1 try (a client error: not retried)"
expect_count "404: one try" http "/status/404 404" 1
expect_intact "404" portal

# ---- a slow body: total timeout, then low-speed limit ------------------------------------
clear_logs
fetch_text --retries 1 --timeout 0.5 "$H/slow/portal-a.json?chunk=100&delay_ms=200"
expect_status "slow body: exit 1" 1
expect_grep "slow body: message" err "Timeout was reached: Operation timed out after "
expect_grep "slow body: names the limit and the tries" err "(timeout 0.5s, connect_timeout 2s, low_speed_time 30s) after 2 tries"
expect_count "slow body: two tries" http "/slow/portal-a.json" 2
expect_intact "slow body" portal

clear_logs
fetch_text --retries 0 --set low_speed_limit=100000 --set low_speed_time=1 "$H/slow/portal-a.json?chunk=50&delay_ms=100"
expect_status "too slow: exit 1" 1
expect_grep "too slow: message" err "Operation too slow. Less than 100000 bytes/sec transferred the last 1 seconds"
expect_grep "too slow: one try" err "after 1 try;"
expect_intact "low speed" portal

# ---- a connection reset mid-body ---------------------------------------------------------------
clear_logs
fetch_text "http://127.0.0.1:$RAWPORT/reset"
expect_status "reset: exit 1" 1
expect_grep "reset: message" err "Recv failure: Connection reset by peer after 3 tries"
expect_count "reset: three tries" raw "/reset 200" 3
expect_intact "reset" portal

# ---- Content-Length mismatch: longer than the body, shorter than the body --------------------
clear_logs
fetch_text "http://127.0.0.1:$RAWPORT/short"
expect_status "short body: exit 1" 1
expect_grep "short body: message" err "transfer closed with 500 bytes remaining to read after 3 tries"
expect_count "short body: three tries" raw "/short 200" 3
expect_intact "Content-Length too large" portal

clear_logs
fetch_text "http://127.0.0.1:$RAWPORT/long"
expect_status "cut body: exit 1" 1
expect_grep "cut body: invalid, with the place" err "http://127.0.0.1:$RAWPORT/long:5:"
expect_grep "cut body: says why" err "invalid JSON: premature end of input"
expect_count "cut body: one try (an invalid body is not retried)" raw "/long 200" 1
expect_intact "Content-Length too small" portal

# ---- gzip and deflate bodies ---------------------------------------------------------------------
clear_logs
run "$CAPMATCH" fetch --name portal --kind regions --cache "$CACHE" --format json "$H/gzip/portal-a.json"
expect_status "gzip: exit 0" 0
expect_grep "gzip: decoded and applied" out '"outcome":"updated"'
expect_grep "gzip: four records" out '"records":4,"fetched_records":4'
expect_count "gzip: gzip was offered" http "ae=deflate, gzip" 1
if cmp -s "$(current portal)" "$WWW/portal-a.json"; then ok "gzip: snapshot is the decoded body"; else
    not_ok "gzip: snapshot is the decoded body"; fi
run "$CAPMATCH" fetch --name portal --kind regions --cache "$CACHE" --format json "$H/deflate/portal-b.json"
expect_grep "deflate: decoded and applied" out '"records":5,"fetched_records":5'
remember portal

# ---- invalid JSON ------------------------------------------------------------------------------------
clear_logs
fetch_text "$H/files/broken.json"
expect_status "invalid JSON: exit 1" 1
expect_grep "invalid JSON: message" err "feed 'portal' ($H/files/broken.json): the body (json regions, 1835 bytes) is not valid: 1 problem; the first: $H/files/broken.json:3:"
expect_grep "invalid JSON: says why" err "invalid JSON"
expect_count "invalid JSON: one try" http "/files/broken.json 200" 1
expect_intact "invalid JSON" portal

# ---- records that break the schema ---------------------------------------------------------------------
clear_logs
fetch_text "$H/files/invalid.json"
expect_status "schema: exit 1" 1
expect_grep "schema: first problem in the message" err "is not valid: 2 problems; the first: $H/files/invalid.json:3: record 2 (id \"cn-shaanxi\"): country: expected an ISO 3166-1 alpha-2 country code, found \"XX\""
expect_grep "schema: every problem listed" err "    $H/files/invalid.json:4: record 3 (id \"cn-tianjin\"): name: expected a required name, found nothing"
expect_count "schema: one try" http "/files/invalid.json 200" 1
expect_intact "schema-invalid records" portal

# ---- an oversized body: stopped while it streams in ---------------------------------------------------
clear_logs
fetch_text --max-bytes 64k "$H/big?bytes=5000000"
expect_status "oversized: exit 1" 1
expect_grep "oversized: message" err "the body is larger than max_bytes (65536 bytes): stopped after "
expect_count "oversized: one try" http "/big" 1
expect_intact "oversized body" portal
fetch_text --max-bytes 64k "$H/big?bytes=5000000&cl=1"
expect_grep "oversized: refused from its Content-Length" err "larger than max_bytes (65536 bytes): stopped after 0 bytes"

# ---- redirects: a loop, and one to file:// ----------------------------------------------------------------
clear_logs
fetch_text --set max_redirects=3 "$H/redirect/loop"
expect_status "redirect loop: exit 1" 1
expect_grep "redirect loop: message" err "more than 3 redirects (a redirect loop?); the last went to /redirect/loop"
expect_count "redirect loop: 3 redirects followed, one try" http "/redirect/loop" 4
expect_intact "redirect loop" portal

clear_logs
fetch_text "$H/redirect/file"
expect_status "redirect to file: exit 1" 1
expect_grep "redirect to file: message" err "redirected to file:///etc/passwd, which is refused: redirects may only lead to http and https URLs"
expect_count "redirect to file: one request" http "/redirect/file 302" 1
if grep -rqs "root:" "$CACHE"; then not_ok "redirect to file: nothing read"; else ok "redirect to file: nothing read"; fi
expect_intact "redirect to file://" portal

fetch_text "$H/redirect/to/portal-b.json"
expect_status "a plain redirect is followed" 0

# ---- TLS with a self-signed CA -------------------------------------------------------------------------------
if command -v openssl >/dev/null 2>&1; then
    T="$TMP/tls"
    mkdir -p "$T"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/ca.key" \
        -out "$T/ca.pem" -days 2 -subj "/CN=capmatch test CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/srv.key" \
        -out "$T/srv.csr" -subj "/CN=127.0.0.1" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$T/ext"
    openssl x509 -req -in "$T/srv.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial \
        -out "$T/srv.pem" -days 2 -extfile "$T/ext" 2>/dev/null
    start tls TLSPORT "$FEEDS_BIN/feedsrv" --root "$WWW" --tls "$T/srv.pem" "$T/srv.key"
    remember portal
    fetch_text "https://127.0.0.1:$TLSPORT/files/portal-a.json"
    expect_status "TLS, unknown CA: exit 1" 1
    expect_grep "TLS, unknown CA: message" err "TLS: SSL peer certificate or SSH remote key was not OK (SSL certificate problem: unable to get local issuer certificate); give the server's CA with ca_file (or --ca-file)"
    expect_grep "TLS, unknown CA: one try" err "portal-a.json): TLS"
    expect_count "TLS, unknown CA: no request got through" tls "/files/" 0
    expect_intact "TLS without the CA" portal
    fetch_text --ca-file "$T/ca.pem" "https://127.0.0.1:$TLSPORT/files/portal-a.json"
    expect_status "TLS with the CA: exit 0" 0
    expect_grep "TLS with the CA: updated" out "feed 'portal': updated: 4 records (5 before)"
    expect_count "TLS with the CA: one request" tls "/files/portal-a.json 200" 1
else
    ok "TLS # skip no openssl"
fi

# ---- after every fault, matching works from the cache -------------------------------------------------------
run "$CAPMATCH" match --regions "$(current portal)" --enterprises examples/data/enterprises.json \
    --policy rules/default.lua --top 1
expect_status "match on the snapshot in use" 0
