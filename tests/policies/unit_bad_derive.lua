-- unit_bad_derive.lua: a derived value named like a schema field (line 3)
policy { name = "bad derive" }
derive { name = "country", side = "enterprise", value = function(e) return "XX" end }
rule { name = "x", weight = 1, score = function() return 1, "" end }
