-- sme.lua - national SME definitions: is this enterprise micro, small,
-- medium or large under its own country's law?
--
-- For analysts. sme.classify(e) returns
--   class   "micro" | "small" | "medium" | "large" | "sme" | "unknown"
--           ("sme" only for Singapore, whose definition has no micro, small
--           or medium split);
--   reason  the class found, the country (and sector row) whose rule decided,
--           and the figures that decided it, e.g.
--           "medium (China, industry): 300 employees >= 300 and revenue
--           2,000 wan >= 2,000 (an SME: 300 employees < 1,000)";
--   is_sme  true, false, or nil when the figures cannot tell. It can be true
--           while the class is "unknown": a Chinese manufacturer with 500
--           employees and no revenue figure is under China's SME bound, but
--           its size class (micro, small or medium) needs the revenue.
-- A country without a shipped definition gives "unknown" with a reason, never
-- "large": we do not know, which is not the same as "not an SME". Missing
-- figures give "unknown" with a reason saying what is missing.
--
-- Sources (as named in the project's domain notes, DOMAIN.md; entered by hand,
-- table as of 2025-06):
--   China        MIIT, NBS, NDRC and MOF, "Provisions on the standards for
--                classifying SMEs", 2011, Gong Xin Bu Lian Qi Ye [2011] No. 300.
--                Units: 万元 (wan, 10,000 CNY).
--   Malaysia     SME Corporation Malaysia, SME definition, 2013 (endorsed by
--                the National SME Development Council, effective 2014).
--   Thailand     Ministerial Regulation on the characteristics of SMEs under
--                the SME Promotion Act, B.E. 2562 (2019).
--   Vietnam      Decree 80/2021/ND-CP (2021), Article 5.
--   Philippines  Magna Carta for MSMEs (RA 6977 as amended by RA 9501, 2008)
--                and the MSMED Council's asset and employment ceilings.
--   Indonesia    Government Regulation (PP) 7/2021.
--   Singapore    the SME definition used by Enterprise Singapore (group
--                annual turnover or group employment).
--
-- Checked 2026-12 (issue 18) against public pages, thresholds unchanged:
--   China        the 2011 table by sector row (industry: under 1,000
--                employees or CNY 400m revenue; medium from 300 and 20m;
--                small from 20 and 3m; the other rows likewise): China Daily
--                on the 4 July 2011 release, and a 2020 table of the same
--                standard (bycpa.com, "Standards for Micro, Small, Medium and
--                Large Enterprises in China (2020)").
--   Malaysia     smecorp.gov.my "SME Definitions" (endorsed at the 14th NSDC
--                meeting, July 2013) and the CGC's table: the bands and "the
--                smaller size applies", and the exclusions (main-board
--                listed firms; subsidiaries of listed firms, MNCs, GLCs,
--                MKDs and state enterprises).
--   Thailand     sme.go.th (OSMEP) "Definition of MSMEs" under the 2019
--                Ministerial Regulation: the bands and "whichever higher".
--   Vietnam      Article 5 of Decree 80/2021/ND-CP (in force 15 October
--                2021, replacing Decree 39/2018), as published by
--                lawnet.vn and expertis.vn: the bands and the AND/OR form.
--   Philippines  RA 9501 (23 May 2008), section 3, asset bands (jur.ph,
--                digest.ph). Section 4 makes government assistance depend on
--                Filipino ownership (100%, or 60% for a company) and on not
--                being a branch or subsidiary of a large enterprise: one
--                reason SME programmes are treated as for host-country firms.
--                The employment bands (1-9, 10-99, 100-199) are the MSMED
--                Council's and were not found in the pages searched.
--   Indonesia    PP 7/2021, article 35 (capital without land and buildings
--                for a new firm, annual sales otherwise; ddtc.co.id,
--                2021-02-23, and the regulation's text).
--   Singapore    SPRING Singapore's release of 22 March 2011 (in force
--                1 April 2011): turnover not over S$100m OR employment not
--                over 200; support schemes also ask for 30% local
--                shareholding (not modelled).
--
-- How each country combines its criteria (the point of scripting this):
--   China        an SME when under the upper bound on EITHER criterion of its
--                sector row; medium and small need BOTH floors; micro is below
--                EITHER small floor; large is everything not under the bound.
--                No. 300 as entered here has no exclusion for subsidiaries of
--                large or state groups (unlike Malaysia's and the
--                Philippines'), so such a subsidiary under the bounds is an
--                SME here; rules/default.lua does not give it SME bonuses.
--   Malaysia     each criterion gives a size; where they differ the SMALLER
--                applies. Firms listed on the main board, and subsidiaries of
--                such firms, of multinationals, GLCs and state enterprises
--                (profile fields listed / subsidiary_of_large) are never SMEs.
--   Thailand     each criterion gives a size; where they differ the LARGER
--                applies.
--   Vietnam      employees (with social insurance) AND (revenue OR capital);
--                the smallest class whose conditions hold applies; none: large.
--   Philippines  total assets excluding land decide; without assets,
--                employees decide; branches, subsidiaries and divisions of
--                large enterprises (subsidiary_of_large) are not MSMEs.
--   Indonesia    annual sales decide; a firm with no sales figure (a new
--                firm) is classed by its capital (which the law counts
--                without land and buildings).
--   Singapore    an SME when group turnover <= S$100m OR group employment
--                <= 200.
--
-- Sector rows from ISIC Rev.4 (the enterprise's primary `sector`). A code at
-- any level is accepted; a code too broad to pick one row (e.g. section G,
-- which spans China's wholesale and retail rows) gives "unknown".
--   China
--     agriculture, forestry, husbandry, fishery   section A
--     industry                                    sections B, C, D, E
--     construction                                section F (incl. 4100,
--                                                 building development)
--     wholesale                                   division 46
--     retail                                      divisions 45 (vehicle
--                                                 sales) and 47
--     transport                                   divisions 49, 50, 51, group
--                                                 522 (support to transport)
--     warehousing                                 group 521
--     postal                                      division 53
--     accommodation, catering                     section I (55, 56)
--     information transmission                    division 61
--     software and IT services                    divisions 62, 63
--     real estate development                     group 681
--     property management                         group 682
--     leasing and business services               section N (77-82) and
--                                                 divisions 69, 70, 73
--     other                                       everything else: group 452
--                                                 (vehicle repair), 58-60,
--                                                 K, 71, 72, 74, 75, O-U
--   Malaysia     manufacturing = section C; services and others = every other
--                section (primary agriculture, mining, construction and
--                services, as SME Corp groups them).
--   Thailand     manufacturing = sections A-E (production of goods: farming,
--                mining, manufacturing, utilities); trade and services = F-U.
--   Vietnam      agriculture, industry, construction = sections A-F; trade
--                and services = G-U.
--   Philippines, Indonesia, Singapore: one rule for every sector.
--
-- Money is converted to each country's unit with e:money(group, currency)
-- (the engine's dated rates table; same-currency figures are exact): China
-- wan (10,000 CNY), Malaysia RM, Thailand THB, Vietnam billions of VND,
-- Philippines PHP, Indonesia billions of IDR, Singapore S$.

local ind = require "industries"

local M = {}

M.as_of = "2025-06"

-- ---------------------------------------------------------------------------
-- Formatting

local function group3(digits)
  local sign = ""
  if digits:sub(1, 1) == "-" then sign, digits = "-", digits:sub(2) end
  local out = digits:reverse():gsub("(%d%d%d)", "%1,"):reverse()
  if out:sub(1, 1) == "," then out = out:sub(2) end
  return sign .. out
end

-- Words off (M.status): the classification never reads the words it puts
-- together, only whether a part is there, so the same code run with every
-- number worded "" decides the same class and is_sme without the
-- formatting, which is most of its time.
local quiet = false

-- 2000 -> "2,000"; 0.8 -> "0.8"; 12.345 -> "12.35"; 2.999999999 -> "2.999999999"
-- (two decimals, unless rounding would make a fraction look whole)
local function fmt_words(x)
  if x == math.floor(x) and math.abs(x) < 1e15 then
    return group3(string.format("%d", math.floor(x)))
  end
  local s = string.format("%.2f", x)
  if s:match("%.00$") then s = string.format("%.12f", x) end
  if s:find("%.") then s = s:gsub("0+$", ""):gsub("%.$", "") end
  local int, frac = s:match("^(-?%d+)(.*)$")
  if int then return group3(int) .. frac end
  return s
end
M.fmt = fmt_words

local function fmt(x)
  if quiet then return "" end
  return fmt_words(x)
end

-- x formatted so that it reads differently from the threshold t it is
-- compared with: 2,999,999,999 VND is "2.999999999 bn", not "3 bn".
local function fmt_near(x, t)
  if quiet then return "" end
  local s = fmt(x)
  if t ~= nil and x ~= t and s == fmt(t) then
    s = string.format("%.12f", x):gsub("0+$", ""):gsub("%.$", "")
    local int, frac = s:match("^(%d+)(.*)$")
    if int then s = group3(int) .. frac end
  end
  return s
end

local NAMES = {
  CN = "China", MY = "Malaysia", TH = "Thailand", VN = "Vietnam", PH = "Philippines",
  ID = "Indonesia", SG = "Singapore", LA = "Laos", KH = "Cambodia", MM = "Myanmar",
  BN = "Brunei", TL = "Timor-Leste",
}

local function country_name(c)
  return NAMES[c] or c or "no country"
end

-- ---------------------------------------------------------------------------
-- Figures. Each criterion: value (nil when missing), a note saying why it is
-- missing, and show(v) for reasons.

local function show_employees(x, t) return fmt_near(x, t) .. (x == 1 and " employee" or " employees") end
local function employees(e)
  return { v = e.employees, miss = "no employees given", show = show_employees }
end

-- The note and show() of an amount by its label and the words around its
-- figure, made once (classify runs for every enterprise of a registry).
local amount_words = {}
local function words_for(label, before, after)
  local by_before = amount_words[label]
  if by_before == nil then
    by_before = {}
    amount_words[label] = by_before
  end
  local by_after = by_before[before or false]
  if by_after == nil then
    by_after = {}
    by_before[before or false] = by_after
  end
  local w = by_after[after or false]
  if w == nil then
    w = { miss = "no " .. label .. " given",
          show = function(x, t) return label .. " " .. (before or "") .. fmt_near(x, t) .. (after or "") end }
    by_after[after or false] = w
  end
  return w
end

-- An amount converted to currency and divided by unit ("wan" = 1e4 CNY).
local function money(e, group, label, currency, unit, before, after)
  local v = e:money(group, currency)
  local w = words_for(label, before, after)
  local miss = w.miss
  if v == nil then
    local g = e[group]
    if g and g.amount ~= nil then
      miss = label .. " in " .. tostring(g.currency) .. " cannot be converted (no rate)"
    end
  else
    v = v / unit
  end
  return { v = v, miss = miss, show = w.show }
end

-- ---------------------------------------------------------------------------
-- Sector rows. map = { sections = { A = row, ... }, over = { { prefix, row } } }
-- The most specific override containing the code applies, else the section's
-- row; a code spanning several rows is ambiguous.

local function resolve_once(map, code)
  local sec = ind.section(code)
  if sec == nil then return nil, "sector " .. tostring(code) .. " is not an ISIC code" end
  local letter = code:match("^%a$") ~= nil
  local row, best = map.sections[sec], 0
  local over = map.over or {}
  if not letter then
    for i = 1, #over do
      local o = over[i]
      if ind.within(code, o[1]) and #o[1] > best then row, best = o[2], #o[1] end
    end
  end
  local rows, seen = { row }, { [row] = true }
  for i = 1, #over do
    local o = over[i]
    if ind.within(o[1], code) and (letter or #o[1] > #code) and not seen[o[2]] then
      seen[o[2]] = true
      rows[#rows + 1] = o[2]
    end
  end
  if #rows > 1 then
    return nil, "sector " .. code .. " spans several rows (" .. table.concat(rows, ", ") ..
                "); give a more detailed ISIC code"
  end
  return row
end

-- resolve_once's answer, remembered per map and code (classify runs for
-- every enterprise of a registry; the codes are few).
local resolved = {}
local function resolve(map, code)
  if type(code) ~= "string" then return resolve_once(map, code) end
  local by_code = resolved[map]
  if by_code == nil then
    by_code = {}
    resolved[map] = by_code
  end
  local r = by_code[code]
  if r == nil then
    r = table.pack(resolve_once(map, code))
    by_code[code] = r
  end
  return r[1], r[2]
end
M.resolve = resolve

local function unknown(where, why, is_sme)
  return "unknown", "unknown (" .. where .. "): " .. why, is_sme
end

local function join_and(list)
  return table.concat(list, " and ")
end

-- ---------------------------------------------------------------------------
-- China (No. 300, 2011). Rows: bound = upper bound of SMEs (either), medium
-- and small = floors (both). Criteria: emp, rev (wan), assets (wan).

local CN_ROWS = {
  agriculture = { label = "agriculture", bound = { { "rev", 20000 } },
                  medium = { { "rev", 500 } }, small = { { "rev", 50 } } },
  industry = { label = "industry", bound = { { "emp", 1000 }, { "rev", 40000 } },
               medium = { { "emp", 300 }, { "rev", 2000 } }, small = { { "emp", 20 }, { "rev", 300 } } },
  construction = { label = "construction", bound = { { "rev", 80000 }, { "assets", 80000 } },
                   medium = { { "rev", 6000 }, { "assets", 5000 } }, small = { { "rev", 300 }, { "assets", 300 } } },
  wholesale = { label = "wholesale", bound = { { "emp", 200 }, { "rev", 40000 } },
                medium = { { "emp", 20 }, { "rev", 5000 } }, small = { { "emp", 5 }, { "rev", 1000 } } },
  retail = { label = "retail", bound = { { "emp", 300 }, { "rev", 20000 } },
             medium = { { "emp", 50 }, { "rev", 500 } }, small = { { "emp", 10 }, { "rev", 100 } } },
  transport = { label = "transport", bound = { { "emp", 1000 }, { "rev", 30000 } },
                medium = { { "emp", 300 }, { "rev", 3000 } }, small = { { "emp", 20 }, { "rev", 200 } } },
  warehousing = { label = "warehousing", bound = { { "emp", 200 }, { "rev", 30000 } },
                  medium = { { "emp", 100 }, { "rev", 1000 } }, small = { { "emp", 20 }, { "rev", 100 } } },
  postal = { label = "postal", bound = { { "emp", 1000 }, { "rev", 30000 } },
             medium = { { "emp", 300 }, { "rev", 2000 } }, small = { { "emp", 20 }, { "rev", 100 } } },
  accommodation = { label = "accommodation and catering", bound = { { "emp", 300 }, { "rev", 10000 } },
                    medium = { { "emp", 100 }, { "rev", 2000 } }, small = { { "emp", 10 }, { "rev", 100 } } },
  transmission = { label = "information transmission", bound = { { "emp", 2000 }, { "rev", 100000 } },
                   medium = { { "emp", 100 }, { "rev", 1000 } }, small = { { "emp", 10 }, { "rev", 100 } } },
  software = { label = "software and IT services", bound = { { "emp", 300 }, { "rev", 10000 } },
               medium = { { "emp", 100 }, { "rev", 1000 } }, small = { { "emp", 10 }, { "rev", 50 } } },
  realestate = { label = "real estate development", bound = { { "rev", 200000 }, { "assets", 10000 } },
                 medium = { { "rev", 1000 }, { "assets", 5000 } }, small = { { "rev", 100 }, { "assets", 2000 } } },
  property = { label = "property management", bound = { { "emp", 1000 }, { "rev", 5000 } },
               medium = { { "emp", 300 }, { "rev", 1000 } }, small = { { "emp", 100 }, { "rev", 500 } } },
  leasing = { label = "leasing and business services", bound = { { "emp", 300 }, { "assets", 120000 } },
              medium = { { "emp", 100 }, { "assets", 8000 } }, small = { { "emp", 10 }, { "assets", 100 } } },
  other = { label = "other", bound = { { "emp", 300 } },
            medium = { { "emp", 100 } }, small = { { "emp", 10 } } },
}
M.CN_ROWS = CN_ROWS

local CN_MAP = {
  sections = {
    A = "agriculture", B = "industry", C = "industry", D = "industry", E = "industry",
    F = "construction", G = "retail", H = "transport", I = "accommodation", J = "other",
    K = "other", L = "realestate", M = "other", N = "leasing", O = "other", P = "other",
    Q = "other", R = "other", S = "other", T = "other", U = "other",
  },
  over = {
    { "46", "wholesale" }, { "452", "other" },
    { "521", "warehousing" }, { "53", "postal" },
    { "61", "transmission" }, { "62", "software" }, { "63", "software" },
    { "682", "property" },
    { "69", "leasing" }, { "70", "leasing" }, { "73", "leasing" },
  },
}

local function cn_floors(spec, list, C)
  local out = {}
  for i = 1, #list do
    local b = list[i]
    out[#out + 1] = C[b[1]].show(C[b[1]].v, b[2]) .. " >= " .. fmt(b[2])
  end
  return join_and(out)
end

local function cn_needs(list, C)
  local out = {}
  for i = 1, #list do
    local b = list[i]
    local what = b[1] == "emp" and (fmt(b[2]) .. " employees") or
                 ((b[1] == "rev" and "revenue " or "assets ") .. fmt(b[2]) .. " wan")
    out[#out + 1] = what
  end
  return join_and(out)
end

local function china(e)
  local row, why = resolve(CN_MAP, e.sector)
  if row == nil then return unknown("China", why) end
  local spec = CN_ROWS[row]
  local where = "China, " .. spec.label
  local C = {
    emp = employees(e),
    rev = money(e, "revenue", "revenue", "CNY", 1e4, nil, " wan"),
    assets = money(e, "assets", "assets", "CNY", 1e4, nil, " wan"),
  }
  -- The SME upper bound: under it on either criterion.
  local under, over, missing = nil, {}, {}
  for i = 1, #spec.bound do
    local b = spec.bound[i]
    local c = C[b[1]]
    if c.v == nil then missing[#missing + 1] = c.miss
    elseif c.v < b[2] then under = under or (c.show(c.v, b[2]) .. " < " .. fmt(b[2]))
    else over[#over + 1] = c.show(c.v, b[2]) .. " >= " .. fmt(b[2]) end
  end
  if under == nil then
    if #missing > 0 then
      local known = #over > 0 and ("; " .. join_and(over)) or ""
      return unknown(where, table.concat(missing, ", ") .. known ..
                     " (an SME is under " .. cn_needs(spec.bound, C):gsub(" and ", " or ") .. ")")
    end
    return "large", "large (" .. where .. "): " .. join_and(over) ..
                    (#spec.bound > 1 and " (an SME is under either bound)" or " (the SME bound)"), false
  end
  -- Micro: below either small floor.
  local small_missing = {}
  for i = 1, #spec.small do
    local b = spec.small[i]
    local c = C[b[1]]
    if c.v == nil then small_missing[#small_missing + 1] = c.miss
    elseif c.v < b[2] then
      return "micro", "micro (" .. where .. "): " .. c.show(c.v, b[2]) .. " < " .. fmt(b[2]) ..
                      " (small needs " .. cn_needs(spec.small, C) .. ")", true
    end
  end
  if #small_missing > 0 then
    return unknown(where, "an SME (" .. under .. "), but " .. table.concat(small_missing, ", ") ..
                   " to tell micro, small or medium", true)
  end
  -- Medium: both medium floors; else small.
  local below, med_missing = nil, {}
  for i = 1, #spec.medium do
    local b = spec.medium[i]
    local c = C[b[1]]
    if c.v == nil then med_missing[#med_missing + 1] = c.miss
    elseif c.v < b[2] then below = below or (c.show(c.v, b[2]) .. " < " .. fmt(b[2])) end
  end
  if below then
    return "small", "small (" .. where .. "): " .. cn_floors(spec, spec.small, C) ..
                    "; not medium: " .. below, true
  end
  if #med_missing > 0 then
    return unknown(where, "small or medium (" .. cn_floors(spec, spec.small, C) .. "), but " ..
                   table.concat(med_missing, ", "), true)
  end
  return "medium", "medium (" .. where .. "): " .. cn_floors(spec, spec.medium, C) ..
                   " (an SME: " .. under .. ")", true
end

-- ---------------------------------------------------------------------------
-- Sizes by band, for Malaysia and Thailand. RANK orders the sizes.

local RANK = { micro = 1, small = 2, medium = 3, large = 4 }

-- Malaysia's and Thailand's rule: one size from money (sales or revenue) and
-- one from employees, each by the row's thresholds (size_of); where they
-- differ the smaller applies (Malaysia) or the larger (Thailand). With one
-- of them missing, only the extreme the other cannot change is certain.
local function two_sizes(where, amount, amount_t, prefix, emp, emp_t, size_of, larger)
  local found, missing = {}, {}
  if amount.v ~= nil then
    local s, band = size_of(amount.v, amount_t, prefix)
    found[#found + 1] = { size = s, text = amount.show(amount.v) .. " gives " .. s .. " (" .. band .. ")" }
  else missing[#missing + 1] = amount.miss end
  if emp.v ~= nil then
    local s, band = size_of(emp.v, emp_t)
    found[#found + 1] = { size = s, text = emp.show(emp.v) .. " gives " .. s .. " (" .. band .. ")" }
  else missing[#missing + 1] = emp.miss end
  if #found == 0 then return unknown(where, table.concat(missing, " and ")) end
  local pick = found[1]
  for i = 2, #found do
    local r, p = RANK[found[i].size], RANK[pick.size]
    if (larger and r > p) or (not larger and r < p) then pick = found[i] end
  end
  local which = larger and "larger" or "smaller"
  if #missing > 0 then
    local extreme = larger and "large" or "micro"
    if pick.size == extreme then
      return extreme, extreme .. " (" .. where .. "): " .. pick.text .. ", the " ..
                      (larger and "largest" or "smallest") .. " size (" .. missing[1] .. ")", not larger
    end
    return unknown(where, missing[1] .. "; " .. pick.text .. ", and the " .. which .. " size applies",
                   (not larger and pick.size ~= "large") or nil)
  end
  local texts = {}
  for i = 1, #found do texts[i] = found[i].text end
  local tail = found[1].size == found[2].size and "" or "; the " .. which .. " applies"
  return pick.size, pick.size .. " (" .. where .. "): " .. table.concat(texts, ", ") .. tail,
         pick.size ~= "large"
end

-- ---------------------------------------------------------------------------
-- Malaysia (SME Corp, 2013): micro < t1, small t1 to < t2, medium t2 to <= t3,
-- large > t3; the smaller size applies.

local MY_ROWS = {
  manufacturing = { label = "manufacturing", sales = { 300000, 15000000, 50000000 }, emp = { 5, 75, 200 } },
  services = { label = "services and others", sales = { 300000, 3000000, 20000000 }, emp = { 5, 30, 75 } },
}
local MY_MAP = { sections = { C = "manufacturing" } }
for _, s in ipairs({ "A", "B", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q",
                     "R", "S", "T", "U" }) do
  MY_MAP.sections[s] = "services"
end

local function my_size(v, t, money_prefix)
  local p = money_prefix or ""
  if v < t[1] then return "micro", "< " .. p .. fmt(t[1]) end
  if v < t[2] then return "small", p .. fmt(t[1]) .. " to < " .. p .. fmt(t[2]) end
  if v <= t[3] then return "medium", p .. fmt(t[2]) .. " to <= " .. p .. fmt(t[3]) end
  return "large", "> " .. p .. fmt(t[3])
end

local function malaysia(e)
  if e.listed then
    return "large", "large (Malaysia, excluded): a listed firm; main-board firms are not SMEs whatever their size",
           false
  end
  if e.subsidiary_of_large then
    return "large", "large (Malaysia, excluded): a subsidiary of a large, listed, multinational, " ..
                    "government-linked or state firm is not an SME whatever its size", false
  end
  local row, why = resolve(MY_MAP, e.sector)
  if row == nil then return unknown("Malaysia", why) end
  local spec = MY_ROWS[row]
  local where = "Malaysia, " .. spec.label
  return two_sizes(where, money(e, "revenue", "sales", "MYR", 1, "RM "), spec.sales, "RM ",
                   employees(e), spec.emp, my_size, false)
end

-- ---------------------------------------------------------------------------
-- Thailand (2019): micro <= t1, small <= t2, medium <= t3, large above; the
-- larger size applies.

local TH_ROWS = {
  manufacturing = { label = "manufacturing", rev = { 1800000, 100000000, 500000000 }, emp = { 5, 50, 200 } },
  trade = { label = "trade and services", rev = { 1800000, 50000000, 300000000 }, emp = { 5, 30, 100 } },
}
local TH_MAP = { sections = { A = "manufacturing", B = "manufacturing", C = "manufacturing",
                              D = "manufacturing", E = "manufacturing" } }
for _, s in ipairs({ "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T", "U" }) do
  TH_MAP.sections[s] = "trade"
end

local function th_size(v, t, p)
  p = p or ""
  if v <= t[1] then return "micro", "<= " .. p .. fmt(t[1]) end
  if v <= t[2] then return "small", "<= " .. p .. fmt(t[2]) end
  if v <= t[3] then return "medium", "<= " .. p .. fmt(t[3]) end
  return "large", "> " .. p .. fmt(t[3])
end

local function thailand(e)
  local row, why = resolve(TH_MAP, e.sector)
  if row == nil then return unknown("Thailand", why) end
  local spec = TH_ROWS[row]
  local where = "Thailand, " .. spec.label
  return two_sizes(where, money(e, "revenue", "revenue", "THB", 1, "THB "), spec.rev, "THB ",
                   employees(e), spec.emp, th_size, true)
end

-- ---------------------------------------------------------------------------
-- Vietnam (Decree 80/2021): employees AND (revenue OR capital), billions of
-- VND; the smallest class whose conditions hold.

local VN_ROWS = {
  production = { label = "agriculture, industry, construction", classes = {
    { "micro", 10, 3, 3 }, { "small", 100, 50, 20 }, { "medium", 200, 200, 100 } } },
  trade = { label = "trade and services", classes = {
    { "micro", 10, 10, 3 }, { "small", 50, 100, 50 }, { "medium", 100, 300, 100 } } },
}
local VN_MAP = { sections = { A = "production", B = "production", C = "production", D = "production",
                              E = "production", F = "production" } }
for _, s in ipairs({ "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T", "U" }) do
  VN_MAP.sections[s] = "trade"
end

-- Three-valued logic: true, false or nil (unknown).
local function le(v, t) if v == nil then return nil end return v <= t end
local function k_and(a, b)
  if a == false or b == false then return false end
  if a == nil or b == nil then return nil end
  return true
end
local function k_or(a, b)
  if a == true or b == true then return true end
  if a == nil or b == nil then return nil end
  return false
end

local function vietnam(e)
  local row, why = resolve(VN_MAP, e.sector)
  if row == nil then return unknown("Vietnam", why) end
  local spec = VN_ROWS[row]
  local where = "Vietnam, " .. spec.label
  local emp = employees(e)
  local rev = money(e, "revenue", "revenue", "VND", 1e9, nil, " bn VND")
  local cap = money(e, "capital", "capital", "VND", 1e9, nil, " bn VND")
  local not_smaller = {}
  local undecided = false
  for i = 1, #spec.classes do
    local k = spec.classes[i]
    local ce, cr, cc = le(emp.v, k[2]), le(rev.v, k[3]), le(cap.v, k[4])
    local cond = k_and(ce, k_or(cr, cc))
    if cond == true and not undecided then
      local money_part = cr and (rev.show(rev.v, k[3]) .. " <= " .. fmt(k[3]) .. " bn")
                         or (cap.show(cap.v, k[4]) .. " <= " .. fmt(k[4]) .. " bn")
      local tail = #not_smaller > 0 and ("; not " .. table.concat(not_smaller, "; not ")) or ""
      return k[1], k[1] .. " (" .. where .. "): " .. emp.show(emp.v, k[2]) .. " <= " .. fmt(k[2]) ..
                   " and " .. money_part .. tail, true
    elseif cond == true then
      -- a larger class holds but a smaller one could not be checked
      local miss = {}
      for _, c in ipairs({ emp, rev, cap }) do if c.v == nil then miss[#miss + 1] = c.miss end end
      return unknown(where, "at most " .. k[1] .. ", but " .. table.concat(miss, ", ") ..
                     " to rule out a smaller class", true)
    elseif cond == nil then
      undecided = true
    else
      if ce == false then
        not_smaller[#not_smaller + 1] = k[1] .. ": " .. emp.show(emp.v, k[2]) .. " > " .. fmt(k[2])
      else
        local parts = {}
        parts[1] = rev.v and (rev.show(rev.v, k[3]) .. " > " .. fmt(k[3]) .. " bn") or rev.miss
        parts[2] = cap.v and (cap.show(cap.v, k[4]) .. " > " .. fmt(k[4]) .. " bn") or cap.miss
        not_smaller[#not_smaller + 1] = k[1] .. ": " .. table.concat(parts, " and ")
      end
    end
  end
  if undecided then
    local miss = {}
    for _, c in ipairs({ emp, rev, cap }) do if c.v == nil then miss[#miss + 1] = c.miss end end
    return unknown(where, table.concat(miss, ", ") ..
                   " (a class needs employees and revenue or capital within its limits)")
  end
  return "large", "large (" .. where .. "): over every class; " .. table.concat(not_smaller, "; "), false
end

-- ---------------------------------------------------------------------------
-- Philippines (Magna Carta for MSMEs): assets excluding land, else employees.

local PH_ASSETS = { 3000000, 15000000, 100000000 }   -- PHP: micro, small, medium up to
local PH_EMPLOYEES = { 9, 99, 199 }

local function philippines(e)
  if e.subsidiary_of_large then
    return "large", "large (Philippines, excluded): a branch, subsidiary or division of a large " ..
                    "enterprise is not an MSME whatever its size", false
  end
  local assets = money(e, "assets", "assets", "PHP", 1, "PHP ")
  if assets.v ~= nil then
    local v, s, band = assets.v
    if v <= PH_ASSETS[1] then s, band = "micro", "up to 3,000,000"
    elseif v <= PH_ASSETS[2] then s, band = "small", "over 3,000,000 and up to 15,000,000"
    elseif v <= PH_ASSETS[3] then s, band = "medium", "over 15,000,000 and up to 100,000,000"
    else s, band = "large", "over 100,000,000" end
    return s, s .. " (Philippines): " .. assets.show(v) .. ", " .. band ..
              " (total assets excluding land decide)", s ~= "large"
  end
  local emp = employees(e)
  if emp.v ~= nil then
    local v, s, band = emp.v
    if v <= PH_EMPLOYEES[1] then s, band = "micro", "up to 9"
    elseif v <= PH_EMPLOYEES[2] then s, band = "small", "10 to 99"
    elseif v <= PH_EMPLOYEES[3] then s, band = "medium", "100 to 199"
    else s, band = "large", "200 or more" end
    return s, s .. " (Philippines): " .. assets.miss .. ", so employees decide: " .. emp.show(v) ..
              ", " .. band, s ~= "large"
  end
  return unknown("Philippines", assets.miss .. " (assets excluding land decide) and " .. emp.miss)
end

-- ---------------------------------------------------------------------------
-- Indonesia (PP 7/2021): annual sales; capital for a firm with no sales.

local ID_SALES = { 2, 15, 50 }        -- bn IDR: micro, small, medium up to
local ID_CAPITAL = { 1, 5, 10 }

local function indonesia(e)
  local sales = money(e, "revenue", "annual sales", "IDR", 1e9, "Rp ", " bn")
  if sales.v ~= nil then
    local v, s, band = sales.v
    if v <= ID_SALES[1] then s, band = "micro", "up to Rp 2 bn"
    elseif v <= ID_SALES[2] then s, band = "small", "over Rp 2 bn and up to 15 bn"
    elseif v <= ID_SALES[3] then s, band = "medium", "over Rp 15 bn and up to 50 bn"
    else s, band = "large", "over Rp 50 bn" end
    return s, s .. " (Indonesia): " .. sales.show(v) .. ", " .. band, s ~= "large"
  end
  local cap = money(e, "capital", "capital", "IDR", 1e9, "Rp ", " bn")
  if cap.v ~= nil then
    local v, s, band = cap.v
    if v <= ID_CAPITAL[1] then s, band = "micro", "up to Rp 1 bn"
    elseif v <= ID_CAPITAL[2] then s, band = "small", "over Rp 1 bn and up to 5 bn"
    elseif v <= ID_CAPITAL[3] then s, band = "medium", "over Rp 5 bn and up to 10 bn"
    else s, band = "large", "over Rp 10 bn" end
    return s, s .. " (Indonesia): " .. sales.miss .. ", so capital decides as for a new firm: " ..
              cap.show(v) .. ", " .. band .. " (the law counts capital without land and buildings)",
           s ~= "large"
  end
  return unknown("Indonesia", sales.miss .. " and " .. cap.miss .. " (capital decides for a new firm)")
end

-- ---------------------------------------------------------------------------
-- Singapore: group turnover <= S$100m or group employment <= 200.

local SG_TURNOVER, SG_EMPLOYEES = 100000000, 200   -- an SME within either

local function singapore(e)
  local turnover = money(e, "revenue", "group turnover", "SGD", 1, "S$")
  local emp = employees(e)
  local yes, no, missing = {}, {}, {}
  if turnover.v == nil then missing[#missing + 1] = turnover.miss
  elseif turnover.v <= SG_TURNOVER then
    yes[#yes + 1] = turnover.show(turnover.v, SG_TURNOVER) .. " <= S$100,000,000"
  else no[#no + 1] = turnover.show(turnover.v, SG_TURNOVER) .. " > S$100,000,000" end
  if emp.v == nil then missing[#missing + 1] = emp.miss
  elseif emp.v <= SG_EMPLOYEES then yes[#yes + 1] = emp.show(emp.v, SG_EMPLOYEES) .. " <= 200"
  else no[#no + 1] = emp.show(emp.v, SG_EMPLOYEES) .. " > 200" end
  if #yes > 0 then
    return "sme", "sme (Singapore): " .. table.concat(yes, " and ") ..
                  " (an SME on either; no micro, small or medium split)", true
  end
  if #missing > 0 then
    return unknown("Singapore", table.concat(missing, " and ") ..
                   (#no > 0 and ("; " .. no[1]) or "") ..
                   " (an SME has turnover <= S$100,000,000 or employment <= 200)")
  end
  return "large", "large (Singapore): " .. join_and(no) .. " (an SME is within either)", false
end

-- ---------------------------------------------------------------------------

local BY_COUNTRY = {
  CN = china, MY = malaysia, TH = thailand, VN = vietnam, PH = philippines, ID = indonesia,
  SG = singapore,
}

M.countries = { "CN", "MY", "TH", "VN", "PH", "ID", "SG" }

function M.country_name(c) return country_name(c) end

local function classify(e)
  local c = e.country
  local f = BY_COUNTRY[c]
  if f == nil then
    return "unknown", "unknown (" .. country_name(c) .. "): no SME definition is shipped for " ..
                      tostring(c) .. ", so the size class is unknown (which does not make it large)", nil
  end
  if e.sector == nil then return unknown(country_name(c), "no sector given") end
  return f(e)
end

-- class, reason, is_sme
function M.classify(e)
  quiet = false
  return classify(e)
end

-- class, is_sme: classify's, without the reason.
local function status_of(e)
  quiet = true
  local class, _, is_sme = classify(e)
  quiet = false
  return class, is_sme
end

-- ---------------------------------------------------------------------------
-- status, remembered (derive asks it for every enterprise of a registry).
-- A country's rule compares each figure with the thresholds of the
-- enterprise's row and decides from those comparisons alone (and from the
-- flags listed and subsidiary_of_large). So enterprises of one country and
-- row, with the same flags, whose figures fall on the same side of (or
-- on) each threshold get the same class and is_sme: status works out the
-- first of them with classify and remembers the answer for the others.
-- STATUS says, per country, the figures its rule reads (as money() and
-- employees() read them) and, per row, the thresholds of each, from the
-- tables above.

local function numbers(list, i)        -- the i-th member of each entry
  local out = {}
  for k = 1, #list do out[k] = list[k][i] end
  return out
end
local function cn_cuts(spec, crit)     -- China: a criterion's bounds and floors
  local out = {}
  for _, l in ipairs({ spec.bound, spec.medium, spec.small }) do
    for i = 1, #l do if l[i][1] == crit then out[#out + 1] = l[i][2] end end
  end
  return out
end

local STATUS = {
  CN = { map = CN_MAP, figures = { "employees", { "revenue", "CNY", 1e4 }, { "assets", "CNY", 1e4 } },
         cuts = function(row)
           local spec = CN_ROWS[row]
           return { cn_cuts(spec, "emp"), cn_cuts(spec, "rev"), cn_cuts(spec, "assets") }
         end },
  MY = { map = MY_MAP, flags = true, figures = { { "revenue", "MYR", 1 }, "employees" },
         cuts = function(row) return { MY_ROWS[row].sales, MY_ROWS[row].emp } end },
  TH = { map = TH_MAP, figures = { { "revenue", "THB", 1 }, "employees" },
         cuts = function(row) return { TH_ROWS[row].rev, TH_ROWS[row].emp } end },
  VN = { map = VN_MAP, figures = { "employees", { "revenue", "VND", 1e9 }, { "capital", "VND", 1e9 } },
         cuts = function(row)
           local c = VN_ROWS[row].classes
           return { numbers(c, 2), numbers(c, 3), numbers(c, 4) }
         end },
  PH = { flags = true, figures = { { "assets", "PHP", 1 }, "employees" },
         cuts = function() return { PH_ASSETS, PH_EMPLOYEES } end },
  ID = { figures = { { "revenue", "IDR", 1e9 }, { "capital", "IDR", 1e9 } },
         cuts = function() return { ID_SALES, ID_CAPITAL } end },
  SG = { figures = { { "revenue", "SGD", 1 }, "employees" },
         cuts = function() return { { SG_TURNOVER }, { SG_EMPLOYEES } } end },
}

-- A row's thresholds per figure, sorted and without repeats, once per row.
local cuts_by_row = {}
local function row_cuts(country, spec, row)
  local by_country = cuts_by_row[country]
  if by_country == nil then
    by_country = {}
    cuts_by_row[country] = by_country
  end
  local cuts = by_country[row]
  if cuts == nil then
    cuts = spec.cuts(row)
    for f = 1, #cuts do
      local seen, sorted = {}, {}
      for _, t in ipairs(cuts[f]) do
        if not seen[t] then seen[t] = true; sorted[#sorted + 1] = t end
      end
      table.sort(sorted)
      assert(#sorted <= 30, "sme: at most 30 thresholds a figure")
      cuts[f] = sorted
    end
    by_country[row] = cuts
  end
  return cuts
end

-- Where a figure falls among sorted thresholds: 0 below the first, 1 on it,
-- 2 between it and the next ... 62 for a missing figure, -1 for NaN.
local function place(v, cuts)
  if v == nil then return 62 end
  if v ~= v then return -1 end
  local b = 0
  for i = 1, #cuts do
    local t = cuts[i]
    if v < t then return b end
    if v == t then return b + 1 end
    b = b + 2
  end
  return b
end

local known, n_known = {}, 0   -- country -> row -> key -> { class, is_sme }

function M.status(e)
  local c = e.country
  local spec = STATUS[c]
  local sector = e.sector
  if BY_COUNTRY[c] == nil then return "unknown", nil end   -- classify's, without wording its reason
  if spec == nil or type(sector) ~= "string" then return status_of(e) end
  local row = "all"
  if spec.map then
    row = resolve(spec.map, sector)
    if row == nil then return status_of(e) end
  end
  local cuts = row_cuts(c, spec, row)
  local key = 0
  if spec.flags then
    key = (e.listed and 2 or 0) + (e.subsidiary_of_large and 1 or 0)
  end
  local figures = spec.figures
  for f = 1, #figures do
    local fig = figures[f]
    local v
    if fig == "employees" then
      v = e.employees
    else
      v = e:money(fig[1], fig[2])
      if v ~= nil then v = v / fig[3] end
    end
    local b = place(v, cuts[f])
    if b < 0 then return status_of(e) end
    key = key * 64 + b
  end
  local by_row = known[c]
  if by_row == nil then
    by_row = {}
    known[c] = by_row
  end
  local by_key = by_row[row]
  if by_key == nil then
    by_key = {}
    by_row[row] = by_key
  end
  local hit = by_key[key]
  if hit == nil then
    local class, is_sme = status_of(e)
    if n_known >= 65536 then known, n_known = {}, 0 end
    n_known = n_known + 1
    hit = { class, is_sme }
    by_key[key] = hit
  end
  return hit[1], hit[2]
end

-- True for the classes that are SMEs.
function M.is_sme_class(class)
  return class == "micro" or class == "small" or class == "medium" or class == "sme"
end

-- The "SME programme" rule shared by sme_support.lua and default.lua. It
-- reads the derived values sme_basis and is_sme, which the policy must
-- declare (derive { name = "sme_basis" ... } and "is_sme"). Scores: 1 for an
-- SME in a region with an SME programme (programmes has "sme_support"); 0 for
-- an SME elsewhere and for a large enterprise; unknown_score when the size is
-- unknown and the region runs a programme, else 0.
-- The score alone, from the derived is_sme: what a memoised rule runs.
function M.programme_score(e, r, unknown_score)
  local programme = r:has("programmes", "sme_support")
  if e.is_sme == true then return programme and 1 or 0 end
  if e.is_sme == false then return 0 end
  return programme and (unknown_score or 0) or 0
end

-- sme_class, sme_basis and is_sme, derived once per enterprise (one
-- classification serves the three).
function M.declare_derived()
  local classified = ind.per_profile(function(e) return { M.classify(e) } end)
  derive { name = "sme_class", side = "enterprise", value = function(e) return classified(e)[1] end }
  derive { name = "sme_basis", side = "enterprise", value = function(e) return classified(e)[2] end }
  derive { name = "is_sme", side = "enterprise", value = function(e) return classified(e)[3] end }
end

-- The "SME programme" rule, memoised on the size class and the region's
-- programmes; the reason names the figures that decided the class.
function M.declare_programme_rule(weight)
  rule {
    name = "SME programme", weight = weight, group = "sme",
    score = function(e, r, params) return M.programme_score(e, r, params.unknown_score) end,
    uses = { enterprise = { "is_sme" }, region = { "programmes" } },
    explain = function(e, r, params)
      local _, why = M.score_programme(e, r, params.unknown_score)
      return why
    end,
  }
end

function M.score_programme(e, r, unknown_score)
  local programme = r:has("programmes", "sme_support")
  local basis = e.sme_basis or "size class unknown"
  if e.is_sme == true then
    if programme then return 1, basis .. "; the region runs an SME programme" end
    return 0, basis .. "; the region runs no SME programme"
  elseif e.is_sme == false then
    return 0, basis .. "; SME programmes are not for a large enterprise"
  end
  if programme then
    return unknown_score or 0, basis .. "; the region runs an SME programme, but the size is unknown"
  end
  return 0, basis .. "; the region runs no SME programme"
end

return M
