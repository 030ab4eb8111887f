policy { name = "ragged" }
local w = mcda.ahp { { 1, 3 }, { "1/3", 1 } }
rule { name = "close", weight = w[1], score = builtin.distance { scale_km = 3000 } }
