-- A decision method over three rules: each enterprise's `cands` best regions
-- by the weighted mean, ranked by the method (the distance a cost criterion).
-- --set method=none ranks by the weighted mean alone.
local p = params { method = "topsis", cands = 200, norm = "vector" }

local agg = nil
if p.method == "promethee2" then
  agg = { method = "promethee2", candidates = p.cands, preference = "linear", q = 0.05, p = 0.5 }
elseif p.method ~= "none" then
  agg = { method = p.method, normalisation = p.norm, candidates = p.cands }
end
policy { name = "decision method partners", top = 3, aggregate = agg }

rule { name = "sector", weight = 3,
       score = builtin.isic_fit { enterprise = "sectors", region = "sectors_sought" } }
rule { name = "needs", weight = 2, score = builtin.overlap { enterprise = "offers", region = "needs" } }
rule { name = "far", weight = 1, cost = true, score = function(e, r)
  local km = cm.distance_km(e, r)
  if km == nil then return 0.5, "no location" end
  return math.min(km / 10000, 1), string.format("%.0f km", km)
end }
