-- A deliberately broken policy for capmatch check: each problem has its line.
policy { name = "broken", top = 5 }
local p = params { max_km = 3000, unused_one = 7 }

filter { name = "nobody", check = function(e, r) return false, "never" end }

rule { name = "sector", weight = 0,
       score = builtin.isic_fit { enterprise = "sectors", region = "sectors_sought" } }
rule { name = "flat", wieght = 2, weight = 1, score = function(e, r) return 0.5, "always half" end }
rule { name = "dist", weight = 1, score = builtin.distance { scale_km = p.max_km, unit = "km" } }
