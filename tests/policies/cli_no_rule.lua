-- cli_no_rule.lua: a policy with a filter and no rule.
policy { name = "no rule" }
filter { name = "f", check = function() return true, "yes" end }
