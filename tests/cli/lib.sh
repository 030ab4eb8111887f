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
        PORT=$(sed -n 's|^capmatch serve: listening on https\{0,1\}://127.0.0.1:\([0-9]*\)/$|\1|p' "$log")
        [ -n "$PORT" ] && break
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.1
        i=$((i + 1))
    done
}

# wait_line FILE TEXT: wait (up to 5 s) until FILE has a line with the fixed
# TEXT; a server's logs are written by a thread of their own, a moment after
# the answer. The check that follows says whether it came.
wait_line() {
    i=0
    while [ $i -lt 50 ] && ! grep -qF -- "$2" "$1" 2>/dev/null; do
        sleep 0.1
        i=$((i + 1))
    done
}

# serve_stop PID: SIGTERM, then wait (10 s at most) for it to exit; its
# status in $RC (124: killed after the wait)
serve_stop() {
    kill -TERM "$1" 2>/dev/null
    i=0
    while kill -0 "$1" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    if kill -0 "$1" 2>/dev/null; then
        kill -KILL "$1"
        RC=124
    else
        wait "$1"
        RC=$?
    fi
}

# csv_cols FILE COL...: the named columns of each record of a CSV file (read
# with Python's csv module as utf-8-sig, as a spreadsheet would), joined by
# commas, one record a line, without the header
csv_cols() {
    python3 - "$@" <<'PY'
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8-sig") as f:
    rows = list(csv.reader(f))
head = rows[0]
at = [head.index(c) for c in sys.argv[2:]]
for r in rows[1:]:
    print(",".join(r[i] for i in at))
PY
}

# doc_blocks DOC MARKER DIR: the ``` blocks of DOC that follow a line
# "<!-- MARKER -->", as DIR/block-1.sh, DIR/block-2.sh ... (so that a test
# runs what the document shows, as it shows it); prints how many
doc_blocks() {
    mkdir -p "$3"
    python3 - "$1" "$2" "$3" <<'PY'
import sys
doc, marker, out = sys.argv[1:4]
lines = open(doc, encoding="utf-8").read().split("\n")
n, i = 0, 0
while i < len(lines):
    if lines[i].strip() == f"<!-- {marker} -->" and i + 1 < len(lines) and lines[i + 1].startswith("```"):
        j = i + 2
        while j < len(lines) and not lines[j].startswith("```"):
            j += 1
        n += 1
        open(f"{out}/block-{n}.sh", "w", encoding="utf-8").write("\n".join(lines[i + 2:j]) + "\n")
        i = j
    i += 1
print(n)
PY
}

# doc_sandbox DIR: a directory to run documented commands in, as from the
# repository's root (examples, rules and scripts linked), with the capmatch
# under test first on the PATH of what runs there
doc_sandbox() {
    mkdir -p "$1/bin"
    for d in examples rules scripts; do ln -sfn "$PWD/$d" "$1/$d"; done
    case $CAPMATCH in
    /*) ln -sf "$CAPMATCH" "$1/bin/capmatch" ;;
    *) ln -sf "$PWD/$CAPMATCH" "$1/bin/capmatch" ;;
    esac
}
