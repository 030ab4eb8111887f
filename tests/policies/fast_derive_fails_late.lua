-- fast_derive_fails_late.lua - a derive that fails on one profile far into
-- the file: with many profiles derive runs on several threads, and the error
-- must still name that profile (and only the first failing one).
policy { name = "derive fails late" }
derive { name = "n", side = "enterprise", value = function(e)
  if e.id == "e-550" or e.id == "e-590" then error("no value for " .. e.id) end
  return #e.id
end }
rule { name = "r", weight = 1, score = builtin.isic_fit {} }
