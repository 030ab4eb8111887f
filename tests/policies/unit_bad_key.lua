-- unit_bad_key.lua: a misspelt key (line 3)
policy { name = "bad key" }
rule { name = "x", weight = 1, wieght = 2, score = function() return 1, "" end }
