-- reasons.test.lua - every reason the default policy can give reads as a
-- sentence a programme officer can act on.
--
-- The reasons of rules/default.lua come from the TEMPLATES of
-- rules/lib/partners.lua. This file fills every template once with sample
-- words (a sector in words with its code after it, money in its currency and
-- in US dollars) and checks each result:
--   every {slot} is filled;
--   no field name (sectors_sought, market_access) and no vocabulary word with
--   an underscore reaches the officer;
--   an ISIC code never stands alone: it follows its words, as "(ISIC 2826)";
--   it starts with a letter or a digit, has no doubled spaces, no space
--   before a comma, semicolon or colon, no doubled word ("the the"),
--   balanced parentheses, and does not end in a comma, semicolon or colon;
--   no plural subject takes "is" ("engineers is employed by").
-- The findings, if any, are shown by the one expectation below: it asks the
-- reason of a real pair to contain them, which it cannot, so the test fails
-- and prints every sentence that went wrong.

local partners = require "partners"

local SAMPLES = {
  home = "China", there = "the Philippines", met = "technology and equipment",
  offers = "labour and land", needs = "capital, technology and skills", who = "the region",
  what = "needs", n = 2, total = 5, seeks = "raw materials and partners",
  sought = "textile, clothing and leather machinery (ISIC 2826)",
  own = "fibre preparation and spinning (ISIC 1311)", theirs = "fibre crop farming (ISIC 0116)",
  why = "fibre crops are prepared and spun", resource = "abaca fiber",
  group = "equipment manufacturing", targets = "the Philippines, Vietnam and Cambodia",
  areas = "tourism", project = "a plant that would be built or moved",
  programme = "an industrial park", wanted = "an industrial park or a special economic zone",
  infra = "a port", language = "English", region = "Thai and English",
  basis = "small (China, industry): 150 employees >= 20 and revenue 800 wan >= 300",
  size = "150 employees and revenue CNY 8m (about US$1.12m)",
  source = "China's Foreign Investment Law, art. 9",
  fund = "Silk Road Fund", id = "SRF", fit = "0.75",
  others = "; also eligible: AIIB", venture = "a project of CNY 2-6m (about US$279-837k)",
}

local function problems(key, text)
  local out = {}
  local function bad(why) out[#out + 1] = key .. ": " .. why .. ": \"" .. text .. "\"" end
  if text:find("{%w+}") then bad("a slot is not filled") end
  if text:find("%l_%l") then bad("a field name or vocabulary word with an underscore") end
  for code in text:gmatch("()%f[%w]%d%d%d%d%f[%W]") do
    if text:sub(code - 5, code - 1) ~= "ISIC " then bad("an ISIC code without its words") end
  end
  if not text:find("^[%a%d]") then bad("does not start with a letter or a digit") end
  if text:find("  ") then bad("a doubled space") end
  if text:find(" [,;:]") then bad("a space before punctuation") end
  if text:find("[,;:]%s*$") then bad("ends in a comma, semicolon or colon") end
  local _, open = text:gsub("%(", "")
  local _, close = text:gsub("%)", "")
  if open ~= close then bad("unbalanced parentheses") end
  local prev
  for w in text:gmatch("%a+") do
    if prev and w:lower() == prev:lower() and #w > 1 then bad("a doubled word '" .. w .. "'") end
    prev = w
  end
  for w in text:gmatch("(%a+) is ") do
    if w:find("[^su]s$") and #w > 3 then bad("'" .. w .. " is': a plural subject with a singular verb") end
  end
  return out
end

local findings, count = {}, 0
local keys = {}
for k in pairs(partners.TEMPLATES) do keys[#keys + 1] = k end
table.sort(keys)
for _, k in ipairs(keys) do
  count = count + 1
  for _, p in ipairs(problems(k, partners.say(k, SAMPLES))) do findings[#findings + 1] = p end
end
-- the checks themselves must catch what they are for
local self_test = {
  { "a {slot} left", "a slot is not filled" },
  { "sectors_sought is 2826", "an ISIC code without its words" },
  { "skilled engineers is employed by research", "a plural subject" },
  { "the the region", "a doubled word" },
}
for _, t in ipairs(self_test) do
  local found = false
  for _, p in ipairs(problems("self-test", t[1])) do
    if p:find(t[2], 1, true) then found = true end
  end
  if not found then findings[#findings + 1] = "self-test: \"" .. t[1] .. "\" should give \"" .. t[2] .. "\"" end
end
if count < 40 then findings[#findings + 1] = "only " .. count .. " templates found" end

suite { policy = "../default.lua" }

case {
  name = "Every reason template of the default policy (" .. count .. ") reads as a sentence",
  regions = {
    { id = "ph", name = "PH province", country = "PH", needs = { "equipment" }, sectors_sought = { "2826" } },
  },
  enterprises = {
    { id = "cn", name = "CN maker", country = "CN", sector = "2826", offers = { "equipment" } },
  },
  expect = {
    -- passes when there is nothing to report; else fails, listing every finding
    { enterprise = "cn", region = "ph", rule = "needs met", reason = table.concat(findings, " | ") },
  },
}
