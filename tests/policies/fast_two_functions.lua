policy { name = "two functions" }
rule { name = "two", weight = 1, score = { function() return 1 end, function() return 0 end } }
