-- sme_thailand.test.lua - Thailand's SME definition (2019): each criterion
-- gives a size and the LARGER applies.
--   manufacturing (ISIC sections A-E): revenue micro <= THB1.8m, small
--     <= 100m, medium <= 500m; employees <= 5, <= 50, <= 200;
--   trade and services (sections F-U): revenue <= 1.8m, <= 50m, <= 300m;
--     employees <= 5, <= 30, <= 100.
-- To test one criterion's boundaries the other is held at "micro", so the
-- larger size is the one under test.

suite { policy = "../sme_support.lua" }

local region = { { id = "r-sme", name = "SME region", country = "CN", programmes = { "sme_support" } } }

case {
  name = "Thailand, manufacturing (ISIC 2930): every boundary of revenue and employees",
  regions = region,
  enterprises = {
    { id = "mf-rev-1799999", name = "mf-rev-1799999", country = "TH", sector = "2930", employees = 1, revenue = { amount = 1799999, currency = "THB" } },  -- revenue THB 1799999, employees held at micro
    { id = "mf-rev-1800000", name = "mf-rev-1800000", country = "TH", sector = "2930", employees = 1, revenue = { amount = 1800000, currency = "THB" } },  -- revenue THB 1800000, employees held at micro
    { id = "mf-rev-1800001", name = "mf-rev-1800001", country = "TH", sector = "2930", employees = 1, revenue = { amount = 1800001, currency = "THB" } },  -- revenue THB 1800001, employees held at micro
    { id = "mf-rev-99999999", name = "mf-rev-99999999", country = "TH", sector = "2930", employees = 1, revenue = { amount = 99999999, currency = "THB" } },  -- revenue THB 99999999, employees held at micro
    { id = "mf-rev-100000000", name = "mf-rev-100000000", country = "TH", sector = "2930", employees = 1, revenue = { amount = 100000000, currency = "THB" } },  -- revenue THB 100000000, employees held at micro
    { id = "mf-rev-100000001", name = "mf-rev-100000001", country = "TH", sector = "2930", employees = 1, revenue = { amount = 100000001, currency = "THB" } },  -- revenue THB 100000001, employees held at micro
    { id = "mf-rev-499999999", name = "mf-rev-499999999", country = "TH", sector = "2930", employees = 1, revenue = { amount = 499999999, currency = "THB" } },  -- revenue THB 499999999, employees held at micro
    { id = "mf-rev-500000000", name = "mf-rev-500000000", country = "TH", sector = "2930", employees = 1, revenue = { amount = 500000000, currency = "THB" } },  -- revenue THB 500000000, employees held at micro
    { id = "mf-rev-500000001", name = "mf-rev-500000001", country = "TH", sector = "2930", employees = 1, revenue = { amount = 500000001, currency = "THB" } },  -- revenue THB 500000001, employees held at micro
    { id = "mf-emp-4", name = "mf-emp-4", country = "TH", sector = "2930", employees = 4, revenue = { amount = 1000000, currency = "THB" } },  -- 4 employees, revenue held at micro
    { id = "mf-emp-5", name = "mf-emp-5", country = "TH", sector = "2930", employees = 5, revenue = { amount = 1000000, currency = "THB" } },  -- 5 employees, revenue held at micro
    { id = "mf-emp-6", name = "mf-emp-6", country = "TH", sector = "2930", employees = 6, revenue = { amount = 1000000, currency = "THB" } },  -- 6 employees, revenue held at micro
    { id = "mf-emp-49", name = "mf-emp-49", country = "TH", sector = "2930", employees = 49, revenue = { amount = 1000000, currency = "THB" } },  -- 49 employees, revenue held at micro
    { id = "mf-emp-50", name = "mf-emp-50", country = "TH", sector = "2930", employees = 50, revenue = { amount = 1000000, currency = "THB" } },  -- 50 employees, revenue held at micro
    { id = "mf-emp-51", name = "mf-emp-51", country = "TH", sector = "2930", employees = 51, revenue = { amount = 1000000, currency = "THB" } },  -- 51 employees, revenue held at micro
    { id = "mf-emp-199", name = "mf-emp-199", country = "TH", sector = "2930", employees = 199, revenue = { amount = 1000000, currency = "THB" } },  -- 199 employees, revenue held at micro
    { id = "mf-emp-200", name = "mf-emp-200", country = "TH", sector = "2930", employees = 200, revenue = { amount = 1000000, currency = "THB" } },  -- 200 employees, revenue held at micro
    { id = "mf-emp-201", name = "mf-emp-201", country = "TH", sector = "2930", employees = 201, revenue = { amount = 1000000, currency = "THB" } },  -- 201 employees, revenue held at micro
  },
  expect = {
    { enterprise = "mf-rev-1799999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (Thailand, manufacturing): " },
    { enterprise = "mf-rev-1800000", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (Thailand, manufacturing): " },
    { enterprise = "mf-rev-1800001", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Thailand, manufacturing): " },
    { enterprise = "mf-rev-99999999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Thailand, manufacturing): " },
    { enterprise = "mf-rev-100000000", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Thailand, manufacturing): " },
    { enterprise = "mf-rev-100000001", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Thailand, manufacturing): " },
    { enterprise = "mf-rev-499999999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Thailand, manufacturing): " },
    { enterprise = "mf-rev-500000000", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Thailand, manufacturing): " },
    { enterprise = "mf-rev-500000001", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (Thailand, manufacturing): " },
    { enterprise = "mf-emp-4", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (Thailand, manufacturing): " },
    { enterprise = "mf-emp-5", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (Thailand, manufacturing): " },
    { enterprise = "mf-emp-6", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Thailand, manufacturing): " },
    { enterprise = "mf-emp-49", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Thailand, manufacturing): " },
    { enterprise = "mf-emp-50", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Thailand, manufacturing): " },
    { enterprise = "mf-emp-51", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Thailand, manufacturing): " },
    { enterprise = "mf-emp-199", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Thailand, manufacturing): " },
    { enterprise = "mf-emp-200", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Thailand, manufacturing): " },
    { enterprise = "mf-emp-201", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (Thailand, manufacturing): " },
  },
}

case {
  name = "Thailand, trade and services (ISIC 5510): every boundary of revenue and employees",
  regions = region,
  enterprises = {
    { id = "ts-rev-1799999", name = "ts-rev-1799999", country = "TH", sector = "5510", employees = 1, revenue = { amount = 1799999, currency = "THB" } },  -- revenue THB 1799999, employees held at micro
    { id = "ts-rev-1800000", name = "ts-rev-1800000", country = "TH", sector = "5510", employees = 1, revenue = { amount = 1800000, currency = "THB" } },  -- revenue THB 1800000, employees held at micro
    { id = "ts-rev-1800001", name = "ts-rev-1800001", country = "TH", sector = "5510", employees = 1, revenue = { amount = 1800001, currency = "THB" } },  -- revenue THB 1800001, employees held at micro
    { id = "ts-rev-49999999", name = "ts-rev-49999999", country = "TH", sector = "5510", employees = 1, revenue = { amount = 49999999, currency = "THB" } },  -- revenue THB 49999999, employees held at micro
    { id = "ts-rev-50000000", name = "ts-rev-50000000", country = "TH", sector = "5510", employees = 1, revenue = { amount = 50000000, currency = "THB" } },  -- revenue THB 50000000, employees held at micro
    { id = "ts-rev-50000001", name = "ts-rev-50000001", country = "TH", sector = "5510", employees = 1, revenue = { amount = 50000001, currency = "THB" } },  -- revenue THB 50000001, employees held at micro
    { id = "ts-rev-299999999", name = "ts-rev-299999999", country = "TH", sector = "5510", employees = 1, revenue = { amount = 299999999, currency = "THB" } },  -- revenue THB 299999999, employees held at micro
    { id = "ts-rev-300000000", name = "ts-rev-300000000", country = "TH", sector = "5510", employees = 1, revenue = { amount = 300000000, currency = "THB" } },  -- revenue THB 300000000, employees held at micro
    { id = "ts-rev-300000001", name = "ts-rev-300000001", country = "TH", sector = "5510", employees = 1, revenue = { amount = 300000001, currency = "THB" } },  -- revenue THB 300000001, employees held at micro
    { id = "ts-emp-4", name = "ts-emp-4", country = "TH", sector = "5510", employees = 4, revenue = { amount = 1000000, currency = "THB" } },  -- 4 employees, revenue held at micro
    { id = "ts-emp-5", name = "ts-emp-5", country = "TH", sector = "5510", employees = 5, revenue = { amount = 1000000, currency = "THB" } },  -- 5 employees, revenue held at micro
    { id = "ts-emp-6", name = "ts-emp-6", country = "TH", sector = "5510", employees = 6, revenue = { amount = 1000000, currency = "THB" } },  -- 6 employees, revenue held at micro
    { id = "ts-emp-29", name = "ts-emp-29", country = "TH", sector = "5510", employees = 29, revenue = { amount = 1000000, currency = "THB" } },  -- 29 employees, revenue held at micro
    { id = "ts-emp-30", name = "ts-emp-30", country = "TH", sector = "5510", employees = 30, revenue = { amount = 1000000, currency = "THB" } },  -- 30 employees, revenue held at micro
    { id = "ts-emp-31", name = "ts-emp-31", country = "TH", sector = "5510", employees = 31, revenue = { amount = 1000000, currency = "THB" } },  -- 31 employees, revenue held at micro
    { id = "ts-emp-99", name = "ts-emp-99", country = "TH", sector = "5510", employees = 99, revenue = { amount = 1000000, currency = "THB" } },  -- 99 employees, revenue held at micro
    { id = "ts-emp-100", name = "ts-emp-100", country = "TH", sector = "5510", employees = 100, revenue = { amount = 1000000, currency = "THB" } },  -- 100 employees, revenue held at micro
    { id = "ts-emp-101", name = "ts-emp-101", country = "TH", sector = "5510", employees = 101, revenue = { amount = 1000000, currency = "THB" } },  -- 101 employees, revenue held at micro
  },
  expect = {
    { enterprise = "ts-rev-1799999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (Thailand, trade and services): " },
    { enterprise = "ts-rev-1800000", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (Thailand, trade and services): " },
    { enterprise = "ts-rev-1800001", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Thailand, trade and services): " },
    { enterprise = "ts-rev-49999999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Thailand, trade and services): " },
    { enterprise = "ts-rev-50000000", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Thailand, trade and services): " },
    { enterprise = "ts-rev-50000001", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Thailand, trade and services): " },
    { enterprise = "ts-rev-299999999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Thailand, trade and services): " },
    { enterprise = "ts-rev-300000000", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Thailand, trade and services): " },
    { enterprise = "ts-rev-300000001", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (Thailand, trade and services): " },
    { enterprise = "ts-emp-4", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (Thailand, trade and services): " },
    { enterprise = "ts-emp-5", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (Thailand, trade and services): " },
    { enterprise = "ts-emp-6", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Thailand, trade and services): " },
    { enterprise = "ts-emp-29", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Thailand, trade and services): " },
    { enterprise = "ts-emp-30", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Thailand, trade and services): " },
    { enterprise = "ts-emp-31", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Thailand, trade and services): " },
    { enterprise = "ts-emp-99", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Thailand, trade and services): " },
    { enterprise = "ts-emp-100", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Thailand, trade and services): " },
    { enterprise = "ts-emp-101", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (Thailand, trade and services): " },
  },
}

case {
  name = "Thailand: the larger size applies; missing figures; sector rows",
  regions = region,
  enterprises = {
    { id = "larger", name = "revenue small, employees medium", country = "TH", sector = "2930", employees = 150, revenue = { amount = 60000000, currency = "THB" } },
    { id = "same", name = "both micro", country = "TH", sector = "0129", employees = 5, revenue = { amount = 1500000, currency = "THB" } },
    { id = "rev-large-only", name = "revenue large, no employees", country = "TH", sector = "2930", revenue = { amount = 600000000, currency = "THB" } },
    { id = "emp-small-only", name = "10 employees, no revenue", country = "TH", sector = "2930", employees = 10 },
    { id = "nothing", name = "no figures", country = "TH", sector = "5510" },
    { id = "farm", name = "a rubber farm (manufacturing row)", country = "TH", sector = "0129", employees = 40, revenue = { amount = 40000000, currency = "THB" } },
    { id = "builder", name = "a builder (trade and services row)", country = "TH", sector = "4100", employees = 40, revenue = { amount = 40000000, currency = "THB" } },
  },
  expect = {
    { enterprise = "larger", region = "r-sme", rule = "SME programme", score = { 1, 1 },
      reason = "medium (Thailand, manufacturing): revenue THB 60,000,000 gives small (<= THB 100,000,000), 150 employees gives medium (<= 200); the larger applies" },
    { enterprise = "same", region = "r-sme", rule = "SME programme", score = { 1, 1 },
      reason = "micro (Thailand, manufacturing): revenue THB 1,500,000 gives micro (<= THB 1,800,000), 5 employees gives micro (<= 5)" },
    { enterprise = "rev-large-only", region = "r-sme", rule = "SME programme", score = { 0, 0 },
      reason = "large (Thailand, manufacturing): revenue THB 600,000,000 gives large (> THB 500,000,000), the largest size (no employees given)" },
    { enterprise = "emp-small-only", region = "r-sme", rule = "SME programme", score = { 0, 0 },
      reason = "unknown (Thailand, manufacturing): no revenue given; 10 employees gives small" },
    { enterprise = "nothing", region = "r-sme", rule = "SME programme", score = { 0, 0 },
      reason = "unknown (Thailand, trade and services): no revenue given and no employees given" },
    { enterprise = "farm", region = "r-sme", rule = "SME programme", reason = "small (Thailand, manufacturing)" },
    { enterprise = "builder", region = "r-sme", rule = "SME programme", reason = "medium (Thailand, trade and services)" },
  },
}
