# ThreadSanitizer: build the library, the command, test_threads and
# test_visit with -fsanitize=thread into build/tsan, then run them and matches with
# several worker threads on the examples. Any "WARNING: ThreadSanitizer"
# report fails. Lua, PCRE2 (JIT) and jansson are not instrumented; only
# capmatch's own code is checked. Takes a few seconds.
. tests/cli/lib.sh

TSAN_BUILD=build/tsan
TSAN_FLAGS=-fsanitize=thread

# is there a TSan runtime at all?
printf 'int main(void) { return 0; }\n' >"$TMP/probe.c"
if ! ${CC:-cc} $TSAN_FLAGS "$TMP/probe.c" -o "$TMP/probe" 2>/dev/null; then
    echo "ok tsan # SKIP the compiler cannot link -fsanitize=thread (libtsan missing)"
    exit 0
fi

run make -s -j4 BUILD=$TSAN_BUILD OPT='-O1 -g' EXTRA_CFLAGS="$TSAN_FLAGS" \
    EXTRA_LDFLAGS="$TSAN_FLAGS" $TSAN_BUILD/capmatch $TSAN_BUILD/tests/test_threads \
    $TSAN_BUILD/tests/test_visit
expect_status "tsan build" 0
[ "$RC" -eq 0 ] || exit 1

export TSAN_OPTIONS="halt_on_error=0 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"

# Some kernels map memory where TSan does not expect it; without address
# randomisation it runs. Use setarch -R only when that is the problem.
NORAND=
if ! "$TMP/probe" 2>"$TMP/probe.err" && grep -q 'unexpected memory mapping' "$TMP/probe.err"; then
    NORAND="setarch $(uname -m) -R"
fi

# tsan_run NAME EXPECTED_STATUS CMD...: no report, the expected status
tsan_run() {
    name=$1
    want=$2
    shift 2
    run $NORAND "$@"
    if grep -q 'WARNING: ThreadSanitizer' "$TMP/err" "$TMP/out"; then
        not_ok "$name: no data race" "$(grep -h -A40 'WARNING: ThreadSanitizer' "$TMP/err" "$TMP/out" | head -n 80)"
    else
        ok "$name: no data race"
    fi
    expect_status "$name: exit status" "$want"
}

tsan_run "test_threads" 0 $TSAN_BUILD/tests/test_threads
if cat "$TMP/out" "$TMP/err" | grep -qF '[  PASSED  ] 3 test(s).'; then ok "test_threads passes"; else
    not_ok "test_threads passes" "$(cat "$TMP/out" "$TMP/err" | tail -n 20)"
fi

# snapshots published while threads match on them, visitors among them
tsan_run "test_visit" 0 $TSAN_BUILD/tests/test_visit
if cat "$TMP/out" "$TMP/err" | grep -qF '[  PASSED  ] 10 test(s).'; then ok "test_visit passes"; else
    not_ok "test_visit passes" "$(cat "$TMP/out" "$TMP/err" | tail -n 20)"
fi

R=examples/data/regions.json
E=examples/data/enterprises.json

tsan_run "match --threads 4" 0 $TSAN_BUILD/capmatch match --regions $R --enterprises $E \
    --policy tests/policies/basic.lua --threads 4 --explain --top 18
cp "$TMP/out" "$TMP/tsan-out"
run "$CAPMATCH" match --regions $R --enterprises $E --policy tests/policies/basic.lua \
    --threads 1 --explain --top 18
if cmp -s "$TMP/out" "$TMP/tsan-out"; then ok "match --threads 4 = --threads 1"; else
    not_ok "match --threads 4 = --threads 1" "$(diff "$TMP/out" "$TMP/tsan-out" | head -n 20)"
fi

tsan_run "match --threads 4 --by region" 0 $TSAN_BUILD/capmatch match --regions $R \
    --enterprises examples/data/enterprises.csv --policy tests/policies/unit_builtins.lua \
    --threads 4 --by region --format json --explain

# rule errors from several workers at once: skipped, and stopping the run
tsan_run "match --threads 4 --on-error skip" 0 $TSAN_BUILD/capmatch match --regions $R \
    --enterprises $E --policy tests/policies/unit_error.lua --threads 4 --on-error skip
expect_grep "errors counted across threads" err "57 rule errors skipped"
tsan_run "match --threads 4 --on-error stop" 2 $TSAN_BUILD/capmatch match --regions $R \
    --enterprises $E --policy tests/policies/unit_error.lua --threads 4
expect_grep "the earliest error stops the run" err \
    "rule 'fragile' (enterprise \"cn-xian-textile-machinery\", region \"sg\")"
