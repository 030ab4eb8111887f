#!/bin/sh
# Every "$ capmatch ..." example of README.md is run, and what it prints is
# compared with what the README shows ("..." lines stand for lines left out).
cd "$(dirname "$0")/../.." || exit 2
case ${CAPMATCH:=build/capmatch} in
/*) ;;
*/*) CAPMATCH=$PWD/$CAPMATCH ;;
esac
exec python3 tests/cli/readme_examples.py README.md "$CAPMATCH"
