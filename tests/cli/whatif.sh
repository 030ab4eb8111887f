# capmatch whatif: counterfactual explanations. Every answer, applied to the
# profile by tests/cli/whatif_check.py and re-run through capmatch explain,
# has the score and rank whatif printed; a brute force over every single
# change the schema allows (vocabulary words, codes seen in the files,
# booleans, number fields on a grid) finds nothing whatif missed; fixed fields
# never change; bad input is refused with a clear message.
. tests/cli/lib.sh

D=tests/data/whatif
W="--regions $D/regions.json --enterprises $D/enterprises.json --policy rules/default.lua"

# the pair is 5th of cn-xian-textile-machinery's 5 regions; the target is 3rd
python3 tests/cli/whatif_check.py "$CAPMATCH" rules/default.lua $D/regions.json $D/enterprises.json \
    cn-xian-textile-machinery my-johor rank=3 "$TMP" ||
    not_ok "the check script ran to its end" "exit status $?"
# a vetoed pair, target pass, combinations allowed: every answer checked
python3 tests/cli/whatif_check.py "$CAPMATCH" rules/default.lua $D/regions.json $D/enterprises.json \
    cn-changzhou-loom-works my-johor pass "$TMP" --no-brute-force 2 ||
    not_ok "the check script ran to its end" "exit status $?"
# combinations of two for a rank single changes cannot reach
python3 tests/cli/whatif_check.py "$CAPMATCH" rules/default.lua $D/regions.json $D/enterprises.json \
    cn-xian-textile-machinery th-rayong rank=2 "$TMP" --no-brute-force 2 ||
    not_ok "the check script ran to its end" "exit status $?"

# fixed fields: neither the ones given nor id, name, country ever change
run "$CAPMATCH" whatif $W --enterprise cn-xian-textile-machinery --region my-johor --target rank=3 \
    --fixed enterprise.offers,region.needs --fixed enterprise.sectors --limit 0 --format json
expect_status "whatif --fixed: answers found" 0
bad=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
fixed = {("enterprise", "offers"), ("region", "needs"), ("enterprise", "sectors")}
never = {"id", "name", "country", "subdivision", "sector", "description"}
bad = [c["text"] for a in d["answers"] for c in a["changes"]
       if (c["side"], c["field"]) in fixed or c["field"] in never or c["field"].startswith("location")]
print(len(d["answers"]), len(bad), bad[:3])' "$TMP/out")
case "$bad" in
    0\ *) not_ok "whatif --fixed: still finds answers" "$bad" ;;
    *\ 0\ \[\]) ok "whatif --fixed: no fixed field changed ($bad)" ;;
    *) not_ok "whatif --fixed: no fixed field changed" "$bad" ;;
esac

# the same question, the same answer, byte for byte
run "$CAPMATCH" whatif $W --enterprise cn-xian-textile-machinery --region th-rayong --target rank=2 --format json
cp "$TMP/out" "$TMP/first.json"
run "$CAPMATCH" whatif $W --enterprise cn-xian-textile-machinery --region th-rayong --target rank=2 --format json
expect_out "whatif: the same output twice" "$TMP/first.json"

# met already; nothing found (exit 1)
run "$CAPMATCH" whatif $W --enterprise cn-xian-textile-machinery --region ph-catanduanes --target rank=1
expect_status "whatif: a pair at its target exits 0" 0
expect_grep "whatif: says it meets the target" out "meets the target already"
run "$CAPMATCH" whatif $W --enterprise cn-xian-textile-machinery --region my-johor --target rank=1 --max 1 --change region
expect_status "whatif: no single region change reaches rank 1: exit 1" 1
expect_grep "whatif: says none was found" out "no change found that reaches the target"

# -o writes the file whole
run "$CAPMATCH" whatif $W --enterprise cn-xian-textile-machinery --region my-johor --target score=0.5 -o "$TMP/w.txt"
expect_status "whatif --target score=0.5 -o FILE" 0
if grep -q "target score >= 0.5" "$TMP/w.txt"; then ok "whatif -o: the file holds the answers"
else not_ok "whatif -o: the file holds the answers" "$(head -c 400 "$TMP/w.txt")"; fi

# bad input
run "$CAPMATCH" whatif $W --enterprise no-such-firm --region my-johor
expect_status "whatif: unknown enterprise exits 2" 2
expect_grep "whatif: unknown enterprise named" err 'no enterprise with id "no-such-firm"'
run "$CAPMATCH" whatif $W --enterprise cn-xian-textile-machinery --region atlantis
expect_status "whatif: unknown region exits 2" 2
expect_grep "whatif: unknown region named" err 'no region with id "atlantis"'
run "$CAPMATCH" whatif $W --enterprise cn-xian-textile-machinery --region my-johor --target top=3
expect_status "whatif: bad --target exits 2" 2
expect_grep "whatif: bad --target explained" err "--target must be rank, rank=K, pass or score=X, not 'top=3'"
run "$CAPMATCH" whatif $W --enterprise cn-xian-textile-machinery --region my-johor --target score=1.5
expect_status "whatif: --target score out of range exits 2" 2
expect_grep "whatif: score range explained" err "--target score=X needs X in [0, 1], not '1.5'"
run "$CAPMATCH" whatif $W --enterprise cn-xian-textile-machinery --region my-johor --target rank=0
expect_status "whatif: --target rank=0 exits 2" 2
run "$CAPMATCH" whatif $W --enterprise cn-xian-textile-machinery --region my-johor --fixed enterprise.staff
expect_status "whatif: --fixed with no such field exits 2" 2
expect_grep "whatif: bad --fixed named" err "--fixed: 'enterprise.staff' is not a field"
run "$CAPMATCH" whatif $W --enterprise cn-xian-textile-machinery --region my-johor --max 9
expect_status "whatif: --max 9 exits 2" 2
run "$CAPMATCH" whatif $W --region my-johor
expect_status "whatif: no --enterprise exits 2" 2
expect_grep "whatif: says what is missing" err "give the pair with --enterprise ID and --region ID"
