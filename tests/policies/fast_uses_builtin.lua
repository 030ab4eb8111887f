policy { name = "uses on a built-in" }
rule { name = "fit", weight = 1, score = builtin.isic_fit {}, uses = { enterprise = { "sectors" } } }
