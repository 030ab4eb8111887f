-- unit_bad_field.lua: a built-in naming a field that does not exist (line 2)
rule { name = "sector", weight = 1, score = builtin.isic_fit { enterprise = "sektors" } }
policy { name = "bad field" }
