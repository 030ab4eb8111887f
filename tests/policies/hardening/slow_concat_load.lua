-- slow single instructions: concatenations of a 16 MiB string, at load time; the clock backstop (a second) must hold.
-- capmatch match must stop it with exit 2 and a message naming this file and
-- the line marked "attempt" (tests/cli/hardening.sh, issue 10 row 10).
policy { name = "hardening" }
local s = "x"
for i = 1, 24 do s = s .. s end
while true do local t = s .. "y" end -- attempt
rule { name = "after", weight = 1, score = function() return 0.5, "loaded" end }
