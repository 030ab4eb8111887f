#!/bin/sh
# Run libFuzzer targets of tests/fuzz/ (built by `make fuzz-build` into
# build/fuzz/). For each target:
#   1. every regression input of tests/fuzz/regress/TARGET/ runs once: a crash,
#      a leak, undefined behaviour or a hang (over TIMEOUT seconds) fails,
#      unless tests/fuzz/known lists it as fixed on a branch not merged yet;
#   2. a random run of SECONDS from the seed corpus (examples/, tests/bad/,
#      tests/data/, the shipped and test policies, feed bodies; gathered into
#      build/fuzz/seed/TARGET) and the corpus kept between runs in
#      build/fuzz/corpus/TARGET, with the target's dictionary.
# Prints "ok TARGET ..." or "not ok TARGET ..." (the lines tests/run-tests.sh
# counts), with the report and the input that failed, kept under
# build/fuzz/crashes/TARGET/. Exit status 1 when a target failed.
#
#   tests/fuzz/run.sh [--seconds N] [--timeout S] [--quiet] [TARGET...]
#
# Run from anywhere; the targets run from the top of the source tree.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 2
SECONDS_EACH=60
TIMEOUT=25
QUIET=0
while [ $# -gt 0 ]; do
    case $1 in
    --seconds) SECONDS_EACH=$2; shift 2 ;;
    --timeout) TIMEOUT=$2; shift 2 ;;
    --quiet) QUIET=1; shift ;;
    --) shift; break ;;
    -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
    esac
done
FB=build/fuzz
TARGETS=${*:-fuzz_load_json fuzz_load_jsonl fuzz_load_csv fuzz_policy fuzz_feed_config fuzz_feed_body}
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
failed=0

# seeds TARGET DIR: gather the seed corpus of TARGET into DIR
seeds() {
    rm -rf "$2"
    mkdir -p "$2"
    case $1 in
    fuzz_load_json) set -- "$2" examples/data/*.json tests/bad/*.json tests/data/*.json tests/feeds/www/*.json ;;
    fuzz_load_jsonl) set -- "$2" examples/data/*.jsonl tests/bad/*.jsonl tests/feeds/www/*.jsonl ;;
    fuzz_load_csv) set -- "$2" examples/data/*.csv tests/bad/*.csv examples/fair/*.csv tests/feeds/www/*.csv ;;
    fuzz_policy) set -- "$2" rules/*.lua examples/policies/*.lua examples/fair/*.lua tests/policies/*.lua \
        tests/policies/escape/*.lua tests/policies/hardening/*.lua tests/policies/lib/*.lua ;;
    fuzz_feed_config) set -- "$2" examples/feeds/*.lua ;;
    fuzz_feed_body)
        # two leading bytes pick the feed (0-5) and the Content-Type (0-5)
        n=0
        for f in tests/feeds/www/* examples/data/*.json examples/data/*.jsonl examples/data/*.csv; do
            [ -f "$f" ] || continue
            for sel in '\000\000' '\001\001' '\002\001' '\003\001' '\004\002' '\005\003'; do
                n=$((n + 1))
                { printf "$sel"; cat "$f"; } >"$2/seed$n"
            done
        done
        return ;;
    esac
    dir=$1
    shift
    for f in "$@"; do [ -f "$f" ] && cp "$f" "$dir/"; done
}

dict_of() {
    case $1 in
    fuzz_load_csv) echo tests/fuzz/csv.dict ;;
    fuzz_policy | fuzz_feed_config) echo tests/fuzz/lua.dict ;;
    *) echo tests/fuzz/json.dict ;;
    esac
}

# known TARGET RUNLOG: the reason when the crash in RUNLOG is listed in
# tests/fuzz/known for TARGET (its first frame's function), else nothing
known() {
    fn=$(sed -n 's/^ *#0 0x[0-9a-f]* in \([^ ]*\) .*/\1/p' "$2" | head -n 1)
    [ -n "$fn" ] || return 0
    awk -v t="$1" -v f="$fn" '$1 == t && $2 == f { $1 = ""; $2 = ""; sub(/^ +/, ""); print "in " f ", " $0; exit }' \
        tests/fuzz/known
}

maxlen_of() {
    case $1 in
    fuzz_policy | fuzz_feed_config) echo 16384 ;;
    *) echo 65536 ;;
    esac
}

for t in $TARGETS; do
    bin=$FB/$t
    if [ ! -x "$bin" ]; then
        echo "not ok $t: $bin is not built (make fuzz-build; needs clang)"
        failed=1
        continue
    fi
    mkdir -p "$FB/corpus/$t" "$FB/crashes/$t" "$FB/logs"
    log=$FB/logs/$t.log
    : >"$log"
    common="-timeout=$TIMEOUT -rss_limit_mb=2560 -malloc_limit_mb=2560 -artifact_prefix=$FB/crashes/$t/"

    # 1. regression inputs
    nreg=0
    reg_ok=1
    if [ -d "tests/fuzz/regress/$t" ]; then
        for f in "tests/fuzz/regress/$t"/*; do
            [ -f "$f" ] || continue
            nreg=$((nreg + 1))
            # shellcheck disable=SC2086
            if ! "$bin" $common "$f" >"$log.one" 2>&1; then
                why=$(known "$t" "$log.one")
                if [ -n "$why" ]; then
                    echo "ok $t: regression input $f: known crash $why # TODO"
                else
                    reg_ok=0
                    echo "not ok $t: regression input $f fails"
                    grep -m 12 -e 'ERROR:' -e 'runtime error' -e '#[0-9] ' -e 'Test unit written' \
                        -e 'timeout' "$log.one" | sed 's/^/    /'
                    failed=1
                fi
            fi
            cat "$log.one" >>"$log"
            rm -f "$log.one"
        done
    fi
    [ "$reg_ok" -eq 1 ] && [ "$QUIET" -eq 0 ] && echo "# $t: $nreg regression inputs pass"

    # 2. a random run
    seeds "$t" "$FB/seed/$t"
    # shellcheck disable=SC2086
    "$bin" $common -max_total_time="$SECONDS_EACH" -max_len="$(maxlen_of "$t")" \
        -dict="$(dict_of "$t")" -print_final_stats=1 "$FB/corpus/$t" "$FB/seed/$t" >"$log.one" 2>&1
    rc=$?
    cat "$log.one" >>"$log"
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    why=
    [ "$rc" -ne 0 ] && why=$(known "$t" "$log.one")
    rm -f "$log.one"
    if [ -n "$why" ]; then
        echo "ok $t: random run stopped on a known crash $why # TODO"
    elif [ "$rc" -ne 0 ]; then
        echo "not ok $t: random run failed (exit $rc) after ${runs:-?} runs; log $log"
        grep -m 16 -e 'ERROR:' -e 'SUMMARY' -e 'runtime error' -e '    #[0-9] ' -e 'Test unit written' \
            -e 'Timeout' -e 'out-of-memory' "$log" | sed 's/^/    /'
        failed=1
    elif [ "$reg_ok" -eq 1 ]; then
        echo "ok $t: $nreg regression inputs, ${SECONDS_EACH} s random run (${runs:-?} runs, corpus $(ls "$FB/corpus/$t" | wc -l))"
    fi
done
exit $failed
