policy { name = "bad levels" }
rule { name = "fit", weight = 1, score = builtin.isic_fit { levels = { class = 1 } } }
