-- unit_bad_builtin_key.lua: a misspelt key in a built-in spec (line 2)
rule { name = "sector", weight = 1, score = builtin.isic_fit { enterprise = "sectors", regoin = "sectors_sought" } }
policy { name = "bad builtin key" }
