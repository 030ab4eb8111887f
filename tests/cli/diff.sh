# capmatch diff: a policy against itself reports nothing and exits 0; a
# policy with one weight changed reports exactly the pairs a direct
# comparison of two match runs finds (tests/cli/diff_check.py), from the
# policies and from the two result files alike; two data sets; the report
# section; results made differently and bad usage are refused.
. tests/cli/lib.sh

R="--regions examples/data/regions.json --enterprises examples/data/enterprises.json"

run "$CAPMATCH" diff $R --policy rules/default.lua --policy rules/default.lua
expect_status "diff: a policy against itself exits 0" 0
expect_grep "diff: a policy against itself: nothing changed" out "nothing changed"
run "$CAPMATCH" diff $R --policy rules/default.lua --policy rules/default.lua --format json
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["pairs"] == [] and d["summary"]["moved"] == 0 else 1)' "$TMP/out"
then ok "diff --format json: a policy against itself lists no pair"
else not_ok "diff --format json: a policy against itself lists no pair" "$(head -c 400 "$TMP/out")"; fi

# one weight changed (target country 2 -> 4), beside the shipped rules
mkdir -p "$TMP/pol"
sed 's/rule { name = "target country", weight = 2/rule { name = "target country", weight = 4/' \
    rules/default.lua >"$TMP/pol/b.lua"
# and a region-side one (region: needs met 4 -> 2) for the regions' lists
sed 's/rule { name = "region: needs met", weight = 4/rule { name = "region: needs met", weight = 2/' \
    rules/default.lua >"$TMP/pol/region.lua"
cp "$TMP/pol/b.lua" "$TMP/pol/enterprise.lua"
for f in enterprise region; do
    if cmp -s rules/default.lua "$TMP/pol/$f.lua"; then not_ok "the $f-side weight was changed"; fi
done
RP="--rules-path rules/lib:rules"
for by in enterprise region; do
    run "$CAPMATCH" match $R --policy rules/default.lua --by $by --top 4 --format jsonl --explain -o "$TMP/a-$by.jsonl"
    run "$CAPMATCH" match $R --policy "$TMP/pol/$by.lua" $RP --by $by --top 4 --format jsonl --explain -o "$TMP/b-$by.jsonl"
    run "$CAPMATCH" diff $R --policy rules/default.lua --policy "$TMP/pol/$by.lua" $RP --by $by --top 4 \
        --format json -o "$TMP/d-$by.json"
    expect_status "diff --by $by: one weight changed exits 1" 1
    python3 tests/cli/diff_check.py "$TMP/a-$by.jsonl" "$TMP/b-$by.jsonl" "$TMP/d-$by.json" \
        "diff --by $by of two policies: exactly the pairs two match runs differ in" ||
    not_ok "the check script ran to its end" "exit status $?"
    run "$CAPMATCH" diff "$TMP/a-$by.jsonl" "$TMP/b-$by.jsonl" --format json -o "$TMP/f-$by.json"
    expect_status "diff --by $by of two result files exits 1" 1
    python3 tests/cli/diff_check.py "$TMP/a-$by.jsonl" "$TMP/b-$by.jsonl" "$TMP/f-$by.json" \
        "diff --by $by of two result files: exactly the pairs they differ in" ||
    not_ok "the check script ran to its end" "exit status $?"
done
run "$CAPMATCH" diff $R --policy rules/default.lua --policy "$TMP/pol/b.lua" $RP --top 4
expect_grep "diff table: the summary" out "entered"
expect_grep "diff table: the rule that changed, with its contribution" out "target country: 1.000 -> 1.000 (contribution 0.105 -> 0.190)"
expect_grep "diff table: the largest moves" out "largest moves:"

# two data sets: Catanduanes no longer needs equipment
python3 - "$TMP/regions-new.json" <<'PY'
import json, sys
d = json.load(open("examples/data/regions.json", encoding="utf-8"))
for r in d["regions"]:
    if r["id"] == "ph-catanduanes":
        r["needs"] = [n for n in r["needs"] if n != "equipment"]
json.dump(d, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
PY
run "$CAPMATCH" match --regions "$TMP/regions-new.json" --enterprises examples/data/enterprises.json \
    --policy rules/default.lua --format jsonl -o "$TMP/b-data.jsonl"
run "$CAPMATCH" match $R --policy rules/default.lua --format jsonl -o "$TMP/a-data.jsonl"
run "$CAPMATCH" diff --regions examples/data/regions.json --regions "$TMP/regions-new.json" \
    --enterprises examples/data/enterprises.json --policy rules/default.lua --format json -o "$TMP/d-data.json"
expect_status "diff of two regions files exits 1" 1
python3 tests/cli/diff_check.py "$TMP/a-data.jsonl" "$TMP/b-data.jsonl" "$TMP/d-data.json" \
    "diff of two regions files: exactly the pairs two match runs differ in" ||
    not_ok "the check script ran to its end" "exit status $?"
if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if d["pairs"] and all(p["region"] == "ph-catanduanes" or p["kind"] != "rescored" for p in d["pairs"]) else 1)' "$TMP/d-data.json"
then ok "diff of two regions files: only Catanduanes's pairs change score"
else not_ok "diff of two regions files: only Catanduanes's pairs change score" "$(head -c 600 "$TMP/d-data.json")"; fi
run "$CAPMATCH" diff --enterprises examples/data/enterprises.json --enterprises examples/data/enterprises.csv \
    --regions examples/data/regions.json --policy rules/default.lua
expect_status "diff of the same enterprises in JSON and CSV exits 0" 0

# the report section
run "$CAPMATCH" diff $R --policy rules/default.lua --policy "$TMP/pol/b.lua" $RP --top 4 --format html -o "$TMP/d.html"
expect_status "diff --format html exits 1 (changed)" 1
if grep -q '<h2 id="changes">What changed</h2>' "$TMP/d.html" && grep -q 'id="diff-pairs"' "$TMP/d.html" &&
   grep -q 'id="total-pairs"' "$TMP/d.html"; then ok "diff --format html: the report with a What changed section"
else not_ok "diff --format html: the report with a What changed section" "$(head -c 300 "$TMP/d.html")"; fi
entered=$(sed -n 's/.*id="diff-entered">\([0-9]*\)<.*/\1/p' "$TMP/d.html")
want=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["entered"])' "$TMP/d-enterprise.json")
if [ -n "$entered" ] && [ "$entered" = "$want" ]; then ok "diff html: pairs entered as in the JSON ($entered)"
else not_ok "diff html: pairs entered as in the JSON" "html '$entered', json '$want'"; fi

# results made differently, bad files, bad usage
run "$CAPMATCH" match $R --policy rules/default.lua --top 3 --format jsonl -o "$TMP/top3.jsonl"
run "$CAPMATCH" diff "$TMP/a-data.jsonl" "$TMP/top3.jsonl"
expect_status "diff: results with another --top exit 2" 2
expect_grep "diff: --top mismatch explained" err "keeps 5 partners per profile and $TMP/top3.jsonl keeps 3: compare results made with the same --top"
run "$CAPMATCH" diff "$TMP/a-enterprise.jsonl" "$TMP/a-region.jsonl"
expect_status "diff: results ranked by another side exit 2" 2
expect_grep "diff: --by mismatch explained" err "ranks by enterprise and $TMP/a-region.jsonl by region"
run "$CAPMATCH" diff "$TMP/a-data.jsonl" README.md
expect_status "diff: a file that is not a result exits 2" 2
expect_grep "diff: names the file and line" err "README.md:1: expected a JSON object"
tail -n +2 "$TMP/a-data.jsonl" >"$TMP/nometa.jsonl"
run "$CAPMATCH" diff "$TMP/a-data.jsonl" "$TMP/nometa.jsonl"
expect_status "diff: a result without its meta line exits 2" 2
expect_grep "diff: says the meta line is missing" err "nometa.jsonl:1: expected the meta line of capmatch match --format jsonl first"
run "$CAPMATCH" diff "$TMP/a-data.jsonl" "$TMP/no-such.jsonl"
expect_status "diff: a missing file exits 2" 2
expect_grep "diff: names the missing file" err "no-such.jsonl: cannot read it"
run "$CAPMATCH" diff $R --policy rules/default.lua
expect_status "diff: one policy alone exits 2" 2
expect_grep "diff: says what to give" err "give two policies, two regions files or two enterprises files"
run "$CAPMATCH" diff "$TMP/a-data.jsonl"
expect_status "diff: one result file exits 2" 2
run "$CAPMATCH" diff $R --policy rules/default.lua --policy "$TMP/pol/none.lua"
expect_status "diff: a missing policy exits 2" 2
