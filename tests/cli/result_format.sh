#!/bin/sh
# The outputs of match, explain, assign, schedule and the HTTP service
# (issue 15): every JSON and JSON Lines output valid against the shipped
# JSON Schema of capmatch.result/1, names and countries beside ids; CSV read
# back by Python's csv module as utf-8-sig (header on row 1, no '#' lines,
# rounded scores, --bom, FILE.meta.json); XLSX read back with zipfile + XML
# (sheets, frozen header, filters, score format, the values); terminal
# tables aligned by display width with Chinese, Thai and Lao names, cut to
# the terminal; progress lines of assign and schedule.
. tests/cli/lib.sh

R=examples/data/regions.json
E=examples/data/enterprises.json
P=rules/default.lua
SCHEMA=share/capmatch/schema
V="python3 tests/cli/validate_result.py $SCHEMA"
O="$TMP/o"
mkdir "$O"

# validate NAME json|jsonl FILE...
validate() {
    name=$1
    shift
    if $V "$@" >"$TMP/v" 2>&1; then ok "$name"; else not_ok "$name" "$(head -n 8 "$TMP/v")"; fi
}
# jq_true NAME FILE EXPR: the jq expression is true of FILE
jq_true() {
    if [ "$(jq -e "$3" "$2" 2>&1)" = true ]; then ok "$1"; else
        not_ok "$1" "jq '$3' is not true on:" "$(head -c 400 "$2")"; fi
}

# ---- every command's JSON and JSON Lines against the schema --------------------------
M="$CAPMATCH match --regions $R --enterprises $E --policy $P"
$M --top 3 --format json -o "$O/m.json"
$M --top 3 --explain --format json -o "$O/mx.json"
$M --top 3 --by region --format json -o "$O/mr.json"
$M --top 3 --sensitivity --format json -o "$O/ms.json"
$M --top 3 --explain --format jsonl -o "$O/m.jsonl"
$M --top 3 --by region --sensitivity --format jsonl -o "$O/mr.jsonl"
"$CAPMATCH" explain --regions "$R" --enterprises "$E" --policy "$P" \
    --enterprise cn-xian-textile-machinery --region ph-catanduanes --sensitivity --format json >"$O/x.json"
"$CAPMATCH" explain --regions "$R" --enterprises "$E" --policy "$P" \
    --enterprise cn-xian-textile-machinery --region cn-qingdao --format json >"$O/xv.json"
A="$CAPMATCH assign --regions $R --enterprises $E --policy $P"
$A --explain --format json -o "$O/a.json"
$A --method optimal --per-enterprise 2 --format jsonl -o "$O/a.jsonl"
"$CAPMATCH" assign --pairs "$O/m.jsonl" --format json -o "$O/ap.json"
"$CAPMATCH" assign --pairs "$O/m.jsonl" --format jsonl -o "$O/ap.jsonl"
S="$CAPMATCH schedule --pairs $O/a.json --regions $R --enterprises $E --sessions 2026-05-20T09:00"
$S --slots 2 --tables 5 --format json -o "$O/s.json"
$S --format jsonl -o "$O/s.jsonl"
"$CAPMATCH" schedule --pairs "$O/ap.json" --sessions 2026-05-20T09:00 --slots 1 --format json -o "$O/sp.json"
for f in m mx mr ms x xv a ap s sp; do
    [ -s "$O/$f.json" ] || not_ok "$f.json written"
done
validate "schema: match, explain, assign, schedule JSON (10 documents)" json \
    "$O/m.json" "$O/mx.json" "$O/mr.json" "$O/ms.json" "$O/x.json" "$O/xv.json" "$O/a.json" \
    "$O/ap.json" "$O/s.json" "$O/sp.json"
validate "schema: match, assign, schedule JSON Lines (every line of 6 files)" jsonl \
    "$O/m.jsonl" "$O/mr.jsonl" "$O/a.jsonl" "$O/ap.jsonl" "$O/s.jsonl" "$O/a.jsonl"

# the schema can fail: a row without its names, a key it does not know, an old shape
jq '.results[0] |= del(.enterprise_name)' "$O/m.json" >"$TMP/bad1.json"
jq '.results[0].enterprise_rank = 1' "$O/a.json" >"$TMP/bad2.json"
printf '{"meta":{"capmatch":"0.1.0"},"assignments":[]}\n' >"$TMP/bad3.json"
for b in 1 2 3; do
    if $V json "$TMP/bad$b.json" >"$TMP/v" 2>&1; then
        not_ok "schema: a wrong document $b is refused" "$(cat "$TMP/bad$b.json" | head -c 300)"
    else ok "schema: a wrong document $b is refused"; fi
done
printf '{"enterprise":"e1","region":"r1","score":0.5}\n' >"$TMP/bad4.jsonl"
if $V jsonl "$TMP/bad4.jsonl" >"$TMP/v" 2>&1; then not_ok "schema: JSON Lines without a header refused"
else ok "schema: JSON Lines without a header refused"; fi

# the same keys for the same data, names included
jq_true "match rows: names and countries beside ids" "$O/m.json" \
    '.format == "capmatch.result/1" and .command == "match" and (.results[0] | .enterprise == "cn-xian-textile-machinery" and .enterprise_name == "西安华纺纺织机械有限公司" and .enterprise_country == "CN" and .region_name != null and .rank == 1)'
jq_true "assign rows: rank, region_rank, reasons as an array, names" "$O/a.json" \
    '.command == "assign" and (.results | all(.rank >= 1 and .region_rank >= 1 and (.reasons | type) == "array" and .enterprise_name != null and .region_country != null)) and .totals.pairs == (.results | length)'
# (examples/fair/fair.lua leaves regions out)
"$CAPMATCH" assign --regions "$R" --enterprises "$E" --policy examples/fair/fair.lua --format json -o "$O/af.json"
validate "schema: assign with parties left out" json "$O/af.json"
jq_true "assign: left-out parties with names and reason codes" "$O/af.json" \
    '.left_out | length > 0 and all(.kind == "region" or .kind == "enterprise") and all(.name != null and (.reason | test("^[a-z_]+$")))'
jq_true "assign from a pairs file without profiles: names null, reasons kept" "$O/ap.json" \
    '.results | length > 0 and all(.enterprise_name == null and .region_country == null and (.reasons | length) > 0)'
jq_true "schedule rows: meeting fields and names" "$O/s.json" \
    '.command == "schedule" and (.results | all(.session == 1 and .slot >= 1 and .table >= 1 and .enterprise_name != null)) and (.left_out | all(.kind == "meeting" and .reason == "not_placed")) and .totals.meetings == (.results | length)'
jq_true "explain: one row with filters, rules, rank and sensitivity" "$O/x.json" \
    '.command == "explain" and (.results | length) == 1 and .results[0].vetoed == false and (.results[0].explain | length) > 0 and .results[0].rank >= 1 and .totals.kept >= 1'
jq_true "match and assign agree on the keys of a pair they share" "$O/a.json" \
    "[.results[0] | keys[]] - [\"rank\",\"region_rank\",\"enterprise_choices\",\"region_choices\",\"reasons\",\"explain\"] == ($(jq -c '[.results[0] | keys[]] - ["rank","reasons","explain"]' "$O/mx.json"))"
if python3 - "$O/a.jsonl" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert lines[0]["format"] == "capmatch.result/1" and lines[0]["command"] == "assign"
assert list(lines[-1]) == ["totals"]
rows = [l for l in lines if "enterprise" in l]
assert lines[-1]["totals"]["pairs"] == len(rows), (lines[-1], len(rows))
PY
then ok "jsonl: header first, rows, totals last and matching"; else not_ok "jsonl: header first, rows, totals last and matching"; fi

# the HTTP service answers in the same format
cp "$R" "$TMP/regions.json"
serve_start "$TMP/serve.log" --regions "$TMP/regions.json" --enterprises "$E" --policy "$P"
if [ -n "$PORT" ]; then
    curl -s "http://127.0.0.1:$PORT/v1/match?enterprise=cn-xian-textile-machinery&top=3&explain=true" >"$O/http-m.json"
    curl -s -X POST "http://127.0.0.1:$PORT/v1/explain" \
        -d '{"enterprise": {"id": "visitor", "name": "ร้านทดสอบ", "country": "TH", "sector": "2826", "offers": ["technology"], "target_countries": ["PH"]}, "region": "ph-catanduanes"}' \
        >"$O/http-x.json"
    validate "schema: the service's match and explain answers" json "$O/http-m.json" "$O/http-x.json"
    jq '[.results[] | select(.enterprise == "cn-xian-textile-machinery")]' "$O/mx.json" >"$TMP/cli-rows"
    jq '.results' "$O/http-m.json" >"$TMP/http-rows"
    if cmp -s "$TMP/cli-rows" "$TMP/http-rows"; then ok "service rows = the command's rows, names included"; else
        not_ok "service rows = the command's rows" "$(diff "$TMP/cli-rows" "$TMP/http-rows" | head -n 6)"; fi
    jq_true "service explain: a posted profile's own name" "$O/http-x.json" \
        '.results[0].enterprise_name == "ร้านทดสอบ" and .results[0].enterprise_country == "TH" and .results[0].region_name == "Catanduanes"'
    kill "$PID" 2>/dev/null
    wait "$PID" 2>/dev/null
else
    not_ok "the service starts" "$(cat "$TMP/serve.log")"
fi

# ---- CSV: a plain table, read as a spreadsheet would ----------------------------------
$M --top 3 --format csv -o "$O/m.csv"
$A --format csv --bom -o "$O/a.csv"
$S --slots 2 --tables 5 --format csv -o "$O/s.csv"
run $A --format csv
cp "$TMP/out" "$O/a-stdout.csv"
if python3 - "$O/m.csv" "$O/a.csv" "$O/s.csv" <<'PY'
import csv, json, re, sys
for path in sys.argv[1:]:
    raw = open(path, "rb").read()
    text = raw.decode("utf-8-sig")
    assert not any(l.startswith("#") for l in text.splitlines()), path + ": a # line"
    rows = list(csv.reader(open(path, newline="", encoding="utf-8-sig")))
    head, body = rows[0], rows[1:]
    assert head[0] in ("enterprise", "session"), (path, head)
    for k in ("enterprise", "enterprise_name", "enterprise_country", "region", "region_name",
              "region_country", "score"):
        assert k in head, (path, k)
    assert body, path
    for r in body:
        assert len(r) == len(head), (path, r)
        d = dict(zip(head, r))
        assert d["enterprise_name"] and d["region_name"] and re.fullmatch("[A-Z]{2}", d["region_country"]), d
        assert re.fullmatch(r"[01]\.\d{4}", d["score"]), d["score"]
    meta = json.load(open(path + ".meta.json", encoding="utf-8"))
    assert meta["format"] == "capmatch.result/1" and "results" not in meta, path
    n = meta["totals"].get("rows", meta["totals"].get("pairs", meta["totals"].get("meetings")))
    assert n == len(body), (path, n, len(body))
PY
then ok "csv: match, assign, schedule read by Python as utf-8-sig: header, names, 4-decimal scores, FILE.meta.json"
else not_ok "csv: match, assign, schedule read back"; fi
validate "schema: the CSV sidecars (FILE.meta.json)" json "$O/m.csv.meta.json" "$O/a.csv.meta.json" "$O/s.csv.meta.json"
if [ "$(head -c 3 "$O/a.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ] &&
    [ "$(head -c 1 "$O/m.csv")" = e ]; then ok "csv: --bom starts with EF BB BF, and only then"; else
    not_ok "csv: --bom starts with EF BB BF, and only then" "$(head -c 8 "$O/a.csv" | od -An -tx1)"; fi
if [ "$(tail -c +4 "$O/a.csv")" = "$(cat "$O/a-stdout.csv")" ] && [ ! -e "$TMP/-.meta.json" ]; then
    ok "csv: the same table on standard output, without a sidecar"; else
    not_ok "csv: the same table on standard output" "$(diff "$O/a-stdout.csv" "$O/a.csv" | head -n 4)"; fi
jq_true "schedule sidecar: the meetings not placed, with the reason" "$O/s.csv.meta.json" \
    '(.left_out | length) == .totals.not_placed and .totals.not_placed > 0 and (.left_out[0].message | length) > 0'
jq_true "assign sidecar: provenance, totals, left-out parties" "$O/a.csv.meta.json" \
    '.meta.policy.sha256 != null and (.meta.inputs | length) == 2 and .totals.pairs > 0 and (.left_out | type) == "array"'
# the sidecar is part of the output: when it cannot be written, neither is the table
mkdir -p "$O/blocked.csv.meta.json"
run $A --format csv -o "$O/blocked.csv"
expect_status "csv whose FILE.meta.json cannot be written: exit 2" 2
expect_grep "csv whose FILE.meta.json cannot be written: named" err "blocked.csv.meta.json"
if [ -e "$O/blocked.csv" ]; then not_ok "csv whose FILE.meta.json cannot be written: no table either"
else ok "csv whose FILE.meta.json cannot be written: no table either"; fi
run $M --format json --bom
expect_status "--bom without csv: usage error" 2
expect_grep "--bom without csv: says so" err "--bom goes with --format csv"

# ---- XLSX, read back -------------------------------------------------------------------
$M --top 3 --format xlsx -o "$O/m.xlsx"
$A --format xlsx -o "$O/a.xlsx"
$A --format xlsx -o "$O/a2.xlsx"
$S --slots 2 --tables 5 --format xlsx -o "$O/s.xlsx"
cat >"$TMP/xlsx.py" <<'PY'
import json, re, sys, zipfile
import xml.etree.ElementTree as ET
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
path, doc = sys.argv[1], json.load(open(sys.argv[2], encoding="utf-8"))
z = zipfile.ZipFile(path)
wb = ET.fromstring(z.read("xl/workbook.xml"))
names = [s.get("name") for s in wb.find("m:sheets", NS)]
assert names == ["results", "left out", "provenance"], names
shared = [("".join(t.text or "" for t in si.iter("{%s}t" % NS["m"])))
          for si in ET.fromstring(z.read("xl/sharedStrings.xml"))]
styles = z.read("xl/styles.xml").decode()
assert 'formatCode="0.000"' in styles, "no score format"

def sheet(n):
    x = ET.fromstring(z.read("xl/worksheets/sheet%d.xml" % n))
    rows = []
    for row in x.find("m:sheetData", NS):
        cells = {}
        for c in row:
            ref = re.match(r"([A-Z]+)", c.get("r")).group(1)
            col = 0
            for ch in ref:
                col = col * 26 + ord(ch) - 64
            v = c.find("m:v", NS)
            val = None if v is None else (shared[int(v.text)] if c.get("t") == "s" else float(v.text))
            cells[col - 1] = val
        rows.append([cells.get(i) for i in range(max(cells) + 1)] if cells else [])
    return x, rows

x, rows = sheet(1)
pane = x.find("m:sheetViews/m:sheetView/m:pane", NS)
assert pane is not None and pane.get("state") == "frozen" and pane.get("ySplit") == "1", "header not frozen"
assert x.find("m:autoFilter", NS) is not None, "no filter"
cols = x.find("m:cols", NS)
assert cols is not None and all(float(c.get("width")) > 2 for c in cols), "no column widths"
head = rows[0]
results = doc["results"]
assert len(rows) - 1 == len(results), (len(rows) - 1, len(results))
for r, want in zip(rows[1:], results):
    d = dict(zip(head, r))
    for k in ("enterprise", "region", "enterprise_name", "region_name", "region_country"):
        assert d[k] == want[k], (k, d[k], want[k])
    # stored as a number, not the rounded text (libxlsxwriter writes 16 digits)
    assert abs(d["score"] - want["score"]) < 1e-15, ("precision", d["score"], want["score"])
_, left = sheet(2)
assert len(left) - 1 == len(doc.get("left_out", [])) or doc["command"] == "match", (len(left), len(doc.get("left_out", [])))
assert all(l[head_i] for l in left[1:] for head_i in [left[0].index("reason")]), "a left-out row without reason"
_, prov = sheet(3)
keys = {r[0]: r[1] for r in prov[1:]}
assert keys["format"] == "capmatch.result/1" and keys["meta.capmatch"], keys
assert any(k.startswith("meta.inputs.1.sha256") for k in keys), keys
PY
$M --top 3 --format json -o "$O/m3.json"
$S --slots 2 --tables 5 --format json -o "$O/s3.json"
for c in "m m3" "a a" "s s3"; do
    set -- $c
    if python3 "$TMP/xlsx.py" "$O/$1.xlsx" "$O/$2.json" >"$TMP/py" 2>&1; then
        ok "xlsx ($1): three sheets, frozen header, filters, widths, score format; values = the JSON's"
    else not_ok "xlsx ($1): read back" "$(tail -n 4 "$TMP/py")"; fi
done
if python3 -c 'import sys, zipfile; s = zipfile.ZipFile(sys.argv[1]).read("xl/sharedStrings.xml").decode(); sys.exit(not ("ภูเก็ต" in s and "常州恒织纺机有限公司" in s))' "$O/a.xlsx"
then ok "xlsx: Chinese and Thai names stored as text"; else not_ok "xlsx: Chinese and Thai names stored as text"; fi
if cmp -s "$O/a.xlsx" "$O/a2.xlsx"; then ok "xlsx: the same file byte for byte from run to run"; else
    not_ok "xlsx: the same file byte for byte from run to run"; fi
validate "schema: the XLSX sidecar" json "$O/a.xlsx.meta.json"
run $A --format xlsx
expect_status "xlsx to standard output: usage error" 2
expect_grep "xlsx to standard output: says to give -o" err "--format xlsx writes a file: give it with -o FILE"
run $A --format xlsx -o "$TMP/no/such/dir/a.xlsx"
expect_status "xlsx into a missing directory: exit 2" 2
expect_grep "xlsx into a missing directory: named" err "$TMP/no/such/dir/a.xlsx"
if [ -e "$TMP/no" ]; then not_ok "xlsx: a failed write leaves nothing"; else ok "xlsx: a failed write leaves nothing"; fi

# ---- tables: display width, names, --ids, the terminal's width ------------------------
cat >"$TMP/width.py" <<'PY'
import sys, unicodedata
def width(s):
    w = 0
    for ch in s:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w
PY
# assign: the score column starts at one display column on every row
COLUMNS=200 "$CAPMATCH" assign --regions "$R" --enterprises "$E" --policy "$P" >"$TMP/t200" 2>/dev/null
COLUMNS=70 "$CAPMATCH" assign --regions "$R" --enterprises "$E" --policy "$P" >"$TMP/t70" 2>/dev/null
COLUMNS=200 "$CAPMATCH" assign --regions "$R" --enterprises "$E" --policy "$P" --ids >"$TMP/tids" 2>/dev/null
if python3 - "$TMP/t200" "$TMP/t70" "$TMP/tids" "$TMP/width.py" >"$TMP/py" 2>&1 <<'PY'
import re, sys
exec(open(sys.argv[4]).read())
def rows(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    out = []
    for l in lines[1:]:
        if not l or l.startswith("left out") or l.startswith("--"):
            break
        out.append(l)
    return lines[0], out
for path, cols in ((sys.argv[1], 200), (sys.argv[2], 70), (sys.argv[3], 200)):
    head, body = rows(path)
    assert len(body) > 40, (path, len(body))
    at = {width(l[:re.search(r" \d\.\d{3} ", l).start()]) for l in body}
    assert len(at) == 1, (path, "score columns at", at)
    hs = width(head[:head.index(" score")]) if " score" in head else None
    assert hs is not None and hs + 1 == at.pop() + 1, (path, "header", hs)
    assert all(width(l) <= cols for l in body), (path, max(width(l) for l in body))
    text = open(path, encoding="utf-8").read()
    assert "常州恒织纺机有限公司" in text or "…" in text, path
    assert any(re.search("[\u0e00-\u0e7f]", l) for l in body), (path, "no Thai name")
t200 = open(sys.argv[1], encoding="utf-8").read()
assert "常州恒织纺机有限公司" in t200 and "ภูเก็ต Phuket" in t200 and "ນະຄອນຫຼວງວຽງຈັນ" in t200, "names"
assert "…" not in t200, "cut at 200 columns"
assert "…" in open(sys.argv[2], encoding="utf-8").read(), "not cut at 70 columns"
assert "cn-changzhou-loom-works" in open(sys.argv[3], encoding="utf-8").read(), "--ids"
assert "cn-changzhou-loom-works" not in t200, "ids without --ids"
PY
then ok "assign table: Chinese, Thai and Lao names aligned by display width; cut with … to 70 columns; ids with --ids"
else not_ok "assign table: aligned by display width" "$(tail -n 4 "$TMP/py")"; fi

COLUMNS=100 "$CAPMATCH" match --regions "$R" --enterprises "$E" --policy "$P" --by region --top 4 >"$TMP/mt" 2>/dev/null
COLUMNS=100 "$CAPMATCH" schedule --pairs "$O/a.json" --regions "$R" --enterprises "$E" \
    --sessions 2026-05-20T09:00 --slots 3 --tables 8 >"$TMP/st" 2>/dev/null
if python3 - "$TMP/mt" "$TMP/st" "$TMP/width.py" >"$TMP/py" 2>&1 <<'PY'
import re, sys
exec(open(sys.argv[3]).read())
m = [l for l in open(sys.argv[1], encoding="utf-8").read().split("\n") if re.match(r"   ?\d+\. ", l)]
at = {width(l[:re.search(r"  [01]\.\d{3}", l).start()]) for l in m}
assert len(m) > 30 and len(at) == 1, ("match", at)
assert any(re.search("[\u0e00-\u0e7f]", l) for l in m) and any(re.search("[\u4e00-\u9fff]", l) for l in m)
s = [l for l in open(sys.argv[2], encoding="utf-8").read().split("\n") if l.startswith("  table ")]
at = {width(l[:re.search(r" [01]\.\d{3}$", l).start()]) for l in s}
assert len(s) > 10 and len(at) == 1, ("schedule", at)
assert all(width(l) <= 100 for l in s)
PY
then ok "match and schedule tables: partners and meetings aligned by display width"
else not_ok "match and schedule tables: aligned by display width" "$(tail -n 4 "$TMP/py")"; fi

# ---- progress of assign and schedule ---------------------------------------------------
run $A --progress --format json -o "$O/ap.txt"
expect_status "assign --progress: exit 0" 0
bad=$(grep -Ev '^capmatch assign: progress [0-9]+/[0-9]+ (enterprises scored|regions|enterprises placed|pairs explained) \([0-9]+%\), [0-9hms]+ elapsed(, [0-9]+/s(, [0-9hms]+ left)?)?$' "$TMP/err")
if [ -z "$bad" ] && [ -s "$TMP/err" ]; then ok "assign --progress: only progress lines on stderr"; else
    not_ok "assign --progress: only progress lines on stderr" "$(head -c 600 "$TMP/err")"; fi
if grep -Eq "^capmatch assign: progress ([0-9]+)/\\1 enterprises scored \\(100%\\)" "$TMP/err" &&
    grep -Eq '^capmatch assign: progress ([0-9]+)/\1 pairs explained \(100%\)' "$TMP/err"; then
    ok "assign --progress: scoring and explaining each reach 100%"; else
    not_ok "assign --progress: scoring and explaining each reach 100%" "$(cat "$TMP/err")"; fi
$A --format json -o "$O/an.txt" 2>"$TMP/err2"
if cmp -s "$O/ap.txt" "$O/an.txt" && [ ! -s "$TMP/err2" ]; then
    ok "assign: the same output with --progress; without it and no terminal, a quiet stderr"; else
    not_ok "assign: the same output with --progress" "$(head -c 300 "$TMP/err2")"; fi
run "$CAPMATCH" assign --pairs "$O/m.jsonl" --method optimal --progress --format json -o "$O/opt.json"
if grep -Eq '^capmatch assign: progress ([0-9]+)/\1 enterprises placed \(100%\)' "$TMP/err"; then
    ok "assign --method optimal --progress: enterprises placed"; else
    not_ok "assign --method optimal --progress: enterprises placed" "$(cat "$TMP/err")"; fi
run $S --progress --format json -o "$O/sprog.json"
m=$(jq '.totals.meetings + .totals.not_placed' "$O/sprog.json")
if [ -n "$m" ] && grep -Eq "^capmatch schedule: progress $m/$m meetings placed \\(100%\\)" "$TMP/err" &&
    [ "$(grep -cv '^capmatch schedule: progress ' "$TMP/err")" -eq 0 ]; then
    ok "schedule --progress: meetings placed, to 100%"; else
    not_ok "schedule --progress: meetings placed, to 100%" "$(cat "$TMP/err")" "meetings: $m"; fi
# on a terminal (a pseudo-terminal made by script(1)): one line rewritten in
# place per stage, cleared at the end, and the same output
if command -v script >/dev/null 2>&1; then
    script -qec "$A --format json -o $O/tty.json" "$TMP/typescript" >"$TMP/script.out" 2>&1
    tr '\r' '\n' <"$TMP/typescript" >"$TMP/tty.txt"
    if grep -q '^.\[K  scoring: [0-9]*/[0-9]* enterprises scored' "$TMP/tty.txt" &&
        grep -q '^.\[K  explaining: [0-9]*/[0-9]* pairs explained' "$TMP/tty.txt" &&
        cmp -s "$O/tty.json" "$O/ap.txt"; then
        ok "assign on a terminal: an updating progress line per stage, the same output"; else
        not_ok "assign on a terminal: an updating progress line per stage" "$(cat -v "$TMP/tty.txt" | head -n 8)"; fi
else
    ok "assign on a terminal # skip no script(1)"
fi
