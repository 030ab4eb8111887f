-- default.test.lua - the shipped default policy (rules/default.lua) on small
-- hand-made profiles: its two filters, its weights in both views, neutral
-- credit for missing data, directional sector links, SME and fund
-- eligibility, who brings the capital, and reasons in words.
-- rules/tests/dialogue.test.lua judges it on the dialogue's regions.

suite { policy = "../default.lua" }

case {
  name = "Cross-border by default; domestic=true lets home-country pairs through",
  regions = {
    { id = "ph", name = "PH province", country = "PH", needs = { "equipment" } },
    { id = "cn", name = "CN province", country = "CN", needs = { "equipment" } },
  },
  enterprises = {
    { id = "maker", name = "CN maker", country = "CN", sector = "2826", offers = { "equipment" } },
  },
  expect = {
    { enterprise = "maker", region = "ph", vetoed = false, filter = "cross-border",
      reason = "cross-border: an enterprise from China and a region in the Philippines" },
    { enterprise = "maker", region = "cn", vetoed = true, filter = "cross-border",
      reason = "both in China: the default policy matches across borders (set domestic=true for a domestic programme)" },
    { enterprise = "maker", top = "ph" },
  },
}

case {
  name = "domestic=true: a domestic programme",
  set = { domestic = true },
  regions = {
    { id = "cn", name = "CN province", country = "CN", needs = { "equipment" } },
  },
  enterprises = {
    { id = "maker", name = "CN maker", country = "CN", sector = "2826", offers = { "equipment" } },
  },
  expect = {
    { enterprise = "maker", region = "cn", vetoed = false, filter = "cross-border",
      reason = "both in China: a domestic pair, allowed because domestic is set" },
  },
}

case {
  name = "A partner that brings nothing the region asks for is not shown; missing lists cannot veto",
  regions = {
    { id = "r", name = "Needs capital", country = "PH", needs = { "capital" }, sectors_sought = { "2826" } },
    { id = "silent", name = "Lists no needs", country = "PH" },
  },
  enterprises = {
    { id = "labour", name = "Offers labour only", country = "VN", sector = "1410", offers = { "labour" } },
    { id = "capital", name = "Offers capital", country = "VN", sector = "1410", offers = { "capital", "labour" } },
    { id = "sought", name = "In a sought sector, offers labour", country = "VN", sector = "2826", offers = { "labour" } },
    { id = "quiet", name = "Lists no offers", country = "VN", sector = "1410" },
  },
  expect = {
    { enterprise = "labour", region = "r", vetoed = true, filter = "meets a need",
      reason = "the enterprise offers labour, none of what the region needs (capital)" },
    { enterprise = "capital", region = "r", vetoed = false, filter = "meets a need",
      reason = "the enterprise offers capital, which the region needs" },
    -- a sector the region seeks does not make up for bringing none of its needs
    { enterprise = "sought", region = "r", vetoed = true, filter = "meets a need" },
    { enterprise = "quiet", region = "r", vetoed = false, filter = "meets a need",
      reason = "the enterprise lists no offers, so this check cannot tell" },
    { enterprise = "labour", region = "silent", vetoed = false, filter = "meets a need",
      reason = "the region lists no needs" },
  },
}

case {
  name = "Neutral credit for missing data: half, never full",
  regions = {
    { id = "silent", name = "Lists nothing", country = "PH" },
  },
  enterprises = {
    { id = "anywhere", name = "Names no targets", country = "CN", sector = "2826", offers = { "equipment" } },
  },
  expect = {
    { enterprise = "anywhere", region = "silent", rule = "target country", score = { 0.5, 0.5 },
      reason = "the enterprise names no target countries: neutral credit (half)" },
    { enterprise = "anywhere", region = "silent", rule = "needs met", score = { 0.5, 0.5 },
      reason = "the region lists no needs: neutral credit (half)" },
    { enterprise = "anywhere", region = "silent", rule = "sector fit", score = { 0.5, 0.5 },
      reason = "the region lists no sectors sought or offered and no resources: neutral credit (half)" },
    { enterprise = "anywhere", region = "silent", rule = "languages", score = { 0.5, 0.5 },
      reason = "the enterprise lists no languages: neutral credit (half)" },
  },
}

-- A pair that meets everything: every rule of both views scores 1.
local perfect_region = {
  id = "perfect", name = "Perfect region", country = "PH", languages = { "en" },
  sectors_sought = { "3011" }, needs = { "equipment" }, offers = { "market_access" },
  programmes = { "sme_support", "industrial_park" }, cooperation_areas = { "transport_infrastructure" },
  funds = { "SRF" }, connectivity = { port = true, airport = true, direct_flights = { "CN-TJ" } },
  attrs = { sme_support_open_to_foreign = true },
}
local yard = {
  id = "yard", name = "Small shipyard", country = "CN", subdivision = "CN-TJ", languages = { "zh", "en" },
  sector = "3011", employees = 150, revenue = { amount = 8000000, currency = "CNY" },
  offers = { "equipment", "capital" }, seeks = { "market_access" }, target_countries = { "PH" },
  investment = { min = 20000000, max = 30000000, currency = "USD" }, instruments = { "equity" },
  funds_interest = { "SRF" },
}
local big_yard = {}
for k, v in pairs(yard) do big_yard[k] = v end
big_yard.id, big_yard.name, big_yard.employees = "big-yard", "Large shipyard", 5000
big_yard.revenue = { amount = 8000000000, currency = "CNY" }

case {
  name = "The weights: a perfect pair scores 1 in both views; the SME programme weighs 1 of 19",
  regions = { perfect_region },
  enterprises = { yard, big_yard },
  expect = {
    { enterprise = "yard", region = "perfect", score = { 0.999999, 1 } },
    { enterprise = "yard", region = "perfect", rule = "region: needs met", score = { 1, 1 } },
    { enterprise = "yard", region = "perfect", rule = "region: sector sought", score = { 1, 1 } },
    { enterprise = "yard", region = "perfect", rule = "region: capital", score = { 1, 1 } },
    { enterprise = "yard", region = "perfect", rule = "region: cooperation area", score = { 1, 1 } },
    { enterprise = "yard", region = "perfect", rule = "region: zones used", score = { 1, 1 } },
    { enterprise = "yard", region = "perfect", rule = "region: wants to come", score = { 1, 1 } },
    { enterprise = "yard", region = "perfect", rule = "getting there", score = { 1, 1 },
      reason = "the enterprise's business needs a port, and the region has it: full credit" },
    { enterprise = "yard", region = "perfect", rule = "fund", score = { 1, 1 },
      reason = "the Silk Road Fund (SRF) can finance a project of US$20-30m (fit 1.00)" },
    { enterprise = "yard", region = "perfect", rule = "SME programme", score = { 1, 1 },
      reason = "150 employees and revenue CNY 8m (about US$1.12m); the region's SME programme is open to foreign firms that set up there (the region's profile says so): full credit" },
    { enterprise = "big-yard", region = "perfect", score = { 0.947368, 0.947369 } },
    { enterprise = "big-yard", region = "perfect", rule = "SME programme", score = { 0, 0 },
      reason = "SME programmes are not for a large enterprise" },
  },
}

case {
  name = "SME programmes: only where the enterprise may use them",
  regions = {
    { id = "ph", name = "PH, programme for Filipino firms", country = "PH", programmes = { "sme_support" },
      needs = { "equipment" } },
    { id = "cn", name = "CN, open by law", country = "CN", programmes = { "sme_support" }, needs = { "equipment" } },
    { id = "none", name = "No programme", country = "TH", needs = { "equipment" } },
    { id = "open-th", name = "TH, says its programme is open", country = "TH", programmes = { "sme_support" },
      needs = { "equipment" }, attrs = { sme_support_open_to_foreign = true } },
  },
  enterprises = {
    { id = "vn-sme", name = "Vietnamese SME", country = "VN", sector = "2826", employees = 50,
      revenue = { amount = 20000000000, currency = "VND" }, offers = { "equipment" } },
    { id = "cn-sme", name = "Chinese SME", country = "CN", sector = "2826", employees = 150,
      revenue = { amount = 8000000, currency = "CNY" }, offers = { "equipment" } },
    { id = "cn-sub", name = "Subsidiary of a state group", country = "CN", sector = "3030", employees = 900,
      revenue = { amount = 1200000000, currency = "CNY" }, subsidiary_of_large = true, offers = { "equipment" } },
    { id = "la-firm", name = "Lao firm", country = "LA", sector = "0127", employees = 14, offers = { "equipment" } },
  },
  expect = {
    { enterprise = "cn-sme", region = "ph", rule = "SME programme", score = { 0, 0 },
      reason = "the region's SME programme is for firms of its own country, and this one is from China" },
    { enterprise = "vn-sme", region = "cn", rule = "SME programme", score = { 1, 1 },
      reason = "open to foreign firms that set up there (China's Foreign Investment Law, art. 9): full credit" },
    { enterprise = "vn-sme", region = "none", rule = "SME programme", score = { 0, 0 },
      reason = "the region runs no SME programme" },
    { enterprise = "cn-sme", region = "open-th", rule = "SME programme", score = { 1, 1 },
      reason = "open to foreign firms that set up there (the region's profile says so)" },
    -- China's 2011 table (as entered) has no subsidiary exclusion: a state
    -- group's subsidiary is "medium"; the default policy gives it no SME bonus
    { enterprise = "cn-sub", region = "open-th", rule = "SME programme", score = { 0, 0 },
      reason = "medium (China, industry)" },
    { enterprise = "cn-sub", region = "open-th", rule = "SME programme",
      reason = "which the default policy does not treat as an SME" },
    { enterprise = "la-firm", region = "cn", rule = "SME programme", score = { 0.5, 0.5 },
      reason = "unknown (Laos): no SME definition is shipped for LA" },
    { enterprise = "la-firm", region = "cn", rule = "SME programme",
      reason = "the size is unknown, and the region's SME programme is open to it: neutral credit (half)" },
  },
}

case {
  name = "SME programmes: a large group's subsidiary is not an SME here",
  regions = {
    { id = "cn", name = "CN, open by law", country = "CN", programmes = { "sme_support" }, needs = { "equipment" } },
  },
  enterprises = {
    { id = "th-sub", name = "Thai subsidiary", country = "TH", sector = "2930", employees = 40,
      revenue = { amount = 30000000, currency = "THB" }, subsidiary_of_large = true, offers = { "equipment" } },
  },
  expect = {
    { enterprise = "th-sub", region = "cn", rule = "SME programme", score = { 0, 0 },
      reason = "but it belongs to a large, listed or state group, which the default policy does not treat as an SME" },
  },
}

case {
  name = "Sector links run one way, and one link is credited once",
  regions = {
    { id = "fibre", name = "Fibre province", country = "PH", sectors_offered = { "0116" }, needs = { "equipment" } },
    { id = "rubber", name = "Rubber province", country = "KH", resources = { "rubber" }, needs = { "capital" } },
    { id = "salt", name = "Salt coast", country = "VN", resources = { "sea salt" }, needs = { "capital" } },
    { id = "kiwi", name = "Kiwifruit valley", country = "CN", resources = { "kiwifruit" }, needs = { "capital" } },
    { id = "abaca", name = "Abaca island", country = "PH", resources = { "abaca fiber" }, needs = { "equipment" } },
  },
  enterprises = {
    { id = "spinner", name = "Spinner seeking fibre", country = "CN", sector = "1311", seeks = { "raw_materials" },
      offers = { "equipment" } },
    { id = "spinner-2", name = "Spinner seeking markets", country = "CN", sector = "1311", seeks = { "market_access" },
      offers = { "equipment" } },
    { id = "tyres", name = "Tyre maker", country = "CN", sector = "2211", seeks = { "raw_materials" }, offers = { "capital" } },
    { id = "planter", name = "Rubber planter", country = "TH", sector = "0129", seeks = { "raw_materials" }, offers = { "capital" } },
    { id = "coffee", name = "Coffee roaster", country = "LA", sector = "1079", seeks = { "raw_materials" }, offers = { "capital" } },
    { id = "tropical", name = "Tropical fruit grower", country = "TH", sector = "0122", seeks = { "land" }, offers = { "capital" } },
    { id = "looms", name = "Machinery maker", country = "CN", sector = "2826", seeks = { "market_access" },
      offers = { "equipment" } },
  },
  expect = {
    { enterprise = "spinner", region = "fibre", rule = "sector fit", score = { 0.8, 0.8 },
      reason = "the region's fibre crop farming (ISIC 0116) supplies the enterprise's fibre preparation and spinning (ISIC 1311), which seeks raw materials" },
    -- the same link, but the spinner does not ask for raw materials
    { enterprise = "spinner-2", region = "fibre", rule = "sector fit", score = { 0, 0 } },
    { enterprise = "tyres", region = "rubber", rule = "sector fit", score = { 0.8, 0.8 },
      reason = "the region's rubber feeds the enterprise's tyres, tubes and retreading (ISIC 2211), which seeks raw materials" },
    -- a planter of the same crop is a competitor, not a partner of the resource
    { enterprise = "planter", region = "rubber", rule = "sector fit", score = { 0, 0 } },
    -- corrected facts: sea salt no longer credits class 1079 (coffee), kiwifruit is not tropical fruit
    { enterprise = "coffee", region = "salt", rule = "sector fit", score = { 0, 0 } },
    { enterprise = "tropical", region = "kiwi", rule = "sector fit", score = { 0, 0 } },
    { enterprise = "looms", region = "abaca", rule = "sector fit", score = { 0.8, 0.8 },
      reason = "the region's abaca fiber is processed with machines like the enterprise's textile, clothing and leather machinery (ISIC 2826), which seeks market access" },
  },
}

case {
  name = "Funds: eligible or not, and why, without multiplier chains",
  regions = {
    { id = "ph", name = "PH port", country = "PH", funds = { "AIIB", "SRF" }, needs = { "equipment" },
      connectivity = { port = true } },
    { id = "cn", name = "CN port", country = "CN", funds = { "AIIB", "SRF" }, needs = { "equipment" },
      connectivity = { port = true } },
  },
  enterprises = {
    { id = "cn-plant", name = "Chinese plant, US$20-30m", country = "CN", sector = "2394", instruments = { "equity" },
      investment = { min = 20000000, max = 30000000, currency = "USD" }, offers = { "equipment" } },
    { id = "th-plant", name = "Thai plant, US$20-30m", country = "TH", sector = "2394", instruments = { "equity" },
      investment = { min = 20000000, max = 30000000, currency = "USD" }, offers = { "equipment" } },
    { id = "portal", name = "A 4-person portal", country = "MY", sector = "6311", instruments = { "equity" },
      investment = { min = 12000, max = 47000, currency = "USD" }, offers = { "equipment" } },
  },
  expect = {
    { enterprise = "cn-plant", region = "ph", rule = "fund", score = { 0.8, 0.8 },
      reason = "the Silk Road Fund (SRF) can finance a project of US$20-30m (fit 0.80): the region is a Belt and Road country; 2394 is industrial capacity cooperation; equity accepted; the project (US$20-30m) reaches its floor of US$10m; the region lists SRF; the enterprise names no funds; also eligible: AIIB and CAF" },
    -- SRF finances Chinese investment abroad
    { enterprise = "th-plant", region = "cn", rule = "fund",
      reason = "the Asian Infrastructure Investment Bank (AIIB) can finance a project of US$20-30m" },
    { enterprise = "portal", region = "ph", rule = "fund", score = { 0, 0 },
      reason = "no fund can finance a project of US$12-47k: AIIB: US$12-47k is 212.8 times below its floor of US$10m" },
  },
}

case {
  name = "Who brings the capital: somebody in the pair must",
  regions = {
    { id = "needs", name = "Needs capital", country = "PH", needs = { "capital", "equipment" } },
    { id = "offers", name = "Offers capital", country = "PH", needs = { "equipment" }, offers = { "capital" } },
  },
  enterprises = {
    { id = "investor", name = "Brings capital", country = "CN", sector = "2826", offers = { "capital", "equipment" } },
    { id = "seeker", name = "Seeks capital", country = "CN", sector = "2826", offers = { "equipment" }, seeks = { "capital" } },
    { id = "maker", name = "Neither", country = "CN", sector = "2826", offers = { "equipment" } },
  },
  expect = {
    { enterprise = "investor", region = "needs", rule = "who brings capital", score = { 1, 1 },
      reason = "the region needs capital and the enterprise brings it: full credit" },
    { enterprise = "seeker", region = "needs", rule = "who brings capital", score = { 0, 0 },
      reason = "both the region and the enterprise look for capital: nobody in the pair brings it" },
    { enterprise = "maker", region = "needs", rule = "region: capital", score = { 0.3, 0.3 } },
    -- any one need met earns half; all of them full credit
    { enterprise = "maker", region = "needs", rule = "needs met", score = { 0.5, 0.5 },
      reason = "the enterprise brings 1 of the 2 things the region needs: equipment (full credit when it brings all; any one need met earns half)" },
    { enterprise = "investor", region = "needs", rule = "region: needs met", score = { 1, 1 },
      reason = "the enterprise brings both things the region needs: capital and equipment (full credit)" },
    { enterprise = "seeker", region = "offers", rule = "who brings capital", score = { 1, 1 } },
    { region = "needs", top = "investor" },
  },
}
