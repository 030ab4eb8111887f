# Beyond one machine: capmatch match reads enterprises as JSON Lines from
# standard input, so a stream can be split among workers. Four shards, by
# --shard I/4 (every 4th enterprise of what one worker loaded) and by GNU
# parallel --pipe (blocks of standard input to four workers), must give the
# same rows as one run; and the rows of the shards, as a pairs file, give the
# same assignment as one run of capmatch assign.
. tests/cli/lib.sh

if ! command -v parallel >/dev/null 2>&1; then
    sh scripts/install-deps.sh shard >"$TMP/deps.log" 2>&1
fi

R=examples/data/regions.json
J=examples/data/enterprises.jsonl
P=rules/default.lua

# JSON Lines results without the provenance and totals lines, nor the position a shard's rows carry
rows() { grep -v '"meta"' "$1" | grep -v '^{"totals"' | sed 's/,"position":[0-9]*}$/}/'; }

"$CAPMATCH" match --regions "$R" --enterprises - --policy "$P" --top 5 --format jsonl < "$J" > "$TMP/one.jsonl"
RC=$?
expect_status "one run from standard input: exit 0" 0
rows "$TMP/one.jsonl" > "$TMP/one.rows"
n=$(wc -l < "$TMP/one.rows")
if [ "$n" -gt 100 ]; then ok "one run: $n rows"; else not_ok "one run: rows" "only $n"; fi
"$CAPMATCH" match --regions "$R" --enterprises examples/data/enterprises.json --policy "$P" --top 5 \
    --format jsonl | grep -v '"meta"' | grep -v '^{"totals"' > "$TMP/file.rows"
if cmp -s "$TMP/one.rows" "$TMP/file.rows"; then ok "standard input (JSONL) and the JSON file give the same rows"; else
    not_ok "standard input and file give the same rows" "$(diff "$TMP/file.rows" "$TMP/one.rows" | head -5)"; fi

# --shard I/N: every N-th enterprise
: > "$TMP/shards.rows"
for i in 0 1 2 3; do
    "$CAPMATCH" match --regions "$R" --enterprises - --policy "$P" --top 5 --format jsonl \
        --shard "$i/4" < "$J" > "$TMP/shard$i.jsonl" || not_ok "shard $i/4 runs"
    rows "$TMP/shard$i.jsonl" >> "$TMP/shards.rows"
done
if [ "$(sort "$TMP/shards.rows" | md5sum)" = "$(sort "$TMP/one.rows" | md5sum)" ]; then
    ok "--shard 0/4 .. 3/4 together give the same rows as one run"; else
    not_ok "--shard 0/4 .. 3/4 together give the same rows as one run" \
        "$(diff "$(sort "$TMP/one.rows" > "$TMP/a"; echo "$TMP/a")" "$(sort "$TMP/shards.rows" > "$TMP/b"; echo "$TMP/b")" | head -5)"; fi
"$CAPMATCH" merge "$TMP/shard3.jsonl" "$TMP/shard0.jsonl" "$TMP/shard2.jsonl" "$TMP/shard1.jsonl" \
    > "$TMP/merged.jsonl"
if cmp -s "$TMP/merged.jsonl" "$TMP/one.jsonl"; then ok "capmatch merge of the four shards is one run, byte for byte"; else
    not_ok "capmatch merge of the four shards is one run, byte for byte" "$(diff "$TMP/one.jsonl" "$TMP/merged.jsonl" | head -5)"; fi
if grep -q '"shard":"2/4"' "$TMP/shard2.jsonl"; then ok "the shard is in the provenance"; else not_ok "the shard is in the provenance"; fi

# GNU parallel --pipe: the stream cut into blocks of 15 lines, four workers,
# output kept in input order
if command -v parallel >/dev/null 2>&1; then
    parallel --will-cite --pipe -N 15 -j 4 --keep-order \
        "$CAPMATCH" match --regions "$R" --enterprises - --policy "$P" --top 5 --format jsonl \
        < "$J" > "$TMP/par.jsonl" 2>"$TMP/par.err"
    RC=$?
    expect_status "parallel --pipe over four workers: exit 0" 0
    blocks=$(grep -c '"meta"' "$TMP/par.jsonl")
    if [ "$blocks" -eq 4 ]; then ok "parallel: four blocks ran"; else not_ok "parallel: four blocks ran" "$blocks"; fi
    rows "$TMP/par.jsonl" > "$TMP/par.rows"
    if cmp -s "$TMP/par.rows" "$TMP/one.rows"; then ok "parallel --pipe gives the same rows as one run, in order"; else
        not_ok "parallel --pipe gives the same rows as one run" "$(diff "$TMP/one.rows" "$TMP/par.rows" | head -5)"; fi
    # the sharded scores, as a pairs file, assign as one run does
    "$CAPMATCH" assign --pairs "$TMP/par.jsonl" --regions "$R" --enterprises examples/data/enterprises.json \
        --min-score 0.1 --format csv > "$TMP/a1.csv" 2>"$TMP/err"
    "$CAPMATCH" assign --pairs "$TMP/one.jsonl" --regions "$R" --enterprises examples/data/enterprises.json \
        --min-score 0.1 --format csv > "$TMP/a2.csv" 2>>"$TMP/err"
    if [ -s "$TMP/a1.csv" ] && cmp -s "$(grep -v '^#' "$TMP/a1.csv" > "$TMP/c1"; echo "$TMP/c1")" \
                                    "$(grep -v '^#' "$TMP/a2.csv" > "$TMP/c2"; echo "$TMP/c2")"; then
        ok "assign over the parallel rows = assign over one run's rows"; else
        not_ok "assign over the parallel rows = assign over one run's rows" "$(head -c 400 "$TMP/err")"; fi
else
    not_ok "GNU parallel is installed" "scripts/install-deps.sh shard failed: $(tail -n 3 "$TMP/deps.log")"
fi

# a bad line in the stream names the line of the stream
printf '{"id":"x1","name":"X","country":"ZZ","sector":"2821"}\n' |
    "$CAPMATCH" match --regions "$R" --enterprises - --policy "$P" >"$TMP/out" 2>"$TMP/err"
RC=$?
expect_status "bad profile on standard input: exit 2" 2
expect_grep "bad profile on standard input: named with its line" err "-:1:"
