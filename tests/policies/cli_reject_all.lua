-- cli_reject_all.lua: a filter that vetoes every pair, so no pair passes.
policy { name = "reject all" }
filter { name = "nothing", check = function(e, r) return false, "vetoed" end }
rule { name = "a", weight = 1, score = function() return 1, "one" end }
