-- fast_bad_part.lua - the second scorer of a list fails to compile half-way
-- (its fields resolved, then refused): an error, and nothing leaks.
policy { name = "bad part" }
rule { name = "r", weight = 1,
       score = { builtin.isic_fit {}, builtin.best_product { enterprise = "sectors", region = "country" } } }
