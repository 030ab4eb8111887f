# capmatch merge: the JSON Lines outputs of sharded match runs, in any
# order, give byte for byte the output of one run, in both directions: by
# --shard I/N (every N-th ranked profile), by --part I/N (consecutive parts of
# the enterprises, where a region's lists from every part are merged), and
# through GNU parallel (--shard, and --pipepart blocks of standard input).
# And every way a merge must refuse: outputs of different policies, policy
# hashes, settings or inputs, a shard missing or given twice, a malformed
# line (named by file:line), a row of a shard without its position, parts
# that overlap; none of them touches the output file.
. tests/cli/lib.sh

if ! command -v parallel >/dev/null 2>&1; then
    sh scripts/install-deps.sh shard >"$TMP/deps.log" 2>&1
fi

R=examples/data/regions.json
E=examples/data/enterprises.json
J=examples/data/enterprises.jsonl
P=rules/default.lua
M() { "$CAPMATCH" match --regions "$R" --policy "$P" --top 5 --format jsonl "$@"; }

same() {   # same NAME EXPECTED GOT
    if [ -s "$2" ] && cmp -s "$2" "$3"; then ok "$1"; else
        not_ok "$1" "$(diff "$2" "$3" 2>&1 | head -n 6 | cut -c 1-240)"; fi
}

# --shard I/4 in both directions, merged from files given out of order
for by in enterprise region; do
    M --enterprises "$E" --by "$by" > "$TMP/one-$by.jsonl"
    for i in 0 1 2 3; do
        M --enterprises "$E" --by "$by" --shard "$i/4" > "$TMP/s$i-$by.jsonl"
    done
    run "$CAPMATCH" merge "$TMP/s2-$by.jsonl" "$TMP/s0-$by.jsonl" "$TMP/s3-$by.jsonl" "$TMP/s1-$by.jsonl"
    expect_status "by $by, 4 shards: merge exits 0" 0
    same "by $by, 4 shards in any order: byte for byte one run" "$TMP/one-$by.jsonl" "$TMP/out"
    if grep -q '"position":' "$TMP/s1-$by.jsonl" && ! grep -q '"position":' "$TMP/one-$by.jsonl"; then
        ok "by $by: rows of a shard carry their position, one run's do not"; else
        not_ok "by $by: rows of a shard carry their position, one run's do not"; fi
done
"$CAPMATCH" match --regions "$R" --enterprises "$J" --policy "$P" --format jsonl > "$TMP/one-enterprise-top10.jsonl"
# from standard input, all in one stream, with --shards and -o
cat "$TMP/s3-region.jsonl" "$TMP/s1-region.jsonl" "$TMP/s0-region.jsonl" "$TMP/s2-region.jsonl" |
    "$CAPMATCH" merge --shards 4 -o "$TMP/m.jsonl"
same "by region: shards on standard input, --shards 4, -o FILE" "$TMP/one-region.jsonl" "$TMP/m.jsonl"
# with every rule's explanation, and the region's view of the policy
M --enterprises "$E" --by region --explain --set domestic=true > "$TMP/one-x.jsonl"
for i in 0 1 2; do
    M --enterprises "$E" --by region --explain --set domestic=true --shard "$i/3" > "$TMP/x$i.jsonl"
done
run "$CAPMATCH" merge "$TMP/x1.jsonl" "$TMP/x2.jsonl" "$TMP/x0.jsonl"
same "with --explain and --set, 3 shards: byte for byte one run" "$TMP/one-x.jsonl" "$TMP/out"
# one whole run merged alone is itself
run "$CAPMATCH" merge --shards 1 "$TMP/one-enterprise.jsonl"
same "one whole run, merged alone, is unchanged" "$TMP/one-enterprise.jsonl" "$TMP/out"

# --part I/4: the enterprises in four consecutive files
split -n l/4 -d --additional-suffix=.jsonl "$J" "$TMP/ep."
for by in enterprise region; do
    M --enterprises "$TMP/ep.00.jsonl" --enterprises "$TMP/ep.01.jsonl" --enterprises "$TMP/ep.02.jsonl" \
        --enterprises "$TMP/ep.03.jsonl" --by "$by" --no-diverse > "$TMP/pone-$by.jsonl"
    for i in 0 1 2 3; do
        M --enterprises "$TMP/ep.0$i.jsonl" --by "$by" --no-diverse --part "$i/4" > "$TMP/p$i-$by.jsonl"
    done
    run "$CAPMATCH" merge "$TMP/p3-$by.jsonl" "$TMP/p1-$by.jsonl" "$TMP/p2-$by.jsonl" "$TMP/p0-$by.jsonl"
    same "by $by, 4 parts of the enterprises: byte for byte one run over the four files" \
        "$TMP/pone-$by.jsonl" "$TMP/out"
done
# the same with every rule's explanation and --min-score, by region
M --enterprises "$TMP/ep.00.jsonl" --enterprises "$TMP/ep.01.jsonl" --enterprises "$TMP/ep.02.jsonl" \
    --enterprises "$TMP/ep.03.jsonl" --by region --no-diverse --explain --min-score 0.3 > "$TMP/pone-x.jsonl"
for i in 0 1 2 3; do
    M --enterprises "$TMP/ep.0$i.jsonl" --by region --no-diverse --explain --min-score 0.3 \
        --part "$i/4" > "$TMP/px$i.jsonl"
done
run "$CAPMATCH" merge "$TMP/px2.jsonl" "$TMP/px0.jsonl" "$TMP/px3.jsonl" "$TMP/px1.jsonl"
same "by region, 4 parts, --explain --min-score 0.3: byte for byte one run" "$TMP/pone-x.jsonl" "$TMP/out"
# the parts' region lists are not the answer: concatenating them is wrong
cat "$TMP"/p?-region.jsonl | grep -v '"meta"' | sed 's/,"position":[0-9]*}$/}/' | sort > "$TMP/cat.rows"
grep -v '"meta"' "$TMP/pone-region.jsonl" | sort > "$TMP/one.rows"
if ! cmp -s "$TMP/cat.rows" "$TMP/one.rows" && [ "$(wc -l < "$TMP/cat.rows")" -gt "$(wc -l < "$TMP/one.rows")" ]; then
    ok "by region, the parts' rows together are not one run's (merge must choose)"; else
    not_ok "by region, the parts' rows together are not one run's (merge must choose)"; fi
run "$CAPMATCH" match --regions "$R" --enterprises "$TMP/ep.00.jsonl" --policy "$P" --by region \
    --part 0/4 --format jsonl
expect_status "--part with --by region and the policy's diversity: exit 2" 2
expect_grep "... saying to give --no-diverse" err "give --no-diverse"
run "$CAPMATCH" match --regions "$R" --enterprises "$TMP/ep.00.jsonl" --policy "$P" --by region \
    --part 4/4 --format jsonl
expect_status "--part 4/4: exit 2" 2
expect_grep "... saying what I/N must be" err "--part must be I/N with 0 <= I < N"

# GNU parallel: --shard over four jobs, and --pipepart blocks of standard input
if command -v parallel >/dev/null 2>&1; then
    parallel --will-cite -j 4 "$CAPMATCH" match --regions "$R" --enterprises "$E" --policy "$P" \
        --top 5 --by region --format jsonl --shard {}/4 ::: 0 1 2 3 |
        "$CAPMATCH" merge --shards 4 > "$TMP/par1.jsonl"
    same "parallel --shard {}/4 | merge: byte for byte one run" "$TMP/one-region.jsonl" "$TMP/par1.jsonl"
    M --enterprises - --by region --no-diverse < "$J" > "$TMP/stdin-one.jsonl"
    parallel --will-cite --pipepart -a "$J" --block -1 -j 4 \
        "$CAPMATCH" match --regions "$R" --enterprises - --policy "$P" --top 5 --by region \
        --no-diverse --format jsonl --part '{= $_ = seq() - 1 =}/4' > "$TMP/par2.jsonl"
    if [ "$(grep -c '"part":' "$TMP/par2.jsonl")" -eq 4 ]; then ok "parallel --pipepart: four parts ran"; else
        not_ok "parallel --pipepart: four parts ran" "$(grep -c '"meta"' "$TMP/par2.jsonl")"; fi
    "$CAPMATCH" merge --shards 4 "$TMP/par2.jsonl" > "$TMP/par2m.jsonl"
    same "parallel --pipepart --part | merge, by region: byte for byte one run on standard input" \
        "$TMP/stdin-one.jsonl" "$TMP/par2m.jsonl"
else
    not_ok "GNU parallel is installed" "scripts/install-deps.sh shard failed: $(tail -n 3 "$TMP/deps.log")"
fi

# ---- the README's blocks, run as they are ------------------------------------------------
n=$(doc_blocks README.md "tests/cli/merge.sh runs this block" "$TMP/doc")
if [ "$n" -eq 2 ]; then ok "README: two blocks for merge.sh to run"; else not_ok "README: two blocks for merge.sh to run" "found $n"; fi
doc_sandbox "$TMP/doc"
for b in 1 2; do
    (cd "$TMP/doc" && PATH="$TMP/doc/bin:$PATH" sh -e "block-$b.sh") > "$TMP/doc/out-$b" 2>&1
    RC=$?
    if [ $RC -eq 0 ] && grep -q "output" "$TMP/doc/out-$b"; then ok "README: cluster block $b runs and checks out"; else
        not_ok "README: cluster block $b runs and checks out" "exit $RC" "$(head -c 800 "$TMP/doc/out-$b")"; fi
done
same "README: parallel --shard by enterprise, merged, is one run" "$TMP/one-enterprise-top10.jsonl" "$TMP/doc/by-enterprise.jsonl"

# the man page's examples, run as they are
mkdir -p "$TMP/man"
sed -n '/^\.SH EXAMPLES/,/^\.SH/p' doc/capmatch-merge.1 | sed -n '/^\.nf/,/^\.fi/p' | grep -v '^\.[nf][fi]$' |
    sed -e 's/\\-/-/g' -e 's/\\e/\\/g' > "$TMP/man/examples.sh"
doc_sandbox "$TMP/man"
(cd "$TMP/man" && PATH="$TMP/man/bin:$PATH" sh -e examples.sh) > "$TMP/man/out" 2>&1
RC=$?
if [ $RC -eq 0 ] && [ "$(grep -c "one run's output" "$TMP/man/out")" -eq 2 ]; then
    ok "capmatch-merge(1): the examples run and check out"; else
    not_ok "capmatch-merge(1): the examples run and check out" "exit $RC" "$(head -c 800 "$TMP/man/out")"; fi

# ---- refusals; the output file is left as it was -------------------------------------
echo "before" > "$TMP/keep.jsonl"
refuse() {   # refuse NAME PATTERN MERGE-ARGS...
    name=$1
    pat=$2
    shift 2
    run "$CAPMATCH" merge -o "$TMP/keep.jsonl" "$@"
    expect_status "$name: exit 2" 2
    expect_grep "$name: says so" err "$pat"
    if [ "$(cat "$TMP/keep.jsonl")" = before ]; then ok "$name: the output file is untouched"; else
        not_ok "$name: the output file is untouched"; fi
}
S="$TMP/s0-region.jsonl $TMP/s1-region.jsonl $TMP/s2-region.jsonl"
# shellcheck disable=SC2086
refuse "a missing shard" "missing shard: 1 of 4 not given (shard 3/4)" $S
# shellcheck disable=SC2086
refuse "a duplicated shard" "duplicated shard: shard 1/4 is also at $TMP/s1-region.jsonl:1" \
    $S "$TMP/s3-region.jsonl" "$TMP/s1-region.jsonl"
# shellcheck disable=SC2086
refuse "--shards 3 for a 4-way split" "--shards 3, but $TMP/s0-region.jsonl:1 is one of 4" \
    --shards 3 $S "$TMP/s3-region.jsonl"
M --enterprises "$E" --by region --policy rules/sme_support.lua --shard 3/4 > "$TMP/other.jsonl"
# shellcheck disable=SC2086
refuse "a shard of another policy" "not from the same run as $TMP/s0-region.jsonl:1: a different policy: its name is" \
    $S "$TMP/other.jsonl"
{ cat "$P"; echo "-- a changed copy"; } > "$TMP/default.lua"
M --enterprises "$E" --by region --policy "$TMP/default.lua" --rules-path rules/lib --shard 3/4 > "$TMP/other.jsonl"
# shellcheck disable=SC2086
refuse "a shard of a changed policy" "a different policy: its hash (sha256) is" $S "$TMP/other.jsonl"
M --enterprises "$E" --by region --top 6 --shard 3/4 > "$TMP/other.jsonl"
# shellcheck disable=SC2086
refuse "a shard with another --top" 'its "top" is 6, not 5' $S "$TMP/other.jsonl"
M --enterprises "$E" --by region --set domestic=true --shard 3/4 > "$TMP/other.jsonl"
# shellcheck disable=SC2086
refuse "a shard with another --set" 'its "set" is {"domestic":"true"}, not {}' $S "$TMP/other.jsonl"
M --enterprises "$TMP/ep.00.jsonl" --by region --shard 3/4 > "$TMP/other.jsonl"
# shellcheck disable=SC2086
refuse "a shard of other inputs" 'its "inputs" is' $S "$TMP/other.jsonl"
M --enterprises "$E" --by enterprise --shard 3/4 > "$TMP/other.jsonl"
# shellcheck disable=SC2086
refuse "a shard of the other direction" 'its "by" is "enterprise", not "region"' $S "$TMP/other.jsonl"
# a malformed line, named by file and line
sed '3s/"score":/"score":,/' "$TMP/s3-region.jsonl" > "$TMP/bad.jsonl"
# shellcheck disable=SC2086
refuse "a malformed line" "$TMP/bad.jsonl:3:" $S "$TMP/bad.jsonl"
expect_grep "a malformed line: says it is not JSON" err "not JSON"
sed '4s/"rank":[0-9]*/"rank":"first"/' "$TMP/s3-region.jsonl" > "$TMP/bad.jsonl"
# shellcheck disable=SC2086
refuse "a row with a bad field" "$TMP/bad.jsonl:4: a row needs the field rank" $S "$TMP/bad.jsonl"
sed '2s/,"position":[0-9]*}$/}/' "$TMP/s3-region.jsonl" > "$TMP/bad.jsonl"
# shellcheck disable=SC2086
refuse "a shard's row without its position" "$TMP/bad.jsonl:2: a row of a shard without its \"position\"" \
    $S "$TMP/bad.jsonl"
grep -v '"meta"' "$TMP/s3-region.jsonl" > "$TMP/bad.jsonl"
refuse "rows without a meta line" "$TMP/bad.jsonl:1: a row before any {\"meta\": ...} line" "$TMP/bad.jsonl"
printf '[1,2]\n' > "$TMP/bad.jsonl"
refuse "a line that is not an object" "$TMP/bad.jsonl:1: a JSON object was expected" "$TMP/bad.jsonl"
: > "$TMP/empty.jsonl"
refuse "an empty input" "no output of capmatch match --format jsonl was given" "$TMP/empty.jsonl"
refuse "a file that does not exist" "cannot open $TMP/nothere.jsonl" "$TMP/nothere.jsonl"
# parts that overlap: an enterprise in two parts
M --enterprises "$TMP/ep.00.jsonl" --by region --no-diverse --part 1/4 > "$TMP/p1dup.jsonl"
refuse "parts that overlap" "is in two parts" "$TMP/p0-region.jsonl" "$TMP/p1dup.jsonl" \
    "$TMP/p2-region.jsonl" "$TMP/p3-region.jsonl"
run "$CAPMATCH" merge --shards 0 "$TMP/one-region.jsonl"
expect_status "--shards 0: exit 2" 2
