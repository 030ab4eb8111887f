-- escape attempt: require of a module that is a binary chunk, at load time.
-- tests/cli/policy.sh compiles binmod.lua with luac (or writes a binary
-- header) into a directory it gives with --rules-path: require must refuse it
-- with a clear error (exit 2).
policy { name = "escape" }
local p = params { target = "/nonexistent/capmatch-pwned" }
local m = require "binmod" -- attempt
rule { name = "after", weight = 1, score = function() return 0.5, "the policy loaded" end }
