-- default.test.lua - the shipped default policy (rules/default.lua): sector
-- fit, SME programmes, the fund bonus and target countries combined as
-- weighted rules, on the example profiles and on small hand-made ones.

suite { policy = "../default.lua" }

case {
  name = "Examples: textile machinery makers are among Catanduanes' best partners",
  regions = "../../examples/data/regions.json",
  enterprises = "../../examples/data/enterprises.json",
  expect = {
    { region = "ph-catanduanes", top = "cn-xian-textile-machinery" },
    { enterprise = "cn-xian-textile-machinery", top = "ph-catanduanes" },
    { enterprise = "cn-xian-textile-machinery", region = "ph-catanduanes", rank = 1, score = { 0.85, 0.95 } },
    { enterprise = "cn-xian-textile-machinery", region = "ph-catanduanes", rule = "resources", score = { 1, 1 },
      reason = "abaca fiber is processed by 2826 Textile machinery" },
    { enterprise = "cn-xian-textile-machinery", region = "ph-catanduanes", rule = "SME programme", score = { 1, 1 },
      reason = "small (China, industry): 150 employees >= 20 and revenue 800 wan >= 300" },
    { enterprise = "cn-xian-textile-machinery", region = "ph-catanduanes", rule = "target country", score = { 1, 1 },
      reason = "PH is among the target countries PH, VN, KH" },
    { enterprise = "cn-xian-textile-machinery", region = "ph-catanduanes", rule = "fund bonus",
      reason = "SRF (Silk Road Fund) fits 0.50" },
    -- Three makers do not name PH among their targets: a preference, not a
    -- veto. They still reach Catanduanes (their second-best region) through
    -- the abaca link, with a score well above the region's other partners.
    { enterprise = "cn-changzhou-loom-works", region = "ph-catanduanes", vetoed = false, rank = 2, score = { 0.6, 0.75 } },
    { enterprise = "cn-changzhou-loom-works", region = "ph-catanduanes", rule = "target country", score = { 0, 0 },
      reason = "PH is not among the target countries VN, KH, MM (a preference, not a veto)" },
    { enterprise = "cn-changzhou-loom-works", region = "ph-catanduanes", rule = "resources", score = { 1, 1 },
      reason = "abaca fiber is processed by 2826 Textile machinery" },
    { enterprise = "cn-zhejiang-knitting-machinery", region = "ph-catanduanes", vetoed = false, rank = 2, score = { 0.6, 0.75 } },
    { enterprise = "cn-qingdao-spinning-equipment", region = "ph-catanduanes", vetoed = false, rank = 2, score = { 0.6, 0.75 } },
    { enterprise = "cn-qingdao-spinning-equipment", region = "ph-catanduanes", rule = "SME programme", score = { 1, 1 },
      reason = "medium (China, industry): 620 employees >= 300 and revenue 18,000 wan >= 2,000" },
    { enterprise = "cn-qingdao-spinning-equipment", top = "vn-ben-tre" },
    -- The paper and block makers that the abaca residue feeds
    { enterprise = "cn-fujian-specialty-paper", top = "ph-catanduanes" },
    { enterprise = "cn-guangxi-green-building", top = "ph-catanduanes" },
    -- No fund can finance a grant-only fibre trader: a bonus of 0, not a veto
    { enterprise = "ph-bicol-fibercraft", region = "ph-catanduanes", vetoed = false, rule = "fund bonus", score = { 0, 0 },
      reason = "no fund can finance this pair" },
    { enterprise = "ph-bicol-fibercraft", region = "ph-catanduanes", rule = "target country", score = { 0.5, 0.5 },
      reason = "no target countries named; PH is the enterprise's home country" },
    -- Size classes of countries without a definition stay unknown
    { enterprise = "la-champasak-coffee", region = "cn-yunnan", rank = 1, rule = "SME programme", score = { 0, 0 },
      reason = "unknown (Laos): no SME definition is shipped for LA" },
  },
}

case {
  name = "Target countries: a strong preference, never a veto",
  regions = {
    { id = "ph", name = "PH region", country = "PH", sectors_sought = { "2826" } },
    { id = "vn", name = "VN region", country = "VN", sectors_sought = { "2826" } },
    { id = "cn", name = "CN region", country = "CN", sectors_sought = { "2826" } },
  },
  enterprises = {
    { id = "targets-vn", name = "Targets VN", country = "CN", sector = "2826", target_countries = { "VN" } },
    { id = "anywhere", name = "No targets", country = "CN", sector = "2826" },
  },
  expect = {
    { enterprise = "targets-vn", top = "vn" },
    { enterprise = "targets-vn", region = "vn", rule = "target country", score = { 1, 1 }, reason = "VN is among the target countries VN" },
    { enterprise = "targets-vn", region = "ph", vetoed = false, rule = "target country", score = { 0, 0 },
      reason = "PH is not among the target countries VN (a preference, not a veto)" },
    { enterprise = "anywhere", region = "ph", rule = "target country", score = { 1, 1 },
      reason = "no target countries named: anywhere abroad, PH included" },
    { enterprise = "anywhere", region = "cn", rule = "target country", score = { 0.5, 0.5 },
      reason = "no target countries named; CN is the enterprise's home country" },
  },
}

case {
  name = "The weights: a perfect pair scores 1; the contributions follow the documented weights",
  regions = {
    { id = "perfect", name = "Perfect region", country = "PH", sectors_sought = { "2826" }, sectors_offered = { "1311" },
      resources = { "abaca fiber" }, needs = { "equipment" }, offers = { "market_access" },
      programmes = { "sme_support" }, funds = { "SRF" }, connectivity = { port = true } },
  },
  enterprises = {
    { id = "maker", name = "Machinery maker", country = "CN", sector = "2826", employees = 150,
      revenue = { amount = 8000000, currency = "CNY" }, offers = { "equipment" }, seeks = { "market_access" },
      instruments = { "equity" }, funds_interest = { "SRF" }, target_countries = { "PH" } },
    { id = "large-maker", name = "Large machinery maker", country = "CN", sector = "2826", employees = 5000,
      revenue = { amount = 8000000000, currency = "CNY" }, offers = { "equipment" }, seeks = { "market_access" },
      instruments = { "equity" }, funds_interest = { "SRF" }, target_countries = { "PH" } },
  },
  expect = {
    { enterprise = "maker", region = "perfect", score = { 0.999999, 1 } },
    { enterprise = "maker", region = "perfect", rule = "fund bonus", score = { 1, 1 }, reason = "SRF (Silk Road Fund) fits 1.00" },
    -- the SME programme weighs 2 of 18
    { enterprise = "large-maker", region = "perfect", score = { 0.8888, 0.8889 } },
    { enterprise = "large-maker", region = "perfect", rule = "SME programme", score = { 0, 0 },
      reason = "large (China, industry)" },
    { region = "perfect", top = "maker" },
  },
}
