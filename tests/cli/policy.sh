#!/bin/sh
# The policy engine through the command: capmatch match and capmatch explain
# with the policies of tests/policies/ on the profiles of tests/data/.
#
#   - errors: a syntax error names file and line; a rule error names file,
#     line, rule, enterprise and region, stops the run (exit 2) or, with
#     --on-error skip, scores 0, shows in the explanation and in a summary
#   - the sandbox: every attempt of tests/policies/escape/ (at load time and
#     inside a rule) stops with exit 2, a clear message naming the policy
#     file and line, within 2 s (5 s for a sanitizer build, CAPMATCH
#     containing "/san/"), and touches nothing
#   - profiles are read-only, globals are strict
#   - declarations: unknown keys, weights, missing policy{} or rule{}, --set
#   - output formats (json, jsonl, csv, table), rule order, -o FILE
#   - --by region, --top, --min-score, exit 1 when no pair passes
#   - capmatch explain; derived values; require from the rules path
# Prints one "ok NAME" / "not ok NAME" line per check. The JSON checks need
# python3; without it they print "ok NAME # skip".
cd "$(dirname "$0")/../.." || exit 2
# shellcheck source=tests/cli/lib.sh
. tests/cli/lib.sh
case $CAPMATCH in
/*) ;;
*/*) CAPMATCH=$PWD/$CAPMATCH ;;
esac
P=tests/policies
ESC=$P/escape
PAIR_E=e-xian     # the first pair of tests/data: e-xian and r-ph-cat
REG=tests/data/regions.json
ENT=tests/data/enterprises.json
LIMIT_MS=2000
case $CAPMATCH in
*/san/*) LIMIT_MS=5000 ;;
esac
# a run that does not stop is killed a few seconds after the limit
KILL_S=$((LIMIT_MS / 1000 + 4))
if command -v timeout >/dev/null 2>&1; then TIMEOUT="timeout -s KILL $KILL_S"; else TIMEOUT=; fi
if python3 -c 'import json' >/dev/null 2>&1; then HAVE_PY=1; else HAVE_PY=0; fi

# match ARGS...: capmatch match on tests/data, timed: $MS is the run's time in ms
match() {
    t0=$(date +%s%N)
    run $TIMEOUT "$CAPMATCH" match --regions "$REG" --enterprises "$ENT" "$@"
    MS=$((($(date +%s%N) - t0) / 1000000))
}
explain() {
    run $TIMEOUT "$CAPMATCH" explain --regions "$REG" --enterprises "$ENT" "$@"
}

# expect_no_grep NAME WHERE(out|err) PATTERN: fixed string not found
expect_no_grep() {
    if grep -qF -- "$3" "$TMP/$2"; then
        not_ok "$1" "'$3' found in std$2:" "$(grep -F -- "$3" "$TMP/$2" | head -n 3)"
    else ok "$1"; fi
}

# expect_clean NAME: no sanitizer report in the last run's stderr
expect_clean() {
    if grep -q -e 'runtime error:' -e 'Sanitizer' "$TMP/err"; then
        not_ok "$1: no sanitizer report" "$(grep -m 3 -e 'runtime error:' -e 'Sanitizer' "$TMP/err")"
    else ok "$1: no sanitizer report"; fi
}

# expect_fast NAME: the last match took less than LIMIT_MS
expect_fast() {
    if [ "$MS" -lt "$LIMIT_MS" ]; then ok "$1 (${MS} ms)"; else
        not_ok "$1" "took ${MS} ms (limit ${LIMIT_MS} ms; killed after ${KILL_S} s)" \
            "stderr: $(head -c 300 "$TMP/err")"
    fi
}

# line_of FILE: the line marked "-- attempt"
line_of() { grep -n -e '-- attempt' "$1" | head -n 1 | cut -d: -f1; }

# py NAME SCRIPT ARGS...: run a python3 check (exit 0 = ok), or skip
py() {
    name=$1 script=$2
    shift 2
    if [ "$HAVE_PY" -eq 0 ]; then echo "ok $name # skip (no python3)"; return; fi
    if python3 -c "$script" "$@" >"$TMP/py" 2>&1; then ok "$name"; else
        not_ok "$name" "$(head -n 8 "$TMP/py")"; fi
}

# A JSON match result: meta and results; with rule names (a,b,c) every row's
# explain lists them in that order and its contributions sum to its score.
PY_JSON='
import json, sys
d = json.load(open(sys.argv[1]))
assert isinstance(d.get("meta"), dict), "no meta object"
assert isinstance(d.get("results"), list), "no results list"
rules = sys.argv[2].split(",") if len(sys.argv) > 2 else None
assert not rules or d["results"], "no results to check"
for r in d["results"]:
    for k in ("enterprise", "region", "score", "rank"):
        assert k in r, "row without %s: %r" % (k, r)
    if rules:
        names = [x["rule"] for x in r["explain"]]
        assert names == rules, "rules %s, expected %s" % (names, rules)
        s = sum(x["contribution"] for x in r["explain"])
        assert abs(s - r["score"]) <= 1e-9, "%s/%s: contributions sum to %r, score %r" % (
            r["enterprise"], r["region"], s, r["score"])
'
# The same for JSON Lines: a header line (format, command, meta), one row a
# line, a last line of totals.
PY_JSONL='
import json, sys
lines = open(sys.argv[1]).read().splitlines()
first = json.loads(lines[0])
assert first.get("format") == "capmatch.result/1" and isinstance(first["meta"], dict), "first line: %s" % lines[0][:80]
assert list(json.loads(lines[-1])) == ["totals"], "last line: %s" % lines[-1][:80]
rules = sys.argv[2].split(",")
assert len(lines) > 2, "no rows"
for l in lines[1:-1]:
    r = json.loads(l)
    assert [x["rule"] for x in r["explain"]] == rules, "rule order %s" % l[:200]
    s = sum(x["contribution"] for x in r["explain"])
    assert abs(s - r["score"]) <= 1e-9, "sum %r != score %r" % (s, r["score"])
'
BASIC_RULES=sector,needs,distance,abaca,size
ORDER_RULES=zeta,alpha,mid,beta,distance

# ---- errors: syntax, rule errors, --on-error ------------------------------------
match --policy $P/cli_syntax_error.lua
expect_status "syntax error: exit 2" 2
expect_grep "syntax error: names file and line" err "$P/cli_syntax_error.lua:5:"

match --policy $P/cli_onerror.lua
expect_status "rule error: exit 2 by default" 2
expect_grep "rule error: names file, line, rule, enterprise and region" err \
    "$P/cli_onerror.lua:6: rule 'boom' (enterprise \"e-fruit\", region \"r-vn-bt\")"
expect_grep "rule error: carries the Lua message and its line" err "$P/cli_onerror.lua:8: kaboom"
expect_no_grep "rule error: no partial output" out "e-xian"

match --policy $P/cli_onerror.lua --on-error stop
expect_status "rule error: --on-error stop: exit 2" 2

for form in "--on-error skip" "--on-error=skip"; do
    # shellcheck disable=SC2086
    match --policy $P/cli_onerror.lua $form --explain --format json
    expect_status "$form: exit 0" 0
    cp "$TMP/out" "$TMP/skip.json"
    expect_grep "$form: summary on stderr" err "1 rule error skipped"
    expect_grep "$form: summary names the pair" err \
        "$P/cli_onerror.lua:6: rule 'boom' (enterprise \"e-fruit\", region \"r-vn-bt\"): $P/cli_onerror.lua:8: kaboom"
done
py "--on-error skip: the pair's explanation shows the error, scored 0" '
import json, sys
d = json.load(open(sys.argv[1]))
rows = [r for r in d["results"] if r["enterprise"] == "e-fruit" and r["region"] == "r-vn-bt"]
assert len(rows) == 1, "row e-fruit/r-vn-bt: %d" % len(rows)
boom = [x for x in rows[0]["explain"] if x["rule"] == "boom"][0]
assert boom.get("error") is True, boom
assert boom["score"] == 0 and boom["contribution"] == 0, boom
assert "kaboom" in boom["reason"] and boom["reason"].startswith("error"), boom
ok = [x for r in d["results"] for x in r["explain"] if x["rule"] == "boom" and r["region"] != "r-vn-bt"]
assert ok and all(x["score"] == 0.5 and "error" not in x for x in ok)
assert d["totals"]["errors_skipped"] == 1, d["totals"]
' "$TMP/skip.json"
py "--on-error skip: contributions still sum to the scores" "$PY_JSON" "$TMP/skip.json" sector,boom
match --policy $P/cli_onerror.lua --on-error skip --explain
expect_grep "--on-error skip: the table explanation shows the error" out "error: $P/cli_onerror.lua:8: kaboom"
match --policy $P/cli_onerror.lua --on-error skip --explain --format csv
expect_grep "--on-error skip: the csv reasons show the error" out "boom: error: $P/cli_onerror.lua:8: kaboom"

# ---- the sandbox: escape attempts -------------------------------------------------
# escape NAME KEYWORD [ARGS...]: tests/policies/escape/NAME.lua must stop with
# exit 2, KEYWORD and FILE:LINE (the line marked "attempt") on stderr, within
# the time limit, with no $TMP/pwned; a rule names the pair too
escape() {
    name=$1 key=$2
    shift 2
    f=$ESC/$name.lua
    line=$(line_of "$f")
    rm -f "$TMP/pwned"
    match --policy "$f" --set "target=$TMP/pwned" "$@"
    expect_status "escape $name: exit 2" 2
    expect_grep "escape $name: says '$key'" err "$key"
    case $name in
    *_bomb_load)
        # Lua raises memory errors without calling the message handler, so
        # there may be no line to give: the file is named
        expect_grep "escape $name: names $f" err "$f" ;;
    *) expect_grep "escape $name: names $f:$line" err "$f:$line:" ;;
    esac
    case $name in
    *_rule) expect_grep "escape $name: names the rule and the pair" err \
        "rule 'escape' (enterprise \"$PAIR_E\", region \"r-ph-cat\")" ;;
    esac
    expect_fast "escape $name: stops within ${LIMIT_MS} ms"
    if [ -e "$TMP/pwned" ]; then not_ok "escape $name: touched nothing" "$TMP/pwned exists"
    else ok "escape $name: touched nothing"; fi
    expect_clean "escape $name"
}

for when in load rule; do
    escape os_execute_$when "undeclared global 'os'"
    escape io_open_$when "undeclared global 'io'"
    escape require_os_$when "module 'os' not found"
    escape string_dump_$when "field 'dump'"
    escape binary_chunk_$when "attempt to load a binary chunk"
    escape debug_$when "undeclared global 'debug'"
    escape package_loadlib_$when "undeclared global 'package'"
    escape coroutine_$when "undeclared global 'coroutine'"
    escape load_env_$when "undeclared global 'os'"
    escape loop_$when "instruction limit"
    escape pcall_loop_$when "instruction limit"
    escape xpcall_loop_$when "instruction limit"
    escape gc_$when "__gc metamethods are not allowed"
    escape lua_pattern_$when "Lua pattern too costly"
    escape rep_bomb_$when "memory limit"
    escape table_bomb_$when "limit"   # the rule doubles with table.move, now charged: the budget may come first
    escape pcre_$when "match limit"
    escape rep_loop_$when "limit"
done
escape pattern_loop_rule "limit"
escape pcre_pcall_loop_rule "limit"
ENT=tests/data/enterprises-redos.json PAIR_E=e-redos
escape pcre_builtin_rule "match limit"
ENT=tests/data/enterprises.json PAIR_E=e-xian

# a policy compiled to a binary chunk, and a binary module for require
mkdir -p "$TMP/bin"
if command -v luac5.4 >/dev/null 2>&1 || command -v luac >/dev/null 2>&1; then
    LUAC=$(command -v luac5.4 || command -v luac)
    "$LUAC" -o "$TMP/bin/policy.lua" "$ESC/os_execute_load.lua"
    "$LUAC" -o "$TMP/bin/binmod.lua" "$ESC/os_execute_load.lua"
else
    printf '\033LuaT\000\031\223\r\n\032\n' >"$TMP/bin/policy.lua"
    cp "$TMP/bin/policy.lua" "$TMP/bin/binmod.lua"
fi
rm -f "$TMP/pwned"
match --policy "$TMP/bin/policy.lua" --set "target=$TMP/pwned"
expect_status "escape binary policy file: exit 2" 2
expect_grep "escape binary policy file: says 'binary chunk'" err "attempt to load a binary chunk"
expect_grep "escape binary policy file: names the file" err "$TMP/bin/policy.lua"
expect_fast "escape binary policy file: stops within ${LIMIT_MS} ms"
match --policy $ESC/require_binary_load.lua --rules-path "$TMP/bin" --set "target=$TMP/pwned"
expect_status "escape require of a binary module: exit 2" 2
expect_grep "escape require of a binary module: says 'binary chunk'" err "attempt to load a binary chunk"
expect_grep "escape require of a binary module: names $ESC/require_binary_load.lua:7" err \
    "$ESC/require_binary_load.lua:7:"
if [ -e "$TMP/pwned" ]; then not_ok "escape binary chunks: touched nothing" "$TMP/pwned exists"
else ok "escape binary chunks: touched nothing"; fi

match --policy $ESC/gc_late_load.lua
expect_status "__gc set after setmetatable: never runs, the policy loads (exit 0)" 0
expect_fast "__gc set after setmetatable: does not hang"

# ---- profiles are read-only, globals strict (in a rule) ------------------------------
escape write_profile_rule "profiles are read-only"
expect_grep "writing e.name: names the field" err "cannot set 'name' of enterprise \"e-xian\""
escape write_global_rule "assignment to undeclared global 'counter'"

# ---- declarations ----------------------------------------------------------------------
# decl NAME FILE LINE KEYWORD: exit 2 and "FILE:LINE: ...KEYWORD" on stderr
decl() {
    match --policy "$P/$2"
    expect_status "$1: exit 2" 2
    if [ -n "$3" ]; then
        expect_grep "$1: names file and line" err "$P/$2:$3:"
    else
        expect_grep "$1: names the file" err "$P/$2:"
    fi
    expect_grep "$1: says '$4'" err "$4"
}
decl "unknown key in rule" cli_unknown_key_rule.lua 4 "unknown key 'wieght'"
decl "unknown key in filter" cli_unknown_key_filter.lua 5 "unknown key 'treshold'"
decl "unknown key in policy" cli_unknown_key_policy.lua 3 "unknown key 'topp'"
decl "unknown key in builtin spec" cli_unknown_key_builtin.lua 4 "unknown key 'regoin'"
decl "unknown key in derive" cli_unknown_key_derive.lua 4 "unknown key 'sied'"
decl "weight 0" cli_weight_zero.lua 4 "weight must be > 0"
decl "negative weight" cli_weight_negative.lua 3 "weight must be > 0"
decl "no policy{}" cli_no_policy.lua "" "no policy { name = ... } declaration"
decl "no rule{}" cli_no_rule.lua "" "declares no rule"

match --policy $P/cli_params.lua --set nope=1
expect_status "--set of an undeclared parameter: exit 2" 2
expect_grep "--set of an undeclared parameter: names it" err "no parameter 'nope'"
expect_grep "--set of an undeclared parameter: lists the known ones, by name" err \
    "(it has: alpha, bonus, mid, zeta)"
match --policy $P/cli_params.lua --set bonus=abc
expect_status "--set of a number parameter to text: exit 2" 2
expect_grep "--set of a number parameter to text: says so" err "expected a number"

match --policy $P/cli_params.lua --format csv
expect_status "params: default: exit 0" 0
csv_cols "$TMP/out" enterprise region score rank >"$TMP/rows"
expect_grep "params: the default is used" rows "e-xian,r-ph-cat,0.2500,1"
match --policy $P/cli_params.lua --set bonus=0.75 --format csv -o "$TMP/params.csv"
expect_status "params: --set bonus=0.75: exit 0" 0
csv_cols "$TMP/params.csv" enterprise region score rank >"$TMP/rows"
expect_grep "params: --set changes the result" rows "e-xian,r-ph-cat,0.7500,1"
cp "$TMP/params.csv.meta.json" "$TMP/sidecar"
expect_grep "params: --set in the csv's provenance (FILE.meta.json)" sidecar '"set":{"bonus":"0.75"}'
match --policy $P/cli_params.lua --set bonus=0.75 --format json
expect_grep "params: --set in meta \"set\"" out '"set":{"bonus":"0.75"}'
match --policy $P/cli_params.lua --set bonus=0.9 --format json
expect_grep "params: --set value in meta \"set\" as given (0.9)" out '"set":{"bonus":"0.9"}'
match --policy $P/cli_params.lua --format json
expect_grep "params: no --set, empty meta \"set\"" out '"set":{}'

# ---- output formats --------------------------------------------------------------------
match --policy $P/basic.lua --explain --format json
expect_status "json: exit 0" 0
cp "$TMP/out" "$TMP/basic.json"
py "json: valid, meta and results, rules in declaration order, contributions sum to the score" \
    "$PY_JSON" "$TMP/basic.json" "$BASIC_RULES"
match --policy $P/cli_order.lua --explain --format json
py "json: rule order kept with Lua and built-in rules interleaved" "$PY_JSON" "$TMP/out" "$ORDER_RULES"
match --policy $P/basic.lua --format json
py "json without --explain: valid, meta and results" "$PY_JSON" "$TMP/out"

match --policy $P/cli_order.lua --explain --format jsonl
expect_status "jsonl: exit 0" 0
case $(head -n 1 "$TMP/out") in
'{"format":"capmatch.result/1","command":"match","meta":{'*'}}') ok "jsonl: first line is the header" ;;
*) not_ok "jsonl: first line is the header" "$(head -c 200 "$TMP/out")" ;;
esac
py "jsonl: every line valid, rules in order, contributions sum to the score" "$PY_JSONL" "$TMP/out" "$ORDER_RULES"

match --policy $P/cli_order.lua --explain --format csv
expect_status "csv: exit 0" 0
if ! grep -q '^#' "$TMP/out" && [ "$(head -c 11 "$TMP/out")" = "enterprise," ]; then
    ok "csv: the header on row 1, no '#' lines"
else not_ok "csv: the header on row 1, no '#' lines" "$(head -n 8 "$TMP/out")"; fi
expect_grep "csv --explain: header with one column per rule, in order, and reasons" out \
    "enterprise,enterprise_name,enterprise_country,region,region_name,region_country,score,rank,zeta,alpha,mid,beta,distance,reasons"
py "csv --explain: every row has the header's columns; rule columns sum to the score" '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8-sig")))
head, body = rows[0], rows[1:]
assert body, "no rows"
for r in body:
    assert len(r) == len(head), "%d cells: %r" % (len(r), r)
    # rounded to 4 decimals for display: each cell within 5e-5
    s = sum(float(x) for x in r[8:-1])
    assert abs(s - float(r[6])) <= 5e-5 * (len(r) - 8), "%r: sum %r" % (r[:8], s)
    assert all(len(x.split(".")[1]) == 4 for x in [r[6]] + r[8:-1]), r
    assert r[-1].startswith("zeta: lua first | alpha: "), r[-1]
' "$TMP/out"
match --policy $P/cli_order.lua --format csv
case $(head -n 1 "$TMP/out") in
"enterprise,enterprise_name,enterprise_country,region,region_name,region_country,score,rank,zeta,alpha,mid,beta,distance,reasons")
    ok "csv without --explain: the same header, rules and reasons included" ;;
*) not_ok "csv without --explain: the same header, rules and reasons included" "$(head -n 1 "$TMP/out")" ;;
esac

match --policy $P/cli_order.lua --explain --format table --ids
expect_status "table: exit 0" 0
expect_grep "table: a block per enterprise, named, with its id (--ids)" out "enterprise 西安华纺纺织机械有限公司 (CN)  [e-xian]"
expect_grep "table: provenance footer" out "-- policy: order ($P/cli_order.lua, sha256 "
awk '/\[e-xian\]$/ { on = 1; next } on && /^ +[a-z]/ { printf "%s ", $1 } on && /^$/ { exit }' \
    "$TMP/out" >"$TMP/order"
# two regions pass the filters for e-xian, each with its five rules in declaration order
if grep -q "^zeta alpha mid beta distance zeta alpha mid beta distance $" "$TMP/order"
then ok "table --explain: rules in declaration order"; else
    not_ok "table --explain: rules in declaration order" "$(cat "$TMP/order")"; fi

# -o FILE: written only on success, no temp file left behind
mkdir "$TMP/o"
match --policy $P/basic.lua --format json
cp "$TMP/out" "$TMP/expected.json"
match --policy $P/basic.lua --format json -o "$TMP/o/result.json"
expect_status "-o: exit 0" 0
if cmp -s "$TMP/o/result.json" "$TMP/expected.json"; then ok "-o: the file holds the output"; else
    not_ok "-o: the file holds the output" "$(diff "$TMP/expected.json" "$TMP/o/result.json" | head -n 5)"; fi
if [ -s "$TMP/out" ]; then not_ok "-o: nothing on stdout" "$(head -c 200 "$TMP/out")"
else ok "-o: nothing on stdout"; fi
match --policy $P/cli_onerror.lua --format json -o "$TMP/o/failed.json"
expect_status "-o with a rule error: exit 2" 2
echo "previous" >"$TMP/o/kept.json"
match --policy $P/cli_onerror.lua --format csv -o "$TMP/o/kept.json"
expect_status "-o over an existing file, with a rule error: exit 2" 2
match --policy $ESC/loop_rule.lua --format csv -o "$TMP/o/loop.csv"
expect_status "-o with an endless rule: exit 2" 2
left=$(cd "$TMP/o" && find . -mindepth 1 | sed 's|^\./||' | sort | tr '\n' ' ')
if [ "$left" = "kept.json result.json " ]; then ok "-o: failed runs leave no file and no temp file"; else
    not_ok "-o: failed runs leave no file and no temp file" "files: $left"; fi
if [ "$(cat "$TMP/o/kept.json")" = previous ]; then ok "-o: a failed run leaves an existing file alone"
else not_ok "-o: a failed run leaves an existing file alone" "$(head -c 200 "$TMP/o/kept.json")"; fi

# ---- ranking options -------------------------------------------------------------------
match --policy $P/basic.lua --format csv --by region
expect_status "--by region: exit 0" 0
csv_cols "$TMP/out" enterprise region score rank >"$TMP/rows"
# rows grouped by region (column 2), ranks 1..k in each, scores never rising
if awk -F, '
$2 != g { if ($2 in seen) bad = 1; seen[$2]; g = $2; want = 1; ps = "" }
{ if ($4 != want++ || (ps != "" && $3 + 0 > ps + 0)) bad = 1; ps = $3 }
END { exit bad || NR == 0 }' "$TMP/rows"; then ok "--by region: enterprises ranked 1..k per region"; else
    not_ok "--by region: enterprises ranked 1..k per region" "$(cat "$TMP/rows")"; fi
if [ "$(cut -d, -f2 "$TMP/rows" | uniq | tr '\n' ' ')" = "r-ph-cat r-vn-bt r-th " ]; then
    ok "--by region: one block per region, in input order"; else
    not_ok "--by region: one block per region, in input order" "$(cut -d, -f2 "$TMP/rows" | uniq)"; fi
if [ "$(awk -F, '$2 == "r-ph-cat"' "$TMP/rows" | wc -l)" -eq 3 ]; then
    ok "--by region: all 3 enterprises ranked for r-ph-cat"; else
    not_ok "--by region: all 3 enterprises ranked for r-ph-cat" "$(cat "$TMP/rows")"; fi
match --policy $P/basic.lua --by region --ids
expect_grep "--by region: table blocks are regions" out "[r-ph-cat]"
match --policy $P/basic.lua --by region --format json
expect_grep "--by region: meta says so" out '"by":"region"'

match --policy $P/cli_order.lua --format csv --top 1
csv_cols "$TMP/out" enterprise region score rank >"$TMP/rows"
if [ "$(wc -l <"$TMP/rows")" -eq 3 ] && [ "$(cut -d, -f4 "$TMP/rows" | sort -u)" = 1 ]; then
    ok "--top 1: one row per enterprise"; else not_ok "--top 1: one row per enterprise" "$(cat "$TMP/rows")"; fi
match --policy $P/cli_order.lua --format csv --top 2
csv_cols "$TMP/out" enterprise region score rank >"$TMP/rows"
if [ "$(cut -d, -f1 "$TMP/rows" | sort | uniq -c | awk '$1 != 2' | wc -l)" -eq 0 ] &&
    [ "$(wc -l <"$TMP/rows")" -eq 6 ]; then ok "--top 2: two rows per enterprise"; else
    not_ok "--top 2: two rows per enterprise" "$(cat "$TMP/rows")"; fi

match --policy $P/cli_order.lua --format csv
csv_cols "$TMP/out" enterprise region score rank >"$TMP/all"
match --policy $P/cli_order.lua --format csv --min-score 0.4
expect_status "--min-score 0.4: exit 0" 0
csv_cols "$TMP/out" enterprise region score rank >"$TMP/rows"
kept=$(awk -F, '$3 >= 0.4' "$TMP/all" | wc -l)
if [ "$(wc -l <"$TMP/rows")" -eq "$kept" ] && [ "$kept" -lt "$(wc -l <"$TMP/all")" ] &&
    awk -F, '$3 < 0.4 { bad = 1 } END { exit bad }' "$TMP/rows"; then
    ok "--min-score 0.4: the lower pairs are dropped ($kept of $(wc -l <"$TMP/all") kept)"; else
    not_ok "--min-score 0.4: the lower pairs are dropped" "$(cat "$TMP/rows")"; fi

match --policy $P/basic.lua --min-score 1
expect_status "--min-score 1 that no pair reaches: exit 1" 1
expect_grep "--min-score 1: says 0 rows" out "-- 0 rows"
match --policy $P/cli_reject_all.lua --format json
expect_status "a filter that rejects every pair: exit 1" 1
py "a filter that rejects every pair: still valid JSON, no results" '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["results"] == [], d["results"]
' "$TMP/out"

# ---- capmatch explain ------------------------------------------------------------------
explain --policy $P/basic.lua --enterprise e-xian --region r-ph-cat
expect_status "explain, a passing pair: exit 0" 0
for w in "pass target country" "pass not home" sector needs distance abaca size "score: "; do
    expect_grep "explain: shows '$w'" out "$w"
done
if [ "$(sed -n '/^rules:/,/^$/p' "$TMP/out" | awk 'NR > 1 && NF { printf "%s ", $1 }')" = \
    "sector needs distance abaca size " ]; then ok "explain: rules in declaration order"; else
    not_ok "explain: rules in declaration order" "$(cat "$TMP/out")"; fi
explain --policy $P/basic.lua --enterprise e-xian --region r-th
expect_status "explain, a vetoed pair: exit 1" 1
expect_grep "explain, a vetoed pair: shows the veto and why" out "VETO target country"
expect_grep "explain, a vetoed pair: still shows every rule" out "abaca"
expect_grep "explain, a vetoed pair: says it is vetoed" out "vetoed by a filter"
explain --policy $P/basic.lua --enterprise e-xian --region r-th --format json
expect_status "explain --format json, a vetoed pair: exit 1" 1
py "explain --format json: filters, rules in order, sum, vetoed" '
import json, sys
d = json.load(open(sys.argv[1]))
assert isinstance(d["meta"], dict) and d["command"] == "explain"
r = d["results"][0]
assert r["enterprise"] == "e-xian" and r["region"] == "r-th"
assert r["vetoed"] is True
assert [(f["filter"], f["pass"]) for f in r["filters"]] == [("target country", False), ("not home", True)], r["filters"]
assert [x["rule"] for x in r["explain"]] == sys.argv[2].split(",")
assert abs(sum(x["contribution"] for x in r["explain"]) - r["score"]) <= 1e-9
' "$TMP/out" "$BASIC_RULES"
explain --policy $P/basic.lua --enterprise e-xian --region r-ph-cat --format json
expect_status "explain --format json, a passing pair: exit 0" 0
py "explain --format json, a passing pair: not vetoed" '
import json, sys
d = json.load(open(sys.argv[1]))
r = d["results"][0]
assert r["vetoed"] is False and all(f["pass"] for f in r["filters"]), r
' "$TMP/out"
explain --policy $P/cli_onerror.lua --enterprise e-fruit --region r-vn-bt
expect_grep "explain: a rule error shows in the trace" out "error: $P/cli_onerror.lua:8: kaboom"
explain --policy $P/basic.lua --enterprise e-nobody --region r-th
expect_status "explain, an unknown enterprise: exit 2" 2
expect_grep "explain, an unknown enterprise: says so" err 'no enterprise with id "e-nobody"'

# ---- derived values --------------------------------------------------------------------
match --policy $P/cli_derive.lua --explain --format json
expect_status "derive: exit 0" 0
py "derive: values read by built-ins (equals) and by Lua rules (e.NAME, r.NAME)" '
import json, sys
d = json.load(open(sys.argv[1]))
ex = {(r["enterprise"], r["region"]): {x["rule"]: x for x in r["explain"]} for r in d["results"]}
assert ex[("e-xian", "r-ph-cat")]["sme"]["score"] == 1, ex[("e-xian", "r-ph-cat")]
assert ex[("e-fruit", "r-ph-cat")]["sme"]["score"] == 0
assert ex[("e-xian", "r-ph-cat")]["tier2"]["score"] == 1
assert ex[("e-xian", "r-vn-bt")]["tier2"]["score"] == 0
assert ex[("e-fruit", "r-th")]["lua"]["score"] == 1
assert ex[("e-fruit", "r-th")]["lua"]["reason"] == "class large, tier 0", ex[("e-fruit", "r-th")]["lua"]
assert ex[("e-xian", "r-ph-cat")]["lua"]["reason"] == "class sme, tier 2"
' "$TMP/out"
match --policy $P/cli_derive_error.lua
expect_status "derive error: exit 2" 2
expect_grep "derive error: names file, line, derive and profile" err \
    "$P/cli_derive_error.lua:3: derive 'x' (enterprise \"e-fruit\")"
expect_grep "derive error: carries the Lua message" err "no fruit here"

# ---- require -----------------------------------------------------------------------------
match --policy $P/cli_require.lua --explain --format csv
expect_status "require \"helper\" from POLICYDIR/lib: exit 0" 0
expect_grep "require \"helper\": the module's function scores" out "size: helper: SME (150)"
match --policy $P/cli_require_missing.lua
expect_status "require of a missing module: exit 2" 2
expect_grep "require of a missing module: says so" err "module 'no_such_helper' not found"
expect_grep "require of a missing module: names file and line" err "$P/cli_require_missing.lua:3:"
expect_grep "require of a missing module: shows where it looked" err "$P/lib/no_such_helper.lua"
