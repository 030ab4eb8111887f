-- unit_bad_weight.lua: a weight of 0 (line 4)
policy { name = "bad weight" }
rule { name = "fine", weight = 1, score = function() return 1, "" end }
rule { name = "zero", weight = 0, score = function() return 1, "" end }
