-- determinism.lua: the policy of tests/cli/determinism.sh. Built-in
-- (declarative) filter and rules, plus one Lua rule. The data set it runs
-- on has many profiles that are identical but for their id, so most scores
-- tie and the order of the output rests on the tie-break by id.
policy { name = "determinism", description = "ties everywhere", top = 5 }
local p = params { radius_km = 4000, sme_limit = 250 }

filter { name = "target country", check = builtin.member { enterprise = "target_countries", region = "country", empty = "pass" } }

rule { name = "sector", weight = 3, score = builtin.isic_fit { enterprise = "sectors", region = "sectors_sought" } }
rule { name = "needs", weight = 2, score = builtin.overlap { enterprise = "offers", region = "needs" } }
rule { name = "distance", weight = 1, score = builtin.distance { scale_km = p.radius_km } }
rule { name = "revenue", weight = 1, score = builtin.range { enterprise = "revenue", min = 1e6, max = 5e7, currency = "USD" } }
rule { name = "fit", weight = 2, score = function(e, r, p)
  local n = e.employees or 0
  local s = n < p.sme_limit and 0.75 or 0.25
  if r.level == "province" then s = s + 0.25 end
  return s, (n < p.sme_limit and "SME" or "large") .. " in a " .. r.level
end }
