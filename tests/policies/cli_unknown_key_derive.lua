-- cli_unknown_key_derive.lua: a misspelt key in derive {}, line 4.
policy { name = "unknown key" }
rule { name = "a", weight = 1, score = function() return 1, "one" end }
derive { name = "d", side = "enterprise", value = function(e) return 1 end, sied = "region" }
