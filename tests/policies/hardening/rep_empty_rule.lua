-- string.rep of the empty string loops n times, in a rule.
-- capmatch match must stop it with exit 2 and a message naming this file and
-- the line marked "attempt" (tests/cli/hardening.sh, issue 10 row 3).
policy { name = "hardening" }
rule { name = "escape", weight = 1, score = function(e, r)
  local s = ("x"):sub(2):rep(1 << 50) -- attempt
  return 1, "escaped"
end }
