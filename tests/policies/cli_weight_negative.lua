-- cli_weight_negative.lua: a negative weight on line 3 must be rejected.
policy { name = "weights" }
rule { name = "negative", weight = -1, score = function() return 1, "one" end }
