-- cli_weight_zero.lua: weight 0 on line 4 must be rejected.
policy { name = "weights" }
rule { name = "a", weight = 1, score = function() return 1, "one" end }
rule { name = "zero", weight = 0, score = function() return 1, "one" end }
