-- bench_lua.lua: the logic of bench_declarative.lua with two of its three
-- rules written as Lua functions over the profile views (scripts/bench-match).
-- The filter and the sector rule stay built-in. Each Lua rule reproduces its
-- built-in exactly (same operations in the same order), so that both
-- policies give the same scores and the same top k.
--
-- Both Lua rules declare the fields they read (`uses`): the engine runs each
-- once per distinct combination of those values (memoisation) rather than
-- once per pair. scripts/bench-match also runs a copy without the `uses`
-- lines, and both with --no-prune, to show what each technique gives.
policy {
  name = "bench-lua",
  description = "bench_declarative.lua with needs and ticket in Lua",
  top = 10,
}
local p = params { ticket_min_usd = 1000000, ticket_max_usd = 20000000 }

local convert, log, huge = cm.convert, math.log, math.huge

filter { name = "target country", check = builtin.member {
  enterprise = "target_countries", region = "country", empty = "pass" } }

rule { name = "sector", weight = 3, score = builtin.isic_fit {
  enterprise = "sectors", region = "sectors_sought" } }

-- share of the region's needs that the enterprise offers
rule { name = "needs", weight = 2,
  uses = { enterprise = { "offers" }, region = { "needs" } },
  score = function(e, r)
  local needs = r.needs
  local n = #needs
  if n == 0 then return 0, "no needs" end
  local offers = e.offers
  local common = 0
  for i = 1, #offers do
    local w = offers[i]
    for j = 1, n do
      if needs[j] == w then
        common = common + 1
        break
      end
    end
  end
  return common / n, "needs met"
end }

-- investment min..max in USD against the band, log scale outside it (x10: 0)
rule { name = "ticket", weight = 1,
  uses = { enterprise = { "investment" } },
  score = function(e, r, q)
  local inv = e.investment
  local lo, hi, cur = inv.min, inv.max, inv.currency
  if (lo == nil and hi == nil) or cur == nil then return 0, "no investment" end
  if lo == nil then lo = hi end
  if hi == nil then hi = lo end
  lo, hi = convert(lo, cur, "USD"), convert(hi, cur, "USD")
  if lo == nil or hi == nil then return 0, "no rate" end
  local blo, bhi = q.ticket_min_usd, q.ticket_max_usd
  if hi >= blo and lo <= bhi then return 1, "within" end
  local gap
  if hi < blo then
    gap = hi > 0 and blo / hi or huge
  else
    gap = bhi > 0 and lo / bhi or huge
  end
  if gap >= 10 then return 0, "far off" end
  return 1 - log(gap) / log(10), "off the band"
end }
