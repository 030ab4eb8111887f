-- string.rep of the empty string loops n times, at load time.
-- capmatch match must stop it with exit 2 and a message naming this file and
-- the line marked "attempt" (tests/cli/hardening.sh, issue 10 row 3).
policy { name = "hardening" }
local s = string.rep("", 1 << 50) -- attempt
rule { name = "after", weight = 1, score = function() return 0.5, "loaded" end }
