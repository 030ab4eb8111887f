-- diversity.lua: plain scores (a hundred staff score 1) and a diversity
-- re-ranking of region lists, for tests/cli/diversity.sh.
policy { name = "diverse", top = 3,
         diversity = { by = { "group", "offers" }, penalty = 0.2, window = 2 } }

rule { name = "staff", weight = 1, score = function(e)
  return math.min((e.employees or 0) / 100, 1), "staff"
end }
