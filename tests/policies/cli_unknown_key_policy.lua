-- cli_unknown_key_policy.lua: a misspelt key in policy {}, line 3.

policy { name = "unknown key", topp = 3 }
rule { name = "a", weight = 1, score = function() return 1, "one" end }
