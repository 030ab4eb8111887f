policy { name = "product over fields" }
rule { name = "p", weight = 1, score = builtin.best_product { enterprise = "sectors", region = "sectors_sought" } }
