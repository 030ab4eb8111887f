-- cli_unknown_key_builtin.lua: a misspelt key in a builtin spec, line 4.
policy { name = "unknown key" }
rule { name = "a", weight = 1, score = builtin.isic_fit { enterprise = "sectors", region = "sectors_sought" } }
rule { name = "b", weight = 1, score = builtin.overlap { enterprise = "offers", regoin = "needs" } }
