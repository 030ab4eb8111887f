-- funds.test.lua - which fund can finance a pair (rules/financing_funds.lua,
-- tables in rules/lib/funds.lua): each fund's territory, sector, instrument,
-- size band (CAF: US$50-150m) and maritime rules, the eligibility added in
-- issue 18 (size floors for the AIIB, SRF and CAMCF; SRF for Chinese
-- investment abroad only; CAMCF's government-led projects halved), the soft
-- factors (the region's funds list, the enterprise's wishes), and the
-- filter's veto.

suite { policy = "../financing_funds.lua" }

local regions = {
  { id = "ph", name = "Coastal PH province", country = "PH", connectivity = { port = true },
    funds = { "AIIB", "SRF", "CAF", "CAMCF" } },
  { id = "ph-nolist", name = "PH province, no funds listed, port unknown", country = "PH" },
  { id = "ph-aiib", name = "PH province listing only AIIB", country = "PH", connectivity = { port = true },
    funds = { "AIIB" } },
  { id = "ph-caf", name = "PH province listing only CAF", country = "PH", connectivity = { port = true },
    funds = { "CAF" } },
  { id = "cn", name = "Coastal CN province", country = "CN", connectivity = { port = true },
    funds = { "AIIB", "SRF", "CAMCF" } },
  { id = "la", name = "Landlocked LA province", country = "LA", connectivity = { port = false },
    funds = { "AIIB", "SRF", "CAF" } },
  { id = "us", name = "A US state", country = "US", connectivity = { port = true } },
}

case {
  name = "Territory: AIIB members, Belt and Road countries, ASEAN, China and ASEAN",
  regions = regions,
  enterprises = {
    { id = "road", name = "Road builder", country = "CN", sector = "4210", instruments = { "loan" },
      investment = { min = 100000000, max = 200000000, currency = "USD" }, funds_interest = { "AIIB" } },
  },
  expect = {
    -- CAF takes equity only, the enterprise wants a loan
    { enterprise = "road", region = "ph", vetoed = false, filter = "fund", reason = "can draw on AIIB, SRF" },
    { enterprise = "road", region = "ph", rule = "best fund", score = { 1, 1 },
      reason = "AIIB (Asian Infrastructure Investment Bank) fits 1.00: PH is an AIIB member; 4210 is transport and urban infrastructure; loan accepted; US$100-200m within US$10m or more; region lists AIIB; enterprise names AIIB" },
    { enterprise = "road", region = "la", vetoed = false, rule = "best fund", reason = "AIIB (Asian Infrastructure Investment Bank) fits 1.00: LA is an AIIB member" },
    -- the US is in none of the four territories
    { enterprise = "road", region = "us", vetoed = true, filter = "fund",
      reason = "no fund can finance this pair: AIIB: US is not an AIIB member; SRF: US is not a Belt and Road country; CAF: US is not an ASEAN member; CAMCF: US is not in China or ASEAN" },
    { enterprise = "road", region = "cn", score = { 1, 1 } },
  },
}

case {
  name = "CAF: ASEAN only, its sectors, minority equity, US$50-150m band",
  regions = regions,
  enterprises = {
    { id = "cement-in-band", name = "Cement, US$60-120m", country = "CN", sector = "2394", instruments = { "equity" },
      investment = { min = 60000000, max = 120000000, currency = "USD" }, funds_interest = { "CAF" } },
    { id = "cement-at-edges", name = "Cement, US$150-300m", country = "CN", sector = "2394", instruments = { "equity" },
      investment = { min = 150000000, max = 300000000, currency = "USD" }, funds_interest = { "CAF" } },
    { id = "cement-near", name = "Cement, US$10-20m", country = "CN", sector = "2394", instruments = { "equity" },
      investment = { min = 10000000, max = 20000000, currency = "USD" }, funds_interest = { "CAF" } },
    { id = "cement-small", name = "Cement, US$1-4m", country = "CN", sector = "2394", instruments = { "equity" },
      investment = { min = 1000000, max = 4000000, currency = "USD" }, funds_interest = { "CAF" } },
    { id = "cement-loan", name = "Cement, loan only", country = "CN", sector = "2394", instruments = { "loan" },
      investment = { min = 60000000, max = 120000000, currency = "USD" }, funds_interest = { "CAF" } },
    { id = "cement-no-size", name = "Cement, no size", country = "CN", sector = "2394", instruments = { "equity" },
      funds_interest = { "CAF" } },
    { id = "cement-cny", name = "Cement, CNY 500-800m", country = "CN", sector = "2394", instruments = { "equity" },
      investment = { min = 500000000, max = 800000000, currency = "CNY" }, funds_interest = { "CAF" } },
    { id = "looms-in-band", name = "Loom maker, US$60-120m", country = "CN", sector = "2826", instruments = { "equity" },
      investment = { min = 60000000, max = 120000000, currency = "USD" }, funds_interest = { "CAF" } },
  },
  expect = {
    { enterprise = "cement-in-band", region = "ph", rule = "best fund", score = { 1, 1 },
      reason = "CAF (China-ASEAN Investment Cooperation Fund) fits 1.00: PH is an ASEAN member; 2394 is building materials; equity accepted; US$60-120m within US$50-150m; region lists CAF; enterprise names CAF" },
    { enterprise = "cement-in-band", region = "ph", rule = "funds wished", score = { 1, 1 }, reason = "1 of 1 funds named can finance this pair: CAF" },
    -- a range touching the band counts as inside
    { enterprise = "cement-at-edges", region = "ph", rule = "best fund", score = { 1, 1 }, reason = "US$150-300m within US$50-150m" },
    -- 2.5 times below the band: 1 - log(2.5)/log(10) = 0.60
    { enterprise = "cement-near", region = "ph", rule = "funds wished", score = { 1, 1 } },
    -- in a region listing all funds, SRF (0.70: the enterprise did not name it) beats CAF (0.60)
    { enterprise = "cement-near", region = "ph", rule = "best fund", score = { 0.7, 0.7 },
      reason = "SRF (Silk Road Fund) fits 0.70: PH is a Belt and Road country; 2394 is industrial capacity cooperation; equity accepted; US$10-20m within US$10m or more; region lists SRF; enterprise names CAF (x0.7); also AIIB 0.35, CAF 0.60" },
    { enterprise = "cement-near", region = "ph-caf", rule = "best fund", score = { 0.6, 0.61 },
      reason = "CAF (China-ASEAN Investment Cooperation Fund) fits 0.60" },
    { enterprise = "cement-near", region = "ph-caf", rule = "best fund", reason = "US$10-20m is 2.5x outside US$50-150m (x0.60)" },
    -- 12.5 times below: out of the band (tolerance 10 times); SRF still finances building materials
    -- (manufacturing), below its US$10m floor: 1 - log(10/4)/log(10) = 0.60
    { enterprise = "cement-small", region = "ph", vetoed = false, filter = "fund", reason = "can draw on AIIB, SRF" },
    { enterprise = "cement-small", region = "ph", rule = "best fund", score = { 0.41, 0.43 },
      reason = "US$1-4m is 2.5x outside US$10m or more (x0.60)" },
    { enterprise = "cement-small", region = "ph", rule = "funds wished", score = { 0, 0 },
      reason = "none of the funds it names can finance this pair: CAF: US$1-4m is 12.5x outside its US$50-150m band" },
    { enterprise = "cement-loan", region = "ph", rule = "funds wished", score = { 0, 0 },
      reason = "CAF: uses minority equity, the enterprise accepts loan" },
    { enterprise = "cement-no-size", region = "ph-caf", rule = "best fund", score = { 0.5, 0.5 },
      reason = "CAF (China-ASEAN Investment Cooperation Fund) fits 0.50: PH is an ASEAN member; 2394 is building materials; equity accepted; no investment size to check against US$50-150m (x0.5)" },
    -- CNY 500-800m at 7.165 CNY/US$ = US$70-112m
    { enterprise = "cement-cny", region = "ph", rule = "best fund", score = { 1, 1 }, reason = "US$70-112m within US$50-150m" },
    -- China is not ASEAN
    { enterprise = "cement-in-band", region = "cn", rule = "funds wished", score = { 0, 0 }, reason = "CAF: CN is not an ASEAN member" },
    -- textile machinery is not among CAF's sectors
    { enterprise = "looms-in-band", region = "ph", rule = "funds wished", score = { 0, 0 }, reason = "CAF: 2826 not in its sectors" },
  },
}

case {
  name = "CAF band tolerance can be set",
  regions = regions,
  set = { band_tolerance = 2 },
  enterprises = {
    { id = "cement-near", name = "Cement, US$10-20m", country = "CN", sector = "2394", instruments = { "equity" },
      investment = { min = 10000000, max = 20000000, currency = "USD" }, funds_interest = { "CAF" } },
  },
  expect = {
    { enterprise = "cement-near", region = "ph", rule = "funds wished", score = { 0, 0 },
      reason = "CAF: US$10-20m is 2.5x outside its US$50-150m band" },
  },
}

case {
  name = "CAMCF: maritime topics, a port, government project funding (grants)",
  regions = regions,
  enterprises = {
    { id = "fishery", name = "Fishing cooperative", country = "CN", sector = "0311", instruments = { "grant" },
      investment = { min = 2000000, max = 5000000, currency = "USD" }, funds_interest = { "CAMCF" } },
    { id = "six-boats", name = "Six-boat co-operative", country = "CN", sector = "0311", instruments = { "grant" },
      investment = { min = 20000, max = 80000, currency = "USD" }, funds_interest = { "CAMCF" } },
    { id = "marine-biomed", name = "Marine biomedicine", country = "CN", sector = "2100", instruments = { "grant" },
      investment = { min = 5000000, max = 15000000, currency = "USD" },
      description = "Marine biomedicine: seaweed-derived wound dressings." },
    { id = "seafood-loan", name = "Seafood processor, loans", country = "CN", sector = "1020", instruments = { "loan" },
      funds_interest = { "CAMCF" } },
    { id = "looms-grant", name = "Loom maker, grants only", country = "CN", sector = "2826", instruments = { "grant" },
      description = "Air-jet weaving looms." },
  },
  expect = {
    -- an enterprise takes part in a government-led project: x0.5
    { enterprise = "fishery", region = "ph", rule = "best fund", score = { 0.5, 0.5 },
      reason = "CAMCF (China-ASEAN Maritime Cooperation Fund) fits 0.50: PH is in China or ASEAN; 0311 is fishery bases; as a participant in a government-led project (x0.5); grant accepted; US$2-5m within US$1m or more; region lists CAMCF; enterprise names CAMCF" },
    { enterprise = "fishery", region = "cn", rule = "best fund", score = { 0.5, 0.5 }, reason = "CAMCF (China-ASEAN Maritime Cooperation Fund) fits 0.50: CN is in China or ASEAN" },
    -- a US$20-80k ticket is 12.5 times below CAMCF's US$1m floor: no fund
    { enterprise = "six-boats", region = "ph", vetoed = true, filter = "fund",
      reason = "CAMCF: US$20-80k is 12.5x outside its US$1m or more band" },
    -- a landlocked region: no maritime project, and no other fund takes grants
    { enterprise = "fishery", region = "la", vetoed = true, filter = "fund", reason = "CAMCF: the region has no port" },
    -- the port is unknown: half; the region lists no funds: x0.8
    { enterprise = "fishery", region = "ph-nolist", rule = "best fund", score = { 0.2, 0.2 },
      reason = "port unknown (x0.5); as a participant in a government-led project (x0.5); grant accepted; US$2-5m within US$1m or more; region lists no funds (x0.8)" },
    -- a region that lists other funds: x0.5
    { enterprise = "fishery", region = "ph-aiib", rule = "best fund", score = { 0.25, 0.25 }, reason = "region does not list CAMCF (x0.5)" },
    -- a maritime description makes another sector a related project (x0.5)
    { enterprise = "marine-biomed", region = "ph", rule = "best fund", score = { 0.2, 0.2 },
      reason = "CAMCF (China-ASEAN Maritime Cooperation Fund) fits 0.20: PH is in China or ASEAN; maritime topic in the description (marine, x0.5); as a participant in a government-led project (x0.5)" },
    { enterprise = "seafood-loan", region = "ph", rule = "funds wished", score = { 0, 0 },
      reason = "CAMCF: uses government project funding (grants), the enterprise accepts loan" },
    { enterprise = "looms-grant", region = "ph", vetoed = true, filter = "fund",
      reason = "no fund can finance this pair: AIIB: uses loans, equity and guarantees, the enterprise accepts grant; SRF: uses equity, also debt, the enterprise accepts grant; CAF: 2826 not in its sectors; CAMCF: no maritime topic" },
  },
}

case {
  name = "AIIB and SRF: sectors, instruments, cross-border Belt and Road cooperation",
  regions = regions,
  enterprises = {
    { id = "software", name = "Software house, loans", country = "CN", sector = "6201", instruments = { "loan" },
      investment = { min = 20000000, max = 30000000, currency = "USD" } },
    { id = "power", name = "Power plant, no instruments stated", country = "CN", sector = "3510", funds_interest = { "AIIB" },
      investment = { min = 20000000, max = 30000000, currency = "USD" } },
    { id = "small-power", name = "Mini hydro, US$0.5-1m", country = "CN", sector = "3510", instruments = { "loan" },
      investment = { min = 500000, max = 1000000, currency = "USD" }, funds_interest = { "AIIB" } },
    { id = "cn-ev", name = "Chinese EV parts, equity", country = "CN", sector = "2930", instruments = { "equity" },
      investment = { min = 20000000, max = 30000000, currency = "USD" }, funds_interest = { "SRF" } },
    { id = "cn-ev-loan", name = "Chinese EV parts, loans", country = "CN", sector = "2930", instruments = { "loan" },
      investment = { min = 20000000, max = 30000000, currency = "USD" }, funds_interest = { "SRF" } },
    { id = "th-ev", name = "Thai EV parts, equity", country = "TH", sector = "2930", instruments = { "equity" },
      investment = { min = 20000000, max = 30000000, currency = "USD" }, funds_interest = { "SRF" } },
    { id = "ph-blocks", name = "PH hollow blocks, equity", country = "PH", sector = "2395", instruments = { "equity" },
      funds_interest = { "SRF" } },
    { id = "grant-farm", name = "Farm, grants only", country = "CN", sector = "0111", instruments = { "grant" } },
    { id = "power-guarantee", name = "Power plant, guarantees only", country = "CN", sector = "3510",
      instruments = { "guarantee" }, investment = { min = 20000000, max = 30000000, currency = "USD" } },
  },
  expect = {
    { enterprise = "software", region = "ph", rule = "best fund", score = { 0.4, 0.4 },
      reason = "AIIB (Asian Infrastructure Investment Bank) fits 0.40: PH is an AIIB member; 6201 is ICT services (related, x0.5); loan accepted; US$20-30m within US$10m or more; region lists AIIB; enterprise names no funds (x0.8)" },
    { enterprise = "software", region = "ph", rule = "best fund", reason = "also SRF 0.30" },
    { enterprise = "power", region = "ph", rule = "best fund", score = { 0.5, 0.5 },
      reason = "AIIB (Asian Infrastructure Investment Bank) fits 0.50: PH is an AIIB member; 3510 is energy; instruments not stated (x0.5)" },
    -- AIIB's floor: US$0.5-1m is 10x below US$10m, out at the default tolerance
    { enterprise = "small-power", region = "ph", rule = "funds wished", score = { 0, 0 },
      reason = "AIIB: US$500k-1m is 10x outside its US$10m or more band" },
    { enterprise = "cn-ev", region = "ph", rule = "best fund", score = { 1, 1 },
      reason = "SRF (Silk Road Fund) fits 1.00: PH is a Belt and Road country; 2930 is industrial capacity cooperation; equity accepted; US$20-30m within US$10m or more; region lists SRF; enterprise names SRF" },
    { enterprise = "cn-ev-loan", region = "ph", rule = "best fund", score = { 0.75, 0.75 }, reason = "loan accepted (x0.75)" },
    -- SRF finances Chinese investment abroad: not a Thai firm, not a region in China
    { enterprise = "th-ev", region = "ph", rule = "funds wished", score = { 0, 0 },
      reason = "SRF: finances Chinese investment abroad, and the enterprise is from TH" },
    { enterprise = "cn-ev", region = "cn", rule = "funds wished", score = { 0, 0 },
      reason = "SRF: finances cross-border cooperation, and both sides are in CN" },
    -- both sides in the Philippines: not Belt and Road (cross-border) cooperation
    { enterprise = "ph-blocks", region = "ph", rule = "funds wished", score = { 0, 0 },
      reason = "SRF: finances cross-border cooperation, and both sides are in PH" },
    { enterprise = "ph-blocks", region = "cn", rule = "funds wished", score = { 0, 0 },
      reason = "SRF: finances Chinese investment abroad, and the region is in CN" },
    { enterprise = "grant-farm", region = "ph", vetoed = true, filter = "fund", reason = "no fund can finance this pair" },
    -- the AIIB guarantees loans (aiib.org, "Financing operations", checked 2026-12)
    { enterprise = "power-guarantee", region = "ph", rule = "best fund", reason = "guarantee accepted" },
  },
}
