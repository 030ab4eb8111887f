-- cli_onerror.lua: the rule "boom" (line 6) raises an error for one pair,
-- enterprise e-fruit and region r-vn-bt of tests/data (error on line 8).
policy { name = "on error" }
rule { name = "sector", weight = 2, score = builtin.isic_fit { enterprise = "sectors", region = "sectors_sought" } }

rule { name = "boom", weight = 1, score = function(e, r)
  if e.id == "e-fruit" and r.id == "r-vn-bt" then
    error("kaboom")
  end
  return 0.5, "fine"
end }
