#!/bin/sh
# Issue 10 (hardening), the rows about the sandbox and the command line:
#   3   C functions of the sandbox that loop without returning to the VM
#       (table.move, insert, remove; string.rep of "") stop at once, naming
#       the file and line: at load time, in a rule, in a feed configuration
#       and in a feed's map function
#   4   an unknown regex flag: "unknown regex flag 'g' (known: i, m, s, x, w)",
#       and no use after free (make sanitize runs this under ASan)
#   9   reasons are cut to 1 KiB ending with "..."; a rule building a 30 MB
#       reason for every pair stops at once instead of running for a minute
#   10  slow single instructions (concatenations of a 16 MiB string) are
#       stopped by the one-second clock backstop, at load time and in a rule
#   11  empty entries of the rules path are skipped: --rules-path "/x::/y"
#       does not let require load a *.lua by its absolute path
#   15  every command takes --help and --version, anywhere
# A run that does not stop is killed by `timeout` after KILL_S seconds: the
# timeout is a guard against a hang (the check then fails), not a measure.
cd "$(dirname "$0")/../.." || exit 2
# shellcheck source=tests/cli/lib.sh
. tests/cli/lib.sh
case $CAPMATCH in
/*) ;;
*/*) CAPMATCH=$PWD/$CAPMATCH ;;
esac
H=tests/policies/hardening
REG=tests/data/regions.json
ENT=tests/data/enterprises.json
KILL_S=10
case $CAPMATCH in
*/san/*) KILL_S=30 ;;
esac
if command -v timeout >/dev/null 2>&1; then TIMEOUT="timeout -s KILL $KILL_S"; else TIMEOUT=; fi
if python3 -c 'import json' >/dev/null 2>&1; then HAVE_PY=1; else HAVE_PY=0; fi

match() { run $TIMEOUT "$CAPMATCH" match --regions "$REG" --enterprises "$ENT" "$@"; }
line_of() { grep -n -e '-- attempt' "$1" | head -n 1 | cut -d: -f1; }

# expect_clean NAME: no sanitizer report in the last run's stderr
expect_clean() {
    if grep -q -e 'runtime error:' -e 'Sanitizer' "$TMP/err"; then
        not_ok "$1: no sanitizer report" "$(grep -m 3 -e 'runtime error:' -e 'Sanitizer' "$TMP/err")"
    else ok "$1: no sanitizer report"; fi
}

# stops NAME KEYWORD [ARGS...]: tests/policies/hardening/NAME.lua stops with
# exit 2, KEYWORD and FILE:LINE (the line marked "attempt") on stderr; a rule
# names the pair too
stops() {
    name=$1 key=$2
    shift 2
    f=$H/$name.lua
    match --policy "$f" "$@"
    expect_status "$name: exit 2 (not killed after ${KILL_S} s)" 2
    expect_grep "$name: says '$key'" err "$key"
    expect_grep "$name: names $f:$(line_of "$f")" err "$f:$(line_of "$f"):"
    case $name in
    *_rule) expect_grep "$name: names the rule and the pair" err "(enterprise \"e-xian\", region \"r-ph-cat\")" ;;
    esac
    expect_clean "$name"
}

# ---- row 3: C loops out of the hook's sight --------------------------------------------
stops table_move_load "instruction limit"
stops table_move_rule "instruction limit"
stops table_insert_len_load "instruction limit"
stops table_remove_len_rule "instruction limit"
stops rep_empty_load "instruction limit"
stops rep_empty_rule "instruction limit"

# the sandbox of feed configurations: at load time and in map
cat >"$TMP/feeds-move.lua" <<'EOF'
-- table.move at the top of a feed configuration
table.move({}, 1, 1 << 40, 2)
feed { name = "never", kind = "regions", url = "http://127.0.0.1:9/x.json" }
EOF
run $TIMEOUT "$CAPMATCH" fetch --feeds "$TMP/feeds-move.lua" --cache "$TMP/cache"
expect_status "feed configuration with table.move: exit 2 (not killed after ${KILL_S} s)" 2
expect_grep "feed configuration with table.move: says 'instruction limit'" err "instruction limit"
expect_grep "feed configuration with table.move: names file and line" err "$TMP/feeds-move.lua:2:"

. tests/feeds/lib.sh
start http PORT "$FEEDS_BIN/feedsrv" --root "$WWW"
cat >"$TMP/feeds-map.lua" <<EOF
feed { name = "foreign", kind = "regions", url = "http://127.0.0.1:$PORT/files/foreign.json",
       records = "items", retries = 0, timeout = 5,
       map = function(r)
           table.move({}, 1, 1 << 40, 2)
           return { id = r.region_code, name = r.title }
       end }
EOF
run $TIMEOUT "$CAPMATCH" fetch --feeds "$TMP/feeds-map.lua" --cache "$TMP/cache"
expect_status "feed map with table.move: exit 1 (not killed after ${KILL_S} s)" 1
expect_grep "feed map with table.move: record, file, line, limit" err \
    "map failed on record 1 of page 1: $TMP/feeds-map.lua:4: instruction limit reached"
# a map returning the same table many times over: exponential as text, capped
cat >"$TMP/feeds-dag.lua" <<EOF
feed { name = "foreign", kind = "regions", url = "http://127.0.0.1:$PORT/files/foreign.json",
       records = "items", retries = 0, timeout = 5,
       map = function(r)
           local t = { "x" }
           for i = 1, 16 do t = { t, t, t, t, t, t, t, t } end
           return { id = r.region_code, name = r.title, attrs = { blob = t } }
       end }
EOF
run $TIMEOUT "$CAPMATCH" fetch --feeds "$TMP/feeds-dag.lua" --cache "$TMP/cache"
expect_status "feed map returning a table of 8^16 leaves: exit 1 (not killed after ${KILL_S} s)" 1
expect_grep "feed map returning a table of 8^16 leaves: too large" err "the value is too large: over 16 MiB as JSON"

# ---- row 4: unknown regex flags ---------------------------------------------------------------
match --policy $H/regex_flag_g.lua
expect_status "builtin.regex flags 'ig': exit 2" 2
expect_grep "builtin.regex flags 'ig': names the flag and the known ones, file and line" err \
    "$H/regex_flag_g.lua:5: rule 'abaca': unknown regex flag 'g' (known: i, m, s, x, w)"
expect_clean "builtin.regex flags 'ig'"
match --policy $H/re_flag_g_rule.lua
expect_status "re.test flags 'g': exit 2" 2
expect_grep "re.test flags 'g': names the flag and the known ones" err \
    "$H/re_flag_g_rule.lua:4: re: unknown regex flag 'g' (known: i, m, s, x, w)"
match --policy $H/regex_flags_ok.lua --explain --top 1
expect_status "regex flags i, m, s, x: exit 0" 0
expect_grep "regex flags m and s in re.*" out "1.00 x 1    = 0.500  flags m and s"

# ---- row 9: reasons --------------------------------------------------------------------------
match --policy $H/long_reason.lua --explain --format jsonl --top 1
expect_status "a 6000-byte reason: exit 0" 0
if [ "$HAVE_PY" -eq 1 ]; then
    if python3 -c '
import json, sys
rows = [r for r in map(json.loads, open(sys.argv[1]).read().splitlines()[1:]) if "explain" in r]
assert rows, "no rows"
for row in rows:
    for x in row["explain"]:
        r = x["reason"]
        n = len(r.encode("utf-8"))
        assert n <= 1024 and r.endswith("...") and r[:-3] == "\u00e9" * ((n - 3) // 2), (n, r[-8:])
' "$TMP/out" >"$TMP/py" 2>&1; then ok "a 6000-byte reason is cut to 1 KiB ending with '...'"
    else not_ok "a 6000-byte reason is cut to 1 KiB ending with '...'" "$(tail -n 3 "$TMP/py")"; fi
else
    ok "a 6000-byte reason is cut to 1 KiB ending with '...' # skip (no python3)"
fi
run $TIMEOUT "$CAPMATCH" match --regions examples/data/regions.json \
    --enterprises examples/data/enterprises.json --policy $H/huge_reason.lua
expect_status "a 30 MB reason for each of 1,026 pairs: exit 2 (not killed after ${KILL_S} s)" 2
expect_grep "a 30 MB reason: the budget stops it, naming file and line" err \
    "$H/huge_reason.lua:6: instruction limit reached"
run $TIMEOUT "$CAPMATCH" match --regions examples/data/regions.json \
    --enterprises examples/data/enterprises.json --policy $H/huge_reason.lua --on-error skip
expect_status "a 30 MB reason, --on-error skip: every pair skipped (not killed after ${KILL_S} s)" 0
expect_grep "a 30 MB reason, --on-error skip: 1026 errors" err "1026 rule errors skipped"

# ---- row 10: slow single instructions ----------------------------------------------------------
stops slow_concat_load "instruction limit"
stops slow_concat_rule "instruction limit"

# ---- row 11: the rules path --------------------------------------------------------------------
# a module that must never load, at an absolute path without dots
PROBE=/tmp/capmatch_probe_$$
trap 'rm -rf "$TMP" "$PROBE"; feeds_cleanup' EXIT
mkdir -p "$PROBE"
echo 'error("PROBE LOADED by its absolute path")' >"$PROBE/mod.lua"
mod=$(echo "${PROBE#/}/mod" | tr / .)
match --policy $H/require_probe.lua --rules-path "/nonexistent::/x" --set "module=$mod"
expect_status "--rules-path with an empty entry: exit 2" 2
expect_grep "--rules-path with an empty entry: the module is not found" err "module '$mod' not found"
expect_no_probe() {
    if grep -q "PROBE LOADED" "$TMP/err"; then not_ok "$1" "$(head -c 300 "$TMP/err")"; else ok "$1"; fi
}
expect_no_probe "--rules-path with an empty entry: nothing loaded by absolute path"
match --policy $H/require_probe.lua --rules-path ":" --set "module=$mod"
expect_status "--rules-path ':': exit 2" 2
expect_no_probe "--rules-path ':': nothing loaded by absolute path"
CAPMATCH_RULES_PATH="/nonexistent:" match --policy $H/require_probe.lua --set "module=$mod"
expect_status "CAPMATCH_RULES_PATH with an empty entry: exit 2" 2
expect_no_probe "CAPMATCH_RULES_PATH with an empty entry: nothing loaded by absolute path"
# the entries that exist still work
mkdir -p "$TMP/mods"
echo 'return { x = 1 }' >"$TMP/mods/probe_ok.lua"
match --policy $H/require_probe.lua --rules-path "::$TMP/mods:" --set "module=probe_ok"
expect_status "--rules-path '::DIR:': DIR still searched (exit 0)" 0

# ---- row 15: --help and --version after any command --------------------------------------------
version=$("$CAPMATCH" --version)
for c in validate stats match explain check test fetch feeds assign schedule; do
    run "$CAPMATCH" $c --version
    expect_status "capmatch $c --version: exit 0" 0
    expect_out_text() { if [ "$(cat "$TMP/out")" = "$2" ]; then ok "$1"; else not_ok "$1" "got: $(head -c 200 "$TMP/out")"; fi; }
    expect_out_text "capmatch $c --version: prints the version" "$version"
    run "$CAPMATCH" $c --format json --version
    expect_status "capmatch $c --format json --version: exit 0" 0
    run "$CAPMATCH" $c some-file --help
    expect_status "capmatch $c some-file --help: exit 0" 0
    expect_grep "capmatch $c some-file --help: usage" out "usage: capmatch $c"
done
run "$CAPMATCH" match --regions "$REG" -V
expect_status "capmatch match --regions FILE -V: exit 0" 0
run "$CAPMATCH" feeds status --version
expect_status "capmatch feeds status --version: exit 0" 0
run "$CAPMATCH" help --version
expect_status "capmatch help --version: exit 0" 0
run "$CAPMATCH" match -- --version
expect_status "capmatch match -- --version: an operand, not the option (exit 2)" 2
