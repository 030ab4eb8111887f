#!/bin/sh
# luacheck over the shipped policies, their library and tests, and the
# examples (.luacheckrc holds the policy language's names): no warning.
cd "$(dirname "$0")/../.." || exit 2
if ! command -v luacheck >/dev/null 2>&1; then
    echo "not ok luacheck: not installed (scripts/install-deps.sh installs lua-check)"
    exit 1
fi
out=$(luacheck --no-color --formatter plain rules examples/policies 2>&1)
if [ -z "$out" ]; then
    echo "ok luacheck: rules/ and examples/policies/ are clean"
else
    echo "not ok luacheck: rules/ and examples/policies/ are clean"
    echo "$out" | head -20 | sed 's/^/    /'
fi
