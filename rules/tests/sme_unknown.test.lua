-- sme_unknown.test.lua - countries without a shipped SME definition (Laos,
-- Cambodia, Myanmar, Brunei, and any other) give "unknown" with a reason,
-- never a size: the SME programme rule scores them unknown_score (0 unless
-- set) where a programme runs.

suite { policy = "../sme_support.lua" }

local regions = {
  { id = "r-sme", name = "SME region", country = "CN", programmes = { "sme_support" } },
  { id = "r-none", name = "No programme", country = "TH", programmes = { "tax_incentive" } },
}

-- Figures that would make each a micro firm under any shipped definition,
-- and figures that would make it large: the class is unknown either way.
local enterprises = {
  { id = "la-tiny", name = "Lao coffee", country = "LA", sector = "0127", employees = 14,
    revenue = { amount = 2800000000, currency = "LAK" } },
  { id = "kh-large", name = "Cambodian garment", country = "KH", sector = "1410", employees = 1400,
    revenue = { amount = 38000000, currency = "USD" } },
  { id = "mm-rice", name = "Myanmar rice mill", country = "MM", sector = "1061", employees = 55,
    revenue = { amount = 3200000000, currency = "MMK" } },
  { id = "bn-food", name = "Brunei foods", country = "BN", sector = "1079", employees = 30,
    revenue = { amount = 4200000, currency = "BND" } },
  { id = "jp-maker", name = "Japanese maker", country = "JP", sector = "2826", employees = 10 },
}

case {
  name = "No shipped definition: unknown, with a reason",
  regions = regions,
  enterprises = enterprises,
  expect = {
    { enterprise = "la-tiny", region = "r-sme", rule = "SME programme", score = { 0, 0 },
      reason = "unknown (Laos): no SME definition is shipped for LA, so the size class is unknown" },
    { enterprise = "kh-large", region = "r-sme", rule = "SME programme", score = { 0, 0 },
      reason = "unknown (Cambodia): no SME definition is shipped for KH" },
    { enterprise = "mm-rice", region = "r-sme", rule = "SME programme", score = { 0, 0 },
      reason = "unknown (Myanmar): no SME definition is shipped for MM" },
    { enterprise = "bn-food", region = "r-sme", rule = "SME programme", score = { 0, 0 },
      reason = "unknown (Brunei): no SME definition is shipped for BN" },
    { enterprise = "jp-maker", region = "r-sme", rule = "SME programme", score = { 0, 0 },
      reason = "unknown (JP): no SME definition is shipped for JP" },
    { enterprise = "la-tiny", region = "r-sme", rule = "SME programme", reason = "the region runs an SME programme, but the size is unknown" },
    { enterprise = "la-tiny", region = "r-none", rule = "SME programme", score = { 0, 0 }, reason = "the region runs no SME programme" },
  },
}

case {
  name = "unknown_score gives enterprises of unknown size the benefit of the doubt",
  regions = regions,
  enterprises = enterprises,
  set = { unknown_score = 0.5 },
  expect = {
    { enterprise = "la-tiny", top = "r-sme" },
    { enterprise = "la-tiny", region = "r-sme", rank = 1, rule = "SME programme", score = { 0.5, 0.5 }, reason = "unknown (Laos)" },
    { enterprise = "kh-large", region = "r-sme", rule = "SME programme", score = { 0.5, 0.5 }, reason = "unknown (Cambodia)" },
    { enterprise = "la-tiny", region = "r-none", rank = 2, rule = "SME programme", score = { 0, 0 } },
  },
}

case {
  name = "Example data: Laos, Cambodia, Myanmar and Brunei enterprises are unknown, never large",
  regions = "../../examples/data/regions.json",
  enterprises = "../../examples/data/enterprises.json",
  set = { unknown_score = 0.5 },
  expect = {
    { enterprise = "la-vientiane-construction", region = "cn-hainan", rule = "SME programme", score = { 0.5, 0.5 }, reason = "unknown (Laos)" },
    { enterprise = "la-champasak-coffee", region = "ph-catanduanes", rule = "SME programme", score = { 0.5, 0.5 }, reason = "unknown (Laos)" },
    { enterprise = "kh-kampong-cham-rubber", region = "vn-ben-tre", rule = "SME programme", score = { 0.5, 0.5 }, reason = "unknown (Cambodia)" },
    { enterprise = "kh-phnom-penh-garment", region = "th-phuket", rule = "SME programme", score = { 0.5, 0.5 }, reason = "unknown (Cambodia)" },
    { enterprise = "mm-yangon-golden-rice", region = "my-penang", rule = "SME programme", score = { 0.5, 0.5 }, reason = "unknown (Myanmar)" },
    { enterprise = "bn-muara-halal-foods", region = "cn-hainan", rule = "SME programme", score = { 0.5, 0.5 }, reason = "unknown (Brunei)" },
  },
}
