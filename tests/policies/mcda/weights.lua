-- Three rules whose weights are parameters, for the sensitivity tests:
-- --set w_sector=... moves one weight.
local p = params { w_sector = 3, w_needs = 2, w_close = 1 }
policy { name = "weights", top = 5 }
rule { name = "sector", weight = p.w_sector,
       score = builtin.isic_fit { enterprise = "sectors", region = "sectors_sought" } }
rule { name = "needs", weight = p.w_needs, score = builtin.overlap { enterprise = "offers", region = "needs" } }
rule { name = "close", weight = p.w_close, score = builtin.distance { scale_km = 5000 } }
