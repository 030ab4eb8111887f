-- AHP weights from a questionnaire whose answers go round in a circle
policy { name = "inconsistent AHP", top = 2 }
local w = mcda.ahp { { 1, 9, 1/9 }, { 1/9, 1, 9 }, { 9, 1/9, 1 } }
rule { name = "sector", weight = w[1], score = builtin.isic_fit { enterprise = "sectors", region = "sectors_sought" } }
rule { name = "needs", weight = w[2], score = builtin.overlap { enterprise = "offers", region = "needs" } }
rule { name = "close", weight = w[3], score = builtin.distance { scale_km = 3000 } }
