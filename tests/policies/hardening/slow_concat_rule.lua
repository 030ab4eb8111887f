-- slow single instructions: concatenations of a 16 MiB string, in a rule; the clock backstop (a second) must hold.
-- capmatch match must stop it with exit 2 and a message naming this file and
-- the line marked "attempt" (tests/cli/hardening.sh, issue 10 row 10).
policy { name = "hardening" }
rule { name = "escape", weight = 1, score = function(e, r)
  local s = "x"
  for i = 1, 24 do s = s .. s end
  while true do local t = s .. "y" end -- attempt
  return 1, "escaped"
end }
