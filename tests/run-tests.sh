#!/bin/sh
# Run every test of capmatch against the build in $1 (default build/):
# the cmocka unit tests (build/tests/test_*) and the command tests
# (tests/cli/*.sh). Ends with the line "N passed, N failed"; tests skipped
# (cmocka's skip(), "ok NAME # skip WHY" lines) are counted apart, on the
# line before, and are not passes.
set -u
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
export CAPMATCH="$ROOT/$BUILD/capmatch"
passed=0
failed=0
skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    CMOCKA_MESSAGE_OUTPUT=stdout "$t" >"$log" 2>&1
    rc=$?
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    k=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    p=${p:-0}
    f=${f:-0}
    k=${k:-0}
    skipped=$((skipped + k))
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1     # crashed or failed outside a test
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$f" -ne 0 ]; then
        echo "FAIL $(basename "$t"):"
        sed 's/^/    /' "$log" | tail -n 40
    else
        echo "ok   $(basename "$t") ($p$( [ "$k" -ne 0 ] && echo ", $k skipped"))"
        [ "$k" -ne 0 ] && grep '^skipped: ' "$log" | sort -u | sed 's/^/    /'
    fi
done

for t in tests/cli/*.sh; do
    [ -f "$t" ] || continue
    [ "$(basename "$t")" = lib.sh ] && continue
    sh "$t" >"$log" 2>&1
    rc=$?
    k=$(grep -c '^ok .*# [Ss][Kk][Ii][Pp]' "$log")
    p=$(($(grep -c '^ok ' "$log") - k))
    f=$(grep -c '^not ok ' "$log")
    skipped=$((skipped + k))
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$f" -ne 0 ]; then
        echo "FAIL $(basename "$t"):"
        grep -A12 '^not ok ' "$log" | sed 's/^/    /' | head -n 80
        [ "$rc" -ne 0 ] && tail -n 5 "$log" | sed 's/^/    /'
    else
        echo "ok   $(basename "$t") ($p$( [ "$k" -ne 0 ] && echo ", $k skipped"))"
        [ "$k" -ne 0 ] && grep '^ok .*# [Ss][Kk][Ii][Pp]' "$log" | sed 's/^ok /    skipped: /'
    fi
done

[ "$skipped" -ne 0 ] && echo "$skipped skipped (not counted as passed)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
