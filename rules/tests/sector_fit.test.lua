-- sector_fit.test.lua - sector fit both ways (rules/sector_fit.lua, tables in
-- rules/lib/industries.lua): sectors sought, sectors offered along the value
-- chain, resources linked to the sectors that process them (the abaca link),
-- Joint Statement groups, needs and seeks.

suite { policy = "../sector_fit.lua" }

-- Catanduanes as in the dialogue: abaca, coconut, fish; offers fibre crops
-- and fibre preparation; seeks machinery, bricks and paper.
local abaca_region = {
  id = "abaca", name = "Abaca province", country = "PH",
  sectors_offered = { "0116", "1311" },
  sectors_sought = { "2826", "28", "2392", "2395", "1701", "1709" },
  resources = { "abaca fiber", "coconut", "fish", "abaca residue" },
  needs = { "equipment", "technology", "capital", "market_access", "skills" },
  offers = { "raw_materials", "labour", "land" },
}

case {
  name = "Resources: abaca reaches the sectors that grow, process and use it, without the word in the description",
  regions = { abaca_region },
  enterprises = {
    { id = "looms", name = "Loom maker", country = "CN", sector = "2826", description = "Air-jet and rapier weaving looms." },
    { id = "spinner", name = "Spinner", country = "VN", sector = "1311" },
    { id = "rope", name = "Rope maker", country = "CN", sector = "1394" },
    { id = "paper", name = "Paper maker", country = "CN", sector = "1709" },
    { id = "bricks", name = "Brick maker", country = "CN", sector = "2392" },
    { id = "food-machinery", name = "Food machinery", country = "CN", sector = "2825" },
    { id = "other-machinery", name = "Other special machinery", country = "CN", sector = "2829" },
    { id = "machinery", name = "Machinery (division only)", country = "CN", sector = "28" },
    { id = "software", name = "Software house", country = "CN", sector = "6201", description = "ERP for exporters and importers." },
    { id = "crafts", name = "Craft shop", country = "CN", sector = "4791", description = "Sells Abaca handicrafts online." },
  },
  expect = {
    { enterprise = "looms", region = "abaca", rule = "resources", score = { 1, 1 },
      reason = "abaca fiber is processed by 2826 Textile machinery (decorticating, stripping and spinning machines)" },
    { enterprise = "spinner", region = "abaca", rule = "resources", score = { 1, 1 },
      reason = "abaca fiber is prepared and spun by 1311 Fibre preparation and spinning" },
    { enterprise = "rope", region = "abaca", rule = "resources", score = { 1, 1 }, reason = "abaca fiber is made into rope by 1394" },
    { enterprise = "paper", region = "abaca", rule = "resources", score = { 1, 1 }, reason = "abaca fiber is made into paper by 1709" },
    { enterprise = "bricks", region = "abaca", rule = "resources", score = { 1, 1 }, reason = "abaca fiber is used in bricks by 2392" },
    { enterprise = "food-machinery", region = "abaca", rule = "resources", score = { 1, 1 },
      reason = "coconut is processed by 2825 Food processing machinery" },
    -- same ISIC group as a linked class: half
    { enterprise = "other-machinery", region = "abaca", rule = "resources", score = { 0.5, 0.5 },
      reason = "abaca fiber is processed by 2826 Textile machinery (decorticating, stripping and spinning machines) (the enterprise is in 2829)" },
    -- a broader code than the link: three quarters
    { enterprise = "machinery", region = "abaca", rule = "resources", score = { 0.75, 0.75 }, reason = "(the enterprise is in 28)" },
    { enterprise = "software", region = "abaca", rule = "resources", score = { 0, 0 },
      reason = "none of the region's resources (abaca fiber, coconut, fish, abaca residue) is linked to 6201 or named in the description" },
    { enterprise = "crafts", region = "abaca", rule = "resources", score = { 1, 1 }, reason = "the description mentions abaca (the region lists abaca fiber)" },
  },
}

case {
  name = "Resources: tags are matched as words (port is not export), missing resources",
  regions = {
    { id = "port-city", name = "Port city", country = "SG", resources = { "deep-water port" } },
    { id = "no-resources", name = "No resources listed", country = "SG" },
  },
  enterprises = {
    { id = "portal", name = "Export portal", country = "CN", sector = "6312", description = "An export and import portal." },
    { id = "port-operator", name = "Port operator", country = "CN", sector = "5222" },
  },
  expect = {
    { enterprise = "portal", region = "port-city", rule = "resources", score = { 0, 0 } },
    { enterprise = "port-operator", region = "port-city", rule = "resources", score = { 1, 1 },
      reason = "deep-water port is run by 5222 Port and water transport services" },
    { enterprise = "port-operator", region = "no-resources", rule = "resources", score = { 0, 0 },
      reason = "the region lists no resources" },
  },
}

case {
  name = "Sectors sought and offered, both ways along the value chain",
  regions = {
    abaca_region,
    { id = "machinery-hub", name = "Machinery hub", country = "CN", sectors_offered = { "2826" } },
    { id = "no-sectors", name = "No sectors listed", country = "LA" },
  },
  enterprises = {
    { id = "looms", name = "Loom maker", country = "CN", sector = "2826", seeks = { "market_access" } },
    { id = "looms-no-market", name = "Loom maker not seeking markets", country = "CN", sector = "2826", seeks = { "partners" } },
    { id = "spinner", name = "Spinner seeking fibre", country = "VN", sector = "1311", seeks = { "raw_materials" } },
    { id = "weaver", name = "Weaver seeking equipment", country = "VN", sector = "1312", seeks = { "equipment" } },
    { id = "other-machinery", name = "Other special machinery", country = "CN", sector = "2829" },
    { id = "software", name = "Software house", country = "CN", sector = "6201" },
  },
  expect = {
    { enterprise = "looms", region = "abaca", rule = "sectors sought", score = { 1, 1 } },
    { enterprise = "other-machinery", region = "abaca", rule = "sectors sought", score = { 1, 1 } },
    { enterprise = "weaver", region = "abaca", rule = "sectors sought", score = { 0.25, 0.25 } },
    { enterprise = "software", region = "abaca", rule = "sectors sought", score = { 0, 0 } },
    -- the region's fibre industry is the machinery maker's market
    { enterprise = "looms", region = "abaca", rule = "sectors offered", score = { 1, 1 },
      reason = ", a market for 2826 (" },
    { enterprise = "looms", region = "abaca", rule = "sectors offered", reason = "the enterprise seeks market access" },
    { enterprise = "looms-no-market", region = "abaca", rule = "sectors offered", score = { 0.8, 0.8 }, reason = "a market for 2826" },
    -- the region's fibre crops supply the spinner
    { enterprise = "spinner", region = "abaca", rule = "sectors offered", score = { 1, 1 },
      reason = "the region offers 0116 Fibre crop farming, upstream of 1311 (fibre crops are prepared and spun); the enterprise seeks raw materials" },
    { enterprise = "weaver", region = "abaca", rule = "sectors offered", score = { 0.8, 0.8 },
      reason = "the region offers 1311 Fibre preparation and spinning, upstream of 1312 (yarn is woven)" },
    -- a cluster of the enterprise's own group
    { enterprise = "other-machinery", region = "machinery-hub", rule = "sectors offered", score = { 0.45, 0.45 },
      reason = "the region offers 2826 Textile, clothing and leather machinery, a cluster of its group 2829" },
    { enterprise = "looms", region = "machinery-hub", rule = "sectors offered", score = { 0.6, 0.6 }, reason = "a cluster of its own sector 2826" },
    { enterprise = "software", region = "abaca", rule = "sectors offered", score = { 0, 0 },
      reason = "none of the sectors offered (0116, 1311) supplies, buys from or clusters with 6201" },
    { enterprise = "software", region = "no-sectors", rule = "sectors offered", score = { 0, 0 }, reason = "the region lists no sectors offered" },
  },
}

case {
  name = "Joint Statement industry groups",
  regions = {
    { id = "ev-cluster", name = "Seeks batteries", country = "TH", sectors_sought = { "2720" } },
    { id = "shipyard-town", name = "Offers shipbuilding", country = "VN", sectors_offered = { "3011" }, sectors_sought = { "5510" } },
    { id = "blocks", name = "Seeks hollow blocks", country = "PH", sectors_sought = { "2395" } },
    { id = "no-sectors", name = "No sectors listed", country = "LA" },
  },
  enterprises = {
    { id = "trucks", name = "Truck maker", country = "CN", sector = "2910" },
    { id = "fishery", name = "Fishing fleet", country = "CN", sector = "0311" },
    { id = "paper", name = "Paper maker", country = "CN", sector = "1701" },
    { id = "software", name = "Software house", country = "CN", sector = "6201" },
  },
  expect = {
    { enterprise = "trucks", region = "ev-cluster", rule = "joint statement", score = { 1, 1 },
      reason = "both in the Joint Statement's equipment manufacturing group: 2910, and the region seeks 2720" },
    -- the marine industry group: the region only offers it, half
    { enterprise = "fishery", region = "shipyard-town", rule = "joint statement", score = { 0.5, 0.5 },
      reason = "both in the Joint Statement's marine industry group: 0311, and the region offers 3011" },
    { enterprise = "paper", region = "blocks", rule = "joint statement", score = { 0, 0 },
      reason = "sectors 1701 are in none of the Joint Statement industries" },
    { enterprise = "software", region = "blocks", rule = "joint statement", score = { 0, 0 },
      reason = "no Joint Statement industry in common (the enterprise is in high technology)" },
    { enterprise = "software", region = "no-sectors", rule = "joint statement", score = { 0, 0 },
      reason = "the region lists no sectors sought or offered" },
  },
}

case {
  name = "Needs met by offers, and what the enterprise seeks met by the region's offers",
  regions = { abaca_region },
  enterprises = {
    { id = "machinery", name = "Machinery maker", country = "CN", sector = "2826",
      offers = { "equipment", "technology", "skills" }, seeks = { "raw_materials", "market_access", "partners" } },
    { id = "quiet", name = "Lists nothing", country = "CN", sector = "2826" },
  },
  expect = {
    { enterprise = "machinery", region = "abaca", rule = "needs met", score = { 0.6, 0.6 }, reason = "3 of 5 needs" },
    { enterprise = "machinery", region = "abaca", rule = "seeks met", score = { 0.33, 0.34 },
      reason = "the region offers 1 of 3 things sought: raw_materials" },
    { enterprise = "quiet", region = "abaca", rule = "needs met", score = { 0, 0 } },
    { enterprise = "quiet", region = "abaca", rule = "seeks met", score = { 0, 0 }, reason = "the enterprise lists nothing it seeks" },
  },
}

case {
  name = "Example data: every textile machinery maker reaches Catanduanes through the abaca link",
  regions = "../../examples/data/regions.json",
  enterprises = "../../examples/data/enterprises.json",
  expect = {
    { region = "ph-catanduanes", top = "cn-xian-textile-machinery" },
    { enterprise = "cn-xian-textile-machinery", top = "ph-catanduanes" },
    { enterprise = "cn-xian-textile-machinery", region = "ph-catanduanes", rule = "resources", score = { 1, 1 },
      reason = "abaca fiber is processed by 2826 Textile machinery (decorticating, stripping and spinning machines); the description mentions abaca (the region lists abaca fiber)" },
    { enterprise = "cn-qingdao-spinning-equipment", region = "ph-catanduanes", rule = "resources", score = { 1, 1 },
      reason = "abaca fiber is processed by 2826 Textile machinery" },
    { enterprise = "cn-changzhou-loom-works", region = "ph-catanduanes", rule = "resources", score = { 1, 1 },
      reason = "abaca fiber is processed by 2826 Textile machinery" },
    { enterprise = "cn-zhejiang-knitting-machinery", region = "ph-catanduanes", rule = "resources", score = { 1, 1 },
      reason = "abaca fiber is processed by 2826 Textile machinery" },
    { enterprise = "cn-qingdao-spinning-equipment", region = "ph-catanduanes", score = { 0.8, 0.9 } },
    { enterprise = "cn-guangxi-green-building", region = "ph-catanduanes", rule = "resources", score = { 1, 1 },
      reason = "abaca fiber is used in bricks by 2392" },
    { enterprise = "cn-fujian-specialty-paper", region = "ph-catanduanes", rule = "resources", score = { 1, 1 },
      reason = "abaca fiber is pulped by 1701 Pulp and paper mills" },
    { enterprise = "cn-qingdao-tyre", region = "kh-kampong-cham", rule = "resources", score = { 1, 1 },
      reason = "rubber (latex; smoked sheet) is made into tyres by 2211 Tyres" },
    { enterprise = "cn-qingdao-seafood-coldchain", region = "vn-ben-tre", rule = "resources", score = { 1, 1 },
      reason = "shrimp is processed by 1020 Fish and seafood processing; the description mentions shrimp" },
  },
}

case {
  name = "Resource reasons agree in number: beaches are, rubber is",
  regions = {
    { id = "isle", name = "Resort isle", country = "TH", resources = { "beaches", "skilled engineers", "rubber (latex; smoked sheet)" } },
  },
  enterprises = {
    { id = "tours", name = "Tour operator", country = "CN", sector = "7911" },
    { id = "chips", name = "Chip maker", country = "CN", sector = "2610" },
    { id = "tyres", name = "Tyre maker", country = "CN", sector = "2211" },
  },
  expect = {
    { enterprise = "tours", region = "isle", rule = "resources", reason = "beaches are sold by 7911" },
    { enterprise = "chips", region = "isle", rule = "resources", reason = "skilled engineers are employed by 26" },
    { enterprise = "tyres", region = "isle", rule = "resources", reason = "rubber (latex; smoked sheet) is made into tyres by 2211" },
  },
}
