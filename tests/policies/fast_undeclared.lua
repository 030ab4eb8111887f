-- fast_undeclared.lua - a memoised rule that reads a field its uses does not list.
policy { name = "undeclared" }
rule {
  name = "sneaky", weight = 1,
  uses = { enterprise = { "sectors" }, region = { "country" } },
  score = function(e, r)
    if e.employees and e.employees > 100 then return 1 end
    return 0
  end,
}
