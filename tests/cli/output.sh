# Where results go (the output-path rules of cm_output_open, issue 10 row 1
# and row 12): "-o -" is standard output; a symbolic link is followed and its
# target replaced, the link kept; a FIFO is written in place (read here by a
# background cat: never a real device); a directory is an error that says
# so; temporary files of killed runs are removed by the next run, beside an
# output and in the feed cache. For match, assign, schedule and --rejects.
. tests/cli/lib.sh

R=examples/data/regions.json
E=examples/data/enterprises.json
PAIRS=examples/fair/marriage.csv
ROOT=$(pwd)
case $CAPMATCH in /*) ;; *) CAPMATCH="$ROOT/$CAPMATCH" ;; esac   # some runs change directory

assign_to() { run "$CAPMATCH" assign --pairs "$PAIRS" --default-capacity 1 --format csv -o "$1"; }
match_to() {
    run "$CAPMATCH" match --regions "$R" --enterprises "$E" --policy rules/default.lua \
        --top 1 --format csv -o "$1"
}
is_link() { if [ -L "$2" ]; then ok "$1"; else not_ok "$1" "$2 is no longer a symbolic link"; fi; }
same() {   # NAME A B
    if cmp -s "$2" "$3"; then ok "$1"; else not_ok "$1" "$(diff "$2" "$3" | head -n 10)"; fi
}
# a pid that is certainly not running: a shell that has exited
dead_pid() { sh -c 'echo $$'; }

# ---- standard output --------------------------------------------------------------
mkdir "$TMP/cwd"
(cd "$TMP/cwd" && "$CAPMATCH" assign --pairs "$ROOT/$PAIRS" --default-capacity 1 --format csv \
    -o - >"$TMP/stdout.csv" 2>"$TMP/err")
if [ -e "$TMP/cwd/-" ]; then not_ok "assign -o -: no file named '-'"; else ok "assign -o -: no file named '-'"; fi
if grep -q '^A,,,E,' "$TMP/stdout.csv"; then ok "assign -o -: rows on standard output"; else
    not_ok "assign -o -: rows on standard output" "$(head -c 300 "$TMP/stdout.csv")"; fi
(cd "$TMP/cwd" && "$CAPMATCH" match --regions "$ROOT/$R" --enterprises "$ROOT/$E" \
    --policy "$ROOT/rules/default.lua" --top 1 --format csv -o - >"$TMP/match-stdout.csv" 2>"$TMP/err")
if [ ! -e "$TMP/cwd/-" ] && [ -s "$TMP/match-stdout.csv" ]; then ok "match -o -: standard output"; else
    not_ok "match -o -: standard output" "$(ls "$TMP/cwd")"; fi
# the references below: without -o, run from here (the provenance names the
# files as given)
run "$CAPMATCH" assign --pairs "$PAIRS" --default-capacity 1 --format csv
cp "$TMP/out" "$TMP/stdout.csv"
run "$CAPMATCH" match --regions "$R" --enterprises "$E" --policy rules/default.lua --top 1 --format csv
cp "$TMP/out" "$TMP/match-stdout.csv"

# ---- a symbolic link: the target is replaced, the link stays ----------------------
mkdir "$TMP/links"
echo old >"$TMP/links/target.csv"
ln -s target.csv "$TMP/links/out.csv"
assign_to "$TMP/links/out.csv"
expect_status "assign -o link: exit 0" 0
is_link "assign -o link: still a link" "$TMP/links/out.csv"
same "assign -o link: the target holds the output" "$TMP/links/target.csv" "$TMP/stdout.csv"
echo old >"$TMP/links/m-target.csv"
ln -s m-target.csv "$TMP/links/m.csv"
match_to "$TMP/links/m.csv"
expect_status "match -o link: exit 0" 0
is_link "match -o link: still a link" "$TMP/links/m.csv"
same "match -o link: the target holds the output" "$TMP/links/m-target.csv" "$TMP/match-stdout.csv"
ln -s missing.csv "$TMP/links/dangling.csv"
assign_to "$TMP/links/dangling.csv"
expect_status "assign -o dangling link: exit 0" 0
same "assign -o dangling link: creates its target" "$TMP/links/missing.csv" "$TMP/stdout.csv"

# ---- a FIFO is written in place -----------------------------------------------------
# release_reader: let the background cat finish whatever happened (a run that
# replaced the FIFO, or never opened it, must fail the test, not hang it)
release_reader() {
    if [ -p "$TMP/fifo" ]; then
        exec 3<>"$TMP/fifo"     # read-write: never blocks; closing ends the reader
        exec 3>&-
    else
        kill "$reader" 2>/dev/null
    fi
    wait "$reader"
}
mkfifo "$TMP/fifo"
cat "$TMP/fifo" >"$TMP/from-fifo" &
reader=$!
assign_to "$TMP/fifo"
expect_status "assign -o fifo: exit 0" 0
release_reader
same "assign -o fifo: the reader got the output" "$TMP/from-fifo" "$TMP/stdout.csv"
if [ -p "$TMP/fifo" ]; then ok "assign -o fifo: still a FIFO"; else not_ok "assign -o fifo: still a FIFO" "$(ls -l "$TMP/fifo")"; fi
cat "$TMP/fifo" >"$TMP/from-fifo2" &
reader=$!
match_to "$TMP/fifo"
expect_status "match -o fifo: exit 0" 0
release_reader
same "match -o fifo: the reader got the output" "$TMP/from-fifo2" "$TMP/match-stdout.csv"
if [ -p "$TMP/fifo" ]; then ok "match -o fifo: still a FIFO"; else not_ok "match -o fifo: still a FIFO"; fi
if ls "$TMP" | grep -q 'fifo\.tmp'; then not_ok "fifo: no temporary file beside it" "$(ls "$TMP")"; else
    ok "fifo: no temporary file beside it"; fi

# ---- a directory is an error ---------------------------------------------------------
mkdir "$TMP/adir"
assign_to "$TMP/adir"
expect_status "assign -o dir: exit 2" 2
expect_grep "assign -o dir: says why" err "capmatch assign: cannot write $TMP/adir: it is a directory; give the path of a file"
match_to "$TMP/adir"
expect_status "match -o dir: exit 2" 2
expect_grep "match -o dir: says why" err "capmatch match: cannot write $TMP/adir: it is a directory"
run "$CAPMATCH" schedule --pairs "$PAIRS" --session 2026-05-12T09:00 -o "$TMP/adir"
expect_status "schedule -o dir: exit 2" 2
expect_grep "schedule -o dir: says why" err "capmatch schedule: cannot write $TMP/adir: it is a directory"
if [ -d "$TMP/adir" ] && [ -z "$(ls "$TMP/adir")" ]; then ok "-o dir: the directory is untouched"; else
    not_ok "-o dir: the directory is untouched" "$(ls -la "$TMP/adir")"; fi
ln -s adir "$TMP/dirlink"
assign_to "$TMP/dirlink"
expect_status "assign -o link to a dir: exit 2" 2
expect_grep "assign -o link to a dir: says why" err "it is a directory"

# ---- schedule -o link, --rejects through a link ------------------------------------------
echo old >"$TMP/links/s-target.txt"
ln -s s-target.txt "$TMP/links/s.txt"
run "$CAPMATCH" schedule --pairs "$PAIRS" --session 2026-05-12T09:00 -o "$TMP/links/s.txt"
expect_status "schedule -o link: exit 0" 0
is_link "schedule -o link: still a link" "$TMP/links/s.txt"
if grep -q 'meetings in' "$TMP/links/s-target.txt"; then ok "schedule -o link: the target holds the output"; else
    not_ok "schedule -o link: the target holds the output" "$(head -c 300 "$TMP/links/s-target.txt")"; fi
echo old >"$TMP/links/rj-target.jsonl"
ln -s rj-target.jsonl "$TMP/links/rj.jsonl"
run "$CAPMATCH" validate --skip-invalid --rejects "$TMP/links/rj.jsonl" tests/bad/regions-country-lowercase.json
is_link "--rejects link: still a link" "$TMP/links/rj.jsonl"
if grep -q '"errors":' "$TMP/links/rj-target.jsonl"; then ok "--rejects link: the target holds the rejects"; else
    not_ok "--rejects link: the target holds the rejects" "$(head -c 300 "$TMP/links/rj-target.jsonl")" "$(cat "$TMP/err")"; fi

# ---- temporary files of killed runs ----------------------------------------------------------
gone=$(dead_pid)
echo half >"$TMP/res.csv.tmp$gone"
echo half >"$TMP/m.csv.tmp$gone"
echo keep >"$TMP/res.csv.tmpx1"
assign_to "$TMP/res.csv"
expect_status "assign after kill -9: exit 0" 0
if [ -e "$TMP/res.csv.tmp$gone" ]; then not_ok "assign: the killed run's temporary file is removed" "$(ls "$TMP")"; else
    ok "assign: the killed run's temporary file is removed"; fi
if [ -e "$TMP/res.csv.tmpx1" ]; then ok "assign: a file that only looks alike stays"; else
    not_ok "assign: a file that only looks alike stays"; fi
match_to "$TMP/m.csv"
if [ -e "$TMP/m.csv.tmp$gone" ]; then not_ok "match: the killed run's temporary file is removed" "$(ls "$TMP")"; else
    ok "match: the killed run's temporary file is removed"; fi

# the feed cache: the next fetch removes what a killed fetch left
CACHE="$TMP/cache"
fetch_file() {
    run "$CAPMATCH" fetch --name portal --kind regions --cache "$CACHE" --skip-invalid \
        "file://$ROOT/$R"
}
fetch_file
expect_status "fetch from a file URL: exit 0" 0
gone=$(dead_pid)
echo half >"$CACHE/portal/rejects.pending.jsonl.tmp$gone"
echo half >"$CACHE/portal/snapshot-000002.json.tmp$gone"
echo half >"$CACHE/portal/meta.json.tmp$gone"
fetch_file
expect_status "fetch after kill -9: exit 0" 0
left=$(ls "$CACHE/portal" | grep "\.tmp$gone\$")
if [ -z "$left" ]; then ok "fetch: temporary files of a killed fetch are removed"; else
    not_ok "fetch: temporary files of a killed fetch are removed" "$left"; fi
