#!/bin/sh
# make demo: check the shipped example profiles and show what they hold.
set -eu
CAPMATCH=${1:-build/capmatch}
cd "$(dirname "$0")/.."
echo "\$ capmatch validate examples/data/regions.json examples/data/enterprises.json"
"$CAPMATCH" validate examples/data/regions.json examples/data/enterprises.json
echo
echo "\$ capmatch stats examples/data/regions.csv examples/data/enterprises.csv"
"$CAPMATCH" stats examples/data/regions.csv examples/data/enterprises.csv
