#!/bin/sh
# The fast-policy language through the command: derived lists, memoised
# rules (uses, checked on every read), explain functions, best-of lists,
# isic_fit levels, factors, best_product; every mistake in them named with
# file, line and rule; pruning and --no-prune giving the same output for the
# shipped policies, both ways, on the examples.
# Prints one "ok NAME" / "not ok NAME" line per check.
cd "$(dirname "$0")/../.." || exit 2
# shellcheck source=tests/cli/lib.sh
. tests/cli/lib.sh
case $CAPMATCH in
/*) ;;
*/*) CAPMATCH=$PWD/$CAPMATCH ;;
esac
P=tests/policies
REG=examples/data/regions.json
ENT=examples/data/enterprises.json

m() { run "$CAPMATCH" match --regions "$REG" --enterprises "$ENT" "$@"; }

m --policy $P/fast_features.lua --explain --top 1
expect_status "features: match runs" 0
expect_grep "features: a built-in over two derived lists" out "division             1.00 x 2    = 0.400  wanted 28 is among letters listed"
expect_grep "features: a memoised rule's explain function gets the score" out "memo count           0.50 x 1    = 0.100  2 divisions, 28 first: 0.50"
expect_grep "features: best of a list, with levels (within 0.9)" out "best of              0.90 x 1    = 0.180  sectors 2826"
expect_grep "features: best_product across borders" out "product              0.80 x 1    = 0.160  SRF: 0.80"

m --policy $P/fast_undeclared.lua
expect_status "uses: reading an undeclared field fails" 2
expect_grep "uses: the message names the rule, the pair and the field" err "fast_undeclared.lua:3: rule 'sneaky' (enterprise \"cn-xian-textile-machinery\", region \"cn-hainan\"): tests/policies/fast_undeclared.lua:7: reads enterprise.employees, which its uses does not list"

check_load() {   # NAME POLICY MESSAGE
    m --policy "$P/$2"
    if [ "$RC" -eq 2 ] && grep -qF -- "$3" "$TMP/err"; then ok "$1"; else
        not_ok "$1" "exit $RC, expected 2 and '$3' in:" "$(head -c 600 "$TMP/err")"
    fi
}
check_load "declarations: uses on a built-in" fast_uses_builtin.lua \
    "fast_uses_builtin.lua:2: rule 'fit': uses is for a Lua function (built-ins need none)"
check_load "declarations: two functions in one score" fast_two_functions.lua \
    "fast_two_functions.lua:2: rule 'two': 'score' may hold one function (the others must be built-ins)"
check_load "declarations: unknown isic_fit level" fast_bad_levels.lua \
    "fast_bad_levels.lua:2: rule 'fit': levels: unknown key 'class' (known: section, division, group, within)"
check_load "declarations: a field uses does not know" fast_bad_uses_field.lua \
    "fast_bad_uses_field.lua:2: rule 'r': uses.enterprise: 'sectorz' is not a field of enterprise profiles"
check_load "derive: a list item that is not a string" fast_bad_derived_item.lua \
    "fast_bad_derived_item.lua:2: derive 'bad' (enterprise \"cn-xian-textile-machinery\"): returned a list whose item 2 is a table (lists hold strings)"
check_load "declarations: a list's scorer that fails half-made (no leak under ASan)" fast_bad_part.lua \
    "fast_bad_part.lua:4: rule 'r': enterprise and region must name derived lists of \"NAME value\" items"
check_load "declarations: best_product needs derived lists" fast_product_fields.lua \
    "fast_product_fields.lua:2: rule 'p': enterprise and region must name derived lists of \"NAME value\" items"

# the other view reads a rule it repeats from the ranked view, and only that
for by in enterprise region; do
    m --policy $P/fast_twins.lua --by $by --format jsonl --top 20
    bad=$(python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if "region_score" in l]
bad = [r for r in rows if abs(r["region_score"] - 0.75 * r["score"]) > 1e-12]
print(len(rows) if not rows or bad else "")' "$TMP/out")
    if [ "$RC" -eq 0 ] && [ -z "$bad" ]; then ok "twins by $by: a repeated rule read, a differing one scored"; else
        not_ok "twins by $by: a repeated rule read, a differing one scored" "exit $RC, rows: ${bad:-?}"
    fi
done

# pruning skips only what cannot change the output
for pol in default sector_fit financing_funds sme_support; do
    for by in enterprise region; do
        m --policy rules/$pol.lua --by $by --explain --format jsonl --top 3
        cp "$TMP/out" "$TMP/pruned"
        m --policy rules/$pol.lua --by $by --explain --format jsonl --top 3 --no-prune
        if [ "$RC" -eq 0 ] && cmp -s "$TMP/out" "$TMP/pruned"; then ok "--no-prune: $pol by $by, same output"; else
            not_ok "--no-prune: $pol by $by, same output" "exit $RC" "$(diff "$TMP/pruned" "$TMP/out" | head -5)"
        fi
    done
done

# the bound pass (many enterprises, regions whose values repeat, as in a
# registry), both ways: scores, explanations and the totals (pairs vetoed
# included) the same as scoring every pair, on 1 and 2 threads
python3 tests/cli/mix_profiles.py "$ENT" enterprises 1500 1 "$TMP/mix-e.json"
python3 tests/cli/mix_profiles.py "$REG" regions 400 2 "$TMP/mix-r.json"
for by in enterprise region; do
    run "$CAPMATCH" match --regions "$TMP/mix-r.json" --enterprises "$TMP/mix-e.json" \
        --policy rules/default.lua --by $by --top 3 --format jsonl --explain --no-prune
    cp "$TMP/out" "$TMP/mix-all"
    # and without class-pair tables (CAPMATCH_TABLE_CELLS=0, as a registry's
    # parts too large for one): each worker's own rows, best_product's
    # bound made late
    for cells in default 0; do
        for th in 1 2; do
            what="bound pass by $by --threads $th, table cells $cells: 1500 x 400 mixed profiles, as --no-prune"
            run env CAPMATCH_TABLE_CELLS="${cells#default}" "$CAPMATCH" match \
                --regions "$TMP/mix-r.json" --enterprises "$TMP/mix-e.json" \
                --policy rules/default.lua --by $by --top 3 --format jsonl --explain --threads $th
            if [ "$RC" -eq 0 ] && [ -s "$TMP/out" ] && cmp -s "$TMP/out" "$TMP/mix-all"; then ok "$what"; else
                not_ok "$what" "exit $RC" "$(diff "$TMP/mix-all" "$TMP/out" | head -5)"; fi
        done
    done
done

# and with fewer enterprises than regions (a sample of the registry, a
# programme's shortlist): the bound pass for the shipped policy; the
# benchmark policy's rules all fit in the bound, so it keeps the plain path
python3 tests/cli/mix_profiles.py "$ENT" enterprises 60 3 "$TMP/few-e.json"
for pol in rules/default.lua tests/policies/bench_declarative.lua; do
    run "$CAPMATCH" match --regions "$TMP/mix-r.json" --enterprises "$TMP/few-e.json" \
        --policy $pol --top 3 --format jsonl --explain --no-prune
    cp "$TMP/out" "$TMP/few-all"
    for th in 1 2; do
        run "$CAPMATCH" match --regions "$TMP/mix-r.json" --enterprises "$TMP/few-e.json" \
            --policy $pol --top 3 --format jsonl --explain --threads $th
        if [ "$RC" -eq 0 ] && [ -s "$TMP/out" ] && cmp -s "$TMP/out" "$TMP/few-all"; then
            ok "$pol --threads $th: 60 x 400 mixed profiles, as --no-prune"; else
            not_ok "$pol --threads $th: 60 x 400 mixed profiles, as --no-prune" \
                "exit $RC" "$(diff "$TMP/few-all" "$TMP/out" | head -5)"; fi
    done
done

# derive on several threads: the first failing profile, whatever the threads
awk 'BEGIN { printf "{\"enterprises\":["; for (i = 0; i < 600; i++) printf "%s{\"id\":\"e-%d\",\"name\":\"E %d\",\"country\":\"CN\",\"sector\":\"2826\"}", i ? "," : "", i, i; print "]}" }' > "$TMP/many.json"
for th in 1 2 4; do
    run "$CAPMATCH" match --regions "$REG" --enterprises "$TMP/many.json" --policy $P/fast_derive_fails_late.lua --threads $th
    if [ "$RC" -eq 2 ] && grep -qF "fast_derive_fails_late.lua:5: derive 'n' (enterprise \"e-550\"): " "$TMP/err" &&
       grep -qF "no value for e-550" "$TMP/err"; then ok "derive --threads $th: the first failing profile is named"; else
        not_ok "derive --threads $th: the first failing profile is named" "exit $RC" "$(head -c 400 "$TMP/err")"
    fi
done

# capmatch check traces what memoised rules read
run "$CAPMATCH" check $P/fast_uses_mismatch.lua --data "$REG" --data "$ENT"
expect_status "check: a uses that does not match exits 1" 1
expect_grep "check: a field read but not listed" out "fast_uses_mismatch.lua:4: error: rule 'size' reads enterprise.description, which its uses does not list: its memoised scores would be wrong (add it to uses)"
expect_grep "check: a field listed but never read" out "fast_uses_mismatch.lua:4: warning: rule 'size' lists enterprise.seeks in uses but read it on none of 1026 pairs: it only splits the memo"
for pol in default sector_fit financing_funds sme_support; do
    run "$CAPMATCH" check rules/$pol.lua --data "$REG" --data "$ENT"
    expect_status "check: the shipped $pol.lua declares what it reads" 0
done
