-- Tests of tests/policies/basic.lua, and of capmatch test itself.
suite { policy = "../basic.lua" }

case {
  name = "abaca machinery goes to Catanduanes",
  regions = "../../../examples/data/regions.json",
  enterprises = "../../../examples/data/enterprises.json",
  expect = {
    { enterprise = "cn-xian-textile-machinery", top = "ph-catanduanes" },
    { enterprise = "cn-xian-textile-machinery", region = "ph-catanduanes", rank = 1, score = { 0.7, 0.75 } },
    { enterprise = "cn-xian-textile-machinery", region = "ph-catanduanes", rule = "abaca",
      score = { 1, 1 }, reason = "decorticat" },
    { enterprise = "cn-xian-textile-machinery", region = "cn-shaanxi", vetoed = true,
      filter = "target country", reason = "not among" },
  },
}

case {
  name = "inline profiles and a parameter",
  regions = { { id = "r1", name = "R1", country = "PH", needs = { "capital" }, sectors_sought = { "28" } },
              { id = "r2", name = "R2", country = "VN" } },
  enterprises = { { id = "e1", name = "E1", country = "CN", sector = "2826", offers = { "capital" },
                    target_countries = { "PH", "VN" } } },
  set = { sme_bonus = 1 },
  expect = {
    { enterprise = "e1", top = "r1" },
    { region = "r1", top = "e1" },
    { enterprise = "e1", region = "r1", rule = "size", score = { 1, 1 }, reason = "small or medium" },
    { enterprise = "e1", region = "r1", rule = "sector", score = { 1, 1 }, reason = "lies within" },
    { enterprise = "e1", region = "r2", rank = 2, vetoed = false },
  },
}
