# Helpers for the command tests: each check prints "ok NAME" or
# "not ok NAME" with what differed. Source it from a tests/cli/*.sh file.
# $CAPMATCH is the command under test (set by tests/run-tests.sh).
: "${CAPMATCH:=build/capmatch}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

ok() { echo "ok $1"; }
not_ok() { echo "not ok $1"; shift; for l in "$@"; do echo "    $l"; done; }

# run CMD...: runs it, keeps stdout in $TMP/out, stderr in $TMP/err, status in $RC
run() {
    "$@" >"$TMP/out" 2>"$TMP/err"
    RC=$?
}

# expect_status NAME CODE: the last run exited with CODE
expect_status() {
    if [ "$RC" -eq "$2" ]; then ok "$1"; else
        not_ok "$1" "exit status $RC, expected $2" "stdout: $(head -c 600 "$TMP/out")" \
            "stderr: $(head -c 600 "$TMP/err")"
    fi
}

# expect_out NAME FILE: the last run's stdout equals FILE
expect_out() {
    if cmp -s "$TMP/out" "$2"; then ok "$1"; else
        not_ok "$1" "stdout differs from $2:" "$(diff "$2" "$TMP/out" | head -n 20)"
    fi
}

# expect_grep NAME WHERE(out|err) PATTERN: fixed string found
expect_grep() {
    if grep -qF -- "$3" "$TMP/$2"; then ok "$1"; else
        not_ok "$1" "no '$3' in std$2:" "$(head -c 800 "$TMP/$2")"
    fi
}
