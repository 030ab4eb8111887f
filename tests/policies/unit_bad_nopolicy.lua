-- unit_bad_nopolicy.lua: rules, but no policy { ... } at all
rule { name = "x", weight = 1, score = function() return 1, "" end }
