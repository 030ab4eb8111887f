-- unit_ties.lua: every pair scores the same, so ranks are decided by id alone.
policy { name = "unit ties", top = 3, min_score = 0.5 }
rule { name = "flat", weight = 1, score = function(e, r) return 0.5, "flat" end }
