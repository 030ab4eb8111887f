policy { name = "bad derived list" }
derive { name = "bad", side = "enterprise", value = function(e) return { "a", {} } end }
rule { name = "r", weight = 1, score = builtin.isic_fit {} }
