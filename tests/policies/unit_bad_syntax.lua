-- unit_bad_syntax.lua: a syntax error (line 3)
policy { name = "bad syntax" }
rule { name = "x" weight = 1, score = function() return 1, "" end }
