policy { name = "not reciprocal" }
local w = mcda.ahp { { 1, 3 }, { 3, 1 } }
rule { name = "close", weight = w[1], score = builtin.distance { scale_km = 3000 } }
