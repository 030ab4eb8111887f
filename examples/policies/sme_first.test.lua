-- Tests of sme_first.lua: capmatch test examples/policies
suite { policy = "sme_first.lua" }

case {
  name = "a small machinery maker goes to the region with an SME programme",
  regions = {
    { id = "ph-cat", name = "Catanduanes", country = "PH", subdivision = "PH-CAT",
      sectors_sought = { "2826" }, programmes = { "sme_support" } },
    { id = "vn-bt", name = "Ben Tre", country = "VN", subdivision = "VN-50",
      sectors_sought = { "2826" } },
  },
  enterprises = {
    { id = "cn-loom", name = "Loom works", country = "CN", sector = "2826", employees = 40,
      target_countries = { "PH", "VN" } },
  },
  expect = {
    { enterprise = "cn-loom", top = "ph-cat" },
    { enterprise = "cn-loom", region = "ph-cat", rule = "SME programme", score = { 1, 1 },
      reason = "runs an SME programme" },
    { enterprise = "cn-loom", region = "vn-bt", rank = 2, score = { 0.5, 0.75 } },
  },
}

case {
  name = "a region's list: the small maker first, the firm that targets elsewhere absent",
  regions = {
    { id = "ph-cat", name = "Catanduanes", country = "PH", subdivision = "PH-CAT",
      sectors_sought = { "2826" }, programmes = { "sme_support" } },
  },
  enterprises = {
    { id = "cn-loom", name = "Loom works", country = "CN", sector = "2826", employees = 40,
      target_countries = { "PH" } },
    { id = "cn-heavy", name = "Heavy looms", country = "CN", sector = "2826", employees = 900 },
    { id = "cn-mill", name = "Spinning mill", country = "CN", sector = "1311", employees = 900 },
    { id = "vn-rice", name = "Rice mill", country = "VN", sector = "1061", employees = 30,
      target_countries = { "TH" } },
  },
  expect = {
    { region = "ph-cat", enterprise = "cn-loom", in_top = 1, by = "region" },
    { region = "ph-cat", enterprise = "cn-mill", not_in_top = 2, by = "region" },
    { region = "ph-cat", enterprise = "vn-rice", absent = true },
  },
}
