-- escape attempt: a loop that xpcalls away the budget error, at load time.
-- capmatch match must stop it with a clear error (exit 2) naming this file
-- and the line marked "attempt", within a second, touching nothing: run by
-- tests/cli/policy.sh with --set target=$TMP/pwned, that file must not appear.
policy { name = "escape" }
local p = params { target = "/nonexistent/capmatch-pwned" }
while true do xpcall(function() while true do end end, function(m) return m end) end -- attempt
rule { name = "after", weight = 1, score = function() return 0.5, "the policy loaded" end }
