-- unit_builtins.lua: one rule per built-in scorer (and variant), no filters,
-- for tests/unit/test_policy.c. Weights are 1 except where a test needs more.
policy { name = "unit builtins", description = "every built-in once", top = 100 }

rule { name = "isic", weight = 1, score = builtin.isic_fit { enterprise = "sectors", region = "sectors_sought" } }
rule { name = "cover", weight = 1, score = builtin.overlap { enterprise = "offers", region = "needs" } }
rule { name = "jaccard", weight = 1, score = builtin.overlap { enterprise = "offers", region = "needs", mode = "jaccard" } }
rule { name = "near", weight = 1, score = builtin.distance { scale_km = 3000 } }
rule { name = "staff", weight = 1, score = builtin.range { enterprise = "employees", min = 50, max = 250 } }
rule { name = "staff_tight", weight = 1, score = builtin.range { enterprise = "employees", min = 50, max = 250, tolerance = 2 } }
rule { name = "invest", weight = 1, score = builtin.range { enterprise = "investment", min = 1e6, max = 5e6, currency = "USD" } }
rule { name = "target", weight = 1, score = builtin.member { enterprise = "target_countries", region = "country", empty = "pass" } }
rule { name = "target_strict", weight = 1, score = builtin.member { enterprise = "target_countries", region = "country" } }
rule { name = "same_country", weight = 1, score = builtin.equals { enterprise = "country", region = "country" } }
rule { name = "province", weight = 1, score = builtin.equals { region = "level", value = "province" } }
rule { name = "staff150", weight = 1, score = builtin.equals { enterprise = "employees", value = 150 } }
rule { name = "abaca", weight = 1, score = builtin.regex { enterprise = "description", pattern = "abaca|decorticat|fib(re|er)", flags = "i" } }
rule { name = "cat", weight = 1, score = builtin.regex { region = "name", pattern = "^Cat" } }
rule { name = "lua", weight = 4, group = "custom", score = function(e, r, p) return 0.25, "quarter" end }
