# The analysts' tools: capmatch test (policy tests in Lua) and capmatch check
# (lint), on passing, failing and broken inputs.
. tests/cli/lib.sh

run "$CAPMATCH" test tests/policies/tests
expect_status "test: passing cases exit 0" 0
expect_grep "test: TAP lines" out "ok 1 - tests/policies/tests/basic.test.lua: abaca machinery goes to Catanduanes"
expect_grep "test: closing line" out "2 passed, 0 failed"

run "$CAPMATCH" test tests/policies/failing
expect_status "test: failing cases exit 1" 1
expect_grep "test: wrong top shows expected and actual" out "expected the best region to be r2, got r1"
expect_grep "test: wrong rank" out "expected rank 2, got rank 1"
expect_grep "test: wrong score range" out "expected a score in [0.99, 1], got 0.4375"
expect_grep "test: wrong reason" out "expected the reason of rule 'sector' to contain \"no such words\""
expect_grep "test: wrong veto" out "expected the pair vetoed, but it is not vetoed"
expect_grep "test: invalid inline profile" out "country: expected an ISO 3166-1 alpha-2 country code, found \"XX\""
expect_grep "test: failing closing line" out "0 passed, 2 failed"

run "$CAPMATCH" test --run "inline profiles" tests/policies/tests
expect_grep "test: --run selects by name" out "1 passed, 0 failed"

run "$CAPMATCH" test --format json tests/policies/failing
expect_status "test: json exit 1" 1
if command -v python3 >/dev/null 2>&1; then
    if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["failed"] == 2 and len(d["tests"]) == 2' "$TMP/out"; then
        ok "test: json is valid and counts"
    else
        not_ok "test: json is valid and counts" "$(head -c 400 "$TMP/out")"
    fi
else
    ok "test: json is valid and counts # skip no python3"
fi

run "$CAPMATCH" test tests/policies/no-such-dir
expect_status "test: missing path is a usage error" 2

run "$CAPMATCH" check tests/policies/broken/broken.lua
expect_status "check: findings exit 1" 1
expect_grep "check: weight with line" out "broken.lua:7: error: rule 'sector': weight must be > 0, not 0"
expect_grep "check: unknown key with line" out "broken.lua:9: error: rule 'flat': unknown key 'wieght'; did you mean 'weight'? (known: name, weight,"
expect_grep "check: unknown builtin key" out "broken.lua:10: error: rule 'dist': unknown key 'unit' (known: scale_km, factor)"
expect_grep "check: unused parameter" out "broken.lua:3: warning: parameter 'unused_one' is declared but never used"

run "$CAPMATCH" check tests/policies/broken/broken.lua --data examples/data/regions.json --data examples/data/enterprises.json
expect_grep "check: filter rejecting everything" out "broken.lua:5: warning: filter 'nobody' rejects every one of the 1026 pairs"

cat > "$TMP/flat.lua" <<'POL'
policy { name = "flat" }
rule { name = "half", weight = 1, score = function(e, r) return 0.5, "always half" end }
rule { name = "sector", weight = 1, score = builtin.isic_fit { enterprise = "sectors", region = "sectors_sought" } }
POL
run "$CAPMATCH" check "$TMP/flat.lua" --data examples/data/regions.json --data examples/data/enterprises.json
expect_grep "check: rule that never varies" out "flat.lua:2: warning: rule 'half' scores 0.5 on every one of the"

expect_status "check: warnings alone exit 0" 0
expect_grep "check: counts errors and warnings apart" out "flat.lua: 0 errors, 1 warning"
run "$CAPMATCH" check --strict "$TMP/flat.lua" --data examples/data/regions.json --data examples/data/enterprises.json
expect_status "check --strict: warnings exit 1" 1

run "$CAPMATCH" check rules/default.lua --data examples/data/regions.json --data examples/data/enterprises.json
expect_status "check: the default policy is clean" 0
for f in rules/default.lua rules/financing_funds.lua rules/sector_fit.lua rules/sme_support.lua \
         examples/policies/sme_first.lua examples/policies/fast_partners.lua; do
    run "$CAPMATCH" check --strict "$f"
    expect_status "check --strict $f on the built-in samples: clean" 0
done
expect_grep "check without --data runs the rules on the built-in samples" out \
    "rules run on the built-in sample profiles"

# typos that used to pass: a word out of a vocabulary in has() and equals, a
# field that does not exist (found without --data, on the built-in samples),
# a misspelt built-in, a key, and a score given as a string
cat > "$TMP/typos.lua" <<'POL'
policy { name = "typos" }
rule { name = "logistics", weight = 1, score = function(e, r)
  -- r:has("needs", "nothing here") is a comment, not a call
  if r:has("needs", "logistic") then return 1, "needs logistics" end
  if e.employes and e.employes > 10 then return 0.5, "big" end
  return 0, "no"
end }
rule { name = "as text", weight = 1, score = function(e, r) return "1", "one" end }
rule { name = "owner", weight = 1, score = builtin.equals { enterprise = "ownership", value = "privat" } }
rule { name = "sector", weight = 1, score = function(e, r)
  return e:within("sectors", "28x") and 1 or 0, "within" end }
rule { name = "fit", weight = 1, score = builtin.isic_fit { enterprise = "sektors", region = "sectors_sought" } }
POL
run "$CAPMATCH" check "$TMP/typos.lua"
expect_status "check: a policy that does not load: exit 1" 1
expect_grep "check: a built-in's field, with the nearest" out \
    "typos.lua:12: rule 'fit': 'sektors' is not a field of enterprise profiles (nor attrs.NAME, nor a value derived before this line); did you mean 'sectors'?"
sed -i 's/sektors/sectors/' "$TMP/typos.lua"
run "$CAPMATCH" check "$TMP/typos.lua"
expect_status "check: typos are errors (exit 1)" 1
expect_grep "check: an unknown need in has(), with the nearest word" out \
    "typos.lua:4: error: has(\"needs\", \"logistic\"): 'logistic' is never in needs: it is not one of technology,"
expect_grep "check: ... did you mean" out "did you mean 'logistics'?"
if grep -q "nothing here" "$TMP/out"; then not_ok "check: has() in a comment is not checked" "$(cat "$TMP/out")"; else ok "check: has() in a comment is not checked"; fi
expect_grep "check: an equals value out of the vocabulary" out \
    "typos.lua:9: error: rule 'owner': value 'privat' is never in ownership: it is not one of private, state, foreign, mixed; did you mean 'private'?"
expect_grep "check: within() with a code that is not ISIC" out \
    "typos.lua:11: error: within(\"sectors\", \"28x\"): '28x' is never in sectors: it is not an ISIC Rev.4 code"
expect_grep "check: a misnamed field, found on the built-in samples, with the nearest" out \
    "typos.lua:2: error: rule 'logistics' fails on the built-in sample profiles; the first error: "
expect_grep "check: ... names the field and the nearest" out \
    "typos.lua:5: enterprise profiles have no field 'employes'; did you mean 'employees'?"
expect_grep "check: a score given as a string is an error" out \
    "typos.lua:8: error: rule 'as text' fails on the built-in sample profiles; the first error: "
expect_grep "check: ... saying so" out "returned the string \"1\", expected a number in [0, 1] (a score) and a reason"
run "$CAPMATCH" check "$TMP/typos.lua" --format json
expect_status "check --format json: exit 1 on errors" 1
if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["loaded"] and d["data"] == "built-in samples", d
assert d["errors"] == len([f for f in d["findings"] if f["severity"] == "error"]) == 6, d
assert {f["line"] for f in d["findings"]} == {2, 4, 8, 9, 10, 11}, d
' "$TMP/out"; then ok "check --format json: findings with file, line, severity"; else
    not_ok "check --format json: findings with file, line, severity" "$(head -c 800 "$TMP/out")"; fi
sed -i 's/builtin.equals/builtin.equls/' "$TMP/typos.lua"
run "$CAPMATCH" check "$TMP/typos.lua"
expect_status "check: an unknown built-in: exit 1" 1
expect_grep "check: an unknown built-in, with the nearest and the list" out \
    "typos.lua:9: builtin.equls: unknown built-in; did you mean builtin.equals? (known: isic_fit, overlap, distance,"
run "$CAPMATCH" check "$TMP/typos.lua" --format json
if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert not d["loaded"] and d["errors"] == 1 and "builtin.equls" in d["findings"][0]["message"], d
f = d["findings"][0]
assert f["file"].endswith("typos.lua") and f["line"] == 9 and f["message"].startswith("builtin.equls:"), f
' "$TMP/out"; then ok "check --format json: a policy that does not load"; else
    not_ok "check --format json: a policy that does not load" "$(head -c 800 "$TMP/out")"; fi
run "$CAPMATCH" check "$TMP/typos.lua" --format xml
expect_status "check: an unknown format is a usage error" 2

printf 'policy { name = "x" }\nrule { name = "a", weight = 1, score = function( end }\n' > "$TMP/syntax.lua"
run "$CAPMATCH" check "$TMP/syntax.lua"
expect_status "check: syntax error exits 1" 1
expect_grep "check: syntax error names file and line" out "syntax.lua:2:"

# rules declared by a module name the module's file and line in errors
run "$CAPMATCH" match --regions examples/data/regions.json --enterprises examples/data/enterprises.json \
    --policy tests/policies/cli_module_rules.lua
expect_status "a rule from a module that fails: exit 2" 2
expect_grep "a rule from a module names the module's line" err \
    "tests/policies/lib/declared.lua:4: rule 'from a module' (enterprise"

# small things: where test looked, the policy from standard input, one
# default format for '-', a distance reason that reads as a sentence
mkdir -p "$TMP/empty"
case $CAPMATCH in /*) CM_ABS=$CAPMATCH ;; *) CM_ABS=$PWD/$CAPMATCH ;; esac
run sh -c "cd '$TMP/empty' && '$CM_ABS' test"
expect_status "test with no path and no rules/: exit 2" 2
expect_grep "test says where it looked by default" err "no *.test.lua file found under rules/ (the default path, in $TMP/empty)"
run "$CAPMATCH" test "$TMP/empty"
expect_grep "test says where it looked" err "no *.test.lua file found under $TMP/empty"

R=examples/data/regions.json
E=examples/data/enterprises.json
run "$CAPMATCH" match --regions $R --enterprises $E --policy examples/policies/sme_first.lua --top 2 --explain
cp "$TMP/out" "$TMP/from-file.txt"
expect_grep "distance reason reads as a sentence" out "1990 km apart; closeness falls to 0 at 3000 km"
run sh -c "'$CAPMATCH' match --regions $R --enterprises $E --policy - --top 2 --explain < examples/policies/sme_first.lua"
expect_status "--policy - reads the policy from standard input" 0
# the same rows; the provenance names <stdin> for the file, with the same sha256
sed 's|(examples/policies/sme_first.lua, sha256|(<stdin>, sha256|' "$TMP/from-file.txt" >"$TMP/from-file-stdin.txt"
if cmp -s "$TMP/out" "$TMP/from-file-stdin.txt"; then ok "--policy -: the same rows as from the file"; else
    not_ok "--policy -: the same rows as from the file" "$(diff "$TMP/from-file-stdin.txt" "$TMP/out" | head -n 6)"; fi
run sh -c "printf 'policy { name = \"x\" }\nrule { name = \"a\", weight = 1, score = function( end }\n' | '$CAPMATCH' match --regions $R --enterprises $E --policy -"
expect_status "--policy - with a syntax error: exit 2" 2
expect_grep "--policy -: messages name <stdin>" err "<stdin>:2:"
run sh -c "'$CAPMATCH' match --regions $R --enterprises - --policy - < examples/data/enterprises.jsonl"
expect_status "--policy - and --enterprises - together: usage error" 2
expect_grep "... saying why" err "standard input cannot hold both the policy (--policy -) and profiles (--enterprises -)"
run sh -c "'$CAPMATCH' validate --kind enterprises - < examples/data/enterprises.jsonl"
expect_status "validate -: JSON Lines by default, as match --enterprises -" 0
expect_grep "validate -: loads them" out "ok: 1 file, 0 regions, 57 enterprises"

# capmatch test --coverage: what the tests exercised, per policy
run "$CAPMATCH" test --coverage examples/policies
expect_status "test --coverage: exit 0 when the tests pass" 0
expect_grep "coverage: per policy, as TAP comments" out "# coverage of examples/policies/sme_first.lua (2 cases)"
expect_grep "coverage: the README policy's Lua lines all run" out "#   lines of examples/policies/sme_first.lua: 16 of 16 run"
expect_grep "coverage: a rule that never fired in the tests" out \
    "#   examples/policies/sme_first.lua:28: rule 'close': 5 pairs, fired on 0, scores 0 to 0: never fired"
expect_grep "coverage: a rule that fired" out "#   examples/policies/sme_first.lua:20: rule 'SME programme': 5 pairs, fired on 3, scores 0 to 1"
expect_grep "coverage: a filter and what it vetoed" out "#   examples/policies/sme_first.lua:12: filter 'target country': 6 pairs, vetoed 1"
expect_grep "coverage: words no test profile holds (sme_support is held)" out \
    "#   no test profile holds these programmes words: tax_incentive, industrial_park,"
expect_grep "coverage: the closing line stays last" out "3 passed, 0 failed"
if [ "$(tail -n 1 "$TMP/out")" = "3 passed, 0 failed" ]; then ok "coverage: closing line last"; else not_ok "coverage: closing line last" "$(tail -n 2 "$TMP/out")"; fi
run "$CAPMATCH" test --coverage --format json examples/policies
if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
c = {p["policy"]: p for p in d["coverage"]}
s = c["examples/policies/sme_first.lua"]
assert d["passed"] == 3 and s["cases"] == 2, d
r = {x["name"]: x for x in s["rules"]}
assert r["close"]["fired"] == 0 and r["close"]["scored"] == 5 and r["SME programme"]["min"] == 0, r
assert s["filters"][0] == {"name": "target country", "file": "examples/policies/sme_first.lua", "line": 12, "checked": 6, "vetoed": 1}, s
assert "sme_support" not in s["untouched"]["programmes"] and "training" in s["untouched"]["programmes"], s
' "$TMP/out"; then ok "test --coverage --format json: the same figures"; else
    not_ok "test --coverage --format json: the same figures" "$(head -c 800 "$TMP/out")"; fi
# line coverage: a branch no test takes, in the policy and in a module it requires
run "$CAPMATCH" test --coverage tests/policies/coverage
expect_status "test --coverage: a branch not taken is no failure" 0
expect_grep "coverage: the policy's line never run (the large-firm branch)" out \
    "#   lines of tests/policies/coverage/branches.lua: 13 of 14 run; never run: 13"
expect_grep "coverage: a required module's lines, after the policy's" out \
    "#   lines of tests/policies/coverage/lib/cov_size.lua: 11 of 15 run; never run: 6, 13, 18-20"
if grep -n "lines of" "$TMP/out" | head -n 1 | grep -q "branches.lua"; then ok "coverage: the policy's lines first"; else
    not_ok "coverage: the policy's lines first" "$(grep "lines of" "$TMP/out")"; fi
# the man page's example lines are these
sed -n '/^#   lines of tests.policies.coverage/{s/\\-/-/g;p}' doc/capmatch-policy.5 >"$TMP/man-lines"
grep "^#   lines of" "$TMP/out" >"$TMP/out-lines"
if [ -s "$TMP/man-lines" ] && cmp -s "$TMP/man-lines" "$TMP/out-lines"; then ok "capmatch-policy(5): the coverage lines shown are the program's"; else
    not_ok "capmatch-policy(5): the coverage lines shown are the program's" "$(diff "$TMP/man-lines" "$TMP/out-lines")"; fi
run "$CAPMATCH" test --coverage --run "no such case" tests/policies/coverage
expect_status "test --coverage: no case run" 2
run "$CAPMATCH" test --coverage --format json tests/policies/coverage
cp "$TMP/out" "$TMP/cov1.json"
if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
(p,) = d["coverage"]
assert p["policy"] == "tests/policies/coverage/branches.lua", p
assert p["lines"] == [
    {"file": "tests/policies/coverage/branches.lua", "code": 14, "run": 13, "never_run": [13]},
    {"file": "tests/policies/coverage/lib/cov_size.lua", "code": 15, "run": 11, "never_run": [6, 13, 18, 20]},
], p["lines"]
' "$TMP/out"; then ok "test --coverage --format json: lines per file"; else
    not_ok "test --coverage --format json: lines per file" "$(head -c 1200 "$TMP/out")"; fi
run "$CAPMATCH" test --coverage --format json tests/policies/coverage
if cmp -s "$TMP/out" "$TMP/cov1.json"; then ok "test --coverage --format json: the same bytes twice"; else
    not_ok "test --coverage --format json: the same bytes twice" "$(diff "$TMP/cov1.json" "$TMP/out" | head -n 6)"; fi
# a test that takes the branch covers the line; coverage adds up over cases
mkdir -p "$TMP/covall/lib"
cp tests/policies/coverage/branches.lua "$TMP/covall/"
cp tests/policies/coverage/lib/cov_size.lua "$TMP/covall/lib/"
cp tests/policies/coverage/branches.test.lua "$TMP/covall/"
cat >"$TMP/covall/large.test.lua" <<'EOT'
suite { policy = "branches.lua" }
case {
  name = "a large firm",
  regions = { { id = "r1", name = "One", country = "PH", subdivision = "PH-CAT" } },
  enterprises = { { id = "e3", name = "Large", country = "CN", sector = "2826", employees = 900 },
                  { id = "e4", name = "Unknown", country = "CN", sector = "2826" } },
  expect = { { enterprise = "e3", region = "r1", rule = "size", score = { 0.2, 0.2 } } },
}
EOT
run "$CAPMATCH" test --coverage "$TMP/covall"
expect_grep "coverage: the branch taken by another test file counts" out \
    "#   lines of $TMP/covall/branches.lua: 14 of 14 run"
expect_grep "coverage: the module's branches too; the uncalled function stays" out \
    "#   lines of $TMP/covall/lib/cov_size.lua: 13 of 15 run; never run: 18-20"

run "$CAPMATCH" test examples/policies
if grep -q "coverage" "$TMP/out"; then not_ok "no coverage without --coverage"; else ok "no coverage without --coverage"; fi
