# Shared by the feed tests (tests/cli/feed_*.sh): builds the test servers,
# starts them on loopback ports the kernel picks, kills them on exit, and
# checks that a feed's last good snapshot is intact. Source it after
# tests/cli/lib.sh. Every retry and timeout setting in the tests is small,
# so that the faults cost milliseconds, not minutes.
FEEDS_BIN="${BUILD:-build}/tests/feeds"
WWW=tests/feeds/www
PIDS=""
mkdir -p "$FEEDS_BIN"

feeds_cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    for p in $PIDS; do wait "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap feeds_cleanup EXIT
trap 'exit 130' INT TERM

# build_tool NAME SOURCE [LIBS...]: cc it into $FEEDS_BIN unless up to date
build_tool() {
    name=$1 src=$2
    shift 2
    if [ ! -x "$FEEDS_BIN/$name" ] || [ "$src" -nt "$FEEDS_BIN/$name" ]; then
        # shellcheck disable=SC2068
        ${CC:-cc} -O1 -g -o "$FEEDS_BIN/$name.tmp$$" "$src" $@ -lpthread 2>"$TMP/cc.err" &&
            mv "$FEEDS_BIN/$name.tmp$$" "$FEEDS_BIN/$name" || {
            not_ok "build $name" "$(head -c 800 "$TMP/cc.err")"
            exit 1
        }
    fi
}

build_tool feedsrv tests/feeds/feedsrv.c \
    "$(pkg-config --cflags --libs libmicrohttpd zlib 2>/dev/null || echo -lmicrohttpd -lz)"
build_tool rawsrv tests/feeds/rawsrv.c

# start NAME PORTVAR CMD...: run a server, wait for its port file, set PORTVAR
start() {
    name=$1 var=$2
    shift 2
    "$@" --port-file "$TMP/$name.port" --log "$TMP/$name.log" 2>"$TMP/$name.err" &
    PIDS="$PIDS $!"
    i=0
    while [ ! -s "$TMP/$name.port" ]; do
        i=$((i + 1))
        if [ $i -gt 200 ]; then
            not_ok "start $name" "$(cat "$TMP/$name.err")"
            exit 1
        fi
        sleep 0.02
    done
    eval "$var=\$(cat \"\$TMP/\$name.port\")"
}

# current FEED [CACHE]: the path of the snapshot in use ("" when none)
current() {
    m="${2:-$CACHE}/$1/meta.json"
    f=$(sed -n 's/^ *"file": "\(.*\)",*$/\1/p' "$m" 2>/dev/null | head -n 1)
    [ -n "$f" ] && echo "${2:-$CACHE}/$1/$f"
}

# remember FEED: note the snapshot in use and its checksum
remember() {
    KEPT_FILE=$(current "$1")
    KEPT_SUM=$(sha256sum "$KEPT_FILE" 2>/dev/null | cut -d' ' -f1)
}

# expect_intact NAME FEED KIND: the remembered snapshot is still the one in
# use, unchanged, and loads; the failure is recorded as the last error
expect_intact() {
    now=$(current "$2")
    sum=$(sha256sum "$now" 2>/dev/null | cut -d' ' -f1)
    if [ -z "$KEPT_FILE" ] || [ "$now" != "$KEPT_FILE" ] || [ "$sum" != "$KEPT_SUM" ]; then
        not_ok "$1: last good snapshot intact" "in use: $now ($sum)" \
            "expected: $KEPT_FILE ($KEPT_SUM)"
        return
    fi
    if ! "$CAPMATCH" validate --kind "${3:-regions}" "$now" >/dev/null 2>&1; then
        not_ok "$1: last good snapshot intact" "$now does not validate"
        return
    fi
    if ! grep -q '"last_error": "' "$CACHE/$2/meta.json"; then
        not_ok "$1: last good snapshot intact" "no last_error in $CACHE/$2/meta.json"
        return
    fi
    ok "$1: last good snapshot intact"
}

# expect_count NAME LOG PATTERN N: N lines of the server log contain PATTERN
expect_count() {
    n=$(grep -cF -- "$3" "$TMP/$2.log")
    if [ "$n" -eq "$4" ]; then ok "$1"; else
        not_ok "$1" "$n requests matching '$3' in the $2 log, expected $4" \
            "$(tail -n 8 "$TMP/$2.log")"
    fi
}

# expect_no_grep NAME WHERE PATTERN
expect_no_grep() {
    if grep -qF -- "$3" "$TMP/$2"; then
        not_ok "$1" "found '$3' in std$2"
    else
        ok "$1"
    fi
}

clear_logs() {
    for l in "$TMP"/*.log; do : >"$l"; done
}
