# The "$ curl" examples of README.md (For integrators) and of
# capmatch-serve(1), run against a server started as the README starts it
# (on a free port instead of 8080), in the order they are shown.
. tests/cli/lib.sh

START='capmatch serve --regions examples/data/regions.json --enterprises examples/data/enterprises.json \
    --policy rules/default.lua --listen 127.0.0.1:8080'
if grep -qF -- "$START" README.md; then ok "README: the server is started as the test starts it"; else
    not_ok "README: the server is started as the test starts it" "not in README.md: $START"; fi

# serve: start one (log in $TMP/serve.log), its port in $PORT; 10 s at most
serve() {
    serve_start "$TMP/serve.log" --regions examples/data/regions.json \
        --enterprises examples/data/enterprises.json --policy rules/default.lua
}
trap 'kill -KILL "$PID" 2>/dev/null; rm -rf "$TMP"' EXIT

for doc in README.md doc/capmatch-serve.1; do
    serve
    if [ -z "$PORT" ]; then not_ok "$doc: server starts" "$(cat "$TMP/serve.log")"; continue; fi
    python3 tests/cli/readme_examples.py "$doc" "$CAPMATCH" --curl 127.0.0.1:8080 "127.0.0.1:$PORT"
    serve_stop "$PID"
done
