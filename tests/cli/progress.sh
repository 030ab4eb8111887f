#!/bin/sh
# Progress of capmatch match (issue 9): --progress writes plain lines on
# stderr for logs, the last one at 100%; without it, and stderr not a
# terminal, nothing. The results are the same either way. No timings are
# checked, only the format.
# shellcheck source=tests/cli/lib.sh
. tests/cli/lib.sh

R=examples/data/regions.json
E=examples/data/enterprises.json
P=rules/default.lua
n=$(grep -c . examples/data/enterprises.jsonl)   # the same enterprises, one a line

run "$CAPMATCH" match --regions "$R" --enterprises "$E" --policy "$P" --progress --format jsonl
expect_status "--progress: exit 0" 0
grep -v '"meta"' "$TMP/out" > "$TMP/with.rows"
# every line of stderr is a progress line: N/M enterprises (P%), elapsed, maybe rate and time left
bad=$(grep -Ev '^capmatch match: progress [0-9]+/[0-9]+ enterprises \([0-9]+%\), [0-9hms]+ elapsed(, [0-9]+/s(, [0-9hms]+ left)?)?$' "$TMP/err")
if [ -z "$bad" ] && [ -s "$TMP/err" ]; then ok "--progress: only progress lines on stderr"; else
    not_ok "--progress: only progress lines on stderr" "$(head -c 600 "$TMP/err")"; fi
last=$(tail -n 1 "$TMP/err")
total=$(echo "$last" | sed -n 's|^capmatch match: progress \([0-9]*\)/\([0-9]*\) .*|\1 \2|p')
# shellcheck disable=SC2086  # two numbers, or nothing
set -- $total
if [ $# -eq 2 ] && [ "$1" = "$2" ] && echo "$last" | grep -q '(100%)'; then
    ok "--progress: the last line is done/total at 100%"; else
    not_ok "--progress: the last line is done/total at 100%" "$last"; fi
if [ "${2:-}" = "$n" ]; then ok "--progress: the total is the number of enterprises"; else
    not_ok "--progress: the total is the number of enterprises" "total ${2:-?}, enterprises $n"; fi
if [ "$(grep -c '(100%)' "$TMP/err")" -eq 1 ]; then ok "--progress: one 100% line"; else
    not_ok "--progress: one 100% line" "$(cat "$TMP/err")"; fi

# --by region counts regions
run "$CAPMATCH" match --regions "$R" --enterprises "$E" --policy "$P" --progress --by region -o "$TMP/r.txt"
expect_status "--progress --by region: exit 0" 0
if tail -n 1 "$TMP/err" | grep -Eq '^capmatch match: progress ([0-9]+)/\1 regions \(100%\)'; then
    ok "--progress --by region: the last line counts regions"; else
    not_ok "--progress --by region: the last line counts regions" "$(cat "$TMP/err")"; fi

# without --progress, stderr not a terminal: nothing, and the same rows
run "$CAPMATCH" match --regions "$R" --enterprises "$E" --policy "$P" --format jsonl
expect_status "no --progress: exit 0" 0
if [ ! -s "$TMP/err" ]; then ok "no --progress, stderr not a terminal: no progress output"; else
    not_ok "no --progress, stderr not a terminal: no progress output" "$(head -c 600 "$TMP/err")"; fi
grep -v '"meta"' "$TMP/out" > "$TMP/without.rows"
if cmp -s "$TMP/with.rows" "$TMP/without.rows"; then ok "--progress changes no result"; else
    not_ok "--progress changes no result" "$(diff "$TMP/without.rows" "$TMP/with.rows" | head -5)"; fi

# usage lists it
run "$CAPMATCH" match --help
expect_grep "match --help documents --progress" out "--progress"
