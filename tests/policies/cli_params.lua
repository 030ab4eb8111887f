-- cli_params.lua: parameters, and --set (tests/cli/policy.sh).
policy { name = "params" }
local p = params { zeta = 1, bonus = 0.25, alpha = "a", mid = true }
rule { name = "bonus", weight = 1, score = function(e, r, p)
  return p.bonus, "bonus " .. tostring(p.bonus)
end }
