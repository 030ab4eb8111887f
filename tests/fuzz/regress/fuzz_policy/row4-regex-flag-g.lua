policy { name = "row 4" }
rule { name = "r", weight = 1,
       score = builtin.regex { enterprise = "description", pattern = "abaca", flags = "g" } }
