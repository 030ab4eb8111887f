-- industries.lua - ISIC Rev.4 helpers and the hand-made industry tables that
-- the sector-fit rules use: the Joint Statement industry groups, the value
-- chain links between sectors, and the resources linked to the sectors that
-- grow, process or use them.
--
-- For analysts. Every table below is hand-made (as of 2025-06) and meant to
-- be read, argued with and extended; nothing here is fetched or learnt.
--
--   JOINT      the industries named in the Governors' and Mayors' Joint
--              Statement, with the ISIC Rev.4 divisions that cover them (as
--              listed in the project's domain notes, DOMAIN.md). A code
--              belongs to a group when it lies within one of the group's
--              codes: 2826 is in "equipment manufacturing" (25-30, 33);
--              2910 is in both "equipment manufacturing" and "new energy
--              vehicles".
--   CHAIN      value-chain links "up supplies down": 0116 fibre crops feed
--              1311 spinning; 2826 textile machinery equips 13 textile
--              mills. Used both ways: a region offering the sector upstream
--              of an enterprise supplies it; a region offering a sector
--              downstream of an enterprise is its market.
--   RESOURCES  a region's resource tags (free text such as "abaca fiber",
--              "rubber (latex; smoked sheet)") linked to the ISIC sectors
--              that grow, process or use them. The first entry whose
--              keyword occurs in the tag applies, so specific entries
--              ("abaca residue") come before general ones ("abaca"). The
--              link is what lets a textile machinery maker whose
--              description never says "abaca" reach an abaca province:
--              "abaca fiber is processed by 2826 Textile machinery".
--
-- Codes at any level are accepted (section letter, division, group, class);
-- "within" follows the ISIC hierarchy (2826 lies within 282, 28 and C).

local M = {}

M.as_of = "2025-06"

-- ---------------------------------------------------------------------------
-- ISIC helpers

local SECTIONS = {
  { 1, 3, "A" }, { 5, 9, "B" }, { 10, 33, "C" }, { 35, 35, "D" }, { 36, 39, "E" },
  { 41, 43, "F" }, { 45, 47, "G" }, { 49, 53, "H" }, { 55, 56, "I" }, { 58, 63, "J" },
  { 64, 66, "K" }, { 68, 68, "L" }, { 69, 75, "M" }, { 77, 82, "N" }, { 84, 84, "O" },
  { 85, 85, "P" }, { 86, 88, "Q" }, { 90, 93, "R" }, { 94, 96, "S" }, { 97, 98, "T" },
  { 99, 99, "U" },
}

-- The section letter of any ISIC code ("2826" -> "C", "C" -> "C"), or nil.
-- (Codes are a section letter or digits: the length tells which, without a
-- pattern, as these run for every code of every profile.)
local section_of = {}
for i = 1, #SECTIONS do
  local s = SECTIONS[i]
  for d = s[1], s[2] do section_of[d] = s[3] end
end
function M.section(code)
  if code == nil then return nil end
  if #code == 1 and code:find("^%a$") then return code:upper() end
  return section_of[tonumber(code:sub(1, 2))]
end

-- True when code lies within anc (equal, or a descendant of it).
function M.within(code, anc)
  if code == nil or anc == nil then return false end
  if #anc == 1 then return M.section(code) == anc:upper() end
  if #code == 1 then return false end
  return #code >= #anc and code:sub(1, #anc) == anc
end

-- True when one code lies within the other.
function M.related(a, b)
  return M.within(a, b) or M.within(b, a)
end

-- "2826 Textile, clothing and leather machinery" (the project's short title).
function M.label(code)
  local t = cm.isic_title(code)
  if t then return code .. " " .. t end
  return code
end

-- A list view (or nil) as a plain Lua array of strings.
function M.list(v)
  local out = {}
  if v == nil then return out end
  for i = 1, #v do out[i] = v[i] end
  return out
end

-- A remembered value by key: get(k), and put(k, v) which returns v; all
-- forgotten at once past `limit` keys (so the keys of a registry with a
-- million profiles are bounded by the limit, not by the registry).
function M.memo(limit)
  local t, n = {}, 0
  return function(k) return t[k] end, function(k, v)
    if n >= limit then t, n = {}, 0 end
    n = n + 1
    t[k] = v
    return v
  end
end

function M.has(list, value)
  for i = 1, #list do
    if list[i] == value then return true end
  end
  return false
end

-- ---------------------------------------------------------------------------
-- Joint Statement industry groups (DOMAIN.md, "Joint Statement industries,
-- with ISIC Rev.4 divisions that cover them").

M.JOINT = {
  { name = "equipment manufacturing", codes = { "25", "26", "27", "28", "29", "30", "33" } },
  { name = "light building materials", codes = { "16", "23" } },
  { name = "energy resources", codes = { "05", "06", "07", "08", "09", "35" } },
  { name = "infrastructure", codes = { "42" } },
  { name = "high technology", codes = { "26", "62", "63", "72" } },
  { name = "trade and logistics", codes = { "46", "49", "50", "51", "52", "53" } },
  { name = "aerospace", codes = { "3030" } },
  { name = "new materials", codes = { "20", "22", "24" } },
  { name = "biomedicine", codes = { "21", "72" } },
  { name = "new energy vehicles", codes = { "2910", "2720" } },
  { name = "modern agriculture", codes = { "01", "02", "03", "10" } },
  { name = "marine industry", codes = { "03", "3011", "50" } },
}
-- Note: DOMAIN.md lists modern agriculture as "01-03, 10", so 02 (forestry)
-- is included above.

local function in_group(code, g)
  for i = 1, #g.codes do
    if M.within(code, g.codes[i]) then return true end
  end
  return false
end

-- The Joint Statement groups a code belongs to (names, in table order).
function M.joint_groups(code)
  local out = {}
  for i = 1, #M.JOINT do
    if in_group(code, M.JOINT[i]) then out[#out + 1] = M.JOINT[i].name end
  end
  return out
end

-- ---------------------------------------------------------------------------
-- Value chain: up supplies down (hand-made, as of 2025-06).

M.CHAIN = {
  { up = "0116", down = "1311", why = "fibre crops are prepared and spun" },
  { up = "0116", down = "1394", why = "fibre crops are made into rope and twine" },
  { up = "0116", down = "1701", why = "fibre crops are pulped for speciality paper" },
  { up = "131", down = "1312", why = "yarn is woven" },
  { up = "131", down = "139", why = "yarn and fabric go into made-up textiles" },
  { up = "131", down = "14", why = "fabric is made into clothing" },
  { up = "2826", down = "13", why = "textile machinery equips fibre, spinning and weaving mills" },
  { up = "2826", down = "14", why = "textile machinery equips garment makers" },
  { up = "2826", down = "0116", why = "decorticating machines strip fibre where it is grown" },
  { up = "2825", down = "10", why = "food processing machinery equips food processors" },
  { up = "2825", down = "11", why = "food processing machinery equips beverage makers" },
  { up = "0126", down = "1040", why = "coconut and oil palm are pressed for oil" },
  { up = "0126", down = "1030", why = "coconut is desiccated and processed" },
  { up = "0126", down = "1394", why = "coconut husks are spun into coir" },
  { up = "0129", down = "2211", why = "natural rubber makes tyres" },
  { up = "0129", down = "2219", why = "natural rubber makes rubber goods" },
  { up = "03", down = "1020", why = "caught and farmed fish and shrimp are processed" },
  { up = "0321", down = "2100", why = "seaweed yields marine medicines" },
  { up = "0122", down = "1030", why = "tropical fruit is processed" },
  { up = "0124", down = "1030", why = "fruit is processed" },
  { up = "0125", down = "1030", why = "fruit and nuts are processed" },
  { up = "0111", down = "1061", why = "grain is milled" },
  { up = "0112", down = "1061", why = "rice is milled" },
  { up = "0113", down = "1062", why = "cassava is made into starch" },
  { up = "0114", down = "1072", why = "sugarcane is made into sugar" },
  { up = "0114", down = "1701", why = "bagasse is pulped" },
  { up = "0127", down = "1079", why = "coffee and tea are processed" },
  { up = "06", down = "19", why = "crude oil and gas are refined" },
  { up = "06", down = "2011", why = "oil and gas feed petrochemicals" },
  { up = "07", down = "24", why = "ores are smelted" },
  { up = "08", down = "23", why = "stone, sand and clay make building materials" },
  { up = "2394", down = "2395", why = "cement makes concrete products" },
  { up = "23", down = "41", why = "building materials go into buildings" },
  { up = "23", down = "42", why = "building materials go into civil works" },
  { up = "24", down = "25", why = "metals go into metal products" },
  { up = "24", down = "28", why = "metals go into machinery" },
  { up = "24", down = "29", why = "metals go into vehicles" },
  { up = "24", down = "30", why = "metals go into ships and aircraft" },
  { up = "2720", down = "29", why = "batteries power electric vehicles" },
  { up = "2610", down = "26", why = "electronic components go into electronic products" },
  { up = "2610", down = "29", why = "electronic components go into vehicles" },
  { up = "2930", down = "2910", why = "parts go into vehicle assembly" },
  { up = "2011", down = "222", why = "basic chemicals make plastics" },
  { up = "3011", down = "50", why = "shipyards build for shipping lines" },
  { up = "3315", down = "50", why = "ship repair serves shipping lines" },
  { up = "7911", down = "55", why = "tour operators bring guests to hotels" },
  { up = "7210", down = "21", why = "research feeds pharmaceuticals" },
  { up = "7210", down = "26", why = "research feeds electronics" },
}

-- ---------------------------------------------------------------------------
-- Resources and the sectors that grow, process or use them (hand-made, as of
-- 2025-06). keys: lower-case words looked for in the region's tag (and in the
-- enterprise's description); links: { ISIC code, verb, what the sector does }.
-- The reason reads "<tag> is <verb> <code> <what>".

M.RESOURCES = {
  { keys = { "abaca residue", "fibre residue", "fiber residue" }, links = {
      { "1701", "pulped by", "Pulp and paper mills" },
      { "1709", "made into paper by", "Paper articles" },
      { "2392", "used in bricks by", "Bricks and clay materials" },
      { "2395", "used in hollow blocks by", "Concrete and plaster articles (hollow blocks)" } } },
  { keys = { "abaca", "manila hemp" }, links = {
      { "0116", "grown by", "Fibre crop farming" },
      { "1311", "prepared and spun by", "Fibre preparation and spinning" },
      { "1394", "made into rope by", "Ropes, cords and nets" },
      { "1701", "pulped by", "Pulp and paper mills" },
      { "1709", "made into paper by", "Paper articles" },
      { "2392", "used in bricks by", "Bricks and clay materials (hollow bricks from residue)" },
      { "2395", "used in hollow blocks by", "Concrete and plaster articles (hollow blocks from residue)" },
      { "2826", "processed by", "Textile machinery (decorticating, stripping and spinning machines)" } } },
  { keys = { "coir", "coconut husk" }, links = {
      { "1394", "twisted into twine and nets by", "Ropes, cords and nets" },
      { "1311", "prepared by", "Fibre preparation and spinning" },
      { "2826", "processed by", "Textile machinery (husk decorticating lines)" } } },
  { keys = { "coconut" }, links = {
      { "0126", "grown by", "Oleaginous fruit farming" },
      { "1040", "pressed into oil by", "Vegetable oils" },
      { "1030", "desiccated by", "Fruit and vegetable processing" },
      { "2825", "processed by", "Food processing machinery (oil expellers, desiccators)" } } },
  { keys = { "palm oil", "oil palm" }, links = {
      { "0126", "grown by", "Oleaginous fruit farming" },
      { "1040", "milled and refined by", "Vegetable oils" },
      { "2011", "made into oleochemicals by", "Basic chemicals" } } },
  { keys = { "rubber", "latex" }, links = {
      { "0129", "grown by", "Perennial crop farming (rubber)" },
      { "2211", "made into tyres by", "Tyres" },
      { "2219", "made into rubber goods by", "Other rubber products" } } },
  { keys = { "seaweed" }, links = {
      { "0321", "farmed by", "Marine aquaculture" },
      { "1079", "processed by", "Other food products" },
      { "2100", "extracted for medicines by", "Pharmaceuticals (marine biomedicine)" } } },
  { keys = { "shrimp", "prawn" }, links = {
      { "0321", "farmed by", "Marine aquaculture" },
      { "0322", "farmed by", "Freshwater aquaculture" },
      { "1020", "processed by", "Fish and seafood processing" } } },
  { keys = { "seafood", "fish", "tuna", "squid" }, links = {
      { "0311", "caught by", "Marine fishing" },
      { "0321", "farmed by", "Marine aquaculture" },
      { "1020", "processed by", "Fish and seafood processing" } } },
  -- Salt is refined by the salt producer itself (ISIC 0893 covers "crushing,
  -- purification and refining of salt by the producer"); a 1079 link would
  -- credit every coffee, tea and snack maker of class 1079 for it.
  { keys = { "salt" }, links = {
      { "0893", "harvested by", "Salt extraction" },
      { "2011", "made into chemicals by", "Basic chemicals (chlor-alkali)" } } },
  { keys = { "natural gas" }, links = {
      { "0620", "extracted by", "Natural gas extraction" },
      { "3520", "distributed by", "Gas supply" },
      { "3510", "burned for power by", "Electric power" },
      { "2011", "made into chemicals by", "Basic chemicals" } } },
  { keys = { "crude oil", "petroleum" }, links = {
      { "0610", "extracted by", "Crude petroleum extraction" },
      { "1920", "refined by", "Refined petroleum products" },
      { "2011", "made into petrochemicals by", "Basic chemicals" } } },
  { keys = { "coal" }, links = {
      { "0510", "mined by", "Hard coal mining" },
      { "1910", "coked by", "Coke ovens" },
      { "3510", "burned for power by", "Electric power" } } },
  { keys = { "tin" }, links = {
      { "0729", "mined by", "Non-ferrous metal ore mining" },
      { "2420", "smelted by", "Precious and non-ferrous metals" } } },
  { keys = { "manganese" }, links = {
      { "0729", "mined by", "Non-ferrous metal ore mining" },
      { "2410", "alloyed into steel by", "Basic iron and steel" },
      { "2720", "used in batteries by", "Batteries" } } },
  { keys = { "potash" }, links = {
      { "0891", "mined by", "Chemical and fertilizer minerals" },
      { "2012", "made into fertiliser by", "Fertilizers" } } },
  { keys = { "limestone" }, links = {
      { "0810", "quarried by", "Quarrying of stone, sand and clay" },
      { "2394", "burned into cement by", "Cement and lime" },
      { "2395", "made into concrete by", "Concrete and plaster articles" } } },
  { keys = { "granite", "marble", "stone" }, links = {
      { "0810", "quarried by", "Quarrying of stone, sand and clay" },
      { "2396", "cut and finished by", "Stone cutting and finishing" } } },
  { keys = { "hydropower" }, links = {
      { "3510", "generated by", "Electric power" },
      { "4220", "built by", "Utility projects (dams, power lines)" } } },
  { keys = { "rice" }, links = {
      { "0112", "grown by", "Rice growing" },
      { "1061", "milled by", "Grain mill products" },
      { "2825", "processed by", "Food processing machinery (rice mills)" } } },
  { keys = { "cassava" }, links = {
      { "0113", "grown by", "Root and tuber farming" },
      { "1062", "made into starch by", "Starches" },
      { "1080", "made into feed by", "Animal feeds" } } },
  { keys = { "cashew" }, links = {
      { "0125", "grown by", "Tree nut farming" },
      { "1030", "processed by", "Fruit and nut processing" } } },
  { keys = { "maize", "corn" }, links = {
      { "0111", "grown by", "Cereal farming" },
      { "1061", "milled by", "Grain mill products" },
      { "1080", "made into feed by", "Animal feeds" } } },
  { keys = { "coffee", "tea" }, links = {
      { "0127", "grown by", "Beverage crop farming" },
      { "1079", "roasted and processed by", "Other food products (coffee, tea)" } } },
  { keys = { "sugarcane", "bagasse" }, links = {
      { "0114", "grown by", "Sugarcane farming" },
      { "1072", "made into sugar by", "Sugar" },
      { "1701", "pulped by", "Pulp and paper mills (bagasse pulp)" },
      { "2395", "used as filler by", "Concrete and plaster articles" } } },
  -- Silk: raised and woven. No 1311 link: that class holds every fibre
  -- (abaca, cotton, coir), so it credited competing fibres for silk.
  { keys = { "silk" }, links = {
      { "0149", "raised by", "Silkworm raising" },
      { "1312", "woven by", "Weaving" } } },
  -- Fruit by its ISIC class (Rev.4: 0122 tropical and subtropical, 0123
  -- citrus, 0124 pome and stone, 0125 other tree and bush fruit, kiwi fruit
  -- included). One entry per class, so kiwifruit is no longer "grown by
  -- 0122 Tropical fruit farming".
  { keys = { "tropical fruit", "pineapple", "durian", "mango" }, links = {
      { "0122", "grown by", "Tropical fruit farming" },
      { "1030", "processed by", "Fruit and vegetable processing" } } },
  { keys = { "pomelo", "citrus" }, links = {
      { "0123", "grown by", "Citrus fruit farming" },
      { "1030", "processed by", "Fruit and vegetable processing" } } },
  { keys = { "apple" }, links = {
      { "0124", "grown by", "Pome and stone fruit farming" },
      { "1030", "processed by", "Fruit and vegetable processing" } } },
  { keys = { "kiwifruit", "kiwi" }, links = {
      { "0125", "grown by", "Other tree and bush fruit farming" },
      { "1030", "processed by", "Fruit and vegetable processing" } } },
  { keys = { "flower" }, links = {
      { "0119", "grown by", "Other non-perennial crops (flowers)" } } },
  { keys = { "port" }, links = {
      { "5012", "served by", "Sea freight transport" },
      { "5222", "run by", "Port and water transport services" },
      { "5224", "worked by", "Cargo handling" },
      { "5210", "served by", "Warehousing and storage" } } },
  { keys = { "financial services" }, links = {
      { "64", "provided by", "Financial services" },
      { "66", "provided by", "Auxiliary financial services" } } },
  { keys = { "engineer" }, links = {
      { "26", "employed by", "Electronics" },
      { "7110", "employed by", "Architecture and engineering" },
      { "72", "employed by", "Research and development" } } },
  { keys = { "beach", "heritage", "scenery" }, links = {
      { "5510", "draw guests to", "Hotels and resorts" },
      { "7911", "sold by", "Travel agencies and tour operators" } } },
}

-- True when the lower-case text holds key as a word (or its plural): "port"
-- is found in "deep-water port" but not in "export"; "beach" in "beaches".
local function is_letter(c)
  return c ~= "" and c:match("%a") ~= nil
end

function M.word_find(text, key)
  local init = 1
  while true do
    local i, j = text:find(key, init, true)
    if i == nil then return false end
    if not is_letter(text:sub(i - 1, i - 1)) then
      local after = text:sub(j + 1, j + 1)
      if not is_letter(after) then return true end
      if after == "s" and not is_letter(text:sub(j + 2, j + 2)) then return true end
      if text:sub(j + 1, j + 2) == "es" and not is_letter(text:sub(j + 3, j + 3)) then return true end
    end
    init = i + 1
  end
end

-- The first RESOURCES entry one of whose keywords is a word of the tag.
function M.resource_entry(tag)
  local t = tag:lower()
  for i = 1, #M.RESOURCES do
    local entry = M.RESOURCES[i]
    for k = 1, #entry.keys do
      if M.word_find(t, entry.keys[k]) then return entry, entry.keys[k] end
    end
  end
  return nil
end

-- The first keyword of the entry that the lower-case text names, or nil.
local function names(text, entry)
  for k = 1, #entry.keys do
    if M.word_find(text, entry.keys[k]) then return entry.keys[k] end
  end
  return nil
end

-- ---------------------------------------------------------------------------
-- Scorers. Each takes the enterprise and region views and returns a score in
-- [0, 1] and a reason. Missing data scores 0 with a reason saying what is
-- missing.

local function join(list, n)
  if n and #list > n then
    local head = {}
    for i = 1, n do head[i] = list[i] end
    return table.concat(head, ", ") .. " and " .. (#list - n) .. " more"
  end
  return table.concat(list, ", ")
end
M.join = join

-- Joint Statement groups: the enterprise's sectors and the region's sectors
-- in the same group. 1 when the region seeks a sector of that group, 0.5 when
-- it only offers one (a cluster of the same industry).
function M.score_joint(e, r)
  local es = M.list(e.sectors)
  if #es == 0 then return 0, "the enterprise has no sectors" end
  local sought, offered = M.list(r.sectors_sought), M.list(r.sectors_offered)
  if #sought == 0 and #offered == 0 then
    return 0, "the region lists no sectors sought or offered"
  end
  local best, why = 0, nil
  local egroups, gnames, first = {}, {}, {}
  for i = 1, #es do
    for k = 1, #M.JOINT do
      local g = M.JOINT[k]
      if first[k] == nil and in_group(es[i], g) then
        first[k] = es[i]
        egroups[#egroups + 1] = k
        gnames[#gnames + 1] = g.name
      end
    end
  end
  if #egroups == 0 then
    return 0, "sectors " .. join(es, 3) .. " are in none of the Joint Statement industries"
  end
  local function scan(list, score, verb)
    if score <= best then return end
    for i = 1, #egroups do
      local g = M.JOINT[egroups[i]]
      for j = 1, #list do
        if score > best and in_group(list[j], g) then
          best = score
          why = "both in the Joint Statement's " .. g.name .. " group: " ..
                first[egroups[i]] .. ", and the region " .. verb .. " " .. list[j]
        end
      end
    end
  end
  scan(sought, 1, "seeks")
  scan(offered, 0.5, "offers")
  if best > 0 then return best, why end
  return 0, "no Joint Statement industry in common (the enterprise is in " .. join(gnames, 3) .. ")"
end

-- CHAIN indexed by endpoint, built once at load: BY_END[code] lists the
-- link ends equal to code, UNDER[code] the link ends strictly within it.
local BY_END, UNDER = {}, {}
local function index_end(code, k, side)
  local item = { k = k, side = side }
  BY_END[code] = BY_END[code] or {}
  table.insert(BY_END[code], item)
  if code:match("^%a$") then return end
  local sec = M.section(code)
  UNDER[sec] = UNDER[sec] or {}
  table.insert(UNDER[sec], item)
  for len = 2, #code - 1 do
    local pre = code:sub(1, len)
    UNDER[pre] = UNDER[pre] or {}
    table.insert(UNDER[pre], item)
  end
end
for k = 1, #M.CHAIN do
  index_end(M.CHAIN[k].up, k, "up")
  index_end(M.CHAIN[k].down, k, "down")
end

-- The chain links one of whose ends is related to code (one within the
-- other): adds code to ups[k] / downs[k] unless already set.
-- Only a code within the end counts (2826 for the end 28, or 2826 itself): a
-- broad code such as 28 (all machinery) says nothing about textile
-- machinery, so it is not presented as the 2826 end of a link.
local function chain_ends(code, ups, downs)
  local function add(list)
    if list == nil then return end
    for i = 1, #list do
      local it = list[i]
      local t = it.side == "up" and ups or downs
      if t[it.k] == nil then t[it.k] = code end
    end
  end
  if code:match("^%a$") then
    add(BY_END[code:upper()])
    return
  end
  add(BY_END[M.section(code)])
  for len = 2, #code do add(BY_END[code:sub(1, len)]) end
end

-- Region's offered sectors against the enterprise's sectors: value-chain links
-- both ways, else a cluster of the enterprise's own industry.
--   the region supplies the enterprise (its sector is upstream): 1 when the
--     enterprise seeks raw materials, else 0.8;
--   the region's industry buys from the enterprise (downstream): 1 when the
--     enterprise seeks market access, else 0.8;
--   the same sector: 0.6 (same class or within), 0.45 same group, 0.3 same
--     division.
function M.score_offered(e, r)
  local es, os = M.list(e.sectors), M.list(r.sectors_offered)
  if #os == 0 then return 0, "the region lists no sectors offered" end
  if #es == 0 then return 0, "the enterprise has no sectors" end
  local wants_inputs = e:has("seeks", "raw_materials")
  local wants_market = e:has("seeks", "market_access")
  local e_up, e_down, o_up, o_down = {}, {}, {}, {}
  for j = 1, #es do chain_ends(es[j], e_up, e_down) end
  for i = 1, #os do chain_ends(os[i], o_up, o_down) end
  local best, why = 0, nil
  for k = 1, #M.CHAIN do
    local l = M.CHAIN[k]
    if o_up[k] and e_down[k] then
      local sc = wants_inputs and 1 or 0.8
      if sc > best then
        best = sc
        why = "the region offers " .. M.label(o_up[k]) .. ", upstream of " .. e_down[k] .. " (" .. l.why .. ")" ..
              (wants_inputs and "; the enterprise seeks raw materials" or "")
      end
    end
    if e_up[k] and o_down[k] then
      local sc = wants_market and 1 or 0.8
      if sc > best then
        best = sc
        why = "the region offers " .. M.label(o_down[k]) .. ", a market for " .. e_up[k] .. " (" .. l.why .. ")" ..
              (wants_market and "; the enterprise seeks market access" or "")
      end
    end
  end
  if best < 0.6 then
    for i = 1, #os do
      local o = os[i]
      for j = 1, #es do
        local s = es[j]
        local sc, what = 0, nil
        if M.related(o, s) then sc, what = 0.6, "its own sector"
        elseif #o >= 3 and #s >= 3 and o:sub(1, 3) == s:sub(1, 3) then sc, what = 0.45, "its group"
        elseif #o >= 2 and #s >= 2 and not o:match("%a") and not s:match("%a") and o:sub(1, 2) == s:sub(1, 2) then
          sc, what = 0.3, "its division"
        end
        if sc > best then
          best = sc
          why = "the region offers " .. M.label(o) .. ", a cluster of " .. what .. " " .. s
        end
      end
    end
  end
  if best > 0 then return best, why end
  return 0, "none of the sectors offered (" .. join(os, 4) .. ") supplies, buys from or clusters with " ..
            join(es, 3)
end

-- " is " or " are " after a resource tag: "beaches are sold by", "skilled
-- engineers are employed by", "rubber (latex; smoked sheet) is grown by".
function M.verb_be(tag)
  local last = tag:gsub("%s*%b()", ""):match("(%a+)%s*$") or ""
  if last:find("[^su]s$") and #last > 3 then return " are " end
  return " is "
end

-- Region's resources linked to the enterprise's sectors (RESOURCES), or named
-- in the enterprise's description. 1 for a sector within a linked code (or a
-- description naming the resource), 0.75 when the enterprise's code is
-- broader than the link, 0.5 in the same ISIC group.
function M.score_resources(e, r)
  local tags = M.list(r.resources)
  if #tags == 0 then return 0, "the region lists no resources" end
  local es = M.list(e.sectors)
  local text = e.description and e.description:lower() or nil
  local best, why, mention = 0, nil, nil
  for i = 1, #tags do
    local tag = tags[i]
    local entry = M.resource_entry(tag)
    if entry then
      for k = 1, #entry.links do
        local l = entry.links[k]
        for j = 1, #es do
          local s, sc = es[j], 0
          if M.within(s, l[1]) then sc = 1
          elseif M.within(l[1], s) then sc = 0.75
          elseif #s == 4 and #l[1] == 4 and s:sub(1, 3) == l[1]:sub(1, 3) then sc = 0.5 end
          if sc > best then
            best = sc
            why = tag .. M.verb_be(tag) .. l[2] .. " " .. l[1] .. " " .. l[3] ..
                  (sc == 1 and "" or (" (the enterprise is in " .. s .. ")"))
          end
        end
      end
      if text and mention == nil then
        local said = names(text, entry)
        -- name the word actually found: a description that says "port"
        -- mentions a port, not the region's "deep-water port"
        if said then
          if said == tag:lower() then mention = tag
          else mention = said .. " (the region lists " .. tag .. ")" end
        end
      end
    elseif text and mention == nil then
      local word = tag:lower():match("^(%a+)")
      if word and #word >= 4 and M.word_find(text, word) then mention = tag end
    end
  end
  if mention then
    if best == 1 then return 1, why .. "; the description mentions " .. mention end
    return 1, "the description mentions " .. mention .. (why and ("; " .. why) or "")
  end
  if best > 0 then return best, why end
  return 0, "none of the region's resources (" .. join(tags, 4) .. ") is linked to " .. join(es, 3) ..
            " or named in the description"
end

-- The share of what the enterprise seeks that the region offers.
function M.score_seeks(e, r)
  local seeks = M.list(e.seeks)
  if #seeks == 0 then return 0, "the enterprise lists nothing it seeks" end
  local offers = M.list(r.offers)
  if #offers == 0 then return 0, "the region lists no offers" end
  local met = {}
  for i = 1, #seeks do
    if M.has(offers, seeks[i]) then met[#met + 1] = seeks[i] end
  end
  if #met == 0 then
    return 0, "the region offers none of what the enterprise seeks (" .. join(seeks) .. ")"
  end
  return #met / #seeks, "the region offers " .. #met .. " of " .. #seeks .. " things sought: " .. join(met)
end

-- ---------------------------------------------------------------------------
-- The fast form. What each scorer above finds by looping over a pair is
-- split into what each side knows alone, derived once per profile (the Joint
-- Statement groups of its sectors, the value-chain links its sectors are an
-- end of, the resource links of a region's tags, the words of a description),
-- and a pair step the engine runs in C (a shared item of two derived lists,
-- ISIC fit against derived codes) or looks up in a memo. The scorers above
-- stay the reference: they write the reasons of the pairs that are shown,
-- and the policy tests check that both give the same scores.

-- The Joint Statement groups of a list of codes (names, table order).
local code_groups = {}       -- code -> the indexes of its groups, worked out once
function M.groups_of(codes)
  local out, seen = {}, {}
  for i = 1, #codes do
    local gs = code_groups[codes[i]]
    if gs == nil then
      gs = {}
      for k = 1, #M.JOINT do
        if in_group(codes[i], M.JOINT[k]) then gs[#gs + 1] = k end
      end
      code_groups[codes[i]] = gs
    end
    for j = 1, #gs do seen[gs[j]] = true end
  end
  for k = 1, #M.JOINT do
    if seen[k] then out[#out + 1] = M.JOINT[k].name end
  end
  return out
end

-- The CHAIN links (as "k" strings, k its index) one of whose `side` ends
-- ("up" or "down") is related to one of the codes. Each code's links are
-- worked out once, as a bit set per side (bit k-1 for link k); the list is
-- read off the union of the codes' sets, a byte at a time.
local code_ends = {}         -- code -> { up = bits, down = bits }, once per code
local K = {}                 -- k -> tostring(k)
-- byte -> its set bits, ascending (1 to 8): a bit set is read a byte at a
-- time (partners.lua reads its sets by it too)
local BYTE_BITS = {}
for b = 0, 255 do
  local l = {}
  for k = 1, 8 do
    if b & (1 << (k - 1)) ~= 0 then l[#l + 1] = k end
  end
  BYTE_BITS[b] = l
end
M.BYTE_BITS = BYTE_BITS
assert(#M.CHAIN <= 63, "industries: chain links as bits")
function M.chain_links(codes, side)
  local mask = 0
  for i = 1, #codes do
    local ends = code_ends[codes[i]]
    if ends == nil then
      local ups, downs = {}, {}
      chain_ends(codes[i], ups, downs)
      ends = { up = 0, down = 0 }
      for k in pairs(ups) do ends.up = ends.up | (1 << (k - 1)) end
      for k in pairs(downs) do ends.down = ends.down | (1 << (k - 1)) end
      code_ends[codes[i]] = ends
    end
    mask = mask | ends[side]
  end
  local out, base = {}, 0
  while mask ~= 0 do
    local l = BYTE_BITS[mask & 255]
    for i = 1, #l do
      local k = base + l[i]
      local s = K[k]
      if s == nil then s = tostring(k); K[k] = s end
      out[#out + 1] = s
    end
    mask, base = mask >> 8, base + 8
  end
  return out
end

-- The RESOURCES entry of a tag, by index (resource_entry gives the entry).
local function entry_index(tag)
  local t = tag:lower()
  for i = 1, #M.RESOURCES do
    local entry = M.RESOURCES[i]
    for k = 1, #entry.keys do
      if M.word_find(t, entry.keys[k]) then return i end
    end
  end
  return nil
end

-- The ISIC codes the region's resource tags are linked to.
function M.resource_codes(tags)
  local out, seen = {}, {}
  for i = 1, #tags do
    local k = entry_index(tags[i])
    if k then
      local links = M.RESOURCES[k].links
      for j = 1, #links do
        if not seen[links[j][1]] then
          seen[links[j][1]] = true
          out[#out + 1] = links[j][1]
        end
      end
    end
  end
  return out
end

-- The words a description must hold to mention the region's resources:
-- "#k" for a tag with an entry (k its index; a description holds "#k" when
-- it names any keyword of the entry), else the tag's first word of 4
-- letters or more.
function M.resource_words(tags)
  local out = {}
  for i = 1, #tags do
    local k = entry_index(tags[i])
    if k then
      out[#out + 1] = "#" .. k
    else
      local word = tags[i]:lower():match("^(%a+)")
      if word and #word >= 4 then out[#out + 1] = word end
    end
  end
  return out
end

local MULTIWORD = {}   -- keys of more than one word
for i = 1, #M.RESOURCES do
  for _, key in ipairs(M.RESOURCES[i].keys) do
    if key:find("[^%a]") then MULTIWORD[key] = true end
  end
end

-- Every word of a description (lower case, letters only), also without its
-- plural ending, and "#k" for each RESOURCES entry it names: word_find finds
-- a word w in the text exactly when w is one of these.
function M.description_words(text)
  local out, seen = {}, {}
  if text == nil then return out end
  text = text:lower()
  local function add(w)
    if not seen[w] then seen[w] = true; out[#out + 1] = w end
  end
  for w in text:gmatch("%a+") do
    add(w)
    if w:sub(-1) == "s" then add(w:sub(1, -2)) end
    if w:sub(-2) == "es" then add(w:sub(1, -3)) end
  end
  for i = 1, #M.RESOURCES do
    local keys = M.RESOURCES[i].keys
    for k = 1, #keys do
      -- a one-word key is found exactly when it is one of the words
      local found
      if MULTIWORD[keys[k]] then found = M.word_find(text, keys[k]) else found = seen[keys[k]] end
      if found then add("#" .. i); break end
    end
  end
  return out
end

-- Work on one profile shared by several derived values: f(p) is computed
-- once per profile (derive runs a profile's values one after the other).
function M.per_profile(f)
  local last_id, last
  return function(p)
    local id = tostring(p)
    if id ~= last_id then last_id, last = id, f(p) end
    return last
  end
end

-- The enterprise's chain links, as up and down ends, and what it seeks.
local enterprise_links = M.per_profile(function(e)
  local codes = M.list(e.sectors)
  return { up = M.chain_links(codes, "up"), down = M.chain_links(codes, "down"),
           inputs = e:has("seeks", "raw_materials"), market = e:has("seeks", "market_access") }
end)

-- Links where the enterprise is downstream (supplied) or upstream (a market),
-- kept only when it does (or does not) seek what they bring: a link it
-- seeks counts 1, another 0.8.
local function links_if(e, side, wanted)
  local l = enterprise_links(e)
  if (side == "down" and l.inputs or side == "up" and l.market or false) ~= wanted then return {} end
  return l[side]
end

-- What the sector-fit rules read of each profile, once per profile.
function M.declare_derived()
  local function codes(field) return function(p) return M.list(p[field]) end end
  local e_sectors, r_sought, r_offered = codes("sectors"), codes("sectors_sought"), codes("sectors_offered")
  derive { name = "joint_groups", side = "enterprise", value = function(e) return M.groups_of(e_sectors(e)) end }
  -- chain links where the enterprise is downstream (supplied) or upstream
  -- (a market), split by whether it seeks raw materials / market access
  derive { name = "supplied_sought", side = "enterprise", value = function(e) return links_if(e, "down", true) end }
  derive { name = "supplied_other", side = "enterprise", value = function(e) return links_if(e, "down", false) end }
  derive { name = "market_sought", side = "enterprise", value = function(e) return links_if(e, "up", true) end }
  derive { name = "market_other", side = "enterprise", value = function(e) return links_if(e, "up", false) end }
  derive { name = "description_words", side = "enterprise",
           value = function(e) return M.description_words(e.description) end }
  derive { name = "joint_sought", side = "region", value = function(r) return M.groups_of(r_sought(r)) end }
  derive { name = "joint_offered", side = "region", value = function(r) return M.groups_of(r_offered(r)) end }
  derive { name = "offered_up", side = "region", value = function(r) return M.chain_links(r_offered(r), "up") end }
  derive { name = "offered_down", side = "region", value = function(r) return M.chain_links(r_offered(r), "down") end }
  derive { name = "resource_codes", side = "region",
           value = function(r) return M.resource_codes(M.list(r.resources)) end }
  derive { name = "resource_words", side = "region",
           value = function(r) return M.resource_words(M.list(r.resources)) end }
end

-- A scorer's reason alone: the explain function of a fast rule.
local function reason_of(scorer)
  return function(e, r)
    local _, why = scorer(e, r)
    return why
  end
end

-- The six sector-fit rules, declared in the calling policy (sector_fit.lua
-- and default.lua share them) with the values they derive. Errors in them
-- name this file and its lines.
--   sectors sought 4, sectors offered 2, resources 2, joint statement 1
--   (group "sector"); needs met 2, seeks met 1 (group "needs").
function M.declare_rules()
  M.declare_derived()
  rule {
    name = "sectors sought", weight = 4, group = "sector",
    score = builtin.isic_fit { enterprise = "sectors", region = "sectors_sought" },
  }
  rule {
    name = "sectors offered", weight = 2, group = "sector",
    -- the value chain (0.8, or 1 when the enterprise seeks what the link
    -- brings), else a cluster of its own sector (0.6 / 0.45 / 0.3)
    score = {
      builtin.member { enterprise = "supplied_sought", region = "offered_up" },
      builtin.member { enterprise = "supplied_other", region = "offered_up", factor = 0.8 },
      builtin.member { enterprise = "market_sought", region = "offered_down" },
      builtin.member { enterprise = "market_other", region = "offered_down", factor = 0.8 },
      builtin.isic_fit { enterprise = "sectors", region = "sectors_offered",
                         levels = { within = 0.6, group = 0.45, division = 0.3, section = 0 } },
    },
    explain = reason_of(M.score_offered),
  }
  rule {
    name = "resources", weight = 2, group = "sector",
    -- a sector within a linked code 1, broader 0.75, same group 0.5; or the
    -- description names the resource
    score = {
      builtin.isic_fit { enterprise = "sectors", region = "resource_codes",
                         levels = { within = 1, group = 0.5, division = 0, section = 0 },
                         broader = 0.75 },
      builtin.member { enterprise = "description_words", region = "resource_words" },
    },
    explain = reason_of(M.score_resources),
  }
  rule {
    name = "joint statement", weight = 1, group = "sector",
    -- 1 when the region seeks a sector of one of the enterprise's groups,
    -- 0.5 when it only offers one
    score = {
      builtin.member { enterprise = "joint_groups", region = "joint_sought" },
      builtin.member { enterprise = "joint_groups", region = "joint_offered", factor = 0.5 },
    },
    explain = reason_of(M.score_joint),
  }
  rule {
    name = "needs met", weight = 2, group = "needs",
    score = builtin.overlap { enterprise = "offers", region = "needs" },
  }
  rule {
    name = "seeks met", weight = 1, group = "needs",
    score = builtin.overlap { enterprise = "seeks", region = "offers", of = "enterprise" },
    explain = reason_of(M.score_seeks),
  }
end

return M
