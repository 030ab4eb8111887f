#!/bin/sh
# make demo: check the shipped example profiles, then rank every example
# enterprise's best partner regions with rules/default.lua, with reasons.
set -eu
CAPMATCH=${1:-build/capmatch}
cd "$(dirname "$0")/.."
show() {
    echo "\$ capmatch $*"
    "$CAPMATCH" "$@"
    echo
}
show validate examples/data/regions.json examples/data/enterprises.json
show stats examples/data/regions.csv examples/data/enterprises.csv
show match --regions examples/data/regions.json --enterprises examples/data/enterprises.json \
     --policy rules/default.lua --top 3 --explain
show match --regions examples/data/regions.json --enterprises examples/data/enterprises.json \
     --policy rules/default.lua --by region --top 5
