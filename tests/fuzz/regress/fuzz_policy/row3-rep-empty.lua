policy { name = "row 3" }
rule { name = "r", weight = 1, score = function() return 1, string.rep("", 1 << 50) end }
