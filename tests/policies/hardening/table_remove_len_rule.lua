-- table.remove shifting down from a length that __len makes up, in a rule.
-- capmatch match must stop it with exit 2 and a message naming this file and
-- the line marked "attempt" (tests/cli/hardening.sh, issue 10 row 3).
policy { name = "hardening" }
local t = setmetatable({}, { __len = function() return 1 << 40 end })
rule { name = "escape", weight = 1, score = function(e, r)
  table.remove(t, 1) -- attempt
  return 1, "escaped"
end }
