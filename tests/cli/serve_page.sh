# GET / of capmatch serve as a program officer sees it, in headless Chromium
# (installed on demand, as for tests/cli/report.sh): the page is whole in
# itself (no external script, style or font), and given an enterprise it
# shows the regions GET /v1/match ranks, in that order, with every rule's
# contribution; a bad profile shows the server's message. A screenshot is
# drawn.
. tests/cli/lib.sh

need_chromium || exit 0

serve_start "$TMP/serve.log" --regions examples/data/regions.json \
    --enterprises examples/data/enterprises.json --policy rules/default.lua
trap 'kill -KILL "$PID" 2>/dev/null; rm -rf "$TMP"' EXIT
[ -n "$PORT" ] || { not_ok "server starts" "$(cat "$TMP/serve.log")"; exit 0; }
U="http://127.0.0.1:$PORT"

chrome() {
    timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$TMP/chrome" --virtual-time-budget=15000 "$@" 2>>"$TMP/chrome.log"
}

CODE=$(curl -s --max-time 20 -o "$TMP/page.html" -D "$TMP/headers" -w '%{http_code}' "$U/")
if [ "$CODE" = 200 ] && grep -qi '^Content-Type: text/html' "$TMP/headers"; then ok "GET /: an HTML page"; else
    not_ok "GET /: an HTML page" "status $CODE"; fi
if grep -Eiq '(src|href)=["'"'"']?(https?:)?//|@import|url\(' "$TMP/page.html"; then
    not_ok "GET /: nothing loaded from elsewhere" "$(grep -Ei '(src|href)=|@import|url\(' "$TMP/page.html")"; else
    ok "GET /: nothing loaded from elsewhere"; fi

# given an enterprise: the regions of GET /v1/match, in order, with their rules
curl -s --max-time 20 "$U/v1/match?enterprise=cn-xian-textile-machinery&top=10&explain=true" >"$TMP/api.json"
jq -r '.results[].region' "$TMP/api.json" >"$TMP/want"
chrome --dump-dom "$U/?enterprise=cn-xian-textile-machinery" >"$TMP/dom.html"
grep -o 'class="row" data-region="[^"]*"' "$TMP/dom.html" | sed 's/.*data-region="\([^"]*\)"/\1/' >"$TMP/got"
if [ -s "$TMP/want" ] && cmp -s "$TMP/want" "$TMP/got"; then
    ok "the page shows the ranked regions of /v1/match ($(wc -l <"$TMP/want"))"; else
    not_ok "the page shows the ranked regions of /v1/match" "$(diff "$TMP/want" "$TMP/got" | head -n 12)" \
        "$(tail -n 3 "$TMP/chrome.log")"; fi
rules=$(jq '[.results[].explain[]] | length' "$TMP/api.json")
shown=$(grep -o '<tr class="rule[^"]*">' "$TMP/dom.html" | wc -l)
if [ "$rules" -gt 0 ] && [ "$rules" -eq "$shown" ]; then ok "every rule's contribution is shown ($shown)"; else
    not_ok "every rule's contribution is shown" "API $rules, page $shown"; fi
reason=$(jq -r '.results[0].explain[0].reason' "$TMP/api.json" | sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g')
if grep -qF -- "$reason" "$TMP/dom.html"; then ok "the reasons are shown"; else
    not_ok "the reasons are shown" "no '$reason'"; fi
name=$(jq -r '.results[0] | "1. \(.region_name) (\(.region), \(.region_country))"' "$TMP/api.json")
if grep -qF -- "$name" "$TMP/dom.html"; then ok "the regions are named: $name"; else
    not_ok "the regions are named" "no '$name'"; fi
if grep -q 'id="status">10 regions, policy default' "$TMP/dom.html"; then ok "the status line"; else
    not_ok "the status line" "$(grep -o 'id="status">[^<]*' "$TMP/dom.html")"; fi

# an id that is not loaded: the server's message
chrome --dump-dom "$U/?enterprise=nobody" >"$TMP/dom2.html"
if grep -q 'id="error">404: no enterprise with id "nobody"' "$TMP/dom2.html"; then ok "an error shows the server's message"; else
    not_ok "an error shows the server's message" "$(grep -o 'id="error">[^<]*' "$TMP/dom2.html")"; fi

# a screenshot: a PNG of the page as drawn
chrome --screenshot="$TMP/page.png" --window-size=1200,900 "$U/?enterprise=cn-xian-textile-machinery" >"$TMP/shot.out"
if [ "$(head -c 8 "$TMP/page.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] &&
   [ "$(wc -c <"$TMP/page.png")" -gt 20000 ]; then ok "a screenshot is drawn"; else
    not_ok "a screenshot is drawn" "$(ls -l "$TMP/page.png" 2>&1)" "$(tail -n 3 "$TMP/chrome.log")"; fi
kill -TERM "$PID"
wait "$PID"
