# The helpers of capmatch-policy(5), HELPERS: every example line of the page
# ("EXPR --> RESULT") is run in a rule on the built-in sample pair by
# capmatch check, and must give what the page says; print goes to standard
# error; the w flag of regexes.
. tests/cli/lib.sh

page=doc/capmatch-policy.5
python3 - "$page" "$TMP/examples.lua" <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
start = next(i for i, l in enumerate(lines) if l.startswith('.\\" helpers-examples'))
begin = next(i for i in range(start, len(lines)) if lines[i] == ".nf")
end = next(i for i in range(begin, len(lines)) if lines[i] == ".fi")
out = ['policy { name = "capmatch-policy(5) helpers" }',
       'local function show(...)',
       '  local t = table.pack(...)',
       '  local o = {}',
       '  for i = 1, t.n do o[i] = tostring(t[i]) end',
       '  return table.concat(o, ", ")',
       'end',
       'local checks = {']
n = 0
for k in range(begin + 1, end):
    l = lines[k].replace("\\-", "-").replace("\\e", "\\").replace("\\&", "")
    expr, want = l.split("-->", 1)
    expr, want = expr.strip(), want.strip()
    out.append("  { line = %d, text = [==[%s]==], want = [==[%s]==], f = function(e, r) return show(%s) end },"
               % (k + 1, expr, want, expr))
    n += 1
out += ['}',
        'rule { name = "examples", weight = 1, score = function(e, r)',
        '  if e.id ~= "sample-enterprise-cn" or r.id ~= "sample-region-ph" then return 0, "another pair" end',
        '  for _, c in ipairs(checks) do',
        '    local got = c.f(e, r)',
        '    if got ~= c.want then',
        '      error(string.format("capmatch-policy.5:%d: %s gives %s; the page says %s", c.line, c.text, got, c.want))',
        '    end',
        '  end',
        '  return 1, "every example gives what the page says"',
        'end }']
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(out) + "\n")
PY
n=$(grep -c 'f = function' "$TMP/examples.lua")
if [ "$n" -ge 25 ]; then ok "capmatch-policy(5): $n helper examples found"; else not_ok "capmatch-policy(5): helper examples found" "only $n"; fi
run "$CAPMATCH" check --strict --rules-path rules/lib "$TMP/examples.lua"
expect_status "capmatch-policy(5): every helper example gives what the page says" 0
[ "$RC" -ne 0 ] && head -c 1500 "$TMP/out"

# the check fails when the page is wrong
sed 's/want = \[==\[716.5\]==\]/want = [==[716.6]==]/' "$TMP/examples.lua" >"$TMP/wrong.lua"
run "$CAPMATCH" check --strict --rules-path rules/lib "$TMP/wrong.lua"
expect_status "a wrong example fails the check" 1
expect_grep "... naming the page's line and both values" out 'cm.convert(100, "USD", "CNY") gives 716.5; the page says 716.6'

# print: standard error, after [policy], its arguments through tostring
cat >"$TMP/print.lua" <<'POL'
policy { name = "print" }
rule { name = "p", weight = 1, score = function(e, r)
  if e.id == "sample-enterprise-cn" and r.id == "sample-region-ph" then print("pair", e.id, 1.5, true, nil, e.sectors) end
  return 1, "printed"
end }
POL
run "$CAPMATCH" check "$TMP/print.lua"
expect_grep "print writes on standard error after [policy]" err "[policy] pair sample-enterprise-cn 1.5 true nil [2826, 2829]"
if grep -q "^\[policy\]" "$TMP/out"; then not_ok "print writes nothing on standard output"; else ok "print writes nothing on standard output"; fi

# the w flag in builtin.regex: \b at the edge of Chinese characters
cat >"$TMP/cjk.lua" <<'POL'
policy { name = "cjk" }
rule { name = "plain", weight = 1, score = builtin.regex { enterprise = "name", pattern = "\\b纺机\\b" } }
rule { name = "w", weight = 1, score = builtin.regex { enterprise = "name", pattern = "\\b纺机\\b", flags = "w" } }
rule { name = "class", weight = 1, score = builtin.regex { enterprise = "name", pattern = "[\\b]纺机", flags = "w" } }
POL
run "$CAPMATCH" explain --regions examples/data/regions.json --enterprises examples/data/enterprises.json \
    --policy "$TMP/cjk.lua" --enterprise cn-changzhou-loom-works --region ph-catanduanes
expect_grep "builtin.regex without w: no word boundary between Chinese characters" out "plain                  0.000"
expect_grep "builtin.regex with w: a word boundary at the edge of a Chinese character" out "w                      1.000"
expect_grep "builtin.regex with w: a backspace in a class stays one" out "class                  0.000"
