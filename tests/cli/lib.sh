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

# need_chromium: Debian's chromium, installed on demand (scripts/install-deps.sh
# report); returns 1 after a not-ok line when it cannot be had
need_chromium() {
    if ! command -v chromium >/dev/null 2>&1; then
        sh scripts/install-deps.sh report >"$TMP/deps.log" 2>&1
    fi
    if ! command -v chromium >/dev/null 2>&1; then
        not_ok "chromium is installed" "scripts/install-deps.sh report failed:" "$(tail -n 5 "$TMP/deps.log")"
        return 1
    fi
}

# chrome ARGS...: headless Chromium on files of $TMP, its noise in $TMP/chrome.log
chrome() {
    timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$TMP/chrome" "$@" 2>>"$TMP/chrome.log"
}

# serve_start LOG ARGS...: start "capmatch serve --listen 127.0.0.1:0 ARGS"
# with its standard error in LOG; sets PID, and PORT once it listens (empty
# when it did not within 10 s)
serve_start() {
    log=$1
    shift
    "$CAPMATCH" serve --listen 127.0.0.1:0 "$@" 2>"$log" &
    PID=$!
    PORT=""
    i=0
    while [ $i -lt 100 ]; do
        PORT=$(sed -n 's|^capmatch serve: listening on http://127.0.0.1:\([0-9]*\)/$|\1|p' "$log")
        [ -n "$PORT" ] && break
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.1
        i=$((i + 1))
    done
}
