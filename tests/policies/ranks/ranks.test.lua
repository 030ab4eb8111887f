-- Rank and absence expectations that hold (tests/cli/test_ranks.sh).
suite { policy = "ranks.lua" }
local P = require "profiles"

case {
  name = "in_top, not_in_top and absent, by region and by enterprise",
  regions = P.regions, enterprises = P.enterprises,
  expect = {
    { region = "r1", enterprise = "e2", in_top = 2, by = "region" },
    { region = "r1", enterprise = "e3", not_in_top = 2, by = "region" },
    { region = "r1", enterprise = "e4", in_top = 4, not_in_top = 3, by = "region" },
    { region = "r1", enterprise = "e5", absent = true },
    { region = "r1", enterprise = "e5", absent = true, by = "region" },
    { region = "r1", enterprise = "e1", absent = false },
    { enterprise = "e1", region = "r2", in_top = 1, by = "enterprise" },
    { enterprise = "e1", region = "r1", not_in_top = 1, by = "enterprise" },
    { enterprise = "e4", region = "r3", absent = true, by = "enterprise" },
    { enterprise = "e3", region = "r3", rank = 1, by = "region" },
  },
}
