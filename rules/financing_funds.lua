-- financing_funds.lua - only projects a fund can finance, best fund first.
--
-- For analysts. For every pair (the enterprise's project in the region) this
-- policy asks the four funds named in the governors' and mayors' dialogue:
-- the AIIB, the Silk Road Fund (SRF), the China-ASEAN Investment Cooperation
-- Fund (CAF) and the China-ASEAN Maritime Cooperation Fund (CAMCF). The
-- checks and the hand-made, dated tables (territories, sectors, instruments,
-- CAF's US$50-150m band, CAMCF's maritime project areas) are in
-- rules/lib/funds.lua, with their sources.
--   filter "fund"        keeps only pairs that at least one fund can finance
--                        (territory, sector, instrument, size band, maritime
--                        topic); the veto says why each fund fails.
--   rule "best fund"     (weight 3) the best fund's fit, naming the fund and
--                        what made it fit (sector core 1 / related 0.5;
--                        instrument; size against the band; whether the
--                        region lists the fund and the enterprise names it).
--   rule "funds wished"  (weight 1) the share of the funds the enterprise
--                        names in funds_interest that can finance the pair
--                        (0 when it names none).
-- --set band_tolerance=N widens or narrows how far outside a fund's size band
-- a project may be (default 10 times).

policy {
  name = "financing_funds",
  description = "pairs that the AIIB, the Silk Road Fund, CAF or CAMCF can finance, best fund first",
  top = 10,
  min_score = 0,
}

params { band_tolerance = 10 }

local funds = require "funds"
local ind = require "industries"

local best_fund = funds.declare_derived("band_tolerance")

filter {
  name = "fund",
  check = best_fund,
  explain = function(e, r, params)
    local _, reason, eligible = funds.best(e, r, { tolerance = params.band_tolerance })
    if #eligible == 0 then return reason end
    return "can draw on " .. table.concat(eligible, ", ")
  end,
}

rule {
  name = "best fund", weight = 3, group = "funds",
  score = best_fund,
  explain = function(e, r, params)
    local _, reason = funds.best(e, r, { tolerance = params.band_tolerance })
    return reason
  end,
}

rule {
  name = "funds wished", weight = 1, group = "funds",
  uses = { enterprise = { "fund_terms", "country", "funds_interest" },
           region = { "fund_access", "country" } },
  score = function(e, r)
    local wish = ind.list(e.funds_interest)
    if #wish == 0 then return 0 end
    local ok = 0
    for i = 1, #wish do
      if funds.can_finance(e, r, wish[i]) then ok = ok + 1 end
    end
    return ok / #wish
  end,
  explain = function(e, r, params)
    local wish = ind.list(e.funds_interest)
    if #wish == 0 then return "the enterprise names no funds it hopes to use" end
    local all = funds.assess(e, r, { tolerance = params.band_tolerance })
    local ok, no = {}, {}
    for i = 1, #all do
      local id = all[i].fund.id
      if ind.has(wish, id) then
        if all[i].ok then ok[#ok + 1] = id else no[#no + 1] = all[i].reason end
      end
    end
    if #ok == 0 then
      return "none of the funds it names can finance this pair: " .. table.concat(no, "; ")
    end
    local reason = #ok .. " of " .. #wish .. " funds named can finance this pair: " .. table.concat(ok, ", ")
    if #no > 0 then reason = reason .. " (not " .. table.concat(no, "; ") .. ")" end
    return reason
  end,
}
