suite { policy = "branches.lua" }

case {
  name = "small and medium firms, never a large one",
  regions = {
    { id = "r1", name = "One", country = "PH", subdivision = "PH-CAT", programmes = { "sme_support" } },
    { id = "r2", name = "Two", country = "VN", subdivision = "VN-50" },
  },
  enterprises = {
    { id = "e1", name = "Small", country = "CN", sector = "2826", employees = 40 },
    { id = "e2", name = "Medium", country = "CN", sector = "2826", employees = 120 },
  },
  expect = {
    { enterprise = "e1", top = "r1" },
    { enterprise = "e1", region = "r1", rule = "size", score = { 1, 1 } },
    { enterprise = "e2", region = "r2", rule = "size", score = { 0.5, 0.5 } },
  },
}
