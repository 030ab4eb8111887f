-- basic.lua: a small policy using every kind of declaration, for tests.
policy { name = "try", description = "a first policy", top = 3 }
local p = params { radius_km = 3000, sme_bonus = 0.5 }

derive { name = "big", side = "enterprise", value = function(e)
  return (e.employees or 0) >= 250
end }

filter { name = "target country", check = builtin.member { enterprise = "target_countries", region = "country", empty = "pass" } }
filter { name = "not home", check = function(e, r) return e.country ~= r.country or r.level ~= "country", "home" end }

rule { name = "sector", weight = 3, group = "fit", score = builtin.isic_fit { enterprise = "sectors", region = "sectors_sought" } }
rule { name = "needs", weight = 2, score = builtin.overlap { enterprise = "offers", region = "needs" } }
rule { name = "distance", weight = 1, score = builtin.distance { scale_km = p.radius_km } }
rule { name = "abaca", weight = 1, score = builtin.regex { enterprise = "description", pattern = "abaca|decorticat|fib(re|er)", flags = "i" } }
rule { name = "size", weight = 1, score = function(e, r, p)
  if e.big then return 0.2, "large enterprise" end
  return p.sme_bonus, "small or medium"
end }
