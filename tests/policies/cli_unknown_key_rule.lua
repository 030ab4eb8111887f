-- cli_unknown_key_rule.lua: a misspelt key in a rule, line 4.
policy { name = "unknown key" }

rule { name = "a", wieght = 1, score = function() return 1, "one" end }
