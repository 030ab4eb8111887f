# capmatch match --stats / --stats-json: the rule and filter statistics of a
# run, checked against the same figures computed here from every pair's
# explanation (--explain --no-prune, every pair kept), the same for any
# number of threads and either ranking side, and the rules and filters to
# look at marked.
. tests/cli/lib.sh

R=examples/data/regions.json
E=examples/data/enterprises.json
for pol in examples/policies/sme_first.lua rules/default.lua; do
    name=$(basename "$pol" .lua)
    run "$CAPMATCH" match --regions $R --enterprises $E --policy $pol --top 1 --threads 1 \
        --stats-json "$TMP/$name-1.json" -o "$TMP/$name-rows.txt"
    expect_status "$name: --stats-json: exit 0" 0
    run "$CAPMATCH" match --regions $R --enterprises $E --policy $pol --top 3 --threads 2 \
        --by region --stats-json "$TMP/$name-2.json" -o "$TMP/$name-rows2.txt"
    if cmp -s "$TMP/$name-1.json" "$TMP/$name-2.json"; then
        ok "$name: the same statistics for 1 and 2 threads, by enterprise and by region"
    else
        not_ok "$name: the same statistics for 1 and 2 threads, by enterprise and by region" \
            "$(diff "$TMP/$name-1.json" "$TMP/$name-2.json" | head -n 6)"
    fi
    # every pair that passes the filters, each with every rule's score
    run "$CAPMATCH" match --regions $R --enterprises $E --policy $pol --top 100000 --min-score 0 \
        --no-prune --explain --format json -o "$TMP/$name-all.json"
    run python3 - "$TMP/$name-1.json" "$TMP/$name-all.json" <<'PY'
import json, math, sys
st = json.load(open(sys.argv[1]))
rows = json.load(open(sys.argv[2]))["results"]
problems = []
def check(what, got, want, tol=0.0):
    if abs(got - want) > tol:
        problems.append("%s: %r, computed %r" % (what, got, want))
check("scored", st["scored"], len(rows))
check("vetoed", st["vetoed"], st["pairs"] - len(rows))
check("pairs", st["pairs"], 18 * 57)
vetoes = sum(f["vetoed"] for f in st["filters"])
check("vetoes add up", vetoes, st["vetoed"])
for k, r in enumerate(st["rules"]):
    s = sorted(row["explain"][k]["score"] for row in rows)
    assert all(row["explain"][k]["rule"] == r["name"] for row in rows)
    n = len(s)
    check(r["name"] + " scored", r["scored"], n)
    check(r["name"] + " fired", r["fired"], sum(1 for v in s if v > 0))
    check(r["name"] + " min", r["min"], s[0])
    check(r["name"] + " max", r["max"], s[-1])
    check(r["name"] + " mean", r["mean"], sum(s) / n, 1e-6)
    for q, key in ((0.25, "q1"), (0.5, "median"), (0.75, "q3")):
        want = s[max(0, math.ceil(q * n) - 1)]      # nearest rank
        check(r["name"] + " " + key, r[key], want, 0.0005 + 1e-12)
side = {}
for k, r in enumerate(st["rules"]):
    side.setdefault(r["side"], []).append(k)
for sd, ks in side.items():
    tot = sum(row["explain"][k]["contribution"] if sd == "enterprise" else 0 for row in rows for k in ks)
    if sd == "enterprise":
        for k in ks:
            part = sum(row["explain"][k]["contribution"] for row in rows)
            check(st["rules"][k]["name"] + " share", st["rules"][k]["share"], part / tot, 1e-6)
    check(sd + " shares add to 1", sum(st["rules"][k]["share"] for k in ks), 1, 1e-6)
print("\n".join(problems) if problems else "all agree")
sys.exit(1 if problems else 0)
PY
    expect_status "$name: every figure agrees with the pairs' explanations" 0
    [ "$RC" -ne 0 ] && cat "$TMP/out"
done

# the rows are those of a run without --stats
run "$CAPMATCH" match --regions $R --enterprises $E --policy rules/default.lua --top 1 --threads 1 \
    -o "$TMP/plain-rows.txt"
if cmp -s "$TMP/plain-rows.txt" "$TMP/default-rows.txt"; then ok "--stats leaves the results as they are"; else
    not_ok "--stats leaves the results as they are" "$(diff "$TMP/plain-rows.txt" "$TMP/default-rows.txt" | head -n 6)"; fi

# the table on stderr, with what to look at marked
cat > "$TMP/flat.lua" <<'POL'
policy { name = "flat" }
filter { name = "nobody", check = function(e, r) return e.country == "XX", "never" end }
rule { name = "half", weight = 1, score = function(e, r) return 0.5, "always half" end }
POL
run "$CAPMATCH" match --regions $R --enterprises $E --policy "$TMP/flat.lua" --stats --format jsonl
expect_status "a run where every pair is vetoed: exit 1" 1
expect_grep "--stats: the totals" err "statistics of policy 'flat': 1026 pairs, 1026 vetoed by a filter, 0 scored in full"
expect_grep "--stats: a filter that vetoes everything is marked" err "vetoes every pair it sees"
expect_grep "--stats: a rule no pair reached" err "no pair scored"
cat > "$TMP/flat2.lua" <<'POL'
policy { name = "flat2" }
rule { name = "half", weight = 1, score = function(e, r) return 0.5, "always half" end }
rule { name = "sector", weight = 1, score = builtin.isic_fit { enterprise = "sectors", region = "sectors_sought" } }
POL
run "$CAPMATCH" match --regions $R --enterprises $E --policy "$TMP/flat2.lua" --top 1 --stats --format jsonl
expect_grep "--stats: a rule that never varies is marked" err "0.500 0.500 0.500 0.500 0.500 0.500"
expect_grep "--stats: ... as such" err "never varies"
if grep -q "statistics of" "$TMP/out"; then not_ok "--stats writes nothing to the results"; else ok "--stats writes nothing to the results"; fi

run "$CAPMATCH" match --regions $R --enterprises $E --policy "$TMP/flat2.lua" --stats-json "$TMP/no/such/dir/s.json"
expect_status "--stats-json to a path that cannot be written: exit 2" 2
if [ ! -e "$TMP/no/such/dir/s.json" ]; then ok "--stats-json: nothing written"; else not_ok "--stats-json: nothing written"; fi
