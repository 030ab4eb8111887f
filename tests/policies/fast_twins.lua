-- The region's view repeats an enterprise rule (scored once per pair) and
-- one that differs only in its factor (scored apart): tests/cli/fast.sh
-- checks region_score = 0.75 x score on every row.
policy { name = "twins", top = 20 }
rule { name = "needs", weight = 1, score = builtin.overlap { enterprise = "offers", region = "needs" } }
rule { name = "region: needs", weight = 1, side = "region",
       score = builtin.overlap { enterprise = "offers", region = "needs" } }
rule { name = "region: needs, half", weight = 1, side = "region",
       score = builtin.overlap { enterprise = "offers", region = "needs", factor = 0.5 } }
