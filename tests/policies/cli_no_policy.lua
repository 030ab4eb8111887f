-- cli_no_policy.lua: rules, but no policy { name = ... } declaration.
rule { name = "a", weight = 1, score = function() return 1, "one" end }
