-- Two typos that run without an error on most data: capmatch check finds
-- both without --data (README, "Check it").
policy { name = "typos" }
rule { name = "logistics", weight = 1, score = function(e, r)
  if r:has("needs", "logistic") then return 1, "the region needs logistics" end
  if e.employes and e.employes > 100 then return 0.5, "a large firm" end
  return 0, "no need for logistics"
end }
