# The HTML report as an event's organisers use it, in headless Chromium:
# the --title, the places used, Chinese, Thai and Lao names drawn with real
# glyphs (Debian's Noto fonts, installed by scripts/install-deps.sh report),
# lists filtered, sorted and paged by the page's own script, and a report of
# 20,000 pairs under 5 MB that still renders.
. tests/cli/lib.sh

need_chromium || exit 0
if ! fc-list 2>/dev/null | grep -q 'Noto Sans CJK' || ! fc-list | grep -q 'Noto Sans Thai' ||
   ! fc-list | grep -q 'Noto Sans Lao'; then
    sh scripts/install-deps.sh report >"$TMP/deps.log" 2>&1
fi
for f in 'Noto Sans CJK' 'Noto Sans Thai' 'Noto Sans Lao'; do
    if fc-list | grep -q "$f"; then ok "font installed: $f"; else
        not_ok "font installed: $f" "$(tail -n 3 "$TMP/deps.log" 2>/dev/null)"; fi
done

R=examples/data/regions.json
E=examples/data/enterprises.json
TITLE='ASEAN–China Investment Fair 2026: B2B matchmaking'
run "$CAPMATCH" assign --regions "$R" --enterprises "$E" --policy rules/default.lua \
    --per-enterprise 2 --title "$TITLE" --format html -o "$TMP/r.html"
expect_status "assign --title: exit 0" 0
chrome --dump-dom "file://$TMP/r.html" > "$TMP/dom.html"
if grep -qF "<h1>$TITLE</h1>" "$TMP/dom.html" && grep -qF "<title>$TITLE</title>" "$TMP/dom.html"; then
    ok "the title as heading and window title"; else not_ok "the title" "$(grep -n '<h1' "$TMP/dom.html")"; fi
run "$CAPMATCH" assign --regions "$R" --enterprises "$E" --policy rules/default.lua \
    --per-enterprise 2 --format json
want=$(python3 -c "
import json, sys
rs = json.load(open(sys.argv[1]))['regions']
cap = {r['id']: r['capacity'] for r in rs if isinstance(r.get('capacity'), (int, float))}
rows = json.load(open(sys.argv[2]))['results']
print('%d of %d' % (sum(1 for x in rows if x['region'] in cap), sum(cap.values())))" "$R" "$TMP/out")
got=$(sed -n 's/.*id="places-used">\([^<]*\)<.*/\1/p' "$TMP/dom.html")
[ -n "$want" ] && [ "$got" = "$want" ] && ok "places used shown ($got)" ||
    not_ok "places used shown" "page '$got', from the JSON and profiles '$want'"
run "$CAPMATCH" match --regions "$R" --enterprises "$E" --policy rules/default.lua \
    --title "$TITLE" --format html -o "$TMP/m.html"
if grep -qF "<h1>$TITLE</h1>" "$TMP/m.html"; then ok "match --title"; else not_ok "match --title"; fi
run "$CAPMATCH" schedule --pairs "$TMP/m.html" --sessions 2026-05-20T09:00 --title x
expect_status "schedule --title: usage" 2

# ---- glyphs, not boxes --------------------------------------------------------------
# A page's title in one script, and the same number of private-use code
# points (which no font has: boxes). Boxes all look alike, so two box
# titles give the same screenshot (the control); real glyphs do not.
shot() {   # NAME TEXT
    run "$CAPMATCH" assign --pairs "$TMP/p.csv" --title "$2" --format html -o "$TMP/$1.html"
    chrome --window-size=900,160 --screenshot="$TMP/$1.png" "file://$TMP/$1.html" >/dev/null
}
printf 'enterprise,region,score\ne1,r1,0.5\n' > "$TMP/p.csv"
boxes() { python3 -c "import sys; print(''.join(chr(0xE000 + int(sys.argv[2]) + i) for i in range(int(sys.argv[1]))))" "$1" "$2"; }
shot box1 "$(boxes 8 0)"
shot box2 "$(boxes 8 40)"
if [ -s "$TMP/box1.png" ] && cmp -s "$TMP/box1.png" "$TMP/box2.png"; then
    ok "control: two titles of boxes look the same"; else not_ok "control: two titles of boxes look the same"; fi
for script in zh:常州恒织纺机有限公司 th:ภูเก็ตอันดามันรีสอร์ท lo:ນະຄອນຫຼວງວຽງຈັນ; do
    lang=${script%%:*} text=${script#*:}
    n=$(python3 -c "import sys; print(len(sys.argv[1]))" "$text")
    shot "$lang" "$text"
    shot "$lang-box" "$(boxes "$n" 0)"
    if [ -s "$TMP/$lang.png" ] && ! cmp -s "$TMP/$lang.png" "$TMP/$lang-box.png"; then
        ok "$lang: $text drawn with glyphs, not boxes"; else not_ok "$lang: $text drawn with glyphs, not boxes"; fi
done
# and those names are in the example's report, as text
for name in 常州恒织纺机有限公司 'ภูเก็ต Phuket' 'ນະຄອນຫຼວງວຽງຈັນ Vientiane Capital'; do
    if grep -qF "$name" "$TMP/dom.html"; then ok "in the report: $name"; else not_ok "in the report: $name"; fi
done

# ---- the lists, driven as a person would ------------------------------------------------
# the report with a driver script appended: filter, order, click a header
cp "$TMP/r.html" "$TMP/drive.html"
cat >> "$TMP/drive.html" <<'EOF'
<script>
var sec = document.getElementById('list-enterprises'), box = sec.querySelector('.tools');
var out = [];
out.push('tools ' + (box.hidden ? 'hidden' : 'shown'));
var all = sec.querySelectorAll('.item').length;
box.querySelector('input').value = 'cn-nanjing-ev';
box.querySelector('input').dispatchEvent(new Event('input'));
var vis = [].filter.call(sec.querySelectorAll('.item'), function (d) { return d.style.display != 'none'; });
out.push('filtered ' + vis.length + ' ' + box.querySelector('.info').textContent);
box.querySelector('input').value = '';
box.querySelector('input').dispatchEvent(new Event('input'));
var sel = box.querySelector('select'); sel.value = 'n'; sel.dispatchEvent(new Event('change'));
var items = sec.querySelectorAll('.item'), ns = [].map.call(items, function (d) { return +d.dataset.n; });
out.push('sorted ' + ns.every(function (v, i) { return i == 0 || ns[i - 1] >= v; }) + ' ' + all);
var t = document.querySelector('#list-regions table.sort'), th = t.tHead.rows[0].cells[1];
th.click();
var sc = [].map.call(t.tBodies[0].rows, function (r) { return parseFloat(r.cells[1].textContent); });
out.push('score-up ' + sc.every(function (v, i) { return i == 0 || sc[i - 1] <= v; }) + ' ' + sc.length);
var p = document.createElement('pre'); p.id = 'driven'; p.textContent = out.join('\n');
document.body.appendChild(p);
</script>
EOF
chrome --dump-dom "file://$TMP/drive.html" > "$TMP/driven.html"
sed -n '/<pre id="driven">/,/<\/pre>/p' "$TMP/driven.html" > "$TMP/d"
n_ent=$(grep -o '<details class="item"' "$TMP/r.html" | wc -l)
expect_line() {   # NAME PATTERN
    if grep -Eq "$2" "$TMP/d"; then ok "$1"; else not_ok "$1" "$(cat "$TMP/d")"; fi
}
expect_line "the page's script shows the list tools" 'tools shown'
expect_line "filter: one enterprise left, said so" '^filtered 1 1 of [0-9]+'
expect_line "order: most partners first" '^sorted true [0-9]+'
expect_line "a click on the score header sorts the rows" '^score-up true [0-9]+'

# ---- 20,000 pairs -----------------------------------------------------------------------
awk 'BEGIN { print "enterprise,region,score,region_score,reasons"
    for (e = 0; e < 2000; e++) for (k = 0; k < 10; k++) {
        r = (e * 7 + k * 13) % 400
        printf "enterprise-%05d,region-%03d,%.4f,%.4f,\"sector fit: the region seeks what enterprise %d makes: full credit | needs met: %d of its needs | languages: both work in English\"\n", e, r, ((e * 31 + k * 17) % 1000) / 1000, ((e * 17 + k * 31) % 1000) / 1000, e, k
    } }' > "$TMP/big.csv"
run "$CAPMATCH" assign --pairs "$TMP/big.csv" --per-enterprise 10 --default-capacity 100 \
    --title "$TITLE" --format html -o "$TMP/big.html"
expect_status "20,000 pairs: exit 0" 0
size=$(wc -c < "$TMP/big.html")
[ "$size" -lt 5000000 ] && ok "20,000 pairs: $size bytes, under 5 MB" ||
    not_ok "20,000 pairs: under 5 MB" "$size bytes"
chrome --dump-dom "file://$TMP/big.html" > "$TMP/bigdom.html"
pairs=$(sed -n 's/.*id="total-pairs">\([^<]*\)<.*/\1/p' "$TMP/bigdom.html")
[ "$pairs" = 20000 ] && ok "20,000 pairs: rendered, all counted" || not_ok "20,000 pairs: rendered" "total-pairs '$pairs'"
if grep -q 'page 1 of 40' "$TMP/bigdom.html" && grep -q 'page 1 of 8' "$TMP/bigdom.html"; then
    ok "20,000 pairs: lists in pages of 50 (2000 enterprises, 400 regions)"; else
    not_ok "20,000 pairs: paged" "$(grep -o 'class="info">[^<]*' "$TMP/bigdom.html" | head -3)"; fi
if grep -q 'the reasons are left out of these lists' "$TMP/bigdom.html"; then
    ok "20,000 pairs: says the reasons are left out"; else not_ok "20,000 pairs: says the reasons are left out"; fi
