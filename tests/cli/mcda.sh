# capmatch mcda: published worked examples of each method (sources named at
# each case), every case also checked against tests/mcda/oracle.py (the
# methods written again in plain Python from their definitions), the table
# format, and every input mistake with the key, row and column it names.
. tests/cli/lib.sh

D=tests/mcda
ORACLE="python3 $D/oracle.py"

# check NAME PYTHON-EXPRESSION: true of j, the JSON of the last run's stdout
check() {
    if python3 -c "import json,sys; j=json.load(open(sys.argv[1])); r=lambda v,n=3: [round(x,n) for x in v]; sys.exit(0 if ($2) else 1)" "$TMP/out" 2>"$TMP/pyerr"; then
        ok "$1"
    else
        not_ok "$1" "not true: $2" "stdout: $(head -c 600 "$TMP/out")" "$(cat "$TMP/pyerr")"
    fi
}

# ---- every case against the oracle -------------------------------------------------
for f in "$D"/*.json; do
    b=$(basename "$f" .json)
    m=${b%%-*}
    run "$CAPMATCH" mcda --method "$m" "$f"
    expect_status "$b: exit 0" 0
    if $ORACLE --compare "$m" "$f" "$TMP/out" >"$TMP/cmp" 2>&1; then ok "$b: same as the oracle"; else
        not_ok "$b: same as the oracle" "$(cat "$TMP/cmp")"; fi
done

# ---- TOPSIS ---------------------------------------------------------------------------
# Hwang, C.-L. and Yoon, K. (1981), Multiple Attribute Decision Making, Springer,
# the fighter aircraft example: 4 aircraft, 6 criteria (cost a cost criterion),
# w = (0.2, 0.1, 0.1, 0.1, 0.2, 0.3), vector normalisation. The book ranks
# A1 first (closeness 0.643) and A2 last (0.268); A3 0.614 and A4 0.312 by hand.
run "$CAPMATCH" mcda --method topsis "$D/topsis-aircraft.json"
check "topsis: aircraft closeness 0.643 0.268 0.614 0.312" "r(j['scores']) == [0.643, 0.268, 0.614, 0.312]"
check "topsis: aircraft ranks A1 A3 A4 A2" "j['ranks'] == [1, 4, 2, 3]"
# the cost criterion's ideal is its smallest weighted value: 0.1 x 4.5 / |(5.5, 6.5, 4.5, 5)|
check "topsis: ideal of the cost criterion is the minimum" "abs(j['ideal'][3] - 0.1*4.5/(5.5**2+6.5**2+4.5**2+5**2)**0.5) < 1e-12"
run "$CAPMATCH" mcda --method topsis --format table "$D/topsis-aircraft.json"
expect_grep "topsis: table, best first" out "   1  A1                           0.643277"
expect_grep "topsis: table, worst last" out "   4  A2                           0.268384"

# ---- AHP --------------------------------------------------------------------------------
# consistent by construction: a_ij = w_i / w_j for w = 8:4:2:1, so the weights
# are 8/15, 4/15, 2/15, 1/15, lambda_max = n = 4 and CR = 0 (Saaty 1980, th. 1)
run "$CAPMATCH" mcda --method ahp "$D/ahp-consistent.json"
check "ahp: consistent matrix gives back its weights" "r(j['weights'], 12) == r([8/15, 4/15, 2/15, 1/15], 12)"
check "ahp: consistent matrix: lambda_max 4, CR 0" "abs(j['lambda_max'] - 4) < 1e-12 and j['cr'] == 0 and j['consistent'] is True"
# Saaty's three-criterion textbook matrix (1, 3, 5; 1/3, 1, 3; 1/5, 1/3, 1):
# weights 0.637, 0.258, 0.105, lambda_max 3.039, CR 0.033 (Saaty 1980, as
# quoted in most AHP tutorials)
run "$CAPMATCH" mcda --method ahp "$D/ahp-saaty3.json"
check "ahp: Saaty 3x3 weights 0.637 0.258 0.105" "r(j['weights']) == [0.637, 0.258, 0.105]"
check "ahp: Saaty 3x3 lambda_max 3.039, RI 0.58, CR 0.033, consistent" "round(j['lambda_max'], 3) == 3.039 and j['ri'] == 0.58 and round(j['cr'], 3) == 0.033 and j['consistent']"
# inconsistent by hand: a cycle (1 beats 2 by 9, 2 beats 3 by 9, 3 beats 1 by 9);
# by symmetry the weights are 1/3 each and lambda_max = 1 + 9 + 1/9, so
# CI = (91/9 - 3) / 2 and CR = CI / 0.58 = 6.130: flagged, not refused
run "$CAPMATCH" mcda --method ahp "$D/ahp-inconsistent.json"
expect_status "ahp: an inconsistent matrix still exits 0" 0
check "ahp: cycle weights 1/3 each" "r(j['weights'], 9) == [0.333333333] * 3"
check "ahp: cycle CR = ((91/9 - 3) / 2) / 0.58, inconsistent" "abs(j['cr'] - (91/9 - 3) / 2 / 0.58) < 1e-9 and j['consistent'] is False"
run "$CAPMATCH" mcda --method ahp --format table "$D/ahp-inconsistent.json"
expect_grep "ahp: table flags CR > 0.10" out "CR 6.1303: INCONSISTENT (CR > 0.10): revise the comparisons"
run "$CAPMATCH" mcda --method ahp --format table "$D/ahp-consistent.json"
expect_grep "ahp: table names the criteria" out "   1  sector fit                   0.533333"

# ---- PROMETHEE II ---------------------------------------------------------------------
# by hand (usual criteria, w = 0.6, 0.4, the second a cost): pi(A,B) = 1,
# pi(A,C) = 0.6, pi(C,A) = 0.4, pi(C,B) = 0.4, the others 0; so
# phi+ = 0.8, 0, 0.4; phi- = 0.2, 0.7, 0.3; phi = 0.6, -0.7, 0.1
run "$CAPMATCH" mcda --method promethee2 "$D/promethee2-hand.json"
check "promethee2: net flows 0.6 -0.7 0.1" "r(j['scores'], 12) == [0.6, -0.7, 0.1]"
check "promethee2: leaving and entering flows" "r(j['plus'], 12) == [0.8, 0, 0.4] and r(j['minus'], 12) == [0.2, 0.7, 0.3]"
# the six preference functions on one matrix (the shape of Brans & Vincke's
# 1985 six-alternative example); net flows sum to 0
run "$CAPMATCH" mcda --method promethee2 "$D/promethee2-functions.json"
check "promethee2: net flows sum to 0" "abs(sum(j['scores'])) < 1e-12"

# ---- WSM --------------------------------------------------------------------------------
# Triantaphyllou, E. (2000), Multi-Criteria Decision Making Methods: A
# Comparative Study, Kluwer, section 2.2.1: A1 21.5, A2 22, A3 22
run "$CAPMATCH" mcda --method wsm "$D/wsm-triantaphyllou.json"
check "wsm: Triantaphyllou 21.5 22 22" "r(j['scores'], 12) == [21.5, 22, 22]"
run "$CAPMATCH" mcda --method wsm --normalise-weights "$D/wsm-triantaphyllou.json"
check "wsm: weights summing to 1 already: the same" "r(j['scores'], 12) == [21.5, 22, 22]"

# ---- input mistakes: exit 2, the key, row and column named, nothing on stdout ---------
# bad NAME METHOD JSON MESSAGE
bad() {
    printf '%s\n' "$3" > "$TMP/case.json"
    run "$CAPMATCH" mcda --method "$2" "$TMP/case.json"
    if [ "$RC" -eq 2 ] && grep -qF -- "$4" "$TMP/err" && [ ! -s "$TMP/out" ]; then ok "error: $1"; else
        not_ok "error: $1" "exit $RC, expected 2 and '$4' on stderr" "stderr: $(head -c 600 "$TMP/err")" \
            "stdout: $(head -c 200 "$TMP/out")"; fi
}
bad "ahp not square" ahp '{"matrix": [[1, 2, 3], [0.5, 1, 2]]}' \
    "case.json: matrix: ahp needs a square matrix (criteria x criteria), found 2 rows of 3"
bad "ahp non-positive entry" ahp '{"matrix": [[1, 0], [0, 1]]}' \
    "matrix[0][1] (row 1, column 2): expected a positive number, found 0"
bad "ahp negative entry" ahp '{"matrix": [[1, -2], [-0.5, 1]]}' \
    "matrix[0][1] (row 1, column 2): expected a positive number, found -2"
bad "ahp not reciprocal" ahp '{"matrix": [[1, 3, 5], [0.5, 1, 3], [0.2, 0.333, 1]]}' \
    "matrix[1][0] (row 2, column 1): expected the reciprocal of matrix[0][1] = 3, that is 0.333333, found 0.5"
bad "ahp diagonal not 1" ahp '{"matrix": [[2, 1], [1, 1]]}' \
    "matrix[0][0] (row 1, column 1): a criterion compared with itself must be 1, found 2"
bad "ahp too many criteria" ahp "{\"matrix\": [$(python3 -c 'print(",".join(["[" + ",".join(["1"]*16) + "]"]*16))')]}" \
    "matrix: 16 criteria; Saaty's random index is tabulated for up to 15"
bad "ahp takes no weights" ahp '{"matrix": [[1]], "weights": [1]}' "case.json: weights: not used by method ahp"
bad "weights length" topsis '{"matrix": [[1, 2], [3, 4]], "weights": [1, 2, 3]}' \
    "weights: expected 2 items, one per criterion (column) of matrix, found 3"
bad "weights missing" topsis '{"matrix": [[1, 2], [3, 4]]}' "weights: missing (one per criterion)"
bad "weight negative" wsm '{"matrix": [[1, 2], [3, 4]], "weights": [1, -2]}' \
    "weights[1]: expected a finite number >= 0, found -2"
bad "weights all 0" topsis '{"matrix": [[1, 2], [3, 4]], "weights": [0, 0]}' "weights: every weight is 0"
bad "weight not a number" topsis '{"matrix": [[1, 2], [3, 4]], "weights": [1, "2"]}' \
    "weights[1]: expected a number, found \"2\""
bad "empty matrix" topsis '{"matrix": [], "weights": []}' "case.json: matrix: empty: no rows"
bad "empty row" topsis '{"matrix": [[]], "weights": []}' "matrix[0] (row 1): empty: no criteria"
bad "ragged rows" topsis '{"matrix": [[1, 2], [3]], "weights": [1, 1]}' \
    "matrix[1] (row 2): expected 2 values like row 1, found 1"
bad "NaN literal" topsis '{"matrix": [[1, NaN]], "weights": [1, 1]}' "case.json:1:"
bad "NaN as text" topsis '{"matrix": [[1, "NaN"]], "weights": [1, 1]}' \
    "matrix[0][1] (row 1, column 2): expected a number, found \"NaN\""
bad "null value" wsm '{"matrix": [[1, 2], [null, 4]], "weights": [1, 1]}' \
    "matrix[1][0] (row 2, column 1): expected a number, found null"
bad "matrix missing" wsm '{"weights": [1]}' "matrix: missing"
bad "not an object" wsm '[1, 2]' "expected an object with \"matrix\", found a list"
bad "syntax" wsm '{"matrix": [[1, 2]' "case.json:2:"
bad "duplicate key" wsm '{"matrix": [[1]], "matrix": [[2]], "weights": [1]}' "case.json:1:"
bad "unknown key" topsis '{"matrix": [[1]], "weights": [1], "wieghts": [1]}' "unknown key 'wieghts'"
bad "key of another method" topsis '{"matrix": [[1]], "weights": [1], "preference": "usual"}' \
    "preference: not used by method topsis"
bad "unknown normalisation" topsis '{"matrix": [[1]], "weights": [1], "normalisation": "l2"}' \
    "normalisation: expected one of vector, minmax, sum, max, none, found \"l2\""
bad "bad type" topsis '{"matrix": [[1, 2]], "weights": [1, 1], "types": [1, 0]}' \
    "types[1]: expected 1 or \"benefit\", -1 or \"cost\", found 0"
bad "sum with a negative value" topsis '{"matrix": [[1, -2], [1, 2]], "weights": [1, 1], "normalisation": "sum"}' \
    "matrix[0][1] (row 1, column 2): normalisation sum needs values >= 0, found -2"
bad "wsm cost without normalisation" wsm '{"matrix": [[1, 2]], "weights": [1, 1], "types": [1, -1]}' \
    "types[1]: wsm takes a cost criterion only under normalisation minmax or max, not none"
bad "unknown preference function" promethee2 '{"matrix": [[1], [2]], "weights": [1], "preference": ["step"]}' \
    "preference[0]: unknown preference function \"step\" (known: usual, u-shape, v-shape, level, linear, gaussian)"
bad "linear without p" promethee2 '{"matrix": [[1], [2]], "weights": [1], "preference": [{"type": "linear", "q": 1}]}' \
    "preference[0]: linear needs q and p; p is missing"
bad "u-shape without q" promethee2 '{"matrix": [[1, 1], [2, 2]], "weights": [1, 1], "preference": ["usual", {"type": "u-shape"}]}' \
    "preference[1]: u-shape needs q; q is missing"
bad "v-shape without p" promethee2 '{"matrix": [[1], [2]], "weights": [1], "preference": "v-shape"}' \
    "preference[0]: v-shape needs p; p is missing"
bad "gaussian without s" promethee2 '{"matrix": [[1], [2]], "weights": [1], "preference": [{"type": "gaussian"}]}' \
    "preference[0]: gaussian needs s; s is missing"
bad "threshold of another function" promethee2 '{"matrix": [[1], [2]], "weights": [1], "preference": [{"type": "usual", "q": 1}]}' \
    "preference[0].q: not a threshold of usual"
bad "linear with q >= p" promethee2 '{"matrix": [[1], [2]], "weights": [1], "preference": [{"type": "linear", "q": 3, "p": 2}]}' \
    "preference[0]: linear needs 0 <= q < p, found q 3, p 2"
bad "preference list length" promethee2 '{"matrix": [[1, 1], [2, 2]], "weights": [1, 1], "preference": ["usual"]}' \
    "preference: expected 2 items, one per criterion (column) of matrix, found 1"
bad "promethee2 normalisation" promethee2 '{"matrix": [[1], [2]], "weights": [1], "normalisation": "vector"}' \
    "normalisation: not used by method promethee2"
bad "names length" topsis '{"matrix": [[1], [2]], "weights": [1], "alternatives": ["a"]}' \
    "alternatives: expected 2 items, one per alternative (row) of matrix, found 1"

run "$CAPMATCH" mcda --method vikor "$D/wsm-triantaphyllou.json"
expect_status "error: unknown method: exit 2" 2
expect_grep "error: unknown method named" err "unknown method 'vikor' (known: topsis, ahp, promethee2, wsm)"
run "$CAPMATCH" mcda "$D/wsm-triantaphyllou.json"
expect_status "error: no --method: exit 2" 2
run "$CAPMATCH" mcda --method wsm --format xml "$D/wsm-triantaphyllou.json"
expect_status "error: unknown format: exit 2" 2
run "$CAPMATCH" mcda --method topsis --normalise-weights "$D/topsis-aircraft.json"
expect_status "error: --normalise-weights is for wsm: exit 2" 2
run "$CAPMATCH" mcda --method wsm "$TMP/no-such.json"
expect_status "error: missing file: exit 2" 2
expect_grep "error: missing file named" err "no-such.json: No such file or directory"

# -o writes the whole file or nothing
run "$CAPMATCH" mcda --method topsis -o "$TMP/res.json" "$D/topsis-aircraft.json"
if [ "$RC" -eq 0 ] && [ ! -s "$TMP/out" ] && $ORACLE --compare topsis "$D/topsis-aircraft.json" "$TMP/res.json" >/dev/null; then
    ok "-o FILE: the result in the file"; else not_ok "-o FILE: the result in the file" "exit $RC"; fi
printf 'old\n' > "$TMP/keep.json"
printf '{"matrix": [[1]], "weights": [-1]}\n' > "$TMP/case.json"
run "$CAPMATCH" mcda --method topsis -o "$TMP/keep.json" "$TMP/case.json"
if [ "$RC" -eq 2 ] && [ "$(cat "$TMP/keep.json")" = old ]; then ok "-o FILE: an input error leaves the old file"; else
    not_ok "-o FILE: an input error leaves the old file" "exit $RC, file: $(cat "$TMP/keep.json")"; fi

# ---- mcda.ahp in policies -----------------------------------------------------------------
R=examples/data/regions.json
E=examples/data/enterprises.json
P=tests/policies/mcda
# the weights are the calculator's for the same matrix (Saaty's 3x3 above)
run "$CAPMATCH" match --regions "$R" --enterprises "$E" --policy "$P/ahp_weights.lua" --top 1 --explain
expect_status "mcda.ahp: a policy weighted by AHP matches" 0
expect_grep "mcda.ahp: weight of the first rule is the first AHP weight" out "sector               1.00 x 0.636986 = 0.637"
expect_grep "mcda.ahp: weight of the third rule" out "x 0.104729"
run "$CAPMATCH" check "$P/ahp_weights.lua"
expect_status "mcda.ahp: check of a consistent questionnaire: no finding" 0
run "$CAPMATCH" check "$P/ahp_inconsistent.lua"
expect_status "mcda.ahp: an inconsistent matrix is a warning: check exits 0" 0
expect_grep "mcda.ahp: check warns when CR > 0.10, with the line" out \
    "tests/policies/mcda/ahp_inconsistent.lua:3: warning: mcda.ahp: consistency ratio 6.130 > 0.10: the comparisons contradict each other (lambda_max 10.111 for 3 criteria); revise them before using the weights"
# a warning, not a refusal: the policy still matches
run "$CAPMATCH" match --regions "$R" --enterprises "$E" --policy "$P/ahp_inconsistent.lua" --top 1
expect_status "mcda.ahp: an inconsistent matrix still loads for match" 0
run "$CAPMATCH" match --regions "$R" --enterprises "$E" --policy "$P/ahp_not_reciprocal.lua"
expect_status "mcda.ahp: a non-reciprocal matrix stops the load: exit 2" 2
expect_grep "mcda.ahp: non-reciprocal entry named with the policy's line" err \
    "ahp_not_reciprocal.lua:2: mcda.ahp: matrix[1][0] (row 2, column 1): expected the reciprocal of matrix[0][1] = 3, that is 0.333333, found 3"
run "$CAPMATCH" match --regions "$R" --enterprises "$E" --policy "$P/ahp_ragged.lua"
expect_status "mcda.ahp: a text entry stops the load: exit 2" 2
expect_grep "mcda.ahp: the text entry named" err \
    "ahp_ragged.lua:2: mcda.ahp: matrix[2][1] (row 2, column 1): expected a number, found a string"

# ---- policy { aggregate = ... } ---------------------------------------------------------
A=tests/policies/mcda/aggregate.lua
ENTS="cn-xian-textile-machinery cn-qingdao-spinning-equipment ph-bicol-fibercraft"
# same_as_calculator NAME METHOD NORM: every row of the three enterprises has
# the score the calculator gives the same matrix (all candidates shown)
same_as_calculator() {
    run "$CAPMATCH" match --regions "$R" --enterprises "$E" --policy "$A" --set "method=$2" \
        --set "norm=$3" --top 100 --explain --format json
    cp "$TMP/out" "$TMP/agg.json"
    bad=""
    for ent in $ENTS; do
        python3 "$D/from_match.py" "$TMP/agg.json" "$ent" "$2" "$3" > "$TMP/case.json"
        "$CAPMATCH" mcda --method "$2" "$TMP/case.json" > "$TMP/calc.json" || bad="$bad $ent:mcda-failed"
        python3 - "$TMP/agg.json" "$TMP/calc.json" "$ent" "$2" <<'PY' || bad="$bad $ent"
import json, sys
rows = [r for r in json.load(open(sys.argv[1]))["results"] if r["enterprise"] == sys.argv[3]]
calc = json.load(open(sys.argv[2]))["scores"]
if sys.argv[4] == "promethee2":
    calc = [(1 + x) / 2 for x in calc]       # the policy's score is (1 + net flow) / 2
ok = len(rows) == len(calc) and all(abs(r["score"] - c) <= 1e-12 for r, c in zip(rows, calc))
ok = ok and all(abs(sum(x["contribution"] for x in r["explain"]) - r["score"]) <= 1e-12 for r in rows)
ok = ok and all(a["score"] >= b["score"] for a, b in zip(rows, rows[1:]))
sys.exit(0 if ok else 1)
PY
    done
    if [ -z "$bad" ]; then ok "$1"; else not_ok "$1" "differs for:$bad"; fi
}
same_as_calculator "aggregate topsis (vector): the calculator's closeness, contributions add up" topsis vector
same_as_calculator "aggregate topsis (minmax): the calculator's closeness" topsis minmax
same_as_calculator "aggregate promethee2 (linear): the calculator's net flow" promethee2 none
same_as_calculator "aggregate wsm (minmax): the calculator's weighted sum" wsm minmax

run "$CAPMATCH" match --regions "$R" --enterprises "$E" --policy "$A" --top 1 --explain
expect_grep "aggregate topsis: explanation shows the ideal, anti-ideal and closeness" out \
    "sector               1.00 x 3    = 0.751  sectors 2826 (Textile, clothing and leather machinery) is in sectors_sought [topsis: weighted 0.2949, ideal 0.2949, anti-ideal 0.0000; closeness 0.8678 = d- 0.3170 / (d+ 0.0483 + d- 0.3170)]"
expect_grep "aggregate topsis: a cost criterion says so" out "[topsis: cost criterion; weighted 0.0467, ideal 0.0001, anti-ideal 0.0628]"
run "$CAPMATCH" match --regions "$R" --enterprises "$E" --policy "$A" --set method=promethee2 --top 1 --explain
expect_grep "aggregate promethee2: explanation shows the flows" out "net flow"

# candidates: the best 5 by the weighted mean, then ranked by closeness
run "$CAPMATCH" match --regions "$R" --enterprises "$E" --policy "$A" --set method=none --top 5 \
    --explain --format json
cp "$TMP/out" "$TMP/mean5.json"
run "$CAPMATCH" match --regions "$R" --enterprises "$E" --policy "$A" --set cands=5 --format json
cp "$TMP/out" "$TMP/agg5.json"
bad=""
for ent in $ENTS; do
    python3 "$D/from_match.py" "$TMP/mean5.json" "$ent" topsis vector > "$TMP/case.json"
    "$CAPMATCH" mcda --method topsis "$TMP/case.json" > "$TMP/calc.json"
    python3 - "$TMP/case.json" "$TMP/calc.json" "$TMP/agg5.json" "$ent" <<'PY' || bad="$bad $ent"
import json, sys
case, calc = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))["scores"]
want = sorted(zip(calc, case["alternatives"]), key=lambda t: -t[0])[:3]
rows = [r for r in json.load(open(sys.argv[3]))["results"] if r["enterprise"] == sys.argv[4]]
got = [(r["score"], r["region"]) for r in rows]
sys.exit(0 if len(got) == 3 and all(a[1] == b[1] and abs(a[0] - b[0]) <= 1e-12 for a, b in zip(want, got)) else 1)
PY
done
if [ -z "$bad" ]; then ok "aggregate: candidates = the best 5 by the weighted mean, ranked by closeness"; else
    not_ok "aggregate: candidates = the best 5 by the weighted mean, ranked by closeness" "differs for:$bad"; fi

# the same bytes whatever the number of threads
run "$CAPMATCH" match --regions "$R" --enterprises "$E" --policy "$A" --threads 1 --explain --format jsonl
cp "$TMP/out" "$TMP/t1"
run "$CAPMATCH" match --regions "$R" --enterprises "$E" --policy "$A" --threads 3 --explain --format jsonl
if cmp -s "$TMP/t1" "$TMP/out"; then ok "aggregate: output the same for 1 and 3 threads"; else
    not_ok "aggregate: output the same for 1 and 3 threads" "$(diff "$TMP/t1" "$TMP/out" | head -5)"; fi

# policy mistakes, with the line
# bad_policy NAME AGGREGATE-OR-RULE MESSAGE
bad_policy() {
    printf 'policy { name = "x", %s }\nrule { name = "d", weight = 1%s, score = builtin.distance { scale_km = 100 } }\n' \
        "$2" "$3" > "$TMP/bad.lua"
    run "$CAPMATCH" match --regions "$R" --enterprises "$E" --policy "$TMP/bad.lua"
    if [ "$RC" -eq 2 ] && grep -qF -- "$4" "$TMP/err"; then ok "aggregate error: $1"; else
        not_ok "aggregate error: $1" "exit $RC; expected '$4'" "stderr: $(head -c 600 "$TMP/err")"; fi
}
bad_policy "unknown method" 'aggregate = { method = "vikor" }' "" \
    "bad.lua:1: policy: aggregate: method must be topsis, promethee2 or wsm, not 'vikor'"
bad_policy "ahp is for weights" 'aggregate = { method = "ahp" }' "" \
    "method must be topsis, promethee2 or wsm, not 'ahp' (AHP gives weights: rule { weight = w[1] } with w = mcda.ahp(matrix))"
bad_policy "no method" 'aggregate = { candidates = 10 }' "" "policy: aggregate: 'method' is required"
bad_policy "unknown key" 'aggregate = { method = "topsis", candidate = 10 }' "" \
    "policy: aggregate: unknown key 'candidate'"
bad_policy "candidates 0" 'aggregate = { method = "topsis", candidates = 0 }' "" \
    "policy: aggregate: candidates must be a whole number from 1 to 100000"
bad_policy "unknown normalisation" 'aggregate = { method = "topsis", normalisation = "l2" }' "" \
    "policy: aggregate: normalisation must be vector, minmax, sum, max or none, not 'l2'"
bad_policy "linear without p" 'aggregate = { method = "promethee2", preference = "linear", q = 0.1 }' "" \
    "policy: aggregate: preference linear takes q and p"
bad_policy "linear q >= p" 'aggregate = { method = "promethee2", preference = "linear", q = 0.5, p = 0.1 }' "" \
    "policy: aggregate: linear needs 0 <= q < p, found q 0.5, p 0.1"
bad_policy "preference for topsis" 'aggregate = { method = "topsis", preference = "usual" }' "" \
    "policy: aggregate: preference is for promethee2"
bad_policy "not a table" 'aggregate = "topsis"' "" "policy: aggregate: expected a table"
bad_policy "cost not a boolean" 'top = 1' ', cost = "yes"' "rule 'd': cost must be true or false, not a string"

# the same policy without pruning: the same output
run "$CAPMATCH" match --regions "$R" --enterprises "$E" --policy "$A" --explain
cp "$TMP/out" "$TMP/pruned"
run "$CAPMATCH" match --regions "$R" --enterprises "$E" --policy "$A" --explain --no-prune
if cmp -s "$TMP/pruned" "$TMP/out"; then ok "aggregate: --no-prune gives the same output"; else
    not_ok "aggregate: --no-prune gives the same output" "$(diff "$TMP/pruned" "$TMP/out" | head -5)"; fi

# ---- weight sensitivity ----------------------------------------------------------------------
W=tests/policies/mcda/weights.lua
# every reported bound re-run with the weight moved just inside and just beyond it
python3 "$D/check_sensitivity.py" "$CAPMATCH" "$R" "$E" "$W" cn-xian-textile-machinery ph-bicol-fibercraft
run "$CAPMATCH" match --regions "$R" --enterprises "$E" --policy "$W" --top 4 --sensitivity
expect_grep "sensitivity: table line with both bounds and partners" out \
    "        weight of needs                down to x0.070 (then vn-ben-tre passes it), up to x16.525 (then th-rayong passes it)"
expect_grep "sensitivity: a weight that can grow without limit" out \
    "        weight of sector               down to x0.080 (then th-rayong passes it), up without limit"
run "$CAPMATCH" explain --regions "$R" --enterprises "$E" --policy "$W" --sensitivity \
    --enterprise cn-xian-textile-machinery --region vn-ben-tre
expect_grep "explain --sensitivity: the pair's rank" out "sensitivity: rank 2 of the enterprise's 5 kept partners"
expect_grep "explain --sensitivity: a rule's bounds" out \
    "  weight of needs                down to x0.070 (then it passes ph-catanduanes), up to x6.652 (then th-rayong passes it)"
run "$CAPMATCH" explain --regions "$R" --enterprises "$E" --policy "$W" --sensitivity --top 1 \
    --enterprise cn-xian-textile-machinery --region vn-ben-tre
expect_grep "explain --sensitivity: a pair not kept says so" out \
    "sensitivity: not among the enterprise's 1 kept partners (--top); it is reported for kept pairs"
run "$CAPMATCH" explain --regions "$R" --enterprises "$E" --policy "$W" --sensitivity --format json \
    --enterprise cn-xian-textile-machinery --region vn-ben-tre
check "explain --sensitivity --format json: rank, kept, rules" \
    "j['results'][0]['rank'] == 2 and j['totals']['kept'] == 5 and [s['rule'] for s in j['results'][0]['sensitivity']] == ['sector', 'needs', 'close'] and j['results'][0]['sensitivity'][1]['up_partner'] == 'th-rayong'"
run "$CAPMATCH" match --regions "$R" --enterprises "$E" --policy "$A" --sensitivity
expect_status "sensitivity with an aggregate policy: exit 2" 2
expect_grep "sensitivity with an aggregate policy: says why" err "--sensitivity is for the weighted mean; the policy ranks by topsis"
run "$CAPMATCH" match --regions "$R" --enterprises "$E" --policy "$W" --sensitivity --format csv
expect_status "sensitivity with csv: exit 2" 2

# ---- the man page's examples run as shown ----------------------------------------------
python3 - doc/capmatch-mcda.1 > "$TMP/mcda-man.md" <<'PY'
import sys
inside = False
for line in open(sys.argv[1], encoding="utf-8").read().split("\n"):
    if line.startswith(".SH"):
        inside = line == ".SH EXAMPLES"
    elif inside and line == ".nf":
        print("```")
    elif inside and line == ".fi":
        print("```")
    elif inside and not line.startswith("."):
        print(line.replace("\\-", "-").replace("\\&", "").replace("\\e", "\\"))
PY
python3 tests/cli/readme_examples.py "$TMP/mcda-man.md" "$CAPMATCH" | sed 's|[^ ]*/mcda-man.md|doc/capmatch-mcda.1|'

# capmatch check: cost = true without a decision method is named
run "$CAPMATCH" check "$A" --set method=none
expect_grep "check: cost = true without aggregate is a finding" out \
    "tests/policies/mcda/aggregate.lua:17: warning: rule 'far': cost = true counts only with policy { aggregate = ... }; the weighted mean takes its score as it is"
run "$CAPMATCH" check "$A"
expect_status "check: cost = true with aggregate: no finding" 0
