-- A rule returning a 30 MB reason for every pair: string.rep is charged for
-- its 3e7 copies, so the call stops at once instead of costing 30 ms a pair
-- (48 s for the 1,026 pairs of examples/data; issue 10 row 9).
policy { name = "huge reason" }
rule { name = "huge", weight = 1, score = function(e, r)
  return 0.5, string.rep("x", 3e7) -- attempt
end }
