-- cli_unknown_key_filter.lua: a misspelt key in a filter, line 5.
policy { name = "unknown key" }
rule { name = "a", weight = 1, score = function() return 1, "one" end }

filter { name = "f", check = function() return true, "yes" end, treshold = 0.5 }
