-- partners.lua - the judgement of the default policy (rules/default.lua):
-- what each side of a pair brings the other, written once per profile as
-- derived values, scored by built-ins (C) and small memoised rules, and
-- explained in words a programme officer reads.
--
-- For analysts. Everything that decides a score is in a table or a short
-- function below, hand-made as of 2026-12 (issue 18), meant to be read and
-- argued with:
--   AREAS       which of the dialogue's five cooperation areas an ISIC
--               sector belongs to (tourism: 55, 56, 79; agriculture: A, 10,
--               11; transport infrastructure: 35, 42, 49-53; culture and
--               exchange: 59, 85, 90, 91; commerce: everything traded);
--   ZONES       which programmes a kind of project uses (a plant that
--               relocates: industrial parks, special economic, export
--               processing and free trade zones; research: innovation hubs;
--               trade and logistics: free trade zones; skills: training);
--   INFRA       which sectors need a port, a railway or an airport;
--   SME_OPEN    whether a country's SME programmes are open to foreign
--               firms that set up there (China: yes, by law; others not
--               stated, so not credited); a region's attrs
--               sme_support_open_to_foreign (true or false) overrides it;
--   resources   the region's resources, from rules/lib/industries.lua, in
--               one direction only: credited to an enterprise that
--               processes them and seeks raw materials, or that makes the
--               machines that process them and seeks market access; never
--               to one that grows or mines the same thing (a competitor);
--   value chain rules/lib/industries.lua's CHAIN, also one direction: the
--               region's industry supplies an enterprise that seeks raw
--               materials, or buys from one that seeks market access.
-- Reasons come from TEMPLATES (one sentence each, slots in braces), so that
-- rules/tests/reasons.test.lua can render every one of them and check that
-- it reads as a sentence.
--
-- This module must not depend on the engine's internals: it reads profiles
-- through the views the policy language gives, and declares derived values
-- and rules with derive/rule only.

local ind = require "industries"
local sme = require "sme"
local funds = require "funds"

local M = {}

M.as_of = "2026-12"

-- ---------------------------------------------------------------------------
-- Words

local COUNTRY = {
  CN = "China", MY = "Malaysia", TH = "Thailand", VN = "Vietnam", PH = "the Philippines",
  ID = "Indonesia", SG = "Singapore", LA = "Laos", KH = "Cambodia", MM = "Myanmar",
  BN = "Brunei", TL = "Timor-Leste",
}
function M.country(c) return COUNTRY[c] or tostring(c) end

local LANGUAGE = {
  zh = "Chinese", en = "English", th = "Thai", vi = "Vietnamese", ms = "Malay", tl = "Filipino",
  lo = "Lao", km = "Khmer", id = "Indonesian", my = "Burmese", ta = "Tamil", fr = "French",
}
local function language(l) return LANGUAGE[l] or l end

local WORD = {
  technology = "technology", capital = "capital", equipment = "equipment",
  raw_materials = "raw materials", labour = "labour", land = "land",
  market_access = "market access", skills = "skills", infrastructure = "infrastructure",
  financing = "financing", logistics = "logistics", partners = "partners",
  sme_support = "SME support", tax_incentive = "tax incentives", industrial_park = "an industrial park",
  special_economic_zone = "a special economic zone", free_trade_zone = "a free trade zone",
  export_processing_zone = "an export processing zone", innovation_hub = "an innovation hub",
  training = "training", transport_infrastructure = "transport infrastructure", commerce = "commerce",
  agriculture = "agriculture", tourism = "tourism", culture_exchange = "culture and people-to-people exchange",
  port = "a port", rail = "a railway", airport = "an airport",
}
local function word(w) return WORD[w] or w end

-- "a, b and c"
function M.and_list(list, f)
  local t = {}
  for i = 1, #list do t[i] = f and f(list[i]) or list[i] end
  if #t == 0 then return "nothing" end
  if #t == 1 then return t[1] end
  return table.concat(t, ", ", 1, #t - 1) .. " and " .. t[#t]
end
local and_list = M.and_list

local function words(list) return and_list(list, word) end

-- "textile, clothing and leather machinery (ISIC 2826)": words before codes.
function M.sector(code)
  local t = cm.isic_title(code)
  if t == nil then return "ISIC " .. tostring(code) end
  return t:sub(1, 1):lower() .. t:sub(2) .. " (ISIC " .. code .. ")"
end
local sector = M.sector

-- Money: "CNY 8m (about US$1.1m)"; US dollars alone when it is in US$.
local function short(x)
  local a = math.abs(x)
  local function num(v)
    if v >= 100 then return string.format("%.0f", v) end
    if v >= 10 then return (string.format("%.1f", v):gsub("%.0$", "")) end
    return (string.format("%.2f", v):gsub("0$", ""):gsub("%.0$", ""))
  end
  if a >= 1e9 then return num(x / 1e9) .. "bn" end
  if a >= 1e6 then return num(x / 1e6) .. "m" end
  if a >= 1e3 then return num(x / 1e3) .. "k" end
  return num(x)
end
function M.money(amount, currency)
  if amount == nil then return nil end
  if currency == "USD" then return "US$" .. short(amount) end
  local usd = cm.convert(amount, currency, "USD")
  local s = tostring(currency) .. " " .. short(amount)
  if usd then s = s .. " (about US$" .. short(usd) .. ")" end
  return s
end

-- ---------------------------------------------------------------------------
-- Reason templates: one sentence each; {slot} is filled by M.say.

M.TEMPLATES = {
  -- filters
  cross_border = "cross-border: an enterprise from {home} and a region in {there}",
  domestic_allowed = "both in {home}: a domestic pair, allowed because domestic is set",
  domestic_vetoed = "both in {home}: the default policy matches across borders (set domestic=true for a "
    .. "domestic programme)",
  need_met = "the enterprise offers {met}, which the region needs",
  need_none = "the enterprise offers {offers}, none of what the region needs ({needs})",
  need_unknown = "{who} lists no {what}, so this check cannot tell and lets the pair through",
  -- needs and seeks
  needs_met = "the enterprise brings {n} of the {total} things the region needs: {met} (full credit when it "
    .. "brings all; any one need met earns half)",
  needs_all = "the enterprise brings all {total} things the region needs: {met} (full credit)",
  needs_only = "the enterprise brings the one thing the region needs, {met} (full credit)",
  needs_both = "the enterprise brings both things the region needs: {met} (full credit)",
  needs_none = "the enterprise brings none of the things the region needs ({needs})",
  needs_unknown = "{who} lists no {what}: neutral credit (half)",
  seeks_met = "the region offers {n} of the {total} things the enterprise seeks: {met} (full credit when it "
    .. "offers all; any one earns half)",
  seeks_all = "the region offers all {total} things the enterprise seeks: {met} (full credit)",
  seeks_only = "the region offers the one thing the enterprise seeks, {met} (full credit)",
  seeks_both = "the region offers both things the enterprise seeks: {met} (full credit)",
  seeks_none = "the region offers none of the things the enterprise seeks ({seeks})",
  -- sector fit (one credit, the best of these)
  sector_same = "the region seeks {sought}, and the enterprise works in it: full credit",
  sector_within = "the region seeks {sought}, which covers the enterprise's {own}: full credit",
  sector_broader = "the region seeks {sought}; the enterprise's {own} is broader, so half credit",
  sector_group = "the region seeks {sought}, in the same ISIC group as the enterprise's {own} (three quarters)",
  sector_division = "the region seeks {sought}, in the same ISIC division as the enterprise's {own} (half)",
  sector_supplies = "the region's {theirs} supplies the enterprise's {own}, which seeks raw materials ({why}): 0.8",
  sector_market = "the region's {theirs} is a market for the enterprise's {own}, which seeks market access "
    .. "({why}): 0.8",
  sector_resource_input = "the region's {resource} feeds the enterprise's {own}, which seeks raw materials: 0.8",
  sector_resource_market = "the region's {resource} is processed with machines like the enterprise's {own}, "
    .. "which seeks market access: 0.8",
  sector_joint = "both are in the Joint Statement's {group} industries (the region seeks {sought}), a weak "
    .. "link: a quarter",
  sector_none = "no link between the enterprise's {own} and what the region seeks ({sought}), offers or grows",
  sector_unknown = "the region lists no sectors sought or offered and no resources: neutral credit (half)",
  -- target country
  target_named = "the enterprise names {there} among its target countries ({targets})",
  target_none = "the enterprise names no target countries: neutral credit (half)",
  target_other = "the enterprise's target countries ({targets}) do not include {there}",
  -- capital
  capital_brought = "the region needs capital and the enterprise brings it: full credit",
  capital_missing = "the region needs capital, which the enterprise does not offer; a fund or a third party "
    .. "would have to bring it: 0.3",
  capital_nobody = "both the region and the enterprise look for capital: nobody in the pair brings it",
  capital_offered = "the region offers capital, so the project does not wait for the enterprise's: full credit",
  capital_sought = "the enterprise seeks capital, which the region does not offer: nobody in the pair brings it",
  capital_moot = "neither side asks the other for capital: full credit",
  -- cooperation areas
  area_met = "the enterprise's work ({areas}) is one of the region's cooperation areas: full credit",
  area_none = "the enterprise's work ({areas}) is in none of the region's cooperation areas ({theirs})",
  area_unknown = "the region lists no cooperation areas: neutral credit (half)",
  -- programmes
  zone_met = "the enterprise, {project}, can use {programme}, which the region runs: full credit",
  zone_none = "the enterprise, {project}, would use {wanted}, and the region runs none of them",
  zone_unknown = "the enterprise's project needs no particular zone or programme: neutral credit (half)",
  -- connectivity
  infra_met = "the enterprise's business needs {infra}, and the region has it: full credit",
  infra_flight = "a direct flight links the enterprise's home ({home}) with the region: 0.7",
  infra_none = "the enterprise's business needs {infra}, which the region does not list, and no direct "
    .. "flight links them",
  infra_unknown = "the enterprise's business needs no port, railway or airport in particular: neutral credit (half)",
  -- languages
  language_shared = "both sides work in {language}: full credit",
  language_none = "no shared language (the enterprise works in {theirs}, the region in {region})",
  language_unknown = "{who} lists no languages: neutral credit (half)",
  -- SME programme
  sme_open = "{basis}; {size}; the region's SME programme is open to foreign firms that set up there "
    .. "({source}): full credit",
  sme_home = "{basis}; {size}; the region's SME programme is for firms of its own country, and this one is from {home}",
  sme_domestic = "{basis}; {size}; a domestic pair, and the region runs an SME programme: full credit",
  sme_none = "{basis}; the region runs no SME programme",
  sme_large = "{basis}; SME programmes are not for a large enterprise",
  sme_excluded = "{basis}; but it belongs to a large, listed or state group, which the default policy does "
    .. "not treat as an SME",
  sme_unknown = "{basis}; the size is unknown, and the region's SME programme is open to it: neutral credit (half)",
  -- funds
  fund_fits = "the {fund} ({id}) can finance {venture} (fit {fit}): {why}{others}",
  fund_none = "no fund can finance {venture}: {why}",
}

function M.say(key, slots)
  local t = M.TEMPLATES[key]
  if t == nil then error("no reason template '" .. tostring(key) .. "'") end
  return (t:gsub("{(%w+)}", function(k)
    local v = slots and slots[k]
    if v == nil then return "{" .. k .. "}" end
    return tostring(v)
  end))
end
local say = M.say

-- ---------------------------------------------------------------------------
-- Tables

-- Cooperation areas by ISIC prefix (the most specific prefix wins; a
-- section letter covers its divisions). Hand-made, 2026-12.
M.AREAS = {
  { "A", "agriculture" }, { "10", "agriculture" }, { "11", "agriculture" },
  { "55", "tourism" }, { "56", "tourism" }, { "79", "tourism" }, { "9321", "tourism" },
  { "35", "transport_infrastructure" }, { "42", "transport_infrastructure" },
  { "49", "transport_infrastructure" }, { "50", "transport_infrastructure" },
  { "51", "transport_infrastructure" }, { "52", "transport_infrastructure" },
  { "53", "transport_infrastructure" }, { "3011", "transport_infrastructure" },
  { "3315", "transport_infrastructure" }, { "7110", "transport_infrastructure" },
  { "59", "culture_exchange" }, { "85", "culture_exchange" }, { "90", "culture_exchange" },
  { "91", "culture_exchange" },
}

-- Words of a description that put a firm in an area as well (hand-made).
local AREA_WORDS = {
  { "tour", "tourism" }, { "resort", "tourism" }, { "holiday", "tourism" },
  { "cultural", "culture_exchange" }, { "culture", "culture_exchange" },
  { "study tours", "culture_exchange" }, { "heritage", "culture_exchange" },
}

-- Programmes a project uses. Hand-made, 2026-12.
M.ZONES = {
  plant = { "industrial_park", "special_economic_zone", "export_processing_zone", "free_trade_zone",
            "tax_incentive" },
  research = { "innovation_hub" },
  trade = { "free_trade_zone" },
  skills = { "training" },
}

-- Sectors that need a port, a railway or an airport (hand-made, 2026-12).
M.INFRA = {
  { "03", "port" }, { "1020", "port" }, { "3011", "port" }, { "3315", "port" }, { "50", "port" },
  { "5222", "port" }, { "5224", "port" },
  { "491", "rail" }, { "4912", "rail" },
  { "3030", "airport" }, { "51", "airport" }, { "7911", "airport" }, { "7912", "airport" },
  { "5510", "airport" },
}

-- Whether a country's SME programmes are open to foreign firms that set up
-- there. China: the Foreign Investment Law (2019, in force 2020), art. 9:
-- the state's policies supporting enterprises apply equally to
-- foreign-invested enterprises (entered from memory, 2026-12). Countries not
-- listed: not stated, so not credited; a region's attrs
-- sme_support_open_to_foreign overrides this.
M.SME_OPEN = {
  CN = "China's Foreign Investment Law, art. 9",
}

local function area_of(code)
  local best, len = nil, -1
  for i = 1, #M.AREAS do
    local a = M.AREAS[i]
    if ind.within(code, a[1]) then
      local l = #a[1] == 1 and 1 or #a[1]
      if l > len then best, len = a[2], l end
    end
  end
  return best or "commerce"
end

-- What one ISIC code says about a firm, worked out once per code: its
-- cooperation area, whether it is a plant, research, or trade, and the
-- infrastructure it needs.
local code_cache = {}
local function code_facts(code)
  local c = code_cache[code]
  if c then return c end
  local sec = ind.section(code)
  c = { area = area_of(code), plant = sec == "B" or sec == "C" or sec == "D",
        research = ind.within(code, "72") or ind.within(code, "21") or ind.within(code, "62"),
        trade = ind.within(code, "46") or ind.within(code, "52"), infra = {} }
  for k = 1, #M.INFRA do
    if ind.within(code, M.INFRA[k][1]) then c.infra[#c.infra + 1] = M.INFRA[k][2] end
  end
  code_cache[code] = c
  return c
end

-- ---------------------------------------------------------------------------
-- Derived values of one enterprise (computed once per profile)

local function list(v) return ind.list(v) end
local function has(l, x) return ind.has(l, x) end

local function add(out, seen, v)
  if v and not seen[v] then seen[v] = true; out[#out + 1] = v end
end

local enterprise_facts = ind.per_profile(function(e)
  local sectors = list(e.sectors)
  if #sectors == 0 and e.sector then sectors = { e.sector } end
  local seeks, offers = list(e.seeks), list(e.offers)
  local inputs, market = has(seeks, "raw_materials"), has(seeks, "market_access")
  local f = { sectors = sectors, inputs = inputs, market = market }
  f.joint = ind.groups_of(sectors)
  f.supplied = inputs and ind.chain_links(sectors, "down") or {}
  f.market_links = market and ind.chain_links(sectors, "up") or {}
  f.input_sectors = inputs and sectors or {}
  f.equip_sectors = market and sectors or {}
  -- cooperation areas
  local areas, seen = {}, {}
  local plant, research, trade = false, false, false
  local infra, iseen = {}, {}
  for i = 1, #sectors do
    local c = code_facts(sectors[i])
    add(areas, seen, c.area)
    plant = plant or c.plant
    research = research or c.research
    trade = trade or c.trade
    for k = 1, #c.infra do add(infra, iseen, c.infra[k]) end
  end
  local text = e.description and e.description:lower() or ""
  for i = 1, #AREA_WORDS do
    if ind.word_find(text, AREA_WORDS[i][1]) then add(areas, seen, AREA_WORDS[i][2]) end
  end
  f.areas = areas
  -- the project, and the programmes it would use
  local relocates = plant and (has(seeks, "land") or has(seeks, "labour") or e.investment ~= nil)
  local zones, zseen, project = {}, {}, {}
  if relocates then
    for _, z in ipairs(M.ZONES.plant) do add(zones, zseen, z) end
    project[#project + 1] = "a plant that would be built or moved"
  end
  if research then
    for _, z in ipairs(M.ZONES.research) do add(zones, zseen, z) end
    project[#project + 1] = "research and development"
  end
  if trade then
    for _, z in ipairs(M.ZONES.trade) do add(zones, zseen, z) end
    project[#project + 1] = "trade and logistics"
  end
  if has(seeks, "skills") then
    for _, z in ipairs(M.ZONES.skills) do add(zones, zseen, z) end
    project[#project + 1] = "in need of skills"
  end
  f.zones, f.project = zones, project
  -- infrastructure its business needs
  f.infra = infra
  local home = { e.country }
  if e.subdivision then home[2] = e.subdivision end
  f.home = home
  -- capital: brings it, seeks it, both or neither
  local brings = has(offers, "capital") or has(offers, "financing")
  local wants = has(seeks, "capital") or has(seeks, "financing")
  f.capital = brings and "brings" or (wants and "seeks" or "neither")
  -- SME status for the bonus: an SME under its own country's law, not part
  -- of a large, listed or state group
  local _, basis, is_sme = sme.classify(e)
  local status
  if is_sme == true then
    if e.subsidiary_of_large or e.listed then status = "excluded" else status = "sme" end
  elseif is_sme == false then status = "large"
  else status = "unknown" end
  f.sme_status, f.sme_basis = status, basis
  return f
end)
M.enterprise_facts = enterprise_facts

-- The size in figures, money in its currency and in US dollars.
function M.size(e)
  local parts = {}
  if e.employees then
    parts[#parts + 1] = e.employees .. (e.employees == 1 and " employee" or " employees")
  end
  local function m(group, label)
    local g = e[group]
    if g and g.amount then parts[#parts + 1] = label .. " " .. M.money(g.amount, g.currency) end
  end
  m("revenue", "revenue")
  m("assets", "assets")
  if #parts == 0 then return "no size figures given" end
  return and_list(parts)
end

-- ---------------------------------------------------------------------------
-- Derived values of one region

local function region_sme_access(r)
  if not r:has("programmes", "sme_support") then return "none" end
  local attrs = r.attrs
  local v = attrs and attrs.sme_support_open_to_foreign
  if v == true then return "open" end
  if v == false then return "home" end
  if M.SME_OPEN[r.country] then return "open" end
  return "home"
end

-- The RESOURCES entry of a tag, once per distinct tag.
local entry_cache = {}
local function resource_entry(tag)
  local hit = entry_cache[tag]
  if hit == nil then
    hit = ind.resource_entry(tag) or false
    entry_cache[tag] = hit
  end
  return hit or nil
end

-- A RESOURCES entry's link codes by direction, in the entry's order, once
-- per entry: machinery (28) is a market, any other code outside farming and
-- mining (A, B) an input.
local sides_cache = {}
local function entry_sides(entry)
  local s = sides_cache[entry]
  if s == nil then
    s = { inputs = {}, markets = {} }
    for k = 1, #entry.links do
      local code = entry.links[k][1]
      local sec = ind.section(code)
      if ind.within(code, "28") then s.markets[#s.markets + 1] = code
      elseif sec ~= "A" and sec ~= "B" then s.inputs[#s.inputs + 1] = code end
    end
    sides_cache[entry] = s
  end
  return s
end

local function region_facts_of(r)
  local sought, offered, tags = list(r.sectors_sought), list(r.sectors_offered), list(r.resources)
  local f = {}
  f.joint = ind.groups_of(sought)
  f.up = ind.chain_links(offered, "up")
  f.down = ind.chain_links(offered, "down")
  -- resource links in one direction: processors and users (not growers or
  -- miners of the same thing, not machinery), and machinery makers
  local inputs, markets, iseen, mseen = {}, {}, {}, {}
  for i = 1, #tags do
    local entry = resource_entry(tags[i])
    if entry then
      local sides = entry_sides(entry)
      for k = 1, #sides.markets do add(markets, mseen, sides.markets[k]) end
      for k = 1, #sides.inputs do add(inputs, iseen, sides.inputs[k]) end
    end
  end
  f.resource_inputs, f.resource_markets = inputs, markets
  f.sector_state = (#sought == 0 and #offered == 0 and #tags == 0) and "none" or "some"
  local infra = {}
  local c = r.connectivity
  if c then
    if c.port == true then infra[#infra + 1] = "port" end
    if c.rail == true then infra[#infra + 1] = "rail" end
    if c.airport == true then infra[#infra + 1] = "airport" end
  end
  f.infra = infra
  f.flights = c and c.direct_flights and list(c.direct_flights) or {}
  local needs, offers = list(r.needs), list(r.offers)
  local need_cap = has(needs, "capital") or has(needs, "financing")
  local offer_cap = has(offers, "capital") or has(offers, "financing")
  f.capital = need_cap and "needs" or (offer_cap and "offers" or "neither")
  f.sme_access = region_sme_access(r)
  return f
end
local region_facts = ind.per_profile(region_facts_of)
M.region_facts = region_facts

-- ---------------------------------------------------------------------------
-- What the engine compares, per pair, in C. Each side's facts become a short
-- list of "NAME value" items once per profile; builtin.best_product takes
-- the best product of the values of equal NAMEs on both sides. Neutral
-- credit for missing data is an item "* 0.5" on the side that could miss,
-- met by an item "* 1" that the other side always carries.

-- Every code that is the end of a resource link, to keep the enterprise's
-- lists short: its sectors' broader codes only where a link can use them.
local LINK_CODES = {}
for i = 1, #ind.RESOURCES do
  for _, l in ipairs(ind.RESOURCES[i].links) do LINK_CODES[l[1]] = true end
end

-- Codes a code lies within (itself included) that end a resource link.
local link_cache = {}
local function link_codes_of(code)
  if link_cache[code] then return link_cache[code] end
  local out = {}
  link_cache[code] = out
  if code:find("%a") then
    if LINK_CODES[code:upper()] then out[1] = code:upper() end
    return out
  end
  local sec = ind.section(code)
  if sec and LINK_CODES[sec] then out[#out + 1] = sec end
  for len = 2, #code do
    local c = code:sub(1, len)
    if LINK_CODES[c] then out[#out + 1] = c end
  end
  return out
end

local joint_by_name = {}
local function joint_index(name)
  local k = joint_by_name[name]
  if k == nil then
    for i = 1, #ind.JOINT do
      if ind.JOINT[i].name == name then k = i; break end
    end
    joint_by_name[name] = k or false
  end
  return k or nil
end

-- Strings made once per value: strings("d%s 0.8")[k] is "d" .. k .. " 0.8".
local function strings(fmt)
  return setmetatable({}, { __index = function(t, k)
    local v = string.format(fmt, k)
    t[k] = v
    return v
  end })
end

-- The capital a project needs must come from someone: 1 when one side of
-- the pair brings what the other asks for, or nobody asks; 0.3 when the
-- region needs it and the enterprise neither brings nor seeks it (a fund
-- would have to); 0 when both look for it, or the enterprise seeks it from
-- a region that does not offer it. The "needs met" rule already credits
-- capital brought as one need among others; this rule only asks whether the
-- pair can pay for its project. By the enterprise's role, the value for each
-- region's stance (needs capital, offers it, neither):
local CAPITAL_ITEMS = {
  brings = { "needs 1", "offers 1", "neither 1" },
  neither = { "needs 0.3", "offers 1", "neither 1" },
  seeks = { "offers 1" },
}

-- The neutral items of a list: its words and "*" ("?" too when empty).
local function neutral_of(v)
  local out = list(v)
  out[#out + 1] = "*"
  if #out == 1 then out[2] = "?" end
  return out
end

-- The enterprise's side of each comparison.
local function enterprise_items(e, params)
  local E = enterprise_facts(e)
  local t = {}
  -- sector links other than "the region seeks its sector" (isic_fit does
  -- that): value-chain links ("d" it is supplied, "u" it supplies), resource
  -- codes it processes ("i") or equips ("m"), Joint Statement groups ("j")
  local link, seen = {}, {}
  local function names(codes, prefix, out)
    for i = 1, #codes do
      local n = prefix .. codes[i]
      if not seen[n] then seen[n] = true; out[#out + 1] = n end
    end
  end
  names(E.supplied, "d", link)
  names(E.market_links, "u", link)
  for _, s in ipairs(E.input_sectors) do names(link_codes_of(s), "i", link) end
  for _, s in ipairs(E.equip_sectors) do names(link_codes_of(s), "m", link) end
  -- as "NAME value" for best_product: a link 0.8, a Joint Statement group a
  -- quarter, and "* 0.5" met by a region that lists no sectors or resources
  for i = 1, #link do link[i] = link[i] .. " 0.8" end
  for _, g in ipairs(E.joint) do link[#link + 1] = "j" .. joint_index(g) .. " 0.25" end
  link[#link + 1] = "* 0.5"
  t.links = link
  -- neutral credit: "*" on one side meets "*" on the other only where data
  -- is missing; "?" marks a side that lists nothing
  local function missing(v) return v == nil or #v == 0 end
  -- what it offers and seeks, with the neutral marks: any one item in
  -- common, or data missing on either side, is worth half
  t.offers_neutral = neutral_of(e.offers)
  t.seeks_neutral = neutral_of(e.seeks)
  -- one list per rule for best_product: "NAME value", "* 0.5" where the
  -- enterprise's data is missing (met by the region's "* 1"), "? 0.5"
  -- always (met by "? 1" where the region's data is missing)
  local function vals(v, value, out)
    out = out or {}
    for i = 1, #v do out[#out + 1] = v[i] .. " " .. value end
    return out
  end
  t.targets = missing(e.target_countries) and { "* 0.5" } or vals(list(e.target_countries), "1")
  t.areas = vals(E.areas, "1", { "? 0.5" })
  t.zones = #E.zones == 0 and { "* 0.5" } or vals(E.zones, "1")
  local infra = #E.infra == 0 and { "* 0.5" } or vals(E.infra, "1")
  for _, h in ipairs(E.home) do infra[#infra + 1] = "F:" .. h .. " 0.7" end
  t.infra = infra
  t.langs = missing(e.languages) and { "* 0.5", "? 0.5" } or vals(list(e.languages), "1", { "? 0.5" })
  -- capital: the table CAPITAL_ITEMS, by the region's stance
  t.capital = CAPITAL_ITEMS[E.capital]
  -- SME programme: "open" programmes, or "home:CC" ones for firms of CC
  local u = tostring(params.unknown_score)
  if E.sme_status == "sme" then t.sme = { "open 1", "home:" .. e.country .. " 1" }
  elseif E.sme_status == "unknown" then t.sme = { "open " .. u, "home:" .. e.country .. " " .. u }
  else t.sme = {} end
  -- cross-border: "X" counts only across borders; "D" (domestic=true) always
  t.border = params.domestic and { "X 1", "D 1" } or { "X 1" }
  return t
end

-- The region's side. (Its item strings are made once per value: "d12 1",
-- "programme 1" ...)
local REGION_ITEM = { d = strings("d%s 1"), u = strings("u%s 1"), i = strings("i%s 1"),
                      m = strings("m%s 1"), j = strings("j%s 1") }
local ONE, FLIGHT_ONE = strings("%s 1"), strings("F:%s 1")

local function region_items(r)
  local R = region_facts_of(r)
  local t = {}
  local link, seen = {}, {}
  local function names(codes, prefix)
    local item = REGION_ITEM[prefix]
    for i = 1, #codes do
      local n = item[codes[i]]
      if not seen[n] then seen[n] = true; link[#link + 1] = n end
    end
  end
  names(R.up, "d")
  names(R.down, "u")
  names(R.resource_inputs, "i")
  names(R.resource_markets, "m")
  for _, g in ipairs(R.joint) do names({ tostring(joint_index(g)) }, "j") end
  if R.sector_state == "none" then link[#link + 1] = "* 1" end
  t.links = link
  local function missing(v) return v == nil or #v == 0 end
  local function plus(v)
    local out = list(v)
    out[#out + 1] = "?"
    if #out == 1 then out[2] = "*" end
    return out
  end
  t.needs_neutral = plus(r.needs)
  t.offers_neutral = plus(r.offers)
  local function vals(v, out)      -- each "NAME 1"
    out = out or {}
    for i = 1, #v do out[#out + 1] = ONE[v[i]] end
    return out
  end
  t.country = { r.country .. " 1", "* 1" }
  t.areas = missing(r.cooperation_areas) and { "? 1" } or vals(r.cooperation_areas)
  t.programmes = vals(r.programmes or {}, { "* 1" })
  local infra = vals(R.infra, { "* 1" })
  for _, f in ipairs(R.flights) do infra[#infra + 1] = FLIGHT_ONE[f] end
  t.infra = infra
  t.langs = vals(r.languages or {}, { "* 1" })
  if missing(r.languages) then t.langs[#t.langs + 1] = "? 1" end
  t.capital = { R.capital .. " 1" }
  if R.sme_access == "open" then t.sme = { "open 1" }
  elseif R.sme_access == "home" then t.sme = { "home:" .. r.country .. " 1" }
  else t.sme = {} end
  t.border = { "X 1", "D 1" }
  return t
end

-- ---------------------------------------------------------------------------
-- The same items, fast: derive runs once for every profile of a registry
-- (a million enterprises), so enterprise_items' result is put together from
-- parts worked out once per value they depend on: a sector code's facts,
-- the things sought or offered, target countries, languages, the home, the
-- size status. Each part is made by the code above (code_facts,
-- ind.chain_links, ind.groups_of, link_codes_of, the same "NAME value"
-- lists), so the items are the same strings in the same order; only the
-- work is not redone. Sets of sectors are nearly all different in a large
-- registry, so they are not remembered as sets: a profile's codes are
-- folded into small integers (bit sets of links and groups, and the order
-- in which areas and infrastructure first appear), and those key the
-- remembered lists, with no text key and no table made per profile. Lists
-- read as keys are vocabulary words (tostring of a list view: "[a, b]"),
-- which hold no ", ".

local memo = ind.memo

-- "NAME value" items of a list, as vals() in enterprise_items does.
local function vals_of(v, value, out)
  out = out or {}
  for i = 1, #v do out[#out + 1] = v[i] .. " " .. value end
  return out
end

-- What a list of things sought (key: the list view as text) decides.
local get_seeks, put_seeks = memo(4096)
local function seeks_part(key, v)
  local sp = get_seeks(key)
  if sp then return sp end
  local seeks = list(v)
  return put_seeks(key, {
    inputs = has(seeks, "raw_materials"), market = has(seeks, "market_access"),
    land_labour = has(seeks, "land") or has(seeks, "labour"), skills = has(seeks, "skills"),
    wants = has(seeks, "capital") or has(seeks, "financing"), neutral = neutral_of(v) })
end

local get_offers, put_offers = memo(4096)
local function offers_part(key, v)
  local op = get_offers(key)
  if op then return op end
  local offers = list(v)
  return put_offers(key, { brings = has(offers, "capital") or has(offers, "financing"),
                           neutral = neutral_of(v) })
end

-- Small numbers (1 to 15) for the names of areas and infrastructure, in the
-- order first met: the names a profile's codes give, in order and without
-- repeats, are then the hexadecimal digits of one integer.
local function numbering(what)
  local index, names = {}, {}
  return function(name)
    local i = index[name]
    if i == nil then
      i = #names + 1
      if i > 15 then error("partners: more than 15 " .. what .. " names") end
      names[i] = name
      index[name] = i
    end
    return i
  end, names
end
local area_no, area_names = numbering("area")
local infra_no, infra_names = numbering("infrastructure")

-- The names of a sequence key, most significant digit first.
local function names_of(key, names, out)
  local digits = {}
  while key > 0 do
    digits[#digits + 1] = key & 15
    key = key >> 4
  end
  for i = #digits, 1, -1 do out[#out + 1] = names[digits[i]] end
  return out
end

-- The set bits of each byte, ascending (1 to 8): a bit set is read a byte
-- at a time.
local BYTE_BITS = ind.BYTE_BITS

-- strs[k] for each index k (1 to 63) in the bit set, ascending, added to out.
local function items_of(mask, strs, out)
  local base = 0
  while mask ~= 0 do
    local l = BYTE_BITS[mask & 255]
    for i = 1, #l do out[#out + 1] = strs[base + l[i]] end
    mask, base = mask >> 8, base + 8
  end
  return out
end

-- What one sector code decides, once per code: its facts (code_facts), the
-- value-chain links it is the lower or upper end of and its Joint Statement
-- groups (as bit sets of their indexes), the resource-link codes it lies
-- within.
local code_parts = {}
local function code_part(code)
  local c = code_parts[code]
  if c then return c end
  local one = { code }
  local f = code_facts(code)
  local down, up, joint = 0, 0, 0
  for _, k in ipairs(ind.chain_links(one, "down")) do down = down | (1 << (tonumber(k) - 1)) end
  for _, k in ipairs(ind.chain_links(one, "up")) do up = up | (1 << (tonumber(k) - 1)) end
  for _, g in ipairs(ind.groups_of(one)) do joint = joint | (1 << (joint_index(g) - 1)) end
  local infra = {}
  for k = 1, #f.infra do infra[k] = infra_no(f.infra[k]) end
  c = { area = area_no(f.area), plant = f.plant, research = f.research, trade = f.trade,
        infra = infra, lcodes = link_codes_of(code), down = down, up = up, joint = joint }
  code_parts[code] = c
  return c
end
assert(#ind.CHAIN <= 63 and #ind.JOINT <= 63, "partners: chain links and groups are bit sets")

-- The item strings, made once: "d12 0.8", "i2826 0.8", "j3 0.25" ...
local D_ITEM, U_ITEM, I_ITEM, M_ITEM = strings("d%s 0.8"), strings("u%s 0.8"), strings("i%s 0.8"),
                                       strings("m%s 0.8")
local J_ITEM = strings("j%s 0.25")

local joint_links = {}     -- Joint Statement groups (a bit set) -> items

-- The "links" items, as links() in enterprise_items makes them: value-chain
-- links ("d", ascending), ("u", ascending), resource-link codes ("i", then
-- "m", in the codes' order), Joint Statement groups ("j", ascending), and
-- "* 0.5". Without raw materials or market access sought, only the groups
-- count, and the list is remembered by their bit set.
local function links_of(parts, n, inputs, market, down, up, joint)
  if not (inputs or market) then
    local link = joint_links[joint]
    if link == nil then
      link = items_of(joint, J_ITEM, {})
      link[#link + 1] = "* 0.5"
      joint_links[joint] = link
    end
    return link
  end
  local link = {}
  if inputs then items_of(down, D_ITEM, link) end
  if market then items_of(up, U_ITEM, link) end
  local codes, cseen = {}, {}
  for i = 1, n do
    local l = parts[i].lcodes
    for j = 1, #l do add(codes, cseen, l[j]) end
  end
  if inputs then for i = 1, #codes do link[#link + 1] = I_ITEM[codes[i]] end end
  if market then for i = 1, #codes do link[#link + 1] = M_ITEM[codes[i]] end end
  items_of(joint, J_ITEM, link)
  link[#link + 1] = "* 0.5"
  return link
end

-- The "areas" items: "? 0.5", the sectors' areas (sequence key `codes`),
-- then those the description's words add (sequence key `added`), each "1".
local area_items = {}       -- codes -> added -> items
local function areas_of(codes, added)
  local by_added = area_items[codes]
  if by_added == nil then
    by_added = {}
    area_items[codes] = by_added
  end
  local out = by_added[added]
  if out == nil then
    out = vals_of(names_of(added, area_names, names_of(codes, area_names, {})), "1", { "? 0.5" })
    by_added[added] = out
  end
  return out
end

-- The "infra" items: the sectors' infrastructure (sequence key), "* 0.5"
-- for none, then a direct flight from the home country and subdivision.
-- Remembered by key, country and subdivision; all forgotten past 4096.
local infra_items, n_infra = {}, 0
local function infra_of(key, country, sub)
  local by_country = infra_items[key]
  if by_country == nil then
    by_country = {}
    infra_items[key] = by_country
  end
  local by_sub = by_country[country or false]
  if by_sub == nil then
    by_sub = {}
    by_country[country or false] = by_sub
  end
  local out = by_sub[sub or false]
  if out == nil then
    local infra = names_of(key, infra_names, {})
    out = #infra == 0 and { "* 0.5" } or vals_of(infra, "1")
    local home = { country }
    if sub then home[2] = sub end
    for _, h in ipairs(home) do out[#out + 1] = "F:" .. h .. " 0.7" end
    if n_infra >= 4096 then
      infra_items, n_infra = {}, 0
      return out
    end
    n_infra = n_infra + 1
    by_sub[sub or false] = out
  end
  return out
end

-- The "zones" items by the project's kinds.
local zone_items = {}
local function zones_of(relocates, research, trade, skills)
  local k = (relocates and 8 or 0) + (research and 4 or 0) + (trade and 2 or 0) + (skills and 1 or 0)
  local out = zone_items[k]
  if out then return out end
  local zones, zseen = {}, {}
  if relocates then for _, z in ipairs(M.ZONES.plant) do add(zones, zseen, z) end end
  if research then for _, z in ipairs(M.ZONES.research) do add(zones, zseen, z) end end
  if trade then for _, z in ipairs(M.ZONES.trade) do add(zones, zseen, z) end end
  if skills then for _, z in ipairs(M.ZONES.skills) do add(zones, zseen, z) end end
  out = #zones == 0 and { "* 0.5" } or vals_of(zones, "1")
  zone_items[k] = out
  return out
end

-- Items of a list field as "NAME 1" (targets, languages), by the list's text.
local get_targets, put_targets = memo(4096)
local get_langs, put_langs = memo(4096)
local border_items = { [true] = { "X 1", "D 1" }, [false] = { "X 1" } }

local NO_ITEMS = {}

-- The "sme" items by the unknown score (as given), the status and the
-- country.
local sme_items = {}
local function sme_of(unknown, status, country)
  local key = unknown
  if key == nil or key ~= key then key = tostring(unknown) end   -- (nil and NaN are no keys)
  local by_status = sme_items[key]
  if by_status == nil then
    by_status = { sme = {}, unknown = {} }
    sme_items[key] = by_status
  end
  local by_country = by_status[status]
  if by_country == nil then return NO_ITEMS end  -- large or excluded
  local out = by_country[country or false]
  if out == nil then
    local u = tostring(unknown)
    if status == "sme" then out = { "open 1", "home:" .. country .. " 1" }
    else out = { "open " .. u, "home:" .. country .. " " .. u } end
    by_country[country or false] = out
  end
  return out
end

-- Most descriptions hold none of the AREA_WORDS: one regex (any of them, in
-- any case) says when to look word by word. It matches wherever word_find
-- could (lower() changes only A-Z, which "i" matches either way).
local AREA_WORDS_ANY
do
  local keys = {}
  for i = 1, #AREA_WORDS do keys[i] = AREA_WORDS[i][1]:gsub("[%p%s]", "\\%0") end
  AREA_WORDS_ANY = table.concat(keys, "|")
end

local parts = {}            -- the code parts of the profile at hand (scratch)

-- Fill t with the enterprise's items (the fields of enterprise_items).
local function items_into(t, e, params)
  -- the sectors (or the one sector), as enterprise_facts reads them
  local sv = e.sectors
  local n = sv and #sv or 0
  if n > 0 then
    for j = 1, n do
      local code = sv[j]
      parts[j] = code_parts[code] or code_part(code)
    end
  else
    local s = e.sector
    if s then n = 1; parts[1] = code_part(s) end
  end
  local areas, aseen, infra, iseen = 0, 0, 0, 0
  local plant, research, trade = false, false, false
  local down, up, joint = 0, 0, 0
  for j = 1, n do
    local c = parts[j]
    local a = c.area
    if aseen & (1 << a) == 0 then aseen, areas = aseen | (1 << a), areas * 16 + a end
    plant = plant or c.plant
    research = research or c.research
    trade = trade or c.trade
    local ci = c.infra
    for k = 1, #ci do
      local x = ci[k]
      if iseen & (1 << x) == 0 then iseen, infra = iseen | (1 << x), infra * 16 + x end
    end
    down, up, joint = down | c.down, up | c.up, joint | c.joint
  end
  local sv_seeks, sv_offers = e.seeks, e.offers
  local SK = seeks_part(tostring(sv_seeks), sv_seeks)
  local OF = offers_part(tostring(sv_offers), sv_offers)
  t.links = links_of(parts, n, SK.inputs, SK.market, down, up, joint)
  t.offers_neutral = OF.neutral
  t.seeks_neutral = SK.neutral
  local tc = e.target_countries
  local tkey = tostring(tc)
  local targets = get_targets(tkey)
  if targets == nil then
    targets = put_targets(tkey, (tc == nil or #tc == 0) and { "* 0.5" } or vals_of(list(tc), "1"))
  end
  t.targets = targets
  -- the description's words add areas the sectors do not give
  local d = e.description
  local added, wseen = 0, aseen
  if d and re.test(d, AREA_WORDS_ANY, "i") then
    local text = d:lower()
    for i = 1, #AREA_WORDS do
      local a = area_no(AREA_WORDS[i][2])
      if wseen & (1 << a) == 0 and ind.word_find(text, AREA_WORDS[i][1]) then
        wseen, added = wseen | (1 << a), added * 16 + a
      end
    end
  end
  t.areas = areas_of(areas, added)
  local relocates = plant and (SK.land_labour or e.investment ~= nil)
  t.zones = zones_of(relocates, research, trade, SK.skills)
  local country = e.country
  t.infra = infra_of(infra, country, e.subdivision)
  local lv = e.languages
  local lkey = tostring(lv)
  local langs = get_langs(lkey)
  if langs == nil then
    langs = put_langs(lkey, (lv == nil or #lv == 0) and { "* 0.5", "? 0.5" }
                            or vals_of(list(lv), "1", { "? 0.5" }))
  end
  t.langs = langs
  t.capital = CAPITAL_ITEMS[OF.brings and "brings" or (SK.wants and "seeks" or "neither")]
  local _, is_sme = sme.status(e)
  local status
  if is_sme == true then
    if e.subsidiary_of_large or e.listed then status = "excluded" else status = "sme" end
  elseif is_sme == false then status = "large"
  else status = "unknown" end
  t.sme = sme_of(params.unknown_score, status, country)
  t.border = border_items[params.domestic and true or false]
  return t
end

local function enterprise_items_fast(e, params) return items_into({}, e, params) end
M.enterprise_items_fast = enterprise_items_fast
M.enterprise_items = enterprise_items

-- Declare every derived value the default policy reads. The engine derives a
-- profile's values one after the other in the order declared (policy.c,
-- derive_work), so the first ("e_links", "r_links") works out all of the
-- profile's items and the others hand out their part: nothing is kept from
-- one profile to the next by its id (a profile replaced under the same id
-- is derived afresh).
function M.declare_derived()
  local et, rt = {}, nil     -- et: one table, refilled for each enterprise
  local function ed(name, f) derive { name = name, side = "enterprise", value = f } end
  local function rd(name, f) derive { name = name, side = "region", value = f } end
  ed("e_links", function(e, p) items_into(et, e, p); return et.links end)
  for _, k in ipairs({ "offers_neutral", "seeks_neutral", "targets", "areas", "zones",
                       "infra", "langs", "capital", "sme", "border" }) do
    ed("e_" .. k, function() return et[k] end)
  end
  rd("r_links", function(r) rt = region_items(r); return rt.links end)
  for _, k in ipairs({ "needs_neutral", "offers_neutral",
                       "country", "areas", "programmes", "infra", "langs", "capital", "sme", "border" }) do
    rd("r_" .. k, function() return rt[k] end)
  end
end

-- ---------------------------------------------------------------------------
-- Scorers (built-in specs; a list: the rule scores the best of them). Lists
-- of equal values are compared with member (which stops at the first item
-- in common), lists of differing values with best_product.

local function product(a, b, abroad)
  return builtin.best_product { enterprise = a, region = b, abroad = abroad }
end
local function member(a, b, factor)
  return builtin.member { enterprise = a, region = b, factor = factor }
end

function M.needs_scorer()
  return {
    builtin.overlap { enterprise = "offers", region = "needs" },
    member("e_offers_neutral", "r_needs_neutral", 0.5),
  }
end

function M.seeks_scorer()
  return {
    builtin.overlap { enterprise = "seeks", region = "offers", of = "enterprise" },
    member("e_seeks_neutral", "r_offers_neutral", 0.5),
  }
end

function M.sector_scorer()
  return {
    builtin.isic_fit { enterprise = "sectors", region = "sectors_sought",
                       levels = { within = 1, group = 0.75, division = 0.5, section = 0 }, broader = 0.5 },
    product("e_links", "r_links"),
  }
end

function M.target_scorer() return product("e_targets", "r_country") end
function M.capital_scorer() return product("e_capital", "r_capital") end
function M.area_scorer() return product("e_areas", "r_areas") end
function M.zone_scorer() return product("e_zones", "r_programmes") end
function M.infra_scorer() return product("e_infra", "r_infra") end
function M.language_scorer() return product("e_langs", "r_langs") end
function M.sme_scorer() return product("e_sme", "r_sme") end
function M.border_check() return product("e_border", "r_border", { "X" }) end

-- ---------------------------------------------------------------------------
-- Explanations (run only for the pairs shown)

local function inter(a, b)
  local out = {}
  for i = 1, #a do if has(b, a[i]) then out[#out + 1] = a[i] end end
  return out
end

function M.explain_needs(e, r)
  local needs, offers = list(r.needs), list(e.offers)
  if #needs == 0 then return say("needs_unknown", { who = "the region", what = "needs" }) end
  if #offers == 0 then return say("needs_unknown", { who = "the enterprise", what = "offers" }) end
  local met = inter(needs, offers)
  if #met == 0 then return say("needs_none", { needs = words(needs) }) end
  if #met == #needs then
    local key = #needs == 1 and "needs_only" or #needs == 2 and "needs_both" or "needs_all"
    return say(key, { total = #needs, met = words(met) })
  end
  return say("needs_met", { n = #met, total = #needs, met = words(met) })
end

function M.explain_seeks(e, r)
  local seeks, offers = list(e.seeks), list(r.offers)
  if #seeks == 0 then return say("needs_unknown", { who = "the enterprise", what = "things it seeks" }) end
  if #offers == 0 then return say("needs_unknown", { who = "the region", what = "offers" }) end
  local met = inter(seeks, offers)
  if #met == 0 then return say("seeks_none", { seeks = words(seeks) }) end
  if #met == #seeks then
    local key = #seeks == 1 and "seeks_only" or #seeks == 2 and "seeks_both" or "seeks_all"
    return say(key, { total = #seeks, met = words(met) })
  end
  return say("seeks_met", { n = #met, total = #seeks, met = words(met) })
end

-- The sector-fit candidates in the scorer's order, each { score, reason }.
local function sector_candidates(e, r)
  local E, R = enterprise_facts(e), region_facts(r)
  local out = {}
  local sought = list(r.sectors_sought)
  -- sectors sought
  local best, why = 0, nil
  for i = 1, #E.sectors do
    local s = E.sectors[i]
    for j = 1, #sought do
      local t = sought[j]
      local sc, key = 0, nil
      if s == t then sc, key = 1, "sector_same"
      elseif ind.within(s, t) then sc, key = 1, "sector_within"
      elseif ind.within(t, s) then sc, key = 0.5, "sector_broader"
      elseif #s >= 3 and #t >= 3 and not s:find("%a") and not t:find("%a") and s:sub(1, 3) == t:sub(1, 3) then
        sc, key = 0.75, "sector_group"
      elseif #s >= 2 and #t >= 2 and not s:find("%a") and not t:find("%a") and s:sub(1, 2) == t:sub(1, 2) then
        sc, key = 0.5, "sector_division"
      end
      if sc > best then best, why = sc, say(key, { sought = sector(t), own = sector(s) }) end
    end
  end
  out[#out + 1] = { best, why }
  -- value chain
  local function chain(ekeys, rkeys, key)
    for i = 1, #ekeys do
      if has(rkeys, ekeys[i]) then
        local l = ind.CHAIN[tonumber(ekeys[i])]
        local mine, theirs
        local up_side = key == "sector_market"
        for _, s in ipairs(E.sectors) do
          if ind.within(s, up_side and l.up or l.down) then mine = s; break end
        end
        for _, o in ipairs(list(r.sectors_offered)) do
          if ind.within(o, up_side and l.down or l.up) then theirs = o; break end
        end
        return { 0.8, say(key, { theirs = sector(theirs or (up_side and l.down or l.up)),
                                 own = sector(mine or (up_side and l.up or l.down)), why = l.why }) }
      end
    end
    return { 0, nil }
  end
  out[#out + 1] = chain(E.supplied, R.up, "sector_supplies")
  out[#out + 1] = chain(E.market_links, R.down, "sector_market")
  -- resources
  local function resource(codes, key)
    if #codes == 0 then return { 0, nil } end
    local tags = list(r.resources)
    for i = 1, #tags do
      local entry = resource_entry(tags[i])
      if entry then
        for k = 1, #entry.links do
          local code = entry.links[k][1]
          for _, s in ipairs(codes) do
            local sec = ind.section(code)
            local right = (key == "sector_resource_market") == ind.within(code, "28")
            if right and sec ~= "A" and sec ~= "B" and ind.within(s, code) then
              return { 0.8, say(key, { resource = tags[i], own = sector(s) }) }
            end
          end
        end
      end
    end
    return { 0, nil }
  end
  out[#out + 1] = resource(E.input_sectors, "sector_resource_input")
  out[#out + 1] = resource(E.equip_sectors, "sector_resource_market")
  -- Joint Statement group
  local joint = { 0, nil }
  for i = 1, #E.joint do
    if has(R.joint, E.joint[i]) then
      local g
      for k = 1, #ind.JOINT do if ind.JOINT[k].name == E.joint[i] then g = ind.JOINT[k] end end
      local hit
      for _, t in ipairs(sought) do
        for _, c in ipairs(g.codes) do if ind.within(t, c) then hit = hit or t end end
      end
      joint = { 0.25, say("sector_joint", { group = E.joint[i], sought = sector(hit) }) }
      break
    end
  end
  out[#out + 1] = joint
  if R.sector_state == "none" then out[#out + 1] = { 0.5, say("sector_unknown") } end
  return out
end

function M.explain_sector(e, r)
  local best, why = 0, nil
  for _, c in ipairs(sector_candidates(e, r)) do
    if c[1] > best then best, why = c[1], c[2] end
  end
  if why then return why end
  local E = enterprise_facts(e)
  local sought = list(r.sectors_sought)
  return say("sector_none", { own = and_list(E.sectors, sector),
                              sought = #sought > 0 and and_list(sought, sector) or "no sectors" })
end

function M.explain_target(e, r)
  local targets = list(e.target_countries)
  if #targets == 0 then return say("target_none") end
  local there = M.country(r.country)
  if has(targets, r.country) then
    return say("target_named", { there = there, targets = and_list(targets, M.country) })
  end
  return say("target_other", { there = there, targets = and_list(targets, M.country) })
end

local CAPITAL_KEY = {
  needs = { brings = "capital_brought", neither = "capital_missing", seeks = "capital_nobody" },
  offers = { brings = "capital_offered", neither = "capital_offered", seeks = "capital_offered" },
  neither = { brings = "capital_moot", neither = "capital_moot", seeks = "capital_sought" },
}
function M.explain_capital(e, r)
  return say(CAPITAL_KEY[region_facts(r).capital][enterprise_facts(e).capital])
end

function M.explain_area(e, r)
  local theirs = list(r.cooperation_areas)
  if #theirs == 0 then return say("area_unknown") end
  local mine = enterprise_facts(e).areas
  local met = inter(mine, theirs)
  if #met > 0 then return say("area_met", { areas = words(met) }) end
  return say("area_none", { areas = words(mine), theirs = words(theirs) })
end

function M.explain_zone(e, r)
  local E = enterprise_facts(e)
  if #E.zones == 0 then return say("zone_unknown") end
  local project = and_list(E.project)
  local met = inter(E.zones, list(r.programmes))
  if #met > 0 then return say("zone_met", { project = project, programme = words(met) }) end
  return say("zone_none", { project = project, wanted = and_list(E.zones, word):gsub(" and ", " or ") })
end

function M.explain_infra(e, r)
  local E, R = enterprise_facts(e), region_facts(r)
  local met = inter(E.infra, R.infra)
  if #met > 0 then return say("infra_met", { infra = words(met) }) end
  local flight = inter(E.home, R.flights)
  if #flight > 0 then return say("infra_flight", { home = flight[#flight] }) end
  if #E.infra == 0 then return say("infra_unknown") end
  return say("infra_none", { infra = words(E.infra):gsub(" and ", " or ") })
end

function M.explain_language(e, r)
  local a, b = list(e.languages), list(r.languages)
  if #a == 0 then return say("language_unknown", { who = "the enterprise" }) end
  if #b == 0 then return say("language_unknown", { who = "the region" }) end
  local shared = inter(a, b)
  if #shared > 0 then return say("language_shared", { language = and_list(shared, language) }) end
  return say("language_none", { theirs = and_list(a, language), region = and_list(b, language) })
end

function M.explain_sme(e, r, p)
  local E, R = enterprise_facts(e), region_facts(r)
  local slots = { basis = E.sme_basis, size = M.size(e), home = M.country(e.country) }
  if R.sme_access == "none" then return say("sme_none", slots) end
  local domestic = e.country == r.country
  if R.sme_access == "home" and not domestic then return say("sme_home", slots) end
  if E.sme_status == "large" then return say("sme_large", slots) end
  if E.sme_status == "excluded" then return say("sme_excluded", slots) end
  if E.sme_status == "unknown" then return say("sme_unknown", slots) end
  if domestic then return say("sme_domestic", slots) end
  local attrs = r.attrs
  local source = (attrs and attrs.sme_support_open_to_foreign == true) and "the region's profile says so"
                 or M.SME_OPEN[r.country] or "stated"
  slots.source = source
  return say("sme_open", slots)
end

-- Fund reasons without multiplier chains: eligible or not, and why.
local function plain(reason)
  reason = reason:gsub(" %(related, x[%d%.]+%)", " (a related line)")
  reason = reason:gsub(" %(x[%d%.]+%)", "")
  reason = reason:gsub(" is ([%d%.]+)x outside its (US%$[%w%.]+) or more band", " is %1 times below its floor of %2")
  reason = reason:gsub(" is ([%d%.]+)x outside (US%$[%w%.]+) or more", " is %1 times below its floor of %2")
  reason = reason:gsub(" is ([%d%.]+)x outside its ", " is %1 times outside its ")
  reason = reason:gsub(" is ([%d%.]+)x outside (US%$[%w%.%-]+)", " is %1 times outside its band of %2")
  reason = reason:gsub("(US%$[%w%.%-]+) within (US%$[%w%.]+) or more", "the project (%1) reaches its floor of %2")
  reason = reason:gsub("region lists no funds", "the region lists no funds")
  reason = reason:gsub("; region lists ", "; the region lists ")
  reason = reason:gsub("; region does not list ", "; the region does not list ")
  reason = reason:gsub("; enterprise names no funds", "; the enterprise names no funds")
  reason = reason:gsub("; enterprise names ", "; the enterprise names ")
  return reason
end
M.plain_fund_reason = plain

-- "a project of CNY 2-6m (about US$279-837k)", or "the project (size not
-- given)".
function M.project(e)
  local inv = e.investment
  if inv == nil or inv.currency == nil or (inv.min == nil and inv.max == nil) then
    return "the project (size not given)"
  end
  local lo, hi = inv.min or inv.max, inv.max or inv.min
  local cur = inv.currency
  local function range(a, b, prefix)
    if a == b then return prefix .. short(a) end
    local x, y = short(a), short(b)
    local ux, uy = x:match("(%a*)$"), y:match("(%a*)$")
    if ux == uy and ux ~= "" then x = x:sub(1, #x - #ux) end   -- "20-30m", not "20m-30m"
    return prefix .. x .. "-" .. y
  end
  if cur == "USD" then return "a project of " .. range(lo, hi, "US$") end
  local ulo, uhi = cm.convert(lo, cur, "USD"), cm.convert(hi, cur, "USD")
  local s = "a project of " .. range(lo, hi, cur .. " ")
  if ulo and uhi then s = s .. " (about " .. range(ulo, uhi, "US$") .. ")" end
  return s
end

function M.explain_fund(e, r, p)
  local all = funds.assess(e, r, { tolerance = p.band_tolerance })
  local best
  for i = 1, #all do
    if all[i].ok and (best == nil or all[i].fit > best.fit) then best = all[i] end
  end
  if best == nil then
    local why = {}
    for i = 1, #all do why[#why + 1] = plain(all[i].reason) end
    return say("fund_none", { why = table.concat(why, "; "), venture = M.project(e) })
  end
  local others = {}
  for i = 1, #all do
    if all[i].ok and all[i] ~= best then others[#others + 1] = all[i].fund.id end
  end
  local body = best.reason:gsub("^" .. r.country .. " is ", "the region is ")
  return say("fund_fits", { fund = best.fund.name, id = best.fund.id, fit = string.format("%.2f", best.fit),
                            venture = M.project(e),
                            why = plain(body),
                            others = #others > 0 and ("; also eligible: " .. and_list(others)) or "" })
end

-- The filters' reasons
function M.explain_border(e, r, p)
  if e.country ~= r.country then
    return say("cross_border", { home = M.country(e.country), there = M.country(r.country) })
  end
  if p.domestic then return say("domestic_allowed", { home = M.country(e.country) }) end
  return say("domestic_vetoed", { home = M.country(e.country) })
end

function M.explain_need_filter(e, r)
  local needs, offers = list(r.needs), list(e.offers)
  if #needs == 0 then return say("need_unknown", { who = "the region", what = "needs" }) end
  if #offers == 0 then return say("need_unknown", { who = "the enterprise", what = "offers" }) end
  local met = inter(offers, needs)
  if #met > 0 then return say("need_met", { met = words(met) }) end
  return say("need_none", { offers = words(offers), needs = words(needs) })
end

return M
