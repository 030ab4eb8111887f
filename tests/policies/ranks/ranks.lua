-- ranks.lua: a policy with plain, predictable scores for the rank and
-- absence expectations of capmatch test (tests/cli/test_ranks.sh).
policy { name = "ranks", top = 3 }

filter { name = "not home", check = function(e, r)
  return e.country ~= r.country, "the enterprise's home country"
end }

-- a hundred staff score 1
rule { name = "staff", weight = 1, score = function(e)
  return math.min((e.employees or 0) / 100, 1), "staff"
end }

rule { name = "target", weight = 1,
       score = builtin.member { enterprise = "target_countries", region = "country" } }
