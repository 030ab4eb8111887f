-- branches.lua - capmatch test --coverage: a Lua rule whose tests never take
-- one of its branches, and a module with a function no test calls.
policy { name = "coverage branches" }

local size = require("cov_size")

rule { name = "size", weight = 1, score = function(e, r)
  local class = size.classify(e.employees)
  if class == "small" then
    return 1, "a small firm"
  elseif class == "large" then
    -- no test profile is large
    return 0.2, "a large firm"
  end
  return 0.5, "a medium firm"
end }

rule { name = "programme", weight = 1, score = function(e, r)
  if r:has("programmes", "sme_support") then return 1, "SME programme" end
  return 0, "no SME programme"
end }
