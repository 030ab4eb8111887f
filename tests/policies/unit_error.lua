-- unit_error.lua: a rule that raises an error for one region (sg).
policy { name = "unit error", top = 100 }
rule { name = "need", weight = 1, score = builtin.overlap { } }
rule { name = "fragile", weight = 1, score = function(e, r)
  if r.id == "sg" then error("no data for " .. r.id) end
  return 1, "fine"
end }
