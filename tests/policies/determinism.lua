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

-- derived lists (computed on several threads when there are many profiles)
-- and a memoised rule over them
derive { name = "divisions", side = "enterprise", value = function(e)
  local out = {}
  for i = 1, #e.sectors do out[#out + 1] = e.sectors[i]:sub(1, 2) end
  return out
end }
derive { name = "wanted", side = "region", value = function(r)
  local out = {}
  for i = 1, #r.sectors_sought do out[#out + 1] = r.sectors_sought[i]:sub(1, 2) end
  return out
end }
rule { name = "divisions", weight = 1, score = builtin.member { enterprise = "divisions", region = "wanted" } }
rule { name = "breadth", weight = 1, uses = { enterprise = { "divisions" }, region = { "wanted" } },
  score = function(e, r) return math.min(1, (#e.divisions + #r.wanted) / 6) end,
  explain = function(e, r, params, s) return #e.divisions .. " and " .. #r.wanted .. " divisions" end }
