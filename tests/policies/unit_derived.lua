-- unit_derived.lua: built-ins over derived values and attributes, a region
-- field, and a built-in filter with a threshold.
policy { name = "unit derived", top = 100 }
derive { name = "big", side = "enterprise", value = function(e) return (e.employees or 0) >= 250 end }
derive { name = "staff", side = "enterprise", value = function(e) return e.employees end }
derive { name = "tag", side = "region", value = function(r) return r.country .. "-x" end }
filter { name = "fit", threshold = 0.5, check = builtin.isic_fit { } }
rule { name = "bigeq", weight = 1, score = builtin.equals { enterprise = "big", value = true } }
rule { name = "staffrange", weight = 1, score = builtin.range { enterprise = "staff", min = 50, max = 250 } }
rule { name = "tagre", weight = 1, score = builtin.regex { region = "tag", pattern = "^PH-x$" } }
rule { name = "cap", weight = 1, score = builtin.range { region = "capacity", min = 5, max = 8 } }
rule { name = "attr", weight = 1, score = builtin.equals { region = "attrs.typhoon_belt", value = true } }
rule { name = "attrnum", weight = 1, score = builtin.range { region = "attrs.population", min = 1e6, max = 2e6 } }
