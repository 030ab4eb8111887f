-- fast_uses_mismatch.lua - a memoised rule that lists a field it never reads
-- and reads one it does not list (only on some pairs: large enterprises).
policy { name = "uses mismatch" }
rule {
  name = "size", weight = 1,
  uses = { enterprise = { "employees", "seeks" }, region = { "country" } },
  score = function(e, r)
    if (e.employees or 0) > 500 and e.description then return 1 end
    return r.country == "PH" and 0.5 or 0
  end,
}
