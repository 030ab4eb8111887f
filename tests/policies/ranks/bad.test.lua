-- Rank and absence expectations written wrongly: each is refused with what
-- is wrong (tests/cli/test_ranks.sh).
suite { policy = "ranks.lua" }
local P = require "profiles"

case {
  name = "bad counts, ids, directions and keys",
  regions = P.regions, enterprises = P.enterprises,
  expect = {
    { region = "r1", enterprise = "e1", in_top = 0, by = "region" },
    { region = "r1", enterprise = "e1", in_top = 2.5, by = "region" },
    { region = "r1", enterprise = "e1", not_in_top = "3", by = "region" },
    { region = "r1", enterprise = "e1", not_in_top = -1, by = "region" },
    { region = "r1", enterprise = "nobody", in_top = 3, by = "region" },
    { region = "r9", enterprise = "e1", absent = true },
    { region = "r1", enterprise = "e1", in_top = 3, by = "sideways" },
    { region = "r1", enterprise = "e1", in_top = 3 },
    { region = "r1", enterprise = "e1", in_tpo = 3, by = "region" },
    { region = "r1", enterprise = "e1", absent = "yes" },
    { region = "r1", top = "e9" },
    { region = "r1", enterprise = "e1", in_top = 3, by = 1 },
  },
}
