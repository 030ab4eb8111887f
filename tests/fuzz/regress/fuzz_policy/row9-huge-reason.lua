policy { name = "row 9" }
rule { name = "r", weight = 1, score = function() return 0.5, string.rep("x", 3e7) end }
rule { name = "s", weight = 1, score = function() return 0.5, string.rep("\u{e9}", 5000) end }
