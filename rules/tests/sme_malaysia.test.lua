-- sme_malaysia.test.lua - Malaysia's SME definition (SME Corp, 2013): each
-- criterion gives a size and the SMALLER applies; listed (main-board) firms
-- and subsidiaries of large, listed, multinational, government-linked or
-- state firms are never SMEs.
--   manufacturing (ISIC section C): sales micro < RM300k, small < RM15m,
--     medium <= RM50m; employees micro < 5, small < 75, medium <= 200;
--   services and others (every other section): sales < RM300k, < RM3m,
--     <= RM20m; employees < 5, < 30, <= 75.
-- To test one criterion's boundaries the other is held at "large", so the
-- smaller size is the one under test.

suite { policy = "../sme_support.lua" }

local region = { { id = "r-sme", name = "SME region", country = "CN", programmes = { "sme_support" } } }

case {
  name = "Malaysia, manufacturing (ISIC 2610): every boundary of sales and employees",
  regions = region,
  enterprises = {
    { id = "mf-sales-299999", name = "mf-sales-299999", country = "MY", sector = "2610", employees = 1000, revenue = { amount = 299999, currency = "MYR" } },  -- sales RM 299999, employees held at large
    { id = "mf-sales-300000", name = "mf-sales-300000", country = "MY", sector = "2610", employees = 1000, revenue = { amount = 300000, currency = "MYR" } },  -- sales RM 300000, employees held at large
    { id = "mf-sales-300001", name = "mf-sales-300001", country = "MY", sector = "2610", employees = 1000, revenue = { amount = 300001, currency = "MYR" } },  -- sales RM 300001, employees held at large
    { id = "mf-sales-14999999", name = "mf-sales-14999999", country = "MY", sector = "2610", employees = 1000, revenue = { amount = 14999999, currency = "MYR" } },  -- sales RM 14999999, employees held at large
    { id = "mf-sales-15000000", name = "mf-sales-15000000", country = "MY", sector = "2610", employees = 1000, revenue = { amount = 15000000, currency = "MYR" } },  -- sales RM 15000000, employees held at large
    { id = "mf-sales-15000001", name = "mf-sales-15000001", country = "MY", sector = "2610", employees = 1000, revenue = { amount = 15000001, currency = "MYR" } },  -- sales RM 15000001, employees held at large
    { id = "mf-sales-49999999", name = "mf-sales-49999999", country = "MY", sector = "2610", employees = 1000, revenue = { amount = 49999999, currency = "MYR" } },  -- sales RM 49999999, employees held at large
    { id = "mf-sales-50000000", name = "mf-sales-50000000", country = "MY", sector = "2610", employees = 1000, revenue = { amount = 50000000, currency = "MYR" } },  -- sales RM 50000000, employees held at large
    { id = "mf-sales-50000001", name = "mf-sales-50000001", country = "MY", sector = "2610", employees = 1000, revenue = { amount = 50000001, currency = "MYR" } },  -- sales RM 50000001, employees held at large
    { id = "mf-emp-4", name = "mf-emp-4", country = "MY", sector = "2610", employees = 4, revenue = { amount = 100000000, currency = "MYR" } },  -- 4 employees, sales held at large
    { id = "mf-emp-5", name = "mf-emp-5", country = "MY", sector = "2610", employees = 5, revenue = { amount = 100000000, currency = "MYR" } },  -- 5 employees, sales held at large
    { id = "mf-emp-6", name = "mf-emp-6", country = "MY", sector = "2610", employees = 6, revenue = { amount = 100000000, currency = "MYR" } },  -- 6 employees, sales held at large
    { id = "mf-emp-74", name = "mf-emp-74", country = "MY", sector = "2610", employees = 74, revenue = { amount = 100000000, currency = "MYR" } },  -- 74 employees, sales held at large
    { id = "mf-emp-75", name = "mf-emp-75", country = "MY", sector = "2610", employees = 75, revenue = { amount = 100000000, currency = "MYR" } },  -- 75 employees, sales held at large
    { id = "mf-emp-76", name = "mf-emp-76", country = "MY", sector = "2610", employees = 76, revenue = { amount = 100000000, currency = "MYR" } },  -- 76 employees, sales held at large
    { id = "mf-emp-199", name = "mf-emp-199", country = "MY", sector = "2610", employees = 199, revenue = { amount = 100000000, currency = "MYR" } },  -- 199 employees, sales held at large
    { id = "mf-emp-200", name = "mf-emp-200", country = "MY", sector = "2610", employees = 200, revenue = { amount = 100000000, currency = "MYR" } },  -- 200 employees, sales held at large
    { id = "mf-emp-201", name = "mf-emp-201", country = "MY", sector = "2610", employees = 201, revenue = { amount = 100000000, currency = "MYR" } },  -- 201 employees, sales held at large
  },
  expect = {
    { enterprise = "mf-sales-299999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (Malaysia, manufacturing): sales RM " },
    { enterprise = "mf-sales-300000", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Malaysia, manufacturing): sales RM " },
    { enterprise = "mf-sales-300001", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Malaysia, manufacturing): sales RM " },
    { enterprise = "mf-sales-14999999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Malaysia, manufacturing): sales RM " },
    { enterprise = "mf-sales-15000000", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Malaysia, manufacturing): sales RM " },
    { enterprise = "mf-sales-15000001", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Malaysia, manufacturing): sales RM " },
    { enterprise = "mf-sales-49999999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Malaysia, manufacturing): sales RM " },
    { enterprise = "mf-sales-50000000", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Malaysia, manufacturing): sales RM " },
    { enterprise = "mf-sales-50000001", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (Malaysia, manufacturing): sales RM " },
    { enterprise = "mf-emp-4", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (Malaysia, manufacturing): " },
    { enterprise = "mf-emp-5", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Malaysia, manufacturing): " },
    { enterprise = "mf-emp-6", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Malaysia, manufacturing): " },
    { enterprise = "mf-emp-74", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Malaysia, manufacturing): " },
    { enterprise = "mf-emp-75", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Malaysia, manufacturing): " },
    { enterprise = "mf-emp-76", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Malaysia, manufacturing): " },
    { enterprise = "mf-emp-199", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Malaysia, manufacturing): " },
    { enterprise = "mf-emp-200", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Malaysia, manufacturing): " },
    { enterprise = "mf-emp-201", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (Malaysia, manufacturing): " },
  },
}

case {
  name = "Malaysia, services and others (ISIC 6201): every boundary of sales and employees",
  regions = region,
  enterprises = {
    { id = "sv-sales-299999", name = "sv-sales-299999", country = "MY", sector = "6201", employees = 1000, revenue = { amount = 299999, currency = "MYR" } },  -- sales RM 299999, employees held at large
    { id = "sv-sales-300000", name = "sv-sales-300000", country = "MY", sector = "6201", employees = 1000, revenue = { amount = 300000, currency = "MYR" } },  -- sales RM 300000, employees held at large
    { id = "sv-sales-300001", name = "sv-sales-300001", country = "MY", sector = "6201", employees = 1000, revenue = { amount = 300001, currency = "MYR" } },  -- sales RM 300001, employees held at large
    { id = "sv-sales-2999999", name = "sv-sales-2999999", country = "MY", sector = "6201", employees = 1000, revenue = { amount = 2999999, currency = "MYR" } },  -- sales RM 2999999, employees held at large
    { id = "sv-sales-3000000", name = "sv-sales-3000000", country = "MY", sector = "6201", employees = 1000, revenue = { amount = 3000000, currency = "MYR" } },  -- sales RM 3000000, employees held at large
    { id = "sv-sales-3000001", name = "sv-sales-3000001", country = "MY", sector = "6201", employees = 1000, revenue = { amount = 3000001, currency = "MYR" } },  -- sales RM 3000001, employees held at large
    { id = "sv-sales-19999999", name = "sv-sales-19999999", country = "MY", sector = "6201", employees = 1000, revenue = { amount = 19999999, currency = "MYR" } },  -- sales RM 19999999, employees held at large
    { id = "sv-sales-20000000", name = "sv-sales-20000000", country = "MY", sector = "6201", employees = 1000, revenue = { amount = 20000000, currency = "MYR" } },  -- sales RM 20000000, employees held at large
    { id = "sv-sales-20000001", name = "sv-sales-20000001", country = "MY", sector = "6201", employees = 1000, revenue = { amount = 20000001, currency = "MYR" } },  -- sales RM 20000001, employees held at large
    { id = "sv-emp-4", name = "sv-emp-4", country = "MY", sector = "6201", employees = 4, revenue = { amount = 100000000, currency = "MYR" } },  -- 4 employees, sales held at large
    { id = "sv-emp-5", name = "sv-emp-5", country = "MY", sector = "6201", employees = 5, revenue = { amount = 100000000, currency = "MYR" } },  -- 5 employees, sales held at large
    { id = "sv-emp-6", name = "sv-emp-6", country = "MY", sector = "6201", employees = 6, revenue = { amount = 100000000, currency = "MYR" } },  -- 6 employees, sales held at large
    { id = "sv-emp-29", name = "sv-emp-29", country = "MY", sector = "6201", employees = 29, revenue = { amount = 100000000, currency = "MYR" } },  -- 29 employees, sales held at large
    { id = "sv-emp-30", name = "sv-emp-30", country = "MY", sector = "6201", employees = 30, revenue = { amount = 100000000, currency = "MYR" } },  -- 30 employees, sales held at large
    { id = "sv-emp-31", name = "sv-emp-31", country = "MY", sector = "6201", employees = 31, revenue = { amount = 100000000, currency = "MYR" } },  -- 31 employees, sales held at large
    { id = "sv-emp-74", name = "sv-emp-74", country = "MY", sector = "6201", employees = 74, revenue = { amount = 100000000, currency = "MYR" } },  -- 74 employees, sales held at large
    { id = "sv-emp-75", name = "sv-emp-75", country = "MY", sector = "6201", employees = 75, revenue = { amount = 100000000, currency = "MYR" } },  -- 75 employees, sales held at large
    { id = "sv-emp-76", name = "sv-emp-76", country = "MY", sector = "6201", employees = 76, revenue = { amount = 100000000, currency = "MYR" } },  -- 76 employees, sales held at large
  },
  expect = {
    { enterprise = "sv-sales-299999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (Malaysia, services and others): sales RM " },
    { enterprise = "sv-sales-300000", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Malaysia, services and others): sales RM " },
    { enterprise = "sv-sales-300001", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Malaysia, services and others): sales RM " },
    { enterprise = "sv-sales-2999999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Malaysia, services and others): sales RM " },
    { enterprise = "sv-sales-3000000", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Malaysia, services and others): sales RM " },
    { enterprise = "sv-sales-3000001", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Malaysia, services and others): sales RM " },
    { enterprise = "sv-sales-19999999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Malaysia, services and others): sales RM " },
    { enterprise = "sv-sales-20000000", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Malaysia, services and others): sales RM " },
    { enterprise = "sv-sales-20000001", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (Malaysia, services and others): sales RM " },
    { enterprise = "sv-emp-4", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (Malaysia, services and others): " },
    { enterprise = "sv-emp-5", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Malaysia, services and others): " },
    { enterprise = "sv-emp-6", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Malaysia, services and others): " },
    { enterprise = "sv-emp-29", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Malaysia, services and others): " },
    { enterprise = "sv-emp-30", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Malaysia, services and others): " },
    { enterprise = "sv-emp-31", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Malaysia, services and others): " },
    { enterprise = "sv-emp-74", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Malaysia, services and others): " },
    { enterprise = "sv-emp-75", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Malaysia, services and others): " },
    { enterprise = "sv-emp-76", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (Malaysia, services and others): " },
  },
}

case {
  name = "Malaysia: the smaller size applies; exclusions; missing figures; sector rows",
  regions = region,
  enterprises = {
    { id = "smaller", name = "sales small, employees medium", country = "MY", sector = "2610", employees = 150, revenue = { amount = 10000000, currency = "MYR" } },
    { id = "same", name = "both medium", country = "MY", sector = "2610", employees = 100, revenue = { amount = 20000000, currency = "MYR" } },
    { id = "listed", name = "a tiny listed firm", country = "MY", sector = "2610", employees = 4, revenue = { amount = 100000, currency = "MYR" }, listed = true },
    { id = "subsidiary", name = "a tiny subsidiary of a multinational", country = "MY", sector = "6201", employees = 4, revenue = { amount = 100000, currency = "MYR" }, subsidiary_of_large = true },
    { id = "unlisted", name = "listed = false", country = "MY", sector = "6201", employees = 4, revenue = { amount = 100000, currency = "MYR" }, listed = false },
    { id = "sales-micro-only", name = "sales micro, no employees", country = "MY", sector = "2610", revenue = { amount = 200000, currency = "MYR" } },
    { id = "sales-small-only", name = "sales small, no employees", country = "MY", sector = "2610", revenue = { amount = 10000000, currency = "MYR" } },
    { id = "emp-large-only", name = "300 employees, no sales", country = "MY", sector = "2610", employees = 300 },
    { id = "nothing", name = "no figures", country = "MY", sector = "2610" },
    { id = "farm", name = "a farm (services and others)", country = "MY", sector = "0111", employees = 40, revenue = { amount = 4000000, currency = "MYR" } },
    { id = "section-c", name = "section C", country = "MY", sector = "C", employees = 40, revenue = { amount = 4000000, currency = "MYR" } },
    { id = "usd", name = "sales in US$", country = "MY", sector = "2610", employees = 1000, revenue = { amount = 1000000, currency = "USD" } },
  },
  expect = {
    { enterprise = "smaller", region = "r-sme", rule = "SME programme", score = { 1, 1 },
      reason = "small (Malaysia, manufacturing): sales RM 10,000,000 gives small (RM 300,000 to < RM 15,000,000), 150 employees gives medium (75 to <= 200); the smaller applies" },
    { enterprise = "same", region = "r-sme", rule = "SME programme", score = { 1, 1 },
      reason = "medium (Malaysia, manufacturing): sales RM 20,000,000 gives medium (RM 15,000,000 to <= RM 50,000,000), 100 employees gives medium (75 to <= 200)" },
    { enterprise = "listed", region = "r-sme", rule = "SME programme", score = { 0, 0 },
      reason = "large (Malaysia, excluded): a listed firm" },
    { enterprise = "subsidiary", region = "r-sme", rule = "SME programme", score = { 0, 0 },
      reason = "large (Malaysia, excluded): a subsidiary of a large, listed, multinational, government-linked or state firm" },
    { enterprise = "unlisted", region = "r-sme", rule = "SME programme", score = { 1, 1 },
      reason = "micro (Malaysia, services and others)" },
    { enterprise = "sales-micro-only", region = "r-sme", rule = "SME programme", score = { 1, 1 },
      reason = "micro (Malaysia, manufacturing): sales RM 200,000 gives micro (< RM 300,000), the smallest size (no employees given)" },
    -- small or micro: an SME for the programme, but the class is unknown
    { enterprise = "sales-small-only", region = "r-sme", rule = "SME programme", score = { 1, 1 },
      reason = "unknown (Malaysia, manufacturing): no employees given; sales RM 10,000,000 gives small" },
    { enterprise = "emp-large-only", region = "r-sme", rule = "SME programme", score = { 0, 0 },
      reason = "unknown (Malaysia, manufacturing): no sales given; 300 employees gives large" },
    { enterprise = "nothing", region = "r-sme", rule = "SME programme", score = { 0, 0 },
      reason = "unknown (Malaysia, manufacturing): no sales given and no employees given" },
    { enterprise = "farm", region = "r-sme", rule = "SME programme", reason = "medium (Malaysia, services and others)" },
    { enterprise = "section-c", region = "r-sme", rule = "SME programme", reason = "small (Malaysia, manufacturing)" },
    -- US$1m at 4.212 MYR/US$ = RM 4,212,000: small for manufacturing
    { enterprise = "usd", region = "r-sme", rule = "SME programme", reason = "small (Malaysia, manufacturing): sales RM 4,212,000 gives small" },
  },
}
