# Diversity re-ranking of region lists (core/diversify.c): the exact order
# and reasons on a small example, the same first K whatever --top, the same
# output on any number of threads, off by enterprise and with --no-diverse,
# --diverse with the default settings, and bad declarations.
. tests/cli/lib.sh
D=tests/data/diversity
M="$CAPMATCH match --regions $D/regions.json --enterprises $D/enterprises.json"

# scores: a1 .9, a2 .8, a3 .7 (the three in ISIC group 282 offering equipment),
# b1 .6, c1 .5, d1 .4 (group 282, offering skills); penalty 0.2 over two keys
# (tables with --ids: "   1. NAME CC  ID  SCORE", the region's line ending in [ID])
run $M --policy tests/policies/diversity.lua --by region --top 6 --explain --ids
expect_status "diversity: exit 0" 0
awk '/\[r1\]$/{on=1; next} /^$/{on=0} on && /^ +[0-9]+\./{print $1, $4}' "$TMP/out" > "$TMP/order"
printf '1. a1\n2. a2\n3. b1\n4. c1\n5. a3\n6. d1\n' > "$TMP/want"
if cmp -s "$TMP/order" "$TMP/want"; then ok "diversity: the greedy order"; else
    not_ok "diversity: the greedy order" "$(tr '\n' ' ' < "$TMP/order")"; fi
expect_grep "diversity: a move down is explained" out \
    "diversity            moved down from 3 to 5 for diversity: a1 above it is in the same ISIC group (282, special-purpose machinery) and offers the same (equipment); 0.400 taken off its score for the look-alikes above it"
expect_grep "diversity: a move up is explained" out \
    "diversity            moved up from 4 to 3 for diversity: look-alikes of partners above it moved down"

# the first K are the same whatever --top (the list keeps top + window)
run $M --policy tests/policies/diversity.lua --by region --top 6 --format jsonl
grep -o '"enterprise":"[a-z0-9]*",[^{}]*"region":"r1",[^{}]*"score":[0-9.]*,"rank":[123],' "$TMP/out" > "$TMP/six"
run $M --policy tests/policies/diversity.lua --by region --top 3 --format jsonl
grep -o '"enterprise":"[a-z0-9]*",[^{}]*"region":"r1",[^{}]*"score":[0-9.]*,"rank":[123],' "$TMP/out" > "$TMP/three"
if [ -s "$TMP/three" ] && cmp -s "$TMP/six" "$TMP/three"; then ok "diversity: --top 3 is the head of --top 6"; else
    not_ok "diversity: --top 3 is the head of --top 6" "$(cat "$TMP/three")" "$(cat "$TMP/six")"; fi

run $M --policy tests/policies/diversity.lua --by region --top 6 --format json
expect_grep "diversity: json has the rank by score and the reason" out \
    '"region":"r1","region_name":"R1","region_country":"PH","score":0.7,"rank":5,"score_rank":3,"diversity":"moved down from 3 to 5'

run $M --policy tests/policies/diversity.lua --by region --top 6 --format csv
expect_grep "diversity: csv carries the reason with the others" out \
    ',r1,R1,PH,0.7000,5,0.7000,"staff: staff | diversity: moved down from 3 to 5 for diversity: a1 above it'

run $M --policy tests/policies/diversity.lua --by region --top 6 --explain --threads 1
cp "$TMP/out" "$TMP/t1"
run $M --policy tests/policies/diversity.lua --by region --top 6 --explain --threads 2
expect_out "diversity: the same output on 1 and 2 threads" "$TMP/t1"

run $M --policy tests/policies/diversity.lua --by region --top 6 --no-diverse --ids
awk '/\[r1\]$/{on=1; next} /^$/{on=0} on && /^ +[0-9]+\./{print $1, $4}' "$TMP/out" | tr '\n' ' ' > "$TMP/order"
if [ "$(cat "$TMP/order")" = "1. a1 2. a2 3. a3 4. b1 5. c1 6. d1 " ]; then ok "diversity: --no-diverse ranks by score"; else
    not_ok "diversity: --no-diverse ranks by score" "$(cat "$TMP/order")"; fi

run $M --policy tests/policies/diversity.lua --top 6 --explain
expect_status "diversity: by enterprise, exit 0" 0
if grep -q 'diversity  ' "$TMP/out"; then not_ok "diversity: never by enterprise" "$(head -c 400 "$TMP/out")"; else
    ok "diversity: never by enterprise"; fi

run $M --policy tests/policies/diversity.lua --diverse
expect_status "diversity: --diverse by enterprise is a usage error" 2
expect_grep "diversity: --diverse by enterprise says why" err "--diverse re-ranks region lists: use it with --by region"

# --diverse with a policy that declares none: group and offers, penalty 0.1
cat > "$TMP/plain.lua" <<'POL'
policy { name = "plain", top = 6 }
rule { name = "staff", weight = 1, score = function(e) return math.min((e.employees or 0) / 100, 1), "staff" end }
POL
run $M --policy "$TMP/plain.lua" --by region --diverse --ids
awk '/\[r1\]$/{on=1; next} /^$/{on=0} on && /^ +[0-9]+\./{print $1, $4}' "$TMP/out" | tr '\n' ' ' > "$TMP/order"
if [ "$(cat "$TMP/order")" = "1. a1 2. a2 3. b1 4. a3 5. c1 6. d1 " ]; then ok "diversity: --diverse with the default settings"; else
    not_ok "diversity: --diverse with the default settings" "$(cat "$TMP/order")"; fi

# the window: a partner moves up at most `window` places
sed 's/penalty = 0.2, window = 2/penalty = 0.4, window = 1/' tests/policies/diversity.lua > "$TMP/w1.lua"
sed 's/penalty = 0.2, window = 2/penalty = 0.4, window = 2/' tests/policies/diversity.lua > "$TMP/w2.lua"
run $M --policy "$TMP/w1.lua" --by region --top 2 --ids
awk '/\[r1\]$/{on=1; next} /^$/{on=0} on && /^ +[0-9]+\./{print $4}' "$TMP/out" | tr '\n' ' ' > "$TMP/o1"
run $M --policy "$TMP/w2.lua" --by region --top 2 --ids
awk '/\[r1\]$/{on=1; next} /^$/{on=0} on && /^ +[0-9]+\./{print $4}' "$TMP/out" | tr '\n' ' ' > "$TMP/o2"
if [ "$(cat "$TMP/o1")" = "a1 a2 " ] && [ "$(cat "$TMP/o2")" = "a1 b1 " ]; then ok "diversity: window bounds a move up"; else
    not_ok "diversity: window bounds a move up" "window 1: $(cat "$TMP/o1")" "window 2: $(cat "$TMP/o2")"; fi

# bad declarations name the file, the line and what is wrong
bad() {
    printf 'policy { name = "x",\n  diversity = %s }\nrule { name = "a", weight = 1, score = function() return 1 end }\n' "$2" > "$TMP/bad.lua"
    run $M --policy "$TMP/bad.lua"
    if [ "$RC" -eq 2 ] && grep -qF -- "bad.lua:1: policy: diversity$3" "$TMP/err"; then ok "diversity: $1"; else
        not_ok "diversity: $1" "exit $RC" "$(head -c 400 "$TMP/err")"; fi
}
bad "an unknown key" '{ by = "group", penalt = 0.1 }' ": unknown key 'penalt'; did you mean 'penalty'? (known: by, penalty, window)"
bad "an unknown by" '{ by = "sector" }' ": by: expected one of class, group, division, country, offers, found 'sector'"
bad "a by that is not a name" '{ by = { "group", 3 } }' ": by: expected one of class, group, division, country, offers, found a number"
bad "no by" '{ penalty = 0.1 }' ": 'by' is required"
bad "a penalty of 0" '{ by = "group", penalty = 0 }' ": penalty must be in (0, 1], not 0"
bad "a window of 2.5" '{ by = "group", window = 2.5 }' ": window must be a whole number from 1 to 1000, not 2.5"
bad "not a table" 'true' " must be a table { by = ..., penalty = ... }, not a boolean"
