-- Deliberately wrong expectations: capmatch test must report each one.
suite { policy = "../basic.lua" }

case {
  name = "wrong top, rank, score, rule reason and veto",
  regions = { { id = "r1", name = "R1", country = "PH", sectors_sought = { "28" } },
              { id = "r2", name = "R2", country = "VN" } },
  enterprises = { { id = "e1", name = "E1", country = "CN", sector = "2826" } },
  expect = {
    { enterprise = "e1", top = "r2" },
    { enterprise = "e1", region = "r1", rank = 2 },
    { enterprise = "e1", region = "r1", score = { 0.99, 1 } },
    { enterprise = "e1", region = "r1", rule = "sector", reason = "no such words" },
    { enterprise = "e1", region = "r1", vetoed = true },
  },
}

case {
  name = "an invalid inline profile",
  regions = { { id = "r1", name = "R1", country = "XX" } },
  enterprises = { { id = "e1", name = "E1", country = "CN", sector = "2826" } },
  expect = { { enterprise = "e1", top = "r1" } },
}
