-- funds.lua - can a pair (an enterprise's project in a region) draw on the
-- AIIB, the Silk Road Fund, the China-ASEAN Investment Cooperation Fund or
-- the China-ASEAN Maritime Cooperation Fund?
--
-- For analysts. funds.assess(e, r, opts) checks every fund against five
-- things, in this order, and says which one failed:
--   territory   the region's country is in the fund's territory table (and,
--               for SRF, the enterprise is from another country);
--   sector      one of the enterprise's ISIC sectors is a sector the fund
--               finances ("core", factor 1) or one it finances as a related
--               line ("related", factor 0.5);
--   maritime    CAMCF only: the project is maritime (a maritime sector, or a
--               maritime word in the description: marine, seafood, port,
--               vessel ...) and the region has a port (connectivity.port;
--               false vetoes, absent counts half);
--   instrument  the enterprise accepts an instrument the fund uses
--               (instruments; none stated counts half);
--   size        the project (investment min..max, converted to US$) against
--               the fund's band, where the fund states one (CAF only): 1 when
--               the ranges overlap, falling on a log scale to 0 at
--               opts.tolerance (default 10) times outside.
-- A fund that passes is "eligible"; its fit in [0, 1] is the product of the
-- factors above and two soft ones that never veto:
--   listed      the region lists the fund among its funds: 1; lists other
--               funds but not this one: 0.5; lists none: 0.8;
--   wished      the enterprise names the fund in funds_interest: 1; names
--               none: 0.8; names only others: 0.7.
-- funds.best(e, r, opts) returns the best eligible fund's fit, a reason that
-- names the fund and what made it fit (and the other eligible funds), and the
-- list of eligible fund ids; with none eligible, 0 and why each fund fails.
--
-- The tables are hand-made, dated and replaceable (edit FUNDS below):
--   AIIB   territory: AIIB members list, "Members and Prospective Members of
--          the Bank" (aiib.org), as of 2025-06, approved members only. All ten
--          ASEAN members and China are members (DOMAIN.md); the rest of the
--          list was entered by hand and should be checked against aiib.org
--          before it is relied on. Sectors: infrastructure (energy, transport,
--          water, ICT, urban development) core; "other productive sectors"
--          (agriculture, manufacturing, finance, health) related.
--          Instruments: sovereign and non-sovereign loans, equity,
--          guarantees (checked 2026-12 against aiib.org, "Financing
--          operations": the Articles let the Bank lend, invest in equity and
--          guarantee loans; guarantees added then). No stated size band.
--          Environmental and social standards are not checked.
--   SRF    territory: countries that have signed Belt and Road cooperation
--          documents with China, from the Belt and Road Portal
--          (yidaiyilu.gov.cn) list, as of 2025-06; China and all ten ASEAN
--          members are in it (DOMAIN.md), the rest entered by hand. Sectors:
--          infrastructure, resource development (mining), industrial capacity
--          cooperation (manufacturing), financial cooperation: core.
--          Belt and Road cooperation is cross-border: the enterprise and the
--          region must be in different countries.
--          Instruments: mainly medium- to long-term equity (1), also debt
--          (loan, 0.75). No stated size band.
--   CAF    territory: the ten ASEAN members. Sectors: CAF's stated focus,
--          infrastructure, energy and natural resources, ports, telecoms,
--          mining, building materials, medicine (core); farming, fisheries,
--          chemicals and metals as natural-resource lines (related).
--          Instrument: equity, minority stakes. Band: about US$50-150m a
--          company (CAF's stated focus), as of 2025-06. Checked 2026-12:
--          CAF (est. 2010, anchored by China Exim Bank) "typically invests
--          $50 million to $150 million in single companies and prefers
--          minority stakes" per its website as reported by BusinessWorld
--          (2018-01-24); its first-phase projects were ports, telecoms,
--          mining, energy, building materials and medicine (CRI, 2015-12-30),
--          the core list below. The IFC's 2010 note said it may also take
--          majority stakes and equity-linked instruments (not modelled).
--   CAMCF  territory: China and the ten ASEAN members. Sectors: CAMCF's
--          project areas as announced (maritime research and environment,
--          navigation safety and rescue, maritime connectivity, fishery
--          bases, seafood industry, port cities, marine science), as of
--          2025-06: fishing and aquaculture, seafood processing, ships and
--          ship repair, water transport and port services are core; any
--          other sector with a maritime description is related.
--          Instrument: government project funding (grant), not equity or
--          loans.
--
-- Eligibility added for issue 18 (2026-12; policy choices where no rule is
-- published, marked so; facts entered from memory, to be checked against
-- the funds' own pages before they are relied on):
--   AIIB   a floor: projects of US$10m or more. Not an AIIB rule: the Bank
--          finances projects directly at tens of millions of US$ and up, and
--          reaches small firms only through financial intermediaries that
--          on-lend to them (from memory, aiib.org project list), which this
--          table does not model. Below the floor the fit falls on the log
--          scale of the size check and is 0 at tolerance times below it.
--   SRF    set up in Beijing on 29 December 2014 with US$40bn from China's
--          foreign exchange reserves (SAFE), CIC, China Exim Bank and CDB
--          (checked 2026-12: silkroadfund.com.cn, English home page, its
--          history; the shares 65/15/15/5 per china.org.cn's wiki); a
--          medium- to long-term fund, mainly equity, for infrastructure,
--          energy and resources, industrial capacity and financial
--          cooperation in Belt and Road countries (chinca.org overview,
--          2016-06-15). Its pages say it works "with domestic and
--          international enterprises", so "the enterprise is Chinese and the
--          region outside China" is a POLICY CHOICE, not the fund's rule: its
--          deals so far accompany Chinese investment abroad (the first, in
--          April 2015, Karot hydropower in Pakistan with China Three Gorges).
--          A floor of US$10m (policy choice: its equity stakes are large).
--   CAMCF  CNY 3bn (about US$473m), announced by Premier Wen Jiabao at the
--          China-ASEAN summit in Bali on 18 November 2011, to start with
--          marine research, navigation safety and search and rescue (checked
--          2026-12: China Daily, 2011-11-19); projects are submitted by
--          governments (Premier Li Keqiang asked ASEAN countries for their
--          2015 project applications; Xinhua, 2014-11, via chinascope.org).
--          So an enterprise takes part in such a project, it does not
--          apply; its fit is halved ("as a participant", x0.5)
--          and it has a floor of US$1m (policy choice: a project a
--          government would lead), which keeps a household or a six-boat
--          co-operative from fitting it in every coastal region.

local ind = require "industries"

local M = {}

M.as_of = "2025-06"

local ASEAN = { "BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN" }

local function set_of(...)
  local s = {}
  for _, list in ipairs({ ... }) do
    for i = 1, #list do s[list[i]] = true end
  end
  return s
end

-- AIIB approved members (hand-made, as of 2025-06; see the header).
local AIIB_MEMBERS = set_of(ASEAN, { "CN" }, {
  -- prospective founding members (2015) that became members
  "AU", "AT", "AZ", "BD", "BR", "DK", "EG", "FI", "FR", "GE", "DE", "IS", "IN", "IR", "IL", "IT",
  "JO", "KZ", "KR", "KW", "KG", "LU", "MV", "MT", "MN", "NP", "NL", "NZ", "NO", "OM", "PK", "PL",
  "PT", "QA", "RU", "SA", "ZA", "ES", "LK", "SE", "CH", "TJ", "TR", "AE", "GB", "UZ",
  -- later members
  "AF", "AM", "BH", "BY", "BE", "BJ", "CA", "CL", "CK", "CI", "HR", "CY", "DJ", "EC", "ET", "FJ",
  "GH", "GR", "GN", "HK", "HU", "IE", "IQ", "LR", "MA", "NR", "PE", "RO", "RW", "WS", "RS", "SD",
  "TL", "TG", "TO", "TN", "UY", "VU", "DZ",
})

-- Countries with Belt and Road cooperation documents (hand-made, as of
-- 2025-06; see the header).
local BRI_COUNTRIES = set_of(ASEAN, { "CN" }, {
  "AF", "AL", "AM", "AZ", "BA", "BD", "BG", "BH", "BO", "BY", "CL", "CK", "CR", "CU", "CZ", "DZ",
  "EC", "EE", "EG", "ET", "FJ", "GE", "GR", "HR", "HU", "IQ", "IR", "KE", "KG", "KZ", "KW", "LK",
  "LT", "LU", "LV", "MA", "ME", "MK", "MN", "MV", "NG", "NP", "NZ", "OM", "PA", "PE", "PG", "PK",
  "PL", "PT", "QA", "RO", "RS", "RU", "SA", "SI", "SK", "TJ", "TL", "TM", "TN", "TO", "TR", "UY",
  "UZ", "VE", "VU", "WS", "AE", "ZA",
})

M.FUNDS = {
  {
    id = "AIIB", name = "Asian Infrastructure Investment Bank",
    territory = AIIB_MEMBERS, territory_name = "an AIIB member",
    source = "AIIB members list (aiib.org), as of 2025-06",
    core = {
      { "35", "energy" }, { "36", "water" }, { "37", "water" }, { "38", "urban services" },
      { "39", "environment" }, { "41", "urban development" }, { "42", "transport and urban infrastructure" },
      { "43", "urban development" }, { "49", "transport" }, { "50", "transport" }, { "51", "transport" },
      { "52", "transport" }, { "61", "ICT" }, { "6311", "ICT (data centres)" },
    },
    related = {
      { "A", "other productive sectors (agriculture)" }, { "C", "other productive sectors (manufacturing)" },
      { "62", "ICT services" }, { "63", "ICT services" }, { "64", "other productive sectors (finance)" },
      { "7110", "infrastructure engineering" }, { "86", "other productive sectors (health)" },
    },
    instruments = { loan = 1, equity = 1, guarantee = 1 }, instruments_name = "loans, equity and guarantees",
    band = { min = 10e6, text = "US$10m or more", floor = true,
             source = "policy floor, not an AIIB rule (issue 18, 2026-12): "
                      .. "direct financing starts at tens of millions" },
  },
  {
    id = "SRF", name = "Silk Road Fund",
    territory = BRI_COUNTRIES, territory_name = "a Belt and Road country",
    source = "Belt and Road Portal list of cooperation documents, as of 2025-06",
    core = {
      { "35", "infrastructure (energy)" }, { "36", "infrastructure (water)" }, { "37", "infrastructure" },
      { "38", "infrastructure" }, { "39", "infrastructure" }, { "41", "infrastructure" },
      { "42", "infrastructure" }, { "43", "infrastructure" }, { "49", "infrastructure (transport)" },
      { "50", "infrastructure (transport)" }, { "51", "infrastructure (transport)" },
      { "52", "infrastructure (logistics)" }, { "61", "infrastructure (telecoms)" },
      { "B", "resource development" }, { "C", "industrial capacity cooperation" },
      { "K", "financial cooperation" },
    },
    related = {
      { "A", "agricultural cooperation" }, { "62", "digital economy" }, { "63", "digital economy" },
      { "71", "engineering services" },
    },
    instruments = { equity = 1, loan = 0.75 }, instruments_name = "equity, also debt",
    cross_border = true,
    investors = { CN = true }, investors_name = "Chinese investment abroad",
    outside = { CN = true },
    band = { min = 10e6, text = "US$10m or more", floor = true,
             source = "policy floor (issue 18, 2026-12): SRF equity stakes are large" },
  },
  {
    id = "CAF", name = "China-ASEAN Investment Cooperation Fund",
    territory = set_of(ASEAN), territory_name = "an ASEAN member",
    source = "CAF's stated focus (US$50-150m a company, minority stakes), as of 2025-06",
    core = {
      { "41", "infrastructure" }, { "42", "infrastructure" }, { "43", "infrastructure" },
      { "36", "infrastructure (water)" }, { "37", "infrastructure" }, { "38", "infrastructure" },
      { "39", "infrastructure" }, { "49", "infrastructure (transport)" }, { "50", "ports and shipping" },
      { "51", "infrastructure (transport)" }, { "52", "ports and logistics" },
      { "35", "energy" }, { "B", "mining, energy and natural resources" }, { "19", "energy" },
      { "02", "natural resources (forestry)" }, { "61", "telecoms" }, { "23", "building materials" },
      { "21", "medicine" }, { "86", "medicine" },
    },
    related = {
      { "01", "natural resources (plantations)" }, { "03", "natural resources (fisheries)" },
      { "20", "natural resource processing (chemicals)" }, { "24", "natural resource processing (metals)" },
    },
    instruments = { equity = 1 }, instruments_name = "minority equity",
    band = { min = 50e6, max = 150e6, text = "US$50-150m" },
  },
  {
    id = "CAMCF", name = "China-ASEAN Maritime Cooperation Fund",
    territory = set_of(ASEAN, { "CN" }), territory_name = "in China or ASEAN",
    source = "CAMCF project areas as announced, as of 2025-06",
    core = {
      { "03", "fishery bases" }, { "1020", "seafood industry" }, { "3011", "maritime connectivity (ships)" },
      { "3315", "maritime connectivity (ship repair)" }, { "50", "maritime connectivity" },
      { "5222", "port cities and navigation safety" },
    },
    related = {},
    maritime = true,
    participant = 0.5,
    instruments = { grant = 1 }, instruments_name = "government project funding (grants)",
    band = { min = 1e6, text = "US$1m or more", floor = true,
             source = "policy floor (issue 18, 2026-12): a project a government would lead" },
  },
}

local MARITIME = [[\b(marine|maritime|oceans?|oceanic|seas?|seafood|seaweeds?|fish\w*|shrimps?|squid|tuna|]] ..
                 [[ports?|vessels?|ships?|shipping|shipyards?|navigation|coast\w*|mangroves?|harbou?rs?)\b]]

local function fmt_num(x)
  if x >= 10 then return string.format("%.0f", x) end
  return (string.format("%.1f", x):gsub("%.0$", ""))
end

-- "US$60-120m", "US$20-80k", "US$500k-1.5m"
local function fmt_range(lo, hi)
  local function part(x, unit)
    if unit == "m" then return fmt_num(x / 1e6) end
    return fmt_num(x / 1e3)
  end
  local ul = lo >= 1e6 and "m" or "k"
  local uh = hi >= 1e6 and "m" or "k"
  if ul == uh then return "US$" .. part(lo, ul) .. "-" .. part(hi, uh) .. uh end
  return "US$" .. part(lo, ul) .. ul .. "-" .. part(hi, uh) .. uh
end

-- The project's size in US$: lo, hi (nil when not given or not convertible).
local function project_usd(e)
  local inv = e.investment
  if inv == nil then return nil end
  local cur = inv.currency
  if cur == nil then return nil end
  local max, min = inv.max, inv.min      -- (hi is e:money("investment", "USD"))
  local hi = max and cm.convert(max, cur, "USD") or nil
  local lo = min and cm.convert(min, cur, "USD") or nil
  if hi == nil and lo == nil then return nil end
  return lo or hi, hi or lo
end

-- The factors of the checks above, stated once: check() and the fast form
-- below both read them.
local F = {
  related = 0.5,              -- a sector the fund finances as a related line
  maritime_word = 0.5,        -- CAMCF: only the description names a maritime topic
  port_unknown = 0.5,         -- CAMCF: the region does not say whether it has a port
  no_instruments = 0.5,       -- the enterprise states no instruments
  no_size = 0.5,              -- no investment size to check against the fund's band
  listed_none = 0.8,          -- the region lists no funds
  listed_others = 0.5,        -- the region lists other funds, not this one
  wished_none = 0.8,          -- the enterprise names no funds
  wished_others = 0.7,        -- the enterprise names only other funds
}
M.FACTOR = F

local function sector_level(fund, sectors)
  for i = 1, #fund.core do
    local c = fund.core[i]
    for j = 1, #sectors do
      if ind.within(sectors[j], c[1]) then return 1, sectors[j] .. " is " .. c[2] end
    end
  end
  for i = 1, #fund.related do
    local c = fund.related[i]
    for j = 1, #sectors do
      if ind.within(sectors[j], c[1]) then
        return F.related, sectors[j] .. " is " .. c[2] .. " (related, x" .. F.related .. ")"
      end
    end
  end
  return 0, nil
end

-- One fund against one pair: { fund, ok, fit, reason } with reason either
-- why it fits or the first check that failed.
function M.check(fund, e, r, opts)
  local tol = (opts and opts.tolerance) or 10
  local id = fund.id
  local country = r.country
  if not fund.territory[country] then
    return { fund = fund, ok = false, fit = 0,
             reason = id .. ": " .. tostring(country) .. " is not " .. fund.territory_name }
  end
  if fund.cross_border and e.country == country then
    return { fund = fund, ok = false, fit = 0,
             reason = id .. ": finances cross-border cooperation, and both sides are in " .. country }
  end
  if fund.outside and fund.outside[country] then
    return { fund = fund, ok = false, fit = 0,
             reason = id .. ": finances " .. fund.investors_name .. ", and the region is in " .. country }
  end
  if fund.investors and not fund.investors[e.country] then
    return { fund = fund, ok = false, fit = 0,
             reason = id .. ": finances " .. fund.investors_name .. ", and the enterprise is from " ..
                      tostring(e.country) }
  end
  local notes = { country .. " is " .. fund.territory_name }
  local sectors = ind.list(e.sectors)
  local fit, why = sector_level(fund, sectors)
  -- CAMCF: a maritime project in a coastal region.
  if fund.maritime then
    if fit == 0 and e.description then
      local word = re.match(e.description, MARITIME, "i")
      if word then
        fit, why = F.maritime_word,
                   "maritime topic in the description (" .. word:lower() .. ", x" .. F.maritime_word .. ")"
      end
    end
    if fit == 0 then
      return { fund = fund, ok = false, fit = 0,
               reason = id .. ": no maritime topic (sectors " .. ind.join(sectors, 3) .. ")" }
    end
    local port = r.connectivity and r.connectivity.port
    if port == false then
      return { fund = fund, ok = false, fit = 0, reason = id .. ": the region has no port" }
    elseif port == nil then
      fit = fit * F.port_unknown
      notes[#notes + 1] = why
      notes[#notes + 1] = "port unknown (x" .. F.port_unknown .. ")"
    else
      notes[#notes + 1] = why
    end
  elseif fit == 0 then
    return { fund = fund, ok = false, fit = 0,
             reason = id .. ": " .. ind.join(sectors, 3) .. " not in its sectors" }
  else
    notes[#notes + 1] = why
  end
  if fund.participant then
    fit = fit * fund.participant
    notes[#notes + 1] = "as a participant in a government-led project (x" .. fund.participant .. ")"
  end
  -- Instruments.
  local inst = ind.list(e.instruments)
  if #inst == 0 then
    fit = fit * F.no_instruments
    notes[#notes + 1] = "instruments not stated (x" .. F.no_instruments .. ")"
  else
    local best, used = 0, nil
    for i = 1, #inst do
      local f = fund.instruments[inst[i]]
      if f and f > best then best, used = f, inst[i] end
    end
    if best == 0 then
      return { fund = fund, ok = false, fit = 0,
               reason = id .. ": uses " .. fund.instruments_name .. ", the enterprise accepts " .. ind.join(inst) }
    end
    fit = fit * best
    notes[#notes + 1] = used .. " accepted" .. (best < 1 and (" (x" .. best .. ")") or "")
  end
  -- Size band.
  if fund.band then
    local lo, hi = project_usd(e)
    if lo == nil then
      fit = fit * F.no_size
      notes[#notes + 1] = "no investment size to check against " .. fund.band.text .. " (x" .. F.no_size .. ")"
    else
      local size = fmt_range(lo, hi)
      local factor, ratio = 1, 1
      if hi < fund.band.min then ratio = fund.band.min / hi
      elseif fund.band.max and lo > fund.band.max then ratio = lo / fund.band.max end
      if ratio > 1 then factor = 1 - math.log(ratio) / math.log(tol) end
      if factor <= 0 then
        local times = (string.format("%.1f", ratio):gsub("%.0$", ""))
        return { fund = fund, ok = false, fit = 0,
                 reason = string.format("%s: %s is %sx outside its %s band", id, size, times, fund.band.text) }
      end
      fit = fit * factor
      if factor < 1 then
        notes[#notes + 1] = string.format("%s is %.1fx outside %s (x%.2f)", size, ratio, fund.band.text, factor)
      else
        notes[#notes + 1] = size .. " within " .. fund.band.text
      end
    end
  end
  -- Soft factors: the region's funds list and the enterprise's wishes.
  local rf = ind.list(r.funds)
  if #rf == 0 then
    fit = fit * F.listed_none
    notes[#notes + 1] = "region lists no funds (x" .. F.listed_none .. ")"
  elseif not ind.has(rf, id) then
    fit = fit * F.listed_others
    notes[#notes + 1] = "region does not list " .. id .. " (x" .. F.listed_others .. ")"
  else
    notes[#notes + 1] = "region lists " .. id
  end
  local wish = ind.list(e.funds_interest)
  if #wish == 0 then
    fit = fit * F.wished_none
    notes[#notes + 1] = "enterprise names no funds (x" .. F.wished_none .. ")"
  elseif not ind.has(wish, id) then
    fit = fit * F.wished_others
    notes[#notes + 1] = "enterprise names " .. ind.join(wish) .. " (x" .. F.wished_others .. ")"
  else
    notes[#notes + 1] = "enterprise names " .. id
  end
  return { fund = fund, ok = true, fit = fit, reason = table.concat(notes, "; ") }
end

-- Every fund against the pair, in table order.
function M.assess(e, r, opts)
  local out = {}
  for i = 1, #M.FUNDS do out[i] = M.check(M.FUNDS[i], e, r, opts) end
  return out
end

-- The best eligible fund: fit, reason (naming the fund), the list of
-- eligible ids; or 0 and a reason listing why each fund fails.
function M.best(e, r, opts)
  local all = M.assess(e, r, opts)
  local best, eligible, fails = nil, {}, {}
  for i = 1, #all do
    local a = all[i]
    if a.ok then
      eligible[#eligible + 1] = a.fund.id
      if best == nil or a.fit > best.fit then best = a end
    else
      fails[#fails + 1] = a.reason
    end
  end
  if best == nil then
    return 0, "no fund can finance this pair: " .. table.concat(fails, "; "), eligible
  end
  local others = {}
  for i = 1, #all do
    if all[i].ok and all[i] ~= best then
      others[#others + 1] = string.format("%s %.2f", all[i].fund.id, all[i].fit)
    end
  end
  local reason = string.format("%s (%s) fits %.2f: %s", best.fund.id, best.fund.name, best.fit, best.reason)
  if #others > 0 then reason = reason .. "; also " .. table.concat(others, ", ") end
  return best.fit, reason, eligible
end

-- ---------------------------------------------------------------------------
-- The fast form. check() mixes what the enterprise alone decides (sector,
-- maritime topic, instruments, size, the funds it names) with what the
-- region alone decides (territory, port, its funds list) and the pair (the
-- Silk Road Fund's cross-border rule). Each side's part is derived once per
-- profile as one "ID factor" item per fund it does not rule out, the factor
-- being the product of that side's factors; the engine's best_product then
-- takes, per pair, the best enterprise factor x region factor among the
-- funds on both lists, across borders only for SRF. The fit is check()'s
-- product in another order: equal to within rounding (1e-15).

local function num(x) return string.format("%.17g", x) end

-- A fund's level for one code (1 core, 0.5 related, 0), once per code.
local code_level = {}
local function level_of(fund, code)
  local t = code_level[fund.id]
  if t == nil then t = {}; code_level[fund.id] = t end
  local l = t[code]
  if l == nil then
    l = sector_level(fund, { code })
    t[code] = l
  end
  return l
end

function M.enterprise_terms(e, opts)
  local tol = (opts and opts.tolerance) or 10
  local sectors, inst, wish = ind.list(e.sectors), ind.list(e.instruments), ind.list(e.funds_interest)
  local out = {}
  for i = 1, #M.FUNDS do
    local fund = M.FUNDS[i]
    local f = 0               -- sector_level(): core if any code is core, else related
    for j = 1, #sectors do
      local l = level_of(fund, sectors[j])
      if l > f then f = l end
    end
    if fund.maritime and f == 0 and e.description and re.match(e.description, MARITIME, "i") then
      f = F.maritime_word
    end
    local f_inst = F.no_instruments
    if #inst > 0 then
      f_inst = 0
      for k = 1, #inst do
        local x = fund.instruments[inst[k]]
        if x and x > f_inst then f_inst = x end
      end
    end
    local f_size = 1
    if fund.band then
      local lo, hi = project_usd(e)
      if lo == nil then
        f_size = F.no_size
      else
        local ratio = 1
        if hi < fund.band.min then ratio = fund.band.min / hi
        elseif fund.band.max and lo > fund.band.max then ratio = lo / fund.band.max end
        if ratio > 1 then f_size = 1 - math.log(ratio) / math.log(tol) end
      end
    end
    local f_wish = #wish == 0 and F.wished_none or (ind.has(wish, fund.id) and 1 or F.wished_others)
    if fund.participant then f = f * fund.participant end
    local investor_ok = fund.investors == nil or fund.investors[e.country] == true
    if f > 0 and f_inst > 0 and f_size > 0 and investor_ok then
      out[#out + 1] = fund.id .. " " .. num(f * f_inst * f_size * f_wish)
    end
  end
  return out
end

-- enterprise_terms, fast (what derive runs for every enterprise of a
-- registry, a million of them). The same items in the same order, with less
-- work per profile:
--   * each fund's level is the best of its codes' levels, worked out once
--     per code (sector sets are nearly all different, so they are not
--     remembered as sets);
--   * instruments and wishes are read item by item (no list copy, no text
--     key);
--   * a fund is checked cheapest first: the investor, the instruments, the
--     size (converted once, only when a fund gets that far), and the
--     maritime regex last, only for CAMCF when nothing else rules it out;
--   * each item string is made once per value.
-- The factors are multiplied in enterprise_terms' order, so the items are
-- the same strings.

-- Every fund's level for one code as two bits per fund (0 none, 1 related,
-- 3 core), once per code: the best level of several codes is then their
-- bitwise or (related < core), and the levels of each or-ed set are a
-- table made once.
assert(F.related > 0 and F.related < 1 and #M.FUNDS <= 31, "funds: levels as bits")
local mask_by_code = {}
local function code_mask(code)
  local m = mask_by_code[code]
  if m == nil then
    m = 0
    for i = 1, #M.FUNDS do
      local l = level_of(M.FUNDS[i], code)
      m = m | ((l == 1 and 3 or l > 0 and 1 or 0) << (2 * (i - 1)))
    end
    mask_by_code[code] = m
  end
  return m
end
local levels_by_mask = {}
local function levels_of(mask)
  local l = levels_by_mask[mask]
  if l == nil then
    l = {}
    for i = 1, #M.FUNDS do
      local b = (mask >> (2 * (i - 1))) & 3
      l[i] = b == 3 and 1 or b == 1 and F.related or 0
    end
    levels_by_mask[mask] = l
  end
  return l
end
-- A fund's index by id; a bit per instrument some fund uses; and the
-- instruments' factor for each fund by the set of them accepted (the best
-- of its instruments, 0 for none it uses; none stated: no_instruments).
local fund_index, inst_bit = {}, {}
for i = 1, #M.FUNDS do
  fund_index[M.FUNDS[i].id] = i
  for name in pairs(M.FUNDS[i].instruments) do
    if inst_bit[name] == nil then
      local n = 0
      for _ in pairs(inst_bit) do n = n + 1 end
      inst_bit[name] = 1 << n
    end
  end
end
local finst_none = {}
for i = 1, #M.FUNDS do finst_none[i] = F.no_instruments end
local finst_by_mask = {}
local function finst_of(mask)
  local t = finst_by_mask[mask]
  if t == nil then
    t = {}
    for i = 1, #M.FUNDS do
      local best = 0
      for name, bit in pairs(inst_bit) do
        local x = M.FUNDS[i].instruments[name]
        if mask & bit ~= 0 and x and x > best then best = x end
      end
      t[i] = best
    end
    finst_by_mask[mask] = t
  end
  return t
end
local log_tol = {}               -- tolerance -> math.log(tolerance)
local items, nitems = {}, 0     -- per fund: product -> "ID product"
for i = 1, #M.FUNDS do items[i] = {} end
local function item_of(i, v)    -- "ID product" for fund i, made once per value
  local it = items[i][v]
  if it == nil then
    if nitems >= 65536 then
      for k = 1, #M.FUNDS do items[k] = {} end
      nitems = 0
    end
    it = M.FUNDS[i].id .. " " .. num(v)
    if v == v then              -- (NaN is no key)
      items[i][v] = it
      nitems = nitems + 1
    end
  end
  return it
end

local function terms_fast(e, tol)
  local nf = #M.FUNDS
  local sv = e.sectors
  local lmask = 0
  for j = 1, (sv and #sv or 0) do
    local code = sv[j]
    lmask = lmask | (mask_by_code[code] or code_mask(code))
  end
  local level = levels_by_mask[lmask] or levels_of(lmask)
  local iv = e.instruments
  local ni = iv and #iv or 0
  local finst = finst_none
  if ni > 0 then
    local imask = 0
    for k = 1, ni do imask = imask | (inst_bit[iv[k]] or 0) end
    finst = finst_of(imask)
  end
  local wv = e.funds_interest
  local nw = wv and #wv or 0
  local wished = 0                -- bit i-1: the enterprise names fund i
  for k = 1, nw do
    local i = fund_index[wv[k]]
    if i then wished = wished | (1 << (i - 1)) end
  end
  local sized, lo, hi = false, nil, nil
  local country = e.country
  local out = {}
  for i = 1, nf do
    local fund = M.FUNDS[i]
    local f_inst = finst[i]
    if f_inst > 0 and (fund.investors == nil or fund.investors[country] == true) then
      local f = level[i]
      local f_size = 1
      if fund.band then
        if not sized then sized, lo, hi = true, project_usd(e) end
        if lo == nil then
          f_size = F.no_size
        else
          local ratio = 1
          if hi < fund.band.min then ratio = fund.band.min / hi
          elseif fund.band.max and lo > fund.band.max then ratio = lo / fund.band.max end
          if ratio > 1 then
            local lt = log_tol[tol]
            if lt == nil then
              lt = math.log(tol)
              if tol == tol then log_tol[tol] = lt end   -- (NaN is no key)
            end
            f_size = 1 - math.log(ratio) / lt
          end
        end
      end
      if f_size > 0 and f == 0 and fund.maritime then
        local d = e.description
        if d and re.match(d, MARITIME, "i") then f = F.maritime_word end
      end
      if f_size > 0 and f > 0 then
        local f_wish = nw == 0 and F.wished_none or (wished & (1 << (i - 1)) ~= 0 and 1 or F.wished_others)
        if fund.participant then f = f * fund.participant end
        local v = f * f_inst * f_size * f_wish
        out[#out + 1] = items[i][v] or item_of(i, v)
      end
    end
  end
  return out
end

function M.enterprise_terms_fast(e, opts)
  return terms_fast(e, (opts and opts.tolerance) or 10)
end

function M.region_terms(r)
  local rf, country = ind.list(r.funds), r.country
  local port = r.connectivity and r.connectivity.port
  local out = {}
  for i = 1, #M.FUNDS do
    local fund = M.FUNDS[i]
    if fund.territory[country] and not (fund.maritime and port == false) and
       not (fund.outside and fund.outside[country]) then
      local f_port = (fund.maritime and port == nil) and F.port_unknown or 1
      local f_listed = #rf == 0 and F.listed_none or (ind.has(rf, fund.id) and 1 or F.listed_others)
      out[#out + 1] = item_of(i, f_port * f_listed)
    end
  end
  return out
end

-- The funds that finance only across borders.
M.ABROAD = {}
for i = 1, #M.FUNDS do
  if M.FUNDS[i].cross_border then M.ABROAD[#M.ABROAD + 1] = M.FUNDS[i].id end
end

-- Can fund `id` finance the pair? (from the derived values alone)
function M.can_finance(e, r, id)
  local function listed(list)
    for i = 1, #list do
      if list[i]:sub(1, #id + 1) == id .. " " then return true end
    end
    return false
  end
  if not (listed(e.fund_terms) and listed(r.fund_access)) then return false end
  for i = 1, #M.ABROAD do
    if M.ABROAD[i] == id and e.country == r.country then return false end
  end
  return true
end

-- Declare the derived values and return the built-in scoring the best fund.
function M.declare_derived(tolerance_param)
  derive { name = "fund_terms", side = "enterprise", value = function(e, params)
    return terms_fast(e, params[tolerance_param] or 10)
  end }
  derive { name = "fund_access", side = "region", value = M.region_terms }
  return builtin.best_product { enterprise = "fund_terms", region = "fund_access", abroad = M.ABROAD }
end

return M
