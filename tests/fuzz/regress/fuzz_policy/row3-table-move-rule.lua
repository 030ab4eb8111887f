policy { name = "row 3" }
rule { name = "r", weight = 1, score = function(e, r) table.move(r.needs, 1, 1 << 40, 1, {}) return 1, "x" end }
