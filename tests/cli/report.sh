# The HTML report as a person sees it: rendered by headless Chromium (Debian's
# `chromium`, installed on demand by scripts/install-deps.sh report), the DOM
# after rendering must show the totals that the JSON Lines output of the same run
# adds up to (computed here with awk), the charts must add up too, the page
# must draw something, and text from the input must stay text.
. tests/cli/lib.sh

need_chromium || exit 0
ok "chromium is installed"

R=examples/data/regions.json
E=examples/data/enterprises.json

run "$CAPMATCH" assign --regions "$R" --enterprises "$E" --policy rules/default.lua \
    --per-enterprise 2 --format html -o "$TMP/report.html"
expect_status "assign --format html: exit 0" 0
run "$CAPMATCH" assign --regions "$R" --enterprises "$E" --policy rules/default.lua \
    --per-enterprise 2 --format jsonl -o "$TMP/same.jsonl"

# what the numbers must be, from the JSON Lines of the same run (full precision)
jq -r 'select(.enterprise) | [.enterprise, .region, .score] | join(",")' "$TMP/same.jsonl" > "$TMP/rows"
want_pairs=$(wc -l < "$TMP/rows")
want_score=$(awk -F, '{ s += $3 } END { printf "%.3f", s }' "$TMP/rows")
want_mean=$(awk -F, '{ s += $3 } END { printf "%.3f", s / NR }' "$TMP/rows")
want_ents=$(cut -d, -f1 "$TMP/rows" | sort -u | wc -l)
want_regs=$(cut -d, -f2 "$TMP/rows" | sort -u | wc -l)
want_eleft=$(grep -c '^{"left_out":{"kind":"enterprise"' "$TMP/same.jsonl")
want_rleft=$(grep -c '^{"left_out":{"kind":"region"' "$TMP/same.jsonl")

chrome --dump-dom "file://$TMP/report.html" > "$TMP/dom.html"
if grep -q '</html>' "$TMP/dom.html"; then ok "chromium renders the report"; else
    not_ok "chromium renders the report" "$(tail -n 5 "$TMP/chrome.log")"; fi

shown() { sed -n "s/.*id=\"$1\">\([^<]*\)<.*/\1/p" "$TMP/dom.html" | head -n 1; }
expect_shown() {   # NAME ID VALUE
    got=$(shown "$2")
    if [ "$got" = "$3" ]; then ok "$1 ($3)"; else not_ok "$1" "the page shows '$got', the JSON Lines say '$3'"; fi
}
expect_shown "shown: pairs" total-pairs "$want_pairs"
expect_shown "shown: total score" total-score "$want_score"
expect_shown "shown: mean score" mean-score "$want_mean"
expect_shown "shown: enterprises with a partner" total-enterprises "$want_ents"
expect_shown "shown: regions with a partner" total-regions "$want_regs"
expect_shown "shown: enterprises left out" left-enterprises "$want_eleft"
expect_shown "shown: regions left out" left-regions "$want_rleft"

# the charts add up to the pairs
for chart in chart-countries chart-sectors chart-scores; do
    if grep -q "id=\"$chart\"" "$TMP/dom.html"; then ok "chart $chart is drawn"; else not_ok "chart $chart is drawn"; fi
done
heat=$(sed -n '/id="chart-countries"/,/<\/svg>/p' "$TMP/dom.html" |
       grep -o ': [0-9]*</title>' | tr -dc '0-9\n' | awk '{ s += $1 } END { print s }')
hist=$(sed -n '/id="chart-scores"/,/<\/svg>/p' "$TMP/dom.html" |
       grep -o ': [0-9]*</title>' | tr -dc '0-9\n' | awk '{ s += $1 } END { print s }')
[ "$heat" = "$want_pairs" ] && ok "heatmap cells add up to the pairs" ||
    not_ok "heatmap cells add up to the pairs" "cells $heat, pairs $want_pairs"
[ "$hist" = "$want_pairs" ] && ok "score histogram adds up to the pairs" ||
    not_ok "score histogram adds up to the pairs" "bins $hist, pairs $want_pairs"
n_details=$(grep -c '<details' "$TMP/dom.html")
want_details=$((want_ents + want_regs))
[ "$n_details" = "$want_details" ] && ok "a partner list for each region and enterprise ($n_details)" ||
    not_ok "a partner list for each region and enterprise" "$n_details lists, expected $want_details"
if grep -q 'How this was made' "$TMP/dom.html" && grep -q 'sha256' "$TMP/dom.html"; then
    ok "provenance shown"; else not_ok "provenance shown"; fi
if grep -Eq '(src|href)=' "$TMP/report.html" || [ "$(grep -o '<script' "$TMP/report.html" | wc -l)" -ne 1 ] ||
   grep -q '<script [^>]' "$TMP/report.html"; then
    not_ok "self-contained: one inline script, no link to load"; else ok "self-contained: one inline script, no link to load"; fi

# the page draws something: a screenshot of it against one of an empty page
printf '<!DOCTYPE html><html><body style="background:#fbfcfd"></body></html>' > "$TMP/empty.html"
chrome --window-size=1280,1600 --screenshot="$TMP/report.png" "file://$TMP/report.html" >/dev/null
chrome --window-size=1280,1600 --screenshot="$TMP/empty.png" "file://$TMP/empty.html" >/dev/null
full=$(wc -c < "$TMP/report.png" 2>/dev/null || echo 0)
empty=$(wc -c < "$TMP/empty.png" 2>/dev/null || echo 0)
if [ "$empty" -gt 0 ] && [ "$full" -gt $((empty * 4)) ]; then
    ok "the rendered page shows content (screenshot $full bytes, empty page $empty)"; else
    not_ok "the rendered page shows content" "screenshot $full bytes, empty page $empty"; fi

# text from the input stays text; a report without profiles still adds up
cat > "$TMP/pairs.csv" <<'EOF'
enterprise,region,score,reasons
e1,r1,0.75,"<script>alert(1)</script> & more"
e2,r1,0.5,plain
e3,r2,0.25,
EOF
run "$CAPMATCH" assign --pairs "$TMP/pairs.csv" --default-capacity 1 --format html -o "$TMP/plain.html"
expect_status "report from a pairs file: exit 0" 0
chrome --dump-dom "file://$TMP/plain.html" > "$TMP/dom.html"
expect_shown "pairs file: pairs" total-pairs 2
expect_shown "pairs file: total score" total-score "1.000"
expect_shown "pairs file: left out" left-enterprises 1
if grep -q '&lt;script&gt;alert(1)&lt;/script&gt; &amp; more' "$TMP/dom.html" && ! grep -q '<script>alert' "$TMP/dom.html"; then
    ok "reasons are escaped, never markup"; else not_ok "reasons are escaped, never markup" "$(grep -n 'alert' "$TMP/dom.html" | head -3)"; fi

run "$CAPMATCH" assign --pairs "$TMP/pairs.csv" --format html -o "$TMP/no/dir/r.html"
expect_status "report to an unwritable place: exit 2" 2
if [ -e "$TMP/no/dir/r.html" ]; then not_ok "no half report left"; else ok "no half report left"; fi
