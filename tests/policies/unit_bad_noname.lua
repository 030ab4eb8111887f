-- unit_bad_noname.lua: policy {} without its name (line 2)
policy { description = "nameless", top = 5 }
rule { name = "x", weight = 1, score = function() return 1, "" end }
