-- the profiles of the rank tests (ranks.test.lua, wrong.test.lua, bad.test.lua)
return {
  regions = {
    { id = "r1", name = "R1", country = "PH" },
    { id = "r2", name = "R2", country = "VN" },
    { id = "r3", name = "R3", country = "CN" },
  },
  enterprises = {
    { id = "e1", name = "E1", country = "CN", sector = "2826", employees = 90, target_countries = { "VN" } },
    { id = "e2", name = "E2", country = "CN", sector = "2826", employees = 70 },
    { id = "e3", name = "E3", country = "TH", sector = "2826", employees = 50, target_countries = { "CN" } },
    { id = "e4", name = "E4", country = "CN", sector = "2826", employees = 30 },
    { id = "e5", name = "E5", country = "PH", sector = "2826", employees = 10 },
    { id = "e6", name = "E6", country = "TH", sector = "2826", employees = 20 },
    { id = "e7", name = "E7", country = "VN", sector = "2826", employees = 15 },
    { id = "e8", name = "E8", country = "ID", sector = "2826", employees = 5 },
  },
}
