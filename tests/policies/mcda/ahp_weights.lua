policy { name = "ahp weights", top = 2 }
local w, cr = mcda.ahp { { 1, 3, 5 }, { 1/3, 1, 3 }, { 1/5, 1/3, 1 } }
rule { name = "sector", weight = w[1], score = builtin.isic_fit { enterprise = "sectors", region = "sectors_sought" } }
rule { name = "needs", weight = w[2], score = builtin.overlap { enterprise = "offers", region = "needs" } }
rule { name = "close", weight = w[3], score = builtin.distance { scale_km = 3000 } }
