suite { policy = "fast_partners.lua" }

case {
  name = "fast partners: a shared Joint Statement group in a target country comes first",
  regions = {
    { id = "ph-cat", name = "Catanduanes", country = "PH", sectors_sought = { "2826" } },
    { id = "vn-bt", name = "Ben Tre", country = "VN", sectors_sought = { "1030" } },
    { id = "cn-sx", name = "Shaanxi", country = "CN", sectors_sought = { "2826" } },
  },
  enterprises = {
    { id = "cn-loom", name = "Loom works", country = "CN", sector = "2826", target_countries = { "PH" } },
  },
  expect = {
    { enterprise = "cn-loom", top = "ph-cat" },
    { enterprise = "cn-loom", region = "ph-cat", score = { 1, 1 } },
    { enterprise = "cn-loom", region = "cn-sx", rule = "target country", score = { 0, 0 },
      reason = "the enterprise's home country" },
    { enterprise = "cn-loom", region = "vn-bt", rule = "target country", score = { 0, 0 },
      reason = "VN is not among the targets [PH]" },
  },
}
