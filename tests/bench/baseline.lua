-- baseline.lua - the plain-Lua baseline of scripts/bench-match: the logic of
-- tests/policies/bench_declarative.lua (and bench_lua.lua) written in plain
-- Lua over Lua tables, as a Lua programmer would without capmatch (no
-- memoisation, no pruning: every pair scored), run by the stock interpreter:
--
--   lua5.4 tests/bench/baseline.lua DATA.lua OUT [REPEAT]
--
-- DATA.lua comes from `bench_match dump-lua` (profiles, the ISIC hierarchy of
-- their codes, rates, the policy's weights and parameters). Scores every
-- (enterprise, region) pair, keeps the top k of each enterprise (ties: region
-- id ascending), and writes them as bench_match does: enterprise TAB region
-- TAB rank TAB score (%.17g), enterprises in file order. Only the matching
-- loop is timed (os.clock: CPU time of this single-threaded process); with
-- REPEAT > 1 the loop runs that many times and the fastest pass counts.
-- Every operation on numbers is the one the engine's C does, in the same
-- order, so the scores are the same doubles.
local data_path, out_path, repeat_arg = arg[1], arg[2], arg[3]
if not data_path or not out_path then
  io.stderr:write("usage: lua5.4 baseline.lua DATA.lua OUT [REPEAT]\n")
  os.exit(64)
end
local passes = tonumber(repeat_arg or "1") or 1

-- ---- loading the data file ------------------------------------------------
local regions, enterprises, rates, isic = {}, {}, {}, {}
local P
function POLICY(t) P = t end
function RATE(cur, per) rates[cur] = per end
function ISIC(c, level, parent) isic[c] = { level = level, parent = parent } end
function R(t) regions[#regions + 1] = t end
function E(t) enterprises[#enterprises + 1] = t end
dofile(data_path)

-- ancestors of every code: path[l + 1] = the code's ancestor at level l
-- (0 section .. 3 class), itself at its own level
local paths = {}
local function path_of(c)
  local p = paths[c]
  if p then return p end
  local info = isic[c]
  p = { level = info.level }
  if info.level > 0 then
    local pp = path_of(info.parent)
    for l = 1, info.level do p[l] = pp[l] end
  end
  p[info.level + 1] = c
  paths[c] = p
  return p
end
for c in pairs(isic) do path_of(c) end

-- region id order, for ties
local ids = {}
for i = 1, #regions do ids[i] = i end
table.sort(ids, function(a, b) return regions[a].id < regions[b].id end)
local rank = {}
for pos, i in ipairs(ids) do rank[i] = pos end

-- ---- the policy's rules ------------------------------------------------------
local w_sector, w_needs, w_distance, w_ticket = P.w_sector, P.w_needs, P.w_distance, P.w_ticket
-- the policy may have no distance rule (bench_declarative.lua has none):
-- then no trigonometry either
local has_distance = P.has_distance
local weight_sum = 0
weight_sum = weight_sum + w_sector
weight_sum = weight_sum + w_needs
if has_distance then weight_sum = weight_sum + w_distance end
weight_sum = weight_sum + w_ticket
local scale, blo, bhi, tol = P.radius_km, P.ticket_min_usd, P.ticket_max_usd, P.tolerance
local band_cur, min_score, k = P.currency, P.min_score, P.top
local sin, cos, asin, sqrt, min, log = math.sin, math.cos, math.asin, math.sqrt, math.min, math.log
local huge = math.huge

-- 1 when one code contains the other, else by the deepest level they share
local function isic_pair(a, b)
  local x, y = paths[a], paths[b]
  local lx, ly = x.level, y.level
  if ly <= lx and x[ly + 1] == b then return 1 end
  if lx <= ly and y[lx + 1] == a then return 1 end
  for l = 2, 0, -1 do
    if lx >= l and ly >= l and x[l + 1] == y[l + 1] then return 0.25 * (l + 1) end
  end
  return 0
end

local function isic_fit(sectors, sought)
  local na, nb = #sectors, #sought
  if na == 0 or nb == 0 then return 0 end
  local best = -1
  for i = 1, na do
    local a = sectors[i]
    for j = 1, nb do
      local s = isic_pair(a, sought[j])
      if s > best then best = s end
    end
  end
  return best
end

-- share of the region's needs that the enterprise offers
local function overlap(offers, needs)
  local n = #needs
  if n == 0 then return 0 end
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
  return common / n
end

local rad = 3.14159265358979323846 / 180
local function geo_km(lat1, lon1, lat2, lon2)
  local r = 6371.0088
  local dlat, dlon = (lat2 - lat1) * rad, (lon2 - lon1) * rad
  local a = sin(dlat / 2) * sin(dlat / 2) +
            cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2)
  return 2 * r * asin(min(1, sqrt(a)))
end

local function distance(e, r)
  local elat, rlat = e.lat, r.lat
  if elat == nil or rlat == nil then return 0 end
  local d = geo_km(elat, e.lon, rlat, r.lon)
  if d >= scale then return 0 end
  return 1 - d / scale
end

local function convert(amount, from, to)
  local f, t = rates[from], rates[to]
  if f == nil or t == nil then return nil end
  if from == to then return amount end
  return amount / f * t
end

-- investment min..max in the band's currency against the band
local function ticket(e)
  local inv = e.investment
  if inv == nil then return 0 end
  local lo, hi, cur = inv.min, inv.max, inv.currency
  if (lo == nil and hi == nil) or cur == nil then return 0 end
  if lo == nil then lo = hi end
  if hi == nil then hi = lo end
  lo, hi = convert(lo, cur, band_cur), convert(hi, cur, band_cur)
  if lo == nil or hi == nil then return 0 end
  if hi >= blo and lo <= bhi then return 1 end
  local gap
  if hi < blo then
    gap = hi > 0 and blo / hi or huge
  else
    gap = bhi > 0 and lo / bhi or huge
  end
  if gap >= tol then return 0 end
  return 1 - log(gap) / log(tol)
end

-- an enterprise that names target countries only meets regions there
local function target_country(e, r)
  local targets, c = e.target_countries, r.country
  local n = #targets
  if n == 0 or c == nil then return true end
  for i = 1, n do
    if targets[i] == c then return true end
  end
  return false
end

-- ---- the matching loop -----------------------------------------------------------
local nreg, nent = #regions, #enterprises
local tops = {}           -- per enterprise: { partner indexes }, { scores }

local function match()
  local vetoed = 0
  for ei = 1, nent do
    local e = enterprises[ei]
    local tp, ts, count = {}, {}, 0
    for ri = 1, nreg do
      local r = regions[ri]
      if not target_country(e, r) then
        vetoed = vetoed + 1
      else
        local score
        if has_distance then
          score = (w_sector * isic_fit(e.sectors, r.sectors_sought) +
                   w_needs * overlap(e.offers, r.needs) +
                   w_distance * distance(e, r) +
                   w_ticket * ticket(e)) / weight_sum
        else
          score = (w_sector * isic_fit(e.sectors, r.sectors_sought) +
                   w_needs * overlap(e.offers, r.needs) +
                   w_ticket * ticket(e)) / weight_sum
        end
        if score >= min_score then
          local rr = rank[ri]
          local last = count
          if count < k or score > ts[last] or (score == ts[last] and rr < rank[tp[last]]) then
            local at = count < k and count + 1 or k
            if count < k then count = count + 1 end
            while at > 1 and (score > ts[at - 1] or
                              (score == ts[at - 1] and rr < rank[tp[at - 1]])) do
              tp[at], ts[at] = tp[at - 1], ts[at - 1]
              at = at - 1
            end
            tp[at], ts[at] = ri, score
          end
        end
      end
    end
    tops[ei] = { tp, ts, count }
  end
  return vetoed
end

local best, vetoed = huge, 0
for _ = 1, passes do
  local t0 = os.clock()
  vetoed = match()
  local t = os.clock() - t0
  if t < best then best = t end
end

-- ---- output -------------------------------------------------------------------------
local out = assert(io.open(out_path, "w"))
local buf = {}
for ei = 1, nent do
  local t = tops[ei]
  local tp, ts = t[1], t[2]
  for i = 1, t[3] do
    buf[#buf + 1] = string.format("%s\t%s\t%d\t%.17g\n", enterprises[ei].id,
                                  regions[tp[i]].id, i, ts[i])
  end
  if #buf >= 4096 then
    out:write(table.concat(buf))
    buf = {}
  end
end
out:write(table.concat(buf))
out:close()

-- peak resident memory of this process, from Linux's /proc (MB; -1 elsewhere)
local rss_mb = -1
local st = io.open("/proc/self/status", "r")
if st then
  for line in st:lines() do
    local kb = line:match("^VmHWM:%s*(%d+)")
    if kb then rss_mb = tonumber(kb) / 1024 end
  end
  st:close()
end

local pairs_n = nent * nreg
print(string.format("lua: %d enterprises x %d regions = %d pairs (%d vetoed by filters), 1 thread",
                    nent, nreg, pairs_n, vetoed))
print(string.format("  match     %.3f s cpu (best of %d)", best, passes))
print(string.format("  speed     %.0f pairs/s, %.1f ns/pair/core", pairs_n / best,
                    best * 1e9 / pairs_n))
print(string.format("  memory    peak RSS %.1f MB", rss_mb))
print(string.format("result: impl=lua policy=baseline.lua enterprises=%d regions=%d pairs=%d " ..
                    "vetoed=%d threads=1 wall=%.6f cpu=%.6f pps=%.1f ns_core=%.3f ns_cpu=%.3f " ..
                    "rss_mb=%.1f", nent, nreg, pairs_n, vetoed, best, best, pairs_n / best,
                    best * 1e9 / pairs_n, best * 1e9 / pairs_n, rss_mb))
