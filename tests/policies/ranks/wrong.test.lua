-- Rank and absence expectations that are wrong: capmatch test must report
-- each with the actual rank and the list around it (tests/cli/test_ranks.sh).
suite { policy = "ranks.lua" }
local P = require "profiles"

case {
  name = "wrong in_top, not_in_top and absent",
  regions = P.regions, enterprises = P.enterprises,
  expect = {
    { region = "r1", enterprise = "e7", in_top = 1, by = "region" },
    { region = "r1", enterprise = "e2", not_in_top = 2, by = "region" },
    { region = "r1", enterprise = "e1", absent = true, by = "region" },
    { region = "r1", enterprise = "e5", in_top = 3, by = "region" },
    { region = "r1", enterprise = "e5", absent = false },
    { enterprise = "e1", region = "r1", in_top = 1, by = "enterprise" },
    { enterprise = "e1", region = "r2", absent = true },
  },
}
