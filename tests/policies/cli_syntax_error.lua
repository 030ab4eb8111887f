-- cli_syntax_error.lua: a syntax error on line 5 (tests/cli/policy.sh).
policy { name = "syntax" }
rule { name = "a", weight = 1, score = function() return 1, "one" end }

local x = = 1
