policy { name = "row 3" }
table.move({}, 1, 1 << 40, 2)
rule { name = "r", weight = 1, score = function() return 1, "x" end }
