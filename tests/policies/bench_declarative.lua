-- bench_declarative.lua: the benchmark's cheap declarative policy
-- (scripts/bench-match): the member filter, isic_fit, overlap and range of
-- issue 9, every one a built-in scorer compiled to C at load time.
-- tests/tools/bench_match.c (floor), tests/bench/baseline.lua (plain Lua)
-- and tests/bench/pandas_baseline.py re-implement exactly these features;
-- they read the weights and parameters from here and expect the rule names
-- sector, needs and ticket (the floor also knows a rule named distance, a
-- builtin.distance, should one be added).
policy {
  name = "bench-declarative",
  description = "target countries, sector fit, needs met and investment ticket, all built-in",
  top = 10,
}
local p = params { ticket_min_usd = 1000000, ticket_max_usd = 20000000 }

-- an enterprise that names target countries only meets regions there
filter { name = "target country", check = builtin.member {
  enterprise = "target_countries", region = "country", empty = "pass" } }

rule { name = "sector", weight = 3, score = builtin.isic_fit {
  enterprise = "sectors", region = "sectors_sought" } }
rule { name = "needs", weight = 2, score = builtin.overlap {
  enterprise = "offers", region = "needs" } }
rule { name = "ticket", weight = 1, score = builtin.range {
  enterprise = "investment", currency = "USD",
  min = p.ticket_min_usd, max = p.ticket_max_usd } }
