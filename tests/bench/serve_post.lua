-- serve_post.lua: wrk's script for scripts/bench-serve. Each request posts a
-- new enterprise (a portal's visitor) to /v1/match: 1-3 ISIC classes of
-- manufacturing and farming, 1-3 offers, 0-2 target countries, an
-- investment ticket; generated from a fixed seed per wrk thread.
local sectors = { "2826", "2829", "1311", "1701", "2392", "0111", "1020", "2910", "3011", "2011",
                  "1610", "2720", "0311", "1050", "2599" }
local offers = { "technology", "capital", "equipment", "skills", "market_access", "financing",
                 "logistics", "partners" }
local countries = { "PH", "VN", "TH", "MY", "ID", "KH", "LA", "MM", "SG", "BN" }
local n = 0
local threads = 0

-- each thread its own number, and its own seed
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  math.randomseed(12345 + (id or 0))
end

local function pick(list, k)
  local out, seen = {}, {}
  while #out < k do
    local v = list[math.random(#list)]
    if not seen[v] then seen[v] = true; out[#out + 1] = '"' .. v .. '"' end
  end
  return "[" .. table.concat(out, ",") .. "]"
end

request = function()
  n = n + 1
  local secs = pick(sectors, math.random(3))
  local body = string.format(
    '{"enterprise":{"id":"visitor-%d-%d","name":"Visitor %d","country":"CN","sector":%s,' ..
    '"sectors":%s,"offers":%s,"target_countries":%s,' ..
    '"investment":{"min":%d,"max":%d,"currency":"USD"}},"top":10}',
    id or 0, n, n, secs:match('^%["[^"]*"'):sub(2), secs, pick(offers, math.random(3)),
    pick(countries, math.random(0, 2)), 500000 * math.random(1, 4), 5000000 * math.random(1, 6))
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end
