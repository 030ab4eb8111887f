-- escape attempt: load of a binary chunk, at load time.
-- capmatch match must stop it with a clear error (exit 2) naming this file
-- and the line marked "attempt", within a second, touching nothing: run by
-- tests/cli/policy.sh with --set target=$TMP/pwned, that file must not appear.
policy { name = "escape" }
local p = params { target = "/nonexistent/capmatch-pwned" }
local f, err = load("\27LuaT\0\25\147\r\n\26\n\4\8\8", "=bin", "b") if not f then error(err) end f() -- attempt
rule { name = "after", weight = 1, score = function() return 0.5, "the policy loaded" end }
