#!/bin/sh
# The libFuzzer targets of tests/fuzz/ in CI: built with clang (make
# fuzz-build), each runs its regression inputs (every crash of issue 10
# kept as one) and a short random run from its seed corpus; one "ok" or
# "not ok" line per target. FUZZ_CI_SECONDS (default 15) per target; `make
# fuzz` and scripts/fuzz-long run them longer. Under `make sanitize` the
# targets are not run again (they are built with ASan and UBSan already).
cd "$(dirname "$0")/../.." || exit 2
case ${CAPMATCH:-} in
*/san/*)
    echo "ok fuzz targets # skip (sanitizer build: make test runs them, with ASan and UBSan)"
    exit 0 ;;
esac
if ! command -v clang >/dev/null 2>&1; then
    echo "not ok fuzz targets: no clang (scripts/install-deps.sh installs it)"
    exit 1
fi
if ! nice make -s -j"$(nproc 2>/dev/null || echo 2)" --no-print-directory fuzz-build >build/fuzz-build.log 2>&1; then
    echo "not ok fuzz targets: make fuzz-build failed"
    grep -m 20 -e 'error' build/fuzz-build.log | sed 's/^/    /'
    rm -f build/fuzz-build.log
    exit 1
fi
rm -f build/fuzz-build.log
nice tests/fuzz/run.sh --quiet --seconds "${FUZZ_CI_SECONDS:-15}"
