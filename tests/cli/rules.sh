# The shipped policies: their own tests (capmatch test rules/), a clean lint on
# the examples, and the demo's promise: abaca machinery makers are among
# Catanduanes's best partners under rules/default.lua (the textile machinery
# it asked for in the dialogue).
. tests/cli/lib.sh

run "$CAPMATCH" test rules/
expect_status "capmatch test rules/ passes" 0
expect_grep "capmatch test rules/: closing line" out " passed, 0 failed"

for p in rules/default.lua rules/sme_support.lua rules/financing_funds.lua rules/sector_fit.lua; do
    run "$CAPMATCH" check "$p" --data examples/data/regions.json --data examples/data/enterprises.json
    expect_status "check $p on the examples" 0
done

run "$CAPMATCH" match --regions examples/data/regions.json --enterprises examples/data/enterprises.json \
    --policy rules/default.lua --by region --top 5 --format csv
expect_status "default policy by region" 0
makers=$(csv_cols "$TMP/out" enterprise region | awk -F, '$2 == "ph-catanduanes" {print $1}' | grep -c -e cn-xian-textile-machinery \
    -e cn-changzhou-loom-works -e cn-zhejiang-knitting-machinery -e cn-qingdao-spinning-equipment)
if [ "$makers" -ge 2 ]; then ok "abaca machinery makers among ph-catanduanes's top 5 ($makers)"
else not_ok "abaca machinery makers among ph-catanduanes's top 5" "$(grep ph-catanduanes "$TMP/out")"; fi
# the default policy credits one sector link per pair, the strongest: for the
# makers it is the machinery Catanduanes seeks (the abaca link scores 0.8)
expect_grep "the link is explained" out "the region seeks textile, clothing and leather machinery (ISIC 2826)"
