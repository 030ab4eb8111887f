-- table.insert shifting up to a length that __len makes up, at load time.
-- capmatch match must stop it with exit 2 and a message naming this file and
-- the line marked "attempt" (tests/cli/hardening.sh, issue 10 row 3).
policy { name = "hardening" }
local t = setmetatable({}, { __len = function() return 1 << 40 end })
table.insert(t, 1, "x") -- attempt
rule { name = "after", weight = 1, score = function() return 0.5, "loaded" end }
