-- cli_order.lua: Lua and built-in rules interleaved, in an order that is
-- neither alphabetical nor built-ins first: explanations must keep it.
policy { name = "order", top = 3 }
filter { name = "lua filter", check = function(e, r) return true, "always" end }
filter { name = "target country", check = builtin.member { enterprise = "target_countries", region = "country", empty = "pass" } }
rule { name = "zeta", weight = 1, score = function(e, r) return 0.25, "lua first" end }
rule { name = "alpha", weight = 2, score = builtin.isic_fit { enterprise = "sectors", region = "sectors_sought" } }
rule { name = "mid", weight = 0.5, score = function(e, r) return (#r.needs > 2) and 1 or 0.3, "needs " .. #r.needs end }
rule { name = "beta", weight = 3, score = builtin.overlap { enterprise = "offers", region = "needs" } }
rule { name = "distance", weight = 1.5, score = builtin.distance { scale_km = 5000 } }
