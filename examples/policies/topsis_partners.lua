-- Partners ranked by TOPSIS, with weights from an AHP questionnaire: each
-- enterprise's 50 best regions by the weighted mean, then ranked by their
-- closeness to the ideal partner among those 50 (capmatch-policy(5),
-- DECISION METHODS).
policy { name = "TOPSIS partners", description = "AHP weights, closeness to the ideal", top = 3,
         aggregate = { method = "topsis", normalisation = "vector", candidates = 50 } }

-- the programme officers' comparisons on Saaty's 1-9 scale: sector fit matters
-- 3 times as much as needs met and 5 times as much as distance
local w = mcda.ahp { { 1, 3, 5 }, { 1/3, 1, 3 }, { 1/5, 1/3, 1 } }

rule { name = "sector fit", weight = w[1],
       score = builtin.isic_fit { enterprise = "sectors", region = "sectors_sought" } }
rule { name = "needs met", weight = w[2], score = builtin.overlap { enterprise = "offers", region = "needs" } }
-- a cost criterion: the farther, the worse (a share of 10000 km)
rule { name = "distance", weight = w[3], cost = true, score = function(e, r)
  local km = cm.distance_km(e, r)
  if km == nil then return 0.5, "no location given" end
  return math.min(km / 10000, 1), string.format("%.0f km apart", km)
end }
