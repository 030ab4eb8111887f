-- escape attempt: io.open, inside a rule.
-- capmatch match must stop it with a clear error (exit 2) naming this file
-- and the line marked "attempt", within a second, touching nothing: run by
-- tests/cli/policy.sh with --set target=$TMP/pwned, that file must not appear.
policy { name = "escape" }
local p = params { target = "/nonexistent/capmatch-pwned" }
rule { name = "escape", weight = 1, score = function(e, r, p) -- attempt
  io.open(p.target, "w"):write("pwned")
  return 1, "escaped"
end }
