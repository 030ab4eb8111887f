-- bench_declarative.lua: the benchmark's declarative policy (scripts/bench-match).
-- Every filter and rule is a built-in scorer, compiled to C at load time.
-- tests/tools/bench_match.c (floor) and tests/bench/baseline.lua re-implement
-- exactly these features; they read the weights and parameters from here
-- and expect the rule names sector, needs, distance and ticket.
policy {
  name = "bench-declarative",
  description = "sector fit, needs met, distance and investment ticket, all built-in",
  top = 10,
}
local p = params { radius_km = 3000, ticket_min_usd = 1000000, ticket_max_usd = 20000000 }

-- an enterprise that names target countries only meets regions there
filter { name = "target country", check = builtin.member {
  enterprise = "target_countries", region = "country", empty = "pass" } }

rule { name = "sector", weight = 3, score = builtin.isic_fit {
  enterprise = "sectors", region = "sectors_sought" } }
rule { name = "needs", weight = 2, score = builtin.overlap {
  enterprise = "offers", region = "needs" } }
rule { name = "distance", weight = 1, score = builtin.distance { scale_km = p.radius_km } }
rule { name = "ticket", weight = 1, score = builtin.range {
  enterprise = "investment", currency = "USD",
  min = p.ticket_min_usd, max = p.ticket_max_usd } }
