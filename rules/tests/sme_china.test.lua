-- sme_china.test.lua - China's SME definition (MIIT and others 2011, No. 300),
-- every row of the table at its boundaries: for each criterion just below, at
-- and just above the upper bound, the medium floor and the small floor
-- (money in steps of 1 wan = 10,000 CNY, employees in steps of 1).
--   upper bound: an SME when under it on EITHER criterion; at the bound on
--                all criteria is large;
--   medium / small floors: BOTH needed; below EITHER small floor is micro.
-- Enterprise ids: <row>-<criterion>-<value>, e.g. ind-emp-299 (industry, 299
-- employees, the other criteria at the floor or bound being tested).
-- The region runs an SME programme, so SMEs score 1 and large firms 0.

suite { policy = "../sme_support.lua" }

local region = { { id = "r-sme", name = "SME region", country = "PH", programmes = { "sme_support" } } }

case {
  name = "China, agriculture (ISIC 0116): bound revenue < 20000; medium revenue >= 500; small revenue >= 50",
  regions = region,
  enterprises = {
    { id = "agri-medium-floors", name = "agri-medium-floors", country = "CN", sector = "0116", revenue = { amount = 5000000, currency = "CNY" } },  -- at the medium floor
    { id = "agri-rev-499", name = "agri-rev-499", country = "CN", sector = "0116", revenue = { amount = 4990000, currency = "CNY" } },  -- revenue just below the medium floor 500
    { id = "agri-rev-501", name = "agri-rev-501", country = "CN", sector = "0116", revenue = { amount = 5010000, currency = "CNY" } },  -- revenue just above the medium floor
    { id = "agri-small-floors", name = "agri-small-floors", country = "CN", sector = "0116", revenue = { amount = 500000, currency = "CNY" } },  -- at the small floor
    { id = "agri-rev-49", name = "agri-rev-49", country = "CN", sector = "0116", revenue = { amount = 490000, currency = "CNY" } },  -- revenue just below the small floor 50
    { id = "agri-rev-51", name = "agri-rev-51", country = "CN", sector = "0116", revenue = { amount = 510000, currency = "CNY" } },  -- revenue just above the small floor
    { id = "agri-bound", name = "agri-bound", country = "CN", sector = "0116", revenue = { amount = 200000000, currency = "CNY" } },  -- at the upper bound on every criterion
    { id = "agri-rev-19999", name = "agri-rev-19999", country = "CN", sector = "0116", revenue = { amount = 199990000, currency = "CNY" } },  -- revenue just under the bound 20000: an SME
    { id = "agri-rev-20001", name = "agri-rev-20001", country = "CN", sector = "0116", revenue = { amount = 200010000, currency = "CNY" } },  -- revenue just above the bound
  },
  expect = {
    { enterprise = "agri-medium-floors", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, agriculture)" },
    { enterprise = "agri-rev-499", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, agriculture)" },
    { enterprise = "agri-rev-501", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, agriculture)" },
    { enterprise = "agri-small-floors", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, agriculture)" },
    { enterprise = "agri-rev-49", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (China, agriculture)" },
    { enterprise = "agri-rev-51", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, agriculture)" },
    { enterprise = "agri-bound", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, agriculture)" },
    { enterprise = "agri-rev-19999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, agriculture)" },
    { enterprise = "agri-rev-20001", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, agriculture)" },
  },
}

case {
  name = "China, industry (ISIC 2826): bound employees < 1000 or revenue < 40000; medium employees >= 300 and revenue >= 2000; small employees >= 20 and revenue >= 300",
  regions = region,
  enterprises = {
    { id = "ind-medium-floors", name = "ind-medium-floors", country = "CN", sector = "2826", employees = 300, revenue = { amount = 20000000, currency = "CNY" } },  -- at both medium floors
    { id = "ind-emp-299", name = "ind-emp-299", country = "CN", sector = "2826", employees = 299, revenue = { amount = 20000000, currency = "CNY" } },  -- employees just below the medium floor 300
    { id = "ind-emp-301", name = "ind-emp-301", country = "CN", sector = "2826", employees = 301, revenue = { amount = 20000000, currency = "CNY" } },  -- employees just above the medium floor
    { id = "ind-rev-1999", name = "ind-rev-1999", country = "CN", sector = "2826", employees = 300, revenue = { amount = 19990000, currency = "CNY" } },  -- revenue just below the medium floor 2000
    { id = "ind-rev-2001", name = "ind-rev-2001", country = "CN", sector = "2826", employees = 300, revenue = { amount = 20010000, currency = "CNY" } },  -- revenue just above the medium floor
    { id = "ind-small-floors", name = "ind-small-floors", country = "CN", sector = "2826", employees = 20, revenue = { amount = 3000000, currency = "CNY" } },  -- at both small floors
    { id = "ind-emp-19", name = "ind-emp-19", country = "CN", sector = "2826", employees = 19, revenue = { amount = 3000000, currency = "CNY" } },  -- employees just below the small floor 20
    { id = "ind-emp-21", name = "ind-emp-21", country = "CN", sector = "2826", employees = 21, revenue = { amount = 3000000, currency = "CNY" } },  -- employees just above the small floor
    { id = "ind-rev-299", name = "ind-rev-299", country = "CN", sector = "2826", employees = 20, revenue = { amount = 2990000, currency = "CNY" } },  -- revenue just below the small floor 300
    { id = "ind-rev-301", name = "ind-rev-301", country = "CN", sector = "2826", employees = 20, revenue = { amount = 3010000, currency = "CNY" } },  -- revenue just above the small floor
    { id = "ind-bound", name = "ind-bound", country = "CN", sector = "2826", employees = 1000, revenue = { amount = 400000000, currency = "CNY" } },  -- at the upper bound on every criterion
    { id = "ind-emp-999", name = "ind-emp-999", country = "CN", sector = "2826", employees = 999, revenue = { amount = 400000000, currency = "CNY" } },  -- employees just under the bound 1000: an SME
    { id = "ind-emp-1001", name = "ind-emp-1001", country = "CN", sector = "2826", employees = 1001, revenue = { amount = 400000000, currency = "CNY" } },  -- employees just above the bound
    { id = "ind-rev-39999", name = "ind-rev-39999", country = "CN", sector = "2826", employees = 1000, revenue = { amount = 399990000, currency = "CNY" } },  -- revenue just under the bound 40000: an SME
    { id = "ind-rev-40001", name = "ind-rev-40001", country = "CN", sector = "2826", employees = 1000, revenue = { amount = 400010000, currency = "CNY" } },  -- revenue just above the bound
  },
  expect = {
    { enterprise = "ind-medium-floors", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, industry)" },
    { enterprise = "ind-emp-299", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, industry)" },
    { enterprise = "ind-emp-301", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, industry)" },
    { enterprise = "ind-rev-1999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, industry)" },
    { enterprise = "ind-rev-2001", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, industry)" },
    { enterprise = "ind-small-floors", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, industry)" },
    { enterprise = "ind-emp-19", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (China, industry)" },
    { enterprise = "ind-emp-21", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, industry)" },
    { enterprise = "ind-rev-299", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (China, industry)" },
    { enterprise = "ind-rev-301", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, industry)" },
    { enterprise = "ind-bound", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, industry)" },
    { enterprise = "ind-emp-999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, industry)" },
    { enterprise = "ind-emp-1001", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, industry)" },
    { enterprise = "ind-rev-39999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, industry)" },
    { enterprise = "ind-rev-40001", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, industry)" },
  },
}

case {
  name = "China, construction (ISIC 4210): bound revenue < 80000 or assets < 80000; medium revenue >= 6000 and assets >= 5000; small revenue >= 300 and assets >= 300",
  regions = region,
  enterprises = {
    { id = "con-medium-floors", name = "con-medium-floors", country = "CN", sector = "4210", revenue = { amount = 60000000, currency = "CNY" }, assets = { amount = 50000000, currency = "CNY" } },  -- at both medium floors
    { id = "con-rev-5999", name = "con-rev-5999", country = "CN", sector = "4210", revenue = { amount = 59990000, currency = "CNY" }, assets = { amount = 50000000, currency = "CNY" } },  -- revenue just below the medium floor 6000
    { id = "con-rev-6001", name = "con-rev-6001", country = "CN", sector = "4210", revenue = { amount = 60010000, currency = "CNY" }, assets = { amount = 50000000, currency = "CNY" } },  -- revenue just above the medium floor
    { id = "con-ast-4999", name = "con-ast-4999", country = "CN", sector = "4210", revenue = { amount = 60000000, currency = "CNY" }, assets = { amount = 49990000, currency = "CNY" } },  -- assets just below the medium floor 5000
    { id = "con-ast-5001", name = "con-ast-5001", country = "CN", sector = "4210", revenue = { amount = 60000000, currency = "CNY" }, assets = { amount = 50010000, currency = "CNY" } },  -- assets just above the medium floor
    { id = "con-small-floors", name = "con-small-floors", country = "CN", sector = "4210", revenue = { amount = 3000000, currency = "CNY" }, assets = { amount = 3000000, currency = "CNY" } },  -- at both small floors
    { id = "con-rev-299", name = "con-rev-299", country = "CN", sector = "4210", revenue = { amount = 2990000, currency = "CNY" }, assets = { amount = 3000000, currency = "CNY" } },  -- revenue just below the small floor 300
    { id = "con-rev-301", name = "con-rev-301", country = "CN", sector = "4210", revenue = { amount = 3010000, currency = "CNY" }, assets = { amount = 3000000, currency = "CNY" } },  -- revenue just above the small floor
    { id = "con-ast-299", name = "con-ast-299", country = "CN", sector = "4210", revenue = { amount = 3000000, currency = "CNY" }, assets = { amount = 2990000, currency = "CNY" } },  -- assets just below the small floor 300
    { id = "con-ast-301", name = "con-ast-301", country = "CN", sector = "4210", revenue = { amount = 3000000, currency = "CNY" }, assets = { amount = 3010000, currency = "CNY" } },  -- assets just above the small floor
    { id = "con-bound", name = "con-bound", country = "CN", sector = "4210", revenue = { amount = 800000000, currency = "CNY" }, assets = { amount = 800000000, currency = "CNY" } },  -- at the upper bound on every criterion
    { id = "con-rev-79999", name = "con-rev-79999", country = "CN", sector = "4210", revenue = { amount = 799990000, currency = "CNY" }, assets = { amount = 800000000, currency = "CNY" } },  -- revenue just under the bound 80000: an SME
    { id = "con-rev-80001", name = "con-rev-80001", country = "CN", sector = "4210", revenue = { amount = 800010000, currency = "CNY" }, assets = { amount = 800000000, currency = "CNY" } },  -- revenue just above the bound
    { id = "con-ast-79999", name = "con-ast-79999", country = "CN", sector = "4210", revenue = { amount = 800000000, currency = "CNY" }, assets = { amount = 799990000, currency = "CNY" } },  -- assets just under the bound 80000: an SME
    { id = "con-ast-80001", name = "con-ast-80001", country = "CN", sector = "4210", revenue = { amount = 800000000, currency = "CNY" }, assets = { amount = 800010000, currency = "CNY" } },  -- assets just above the bound
  },
  expect = {
    { enterprise = "con-medium-floors", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, construction)" },
    { enterprise = "con-rev-5999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, construction)" },
    { enterprise = "con-rev-6001", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, construction)" },
    { enterprise = "con-ast-4999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, construction)" },
    { enterprise = "con-ast-5001", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, construction)" },
    { enterprise = "con-small-floors", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, construction)" },
    { enterprise = "con-rev-299", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (China, construction)" },
    { enterprise = "con-rev-301", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, construction)" },
    { enterprise = "con-ast-299", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (China, construction)" },
    { enterprise = "con-ast-301", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, construction)" },
    { enterprise = "con-bound", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, construction)" },
    { enterprise = "con-rev-79999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, construction)" },
    { enterprise = "con-rev-80001", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, construction)" },
    { enterprise = "con-ast-79999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, construction)" },
    { enterprise = "con-ast-80001", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, construction)" },
  },
}

case {
  name = "China, wholesale (ISIC 4669): bound employees < 200 or revenue < 40000; medium employees >= 20 and revenue >= 5000; small employees >= 5 and revenue >= 1000",
  regions = region,
  enterprises = {
    { id = "whs-medium-floors", name = "whs-medium-floors", country = "CN", sector = "4669", employees = 20, revenue = { amount = 50000000, currency = "CNY" } },  -- at both medium floors
    { id = "whs-emp-19", name = "whs-emp-19", country = "CN", sector = "4669", employees = 19, revenue = { amount = 50000000, currency = "CNY" } },  -- employees just below the medium floor 20
    { id = "whs-emp-21", name = "whs-emp-21", country = "CN", sector = "4669", employees = 21, revenue = { amount = 50000000, currency = "CNY" } },  -- employees just above the medium floor
    { id = "whs-rev-4999", name = "whs-rev-4999", country = "CN", sector = "4669", employees = 20, revenue = { amount = 49990000, currency = "CNY" } },  -- revenue just below the medium floor 5000
    { id = "whs-rev-5001", name = "whs-rev-5001", country = "CN", sector = "4669", employees = 20, revenue = { amount = 50010000, currency = "CNY" } },  -- revenue just above the medium floor
    { id = "whs-small-floors", name = "whs-small-floors", country = "CN", sector = "4669", employees = 5, revenue = { amount = 10000000, currency = "CNY" } },  -- at both small floors
    { id = "whs-emp-4", name = "whs-emp-4", country = "CN", sector = "4669", employees = 4, revenue = { amount = 10000000, currency = "CNY" } },  -- employees just below the small floor 5
    { id = "whs-emp-6", name = "whs-emp-6", country = "CN", sector = "4669", employees = 6, revenue = { amount = 10000000, currency = "CNY" } },  -- employees just above the small floor
    { id = "whs-rev-999", name = "whs-rev-999", country = "CN", sector = "4669", employees = 5, revenue = { amount = 9990000, currency = "CNY" } },  -- revenue just below the small floor 1000
    { id = "whs-rev-1001", name = "whs-rev-1001", country = "CN", sector = "4669", employees = 5, revenue = { amount = 10010000, currency = "CNY" } },  -- revenue just above the small floor
    { id = "whs-bound", name = "whs-bound", country = "CN", sector = "4669", employees = 200, revenue = { amount = 400000000, currency = "CNY" } },  -- at the upper bound on every criterion
    { id = "whs-emp-199", name = "whs-emp-199", country = "CN", sector = "4669", employees = 199, revenue = { amount = 400000000, currency = "CNY" } },  -- employees just under the bound 200: an SME
    { id = "whs-emp-201", name = "whs-emp-201", country = "CN", sector = "4669", employees = 201, revenue = { amount = 400000000, currency = "CNY" } },  -- employees just above the bound
    { id = "whs-rev-39999", name = "whs-rev-39999", country = "CN", sector = "4669", employees = 200, revenue = { amount = 399990000, currency = "CNY" } },  -- revenue just under the bound 40000: an SME
    { id = "whs-rev-40001", name = "whs-rev-40001", country = "CN", sector = "4669", employees = 200, revenue = { amount = 400010000, currency = "CNY" } },  -- revenue just above the bound
  },
  expect = {
    { enterprise = "whs-medium-floors", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, wholesale)" },
    { enterprise = "whs-emp-19", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, wholesale)" },
    { enterprise = "whs-emp-21", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, wholesale)" },
    { enterprise = "whs-rev-4999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, wholesale)" },
    { enterprise = "whs-rev-5001", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, wholesale)" },
    { enterprise = "whs-small-floors", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, wholesale)" },
    { enterprise = "whs-emp-4", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (China, wholesale)" },
    { enterprise = "whs-emp-6", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, wholesale)" },
    { enterprise = "whs-rev-999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (China, wholesale)" },
    { enterprise = "whs-rev-1001", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, wholesale)" },
    { enterprise = "whs-bound", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, wholesale)" },
    { enterprise = "whs-emp-199", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, wholesale)" },
    { enterprise = "whs-emp-201", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, wholesale)" },
    { enterprise = "whs-rev-39999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, wholesale)" },
    { enterprise = "whs-rev-40001", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, wholesale)" },
  },
}

case {
  name = "China, retail (ISIC 4711): bound employees < 300 or revenue < 20000; medium employees >= 50 and revenue >= 500; small employees >= 10 and revenue >= 100",
  regions = region,
  enterprises = {
    { id = "ret-medium-floors", name = "ret-medium-floors", country = "CN", sector = "4711", employees = 50, revenue = { amount = 5000000, currency = "CNY" } },  -- at both medium floors
    { id = "ret-emp-49", name = "ret-emp-49", country = "CN", sector = "4711", employees = 49, revenue = { amount = 5000000, currency = "CNY" } },  -- employees just below the medium floor 50
    { id = "ret-emp-51", name = "ret-emp-51", country = "CN", sector = "4711", employees = 51, revenue = { amount = 5000000, currency = "CNY" } },  -- employees just above the medium floor
    { id = "ret-rev-499", name = "ret-rev-499", country = "CN", sector = "4711", employees = 50, revenue = { amount = 4990000, currency = "CNY" } },  -- revenue just below the medium floor 500
    { id = "ret-rev-501", name = "ret-rev-501", country = "CN", sector = "4711", employees = 50, revenue = { amount = 5010000, currency = "CNY" } },  -- revenue just above the medium floor
    { id = "ret-small-floors", name = "ret-small-floors", country = "CN", sector = "4711", employees = 10, revenue = { amount = 1000000, currency = "CNY" } },  -- at both small floors
    { id = "ret-emp-9", name = "ret-emp-9", country = "CN", sector = "4711", employees = 9, revenue = { amount = 1000000, currency = "CNY" } },  -- employees just below the small floor 10
    { id = "ret-emp-11", name = "ret-emp-11", country = "CN", sector = "4711", employees = 11, revenue = { amount = 1000000, currency = "CNY" } },  -- employees just above the small floor
    { id = "ret-rev-99", name = "ret-rev-99", country = "CN", sector = "4711", employees = 10, revenue = { amount = 990000, currency = "CNY" } },  -- revenue just below the small floor 100
    { id = "ret-rev-101", name = "ret-rev-101", country = "CN", sector = "4711", employees = 10, revenue = { amount = 1010000, currency = "CNY" } },  -- revenue just above the small floor
    { id = "ret-bound", name = "ret-bound", country = "CN", sector = "4711", employees = 300, revenue = { amount = 200000000, currency = "CNY" } },  -- at the upper bound on every criterion
    { id = "ret-emp-299", name = "ret-emp-299", country = "CN", sector = "4711", employees = 299, revenue = { amount = 200000000, currency = "CNY" } },  -- employees just under the bound 300: an SME
    { id = "ret-emp-301", name = "ret-emp-301", country = "CN", sector = "4711", employees = 301, revenue = { amount = 200000000, currency = "CNY" } },  -- employees just above the bound
    { id = "ret-rev-19999", name = "ret-rev-19999", country = "CN", sector = "4711", employees = 300, revenue = { amount = 199990000, currency = "CNY" } },  -- revenue just under the bound 20000: an SME
    { id = "ret-rev-20001", name = "ret-rev-20001", country = "CN", sector = "4711", employees = 300, revenue = { amount = 200010000, currency = "CNY" } },  -- revenue just above the bound
  },
  expect = {
    { enterprise = "ret-medium-floors", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, retail)" },
    { enterprise = "ret-emp-49", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, retail)" },
    { enterprise = "ret-emp-51", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, retail)" },
    { enterprise = "ret-rev-499", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, retail)" },
    { enterprise = "ret-rev-501", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, retail)" },
    { enterprise = "ret-small-floors", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, retail)" },
    { enterprise = "ret-emp-9", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (China, retail)" },
    { enterprise = "ret-emp-11", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, retail)" },
    { enterprise = "ret-rev-99", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (China, retail)" },
    { enterprise = "ret-rev-101", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, retail)" },
    { enterprise = "ret-bound", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, retail)" },
    { enterprise = "ret-emp-299", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, retail)" },
    { enterprise = "ret-emp-301", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, retail)" },
    { enterprise = "ret-rev-19999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, retail)" },
    { enterprise = "ret-rev-20001", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, retail)" },
  },
}

case {
  name = "China, transport (ISIC 4923): bound employees < 1000 or revenue < 30000; medium employees >= 300 and revenue >= 3000; small employees >= 20 and revenue >= 200",
  regions = region,
  enterprises = {
    { id = "tra-medium-floors", name = "tra-medium-floors", country = "CN", sector = "4923", employees = 300, revenue = { amount = 30000000, currency = "CNY" } },  -- at both medium floors
    { id = "tra-emp-299", name = "tra-emp-299", country = "CN", sector = "4923", employees = 299, revenue = { amount = 30000000, currency = "CNY" } },  -- employees just below the medium floor 300
    { id = "tra-emp-301", name = "tra-emp-301", country = "CN", sector = "4923", employees = 301, revenue = { amount = 30000000, currency = "CNY" } },  -- employees just above the medium floor
    { id = "tra-rev-2999", name = "tra-rev-2999", country = "CN", sector = "4923", employees = 300, revenue = { amount = 29990000, currency = "CNY" } },  -- revenue just below the medium floor 3000
    { id = "tra-rev-3001", name = "tra-rev-3001", country = "CN", sector = "4923", employees = 300, revenue = { amount = 30010000, currency = "CNY" } },  -- revenue just above the medium floor
    { id = "tra-small-floors", name = "tra-small-floors", country = "CN", sector = "4923", employees = 20, revenue = { amount = 2000000, currency = "CNY" } },  -- at both small floors
    { id = "tra-emp-19", name = "tra-emp-19", country = "CN", sector = "4923", employees = 19, revenue = { amount = 2000000, currency = "CNY" } },  -- employees just below the small floor 20
    { id = "tra-emp-21", name = "tra-emp-21", country = "CN", sector = "4923", employees = 21, revenue = { amount = 2000000, currency = "CNY" } },  -- employees just above the small floor
    { id = "tra-rev-199", name = "tra-rev-199", country = "CN", sector = "4923", employees = 20, revenue = { amount = 1990000, currency = "CNY" } },  -- revenue just below the small floor 200
    { id = "tra-rev-201", name = "tra-rev-201", country = "CN", sector = "4923", employees = 20, revenue = { amount = 2010000, currency = "CNY" } },  -- revenue just above the small floor
    { id = "tra-bound", name = "tra-bound", country = "CN", sector = "4923", employees = 1000, revenue = { amount = 300000000, currency = "CNY" } },  -- at the upper bound on every criterion
    { id = "tra-emp-999", name = "tra-emp-999", country = "CN", sector = "4923", employees = 999, revenue = { amount = 300000000, currency = "CNY" } },  -- employees just under the bound 1000: an SME
    { id = "tra-emp-1001", name = "tra-emp-1001", country = "CN", sector = "4923", employees = 1001, revenue = { amount = 300000000, currency = "CNY" } },  -- employees just above the bound
    { id = "tra-rev-29999", name = "tra-rev-29999", country = "CN", sector = "4923", employees = 1000, revenue = { amount = 299990000, currency = "CNY" } },  -- revenue just under the bound 30000: an SME
    { id = "tra-rev-30001", name = "tra-rev-30001", country = "CN", sector = "4923", employees = 1000, revenue = { amount = 300010000, currency = "CNY" } },  -- revenue just above the bound
  },
  expect = {
    { enterprise = "tra-medium-floors", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, transport)" },
    { enterprise = "tra-emp-299", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, transport)" },
    { enterprise = "tra-emp-301", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, transport)" },
    { enterprise = "tra-rev-2999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, transport)" },
    { enterprise = "tra-rev-3001", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, transport)" },
    { enterprise = "tra-small-floors", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, transport)" },
    { enterprise = "tra-emp-19", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (China, transport)" },
    { enterprise = "tra-emp-21", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, transport)" },
    { enterprise = "tra-rev-199", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (China, transport)" },
    { enterprise = "tra-rev-201", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, transport)" },
    { enterprise = "tra-bound", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, transport)" },
    { enterprise = "tra-emp-999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, transport)" },
    { enterprise = "tra-emp-1001", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, transport)" },
    { enterprise = "tra-rev-29999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, transport)" },
    { enterprise = "tra-rev-30001", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, transport)" },
  },
}

case {
  name = "China, warehousing (ISIC 5210): bound employees < 200 or revenue < 30000; medium employees >= 100 and revenue >= 1000; small employees >= 20 and revenue >= 100",
  regions = region,
  enterprises = {
    { id = "war-medium-floors", name = "war-medium-floors", country = "CN", sector = "5210", employees = 100, revenue = { amount = 10000000, currency = "CNY" } },  -- at both medium floors
    { id = "war-emp-99", name = "war-emp-99", country = "CN", sector = "5210", employees = 99, revenue = { amount = 10000000, currency = "CNY" } },  -- employees just below the medium floor 100
    { id = "war-emp-101", name = "war-emp-101", country = "CN", sector = "5210", employees = 101, revenue = { amount = 10000000, currency = "CNY" } },  -- employees just above the medium floor
    { id = "war-rev-999", name = "war-rev-999", country = "CN", sector = "5210", employees = 100, revenue = { amount = 9990000, currency = "CNY" } },  -- revenue just below the medium floor 1000
    { id = "war-rev-1001", name = "war-rev-1001", country = "CN", sector = "5210", employees = 100, revenue = { amount = 10010000, currency = "CNY" } },  -- revenue just above the medium floor
    { id = "war-small-floors", name = "war-small-floors", country = "CN", sector = "5210", employees = 20, revenue = { amount = 1000000, currency = "CNY" } },  -- at both small floors
    { id = "war-emp-19", name = "war-emp-19", country = "CN", sector = "5210", employees = 19, revenue = { amount = 1000000, currency = "CNY" } },  -- employees just below the small floor 20
    { id = "war-emp-21", name = "war-emp-21", country = "CN", sector = "5210", employees = 21, revenue = { amount = 1000000, currency = "CNY" } },  -- employees just above the small floor
    { id = "war-rev-99", name = "war-rev-99", country = "CN", sector = "5210", employees = 20, revenue = { amount = 990000, currency = "CNY" } },  -- revenue just below the small floor 100
    { id = "war-rev-101", name = "war-rev-101", country = "CN", sector = "5210", employees = 20, revenue = { amount = 1010000, currency = "CNY" } },  -- revenue just above the small floor
    { id = "war-bound", name = "war-bound", country = "CN", sector = "5210", employees = 200, revenue = { amount = 300000000, currency = "CNY" } },  -- at the upper bound on every criterion
    { id = "war-emp-199", name = "war-emp-199", country = "CN", sector = "5210", employees = 199, revenue = { amount = 300000000, currency = "CNY" } },  -- employees just under the bound 200: an SME
    { id = "war-emp-201", name = "war-emp-201", country = "CN", sector = "5210", employees = 201, revenue = { amount = 300000000, currency = "CNY" } },  -- employees just above the bound
    { id = "war-rev-29999", name = "war-rev-29999", country = "CN", sector = "5210", employees = 200, revenue = { amount = 299990000, currency = "CNY" } },  -- revenue just under the bound 30000: an SME
    { id = "war-rev-30001", name = "war-rev-30001", country = "CN", sector = "5210", employees = 200, revenue = { amount = 300010000, currency = "CNY" } },  -- revenue just above the bound
  },
  expect = {
    { enterprise = "war-medium-floors", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, warehousing)" },
    { enterprise = "war-emp-99", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, warehousing)" },
    { enterprise = "war-emp-101", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, warehousing)" },
    { enterprise = "war-rev-999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, warehousing)" },
    { enterprise = "war-rev-1001", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, warehousing)" },
    { enterprise = "war-small-floors", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, warehousing)" },
    { enterprise = "war-emp-19", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (China, warehousing)" },
    { enterprise = "war-emp-21", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, warehousing)" },
    { enterprise = "war-rev-99", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (China, warehousing)" },
    { enterprise = "war-rev-101", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, warehousing)" },
    { enterprise = "war-bound", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, warehousing)" },
    { enterprise = "war-emp-199", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, warehousing)" },
    { enterprise = "war-emp-201", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, warehousing)" },
    { enterprise = "war-rev-29999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, warehousing)" },
    { enterprise = "war-rev-30001", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, warehousing)" },
  },
}

case {
  name = "China, postal (ISIC 5310): bound employees < 1000 or revenue < 30000; medium employees >= 300 and revenue >= 2000; small employees >= 20 and revenue >= 100",
  regions = region,
  enterprises = {
    { id = "pos-medium-floors", name = "pos-medium-floors", country = "CN", sector = "5310", employees = 300, revenue = { amount = 20000000, currency = "CNY" } },  -- at both medium floors
    { id = "pos-emp-299", name = "pos-emp-299", country = "CN", sector = "5310", employees = 299, revenue = { amount = 20000000, currency = "CNY" } },  -- employees just below the medium floor 300
    { id = "pos-emp-301", name = "pos-emp-301", country = "CN", sector = "5310", employees = 301, revenue = { amount = 20000000, currency = "CNY" } },  -- employees just above the medium floor
    { id = "pos-rev-1999", name = "pos-rev-1999", country = "CN", sector = "5310", employees = 300, revenue = { amount = 19990000, currency = "CNY" } },  -- revenue just below the medium floor 2000
    { id = "pos-rev-2001", name = "pos-rev-2001", country = "CN", sector = "5310", employees = 300, revenue = { amount = 20010000, currency = "CNY" } },  -- revenue just above the medium floor
    { id = "pos-small-floors", name = "pos-small-floors", country = "CN", sector = "5310", employees = 20, revenue = { amount = 1000000, currency = "CNY" } },  -- at both small floors
    { id = "pos-emp-19", name = "pos-emp-19", country = "CN", sector = "5310", employees = 19, revenue = { amount = 1000000, currency = "CNY" } },  -- employees just below the small floor 20
    { id = "pos-emp-21", name = "pos-emp-21", country = "CN", sector = "5310", employees = 21, revenue = { amount = 1000000, currency = "CNY" } },  -- employees just above the small floor
    { id = "pos-rev-99", name = "pos-rev-99", country = "CN", sector = "5310", employees = 20, revenue = { amount = 990000, currency = "CNY" } },  -- revenue just below the small floor 100
    { id = "pos-rev-101", name = "pos-rev-101", country = "CN", sector = "5310", employees = 20, revenue = { amount = 1010000, currency = "CNY" } },  -- revenue just above the small floor
    { id = "pos-bound", name = "pos-bound", country = "CN", sector = "5310", employees = 1000, revenue = { amount = 300000000, currency = "CNY" } },  -- at the upper bound on every criterion
    { id = "pos-emp-999", name = "pos-emp-999", country = "CN", sector = "5310", employees = 999, revenue = { amount = 300000000, currency = "CNY" } },  -- employees just under the bound 1000: an SME
    { id = "pos-emp-1001", name = "pos-emp-1001", country = "CN", sector = "5310", employees = 1001, revenue = { amount = 300000000, currency = "CNY" } },  -- employees just above the bound
    { id = "pos-rev-29999", name = "pos-rev-29999", country = "CN", sector = "5310", employees = 1000, revenue = { amount = 299990000, currency = "CNY" } },  -- revenue just under the bound 30000: an SME
    { id = "pos-rev-30001", name = "pos-rev-30001", country = "CN", sector = "5310", employees = 1000, revenue = { amount = 300010000, currency = "CNY" } },  -- revenue just above the bound
  },
  expect = {
    { enterprise = "pos-medium-floors", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, postal)" },
    { enterprise = "pos-emp-299", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, postal)" },
    { enterprise = "pos-emp-301", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, postal)" },
    { enterprise = "pos-rev-1999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, postal)" },
    { enterprise = "pos-rev-2001", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, postal)" },
    { enterprise = "pos-small-floors", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, postal)" },
    { enterprise = "pos-emp-19", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (China, postal)" },
    { enterprise = "pos-emp-21", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, postal)" },
    { enterprise = "pos-rev-99", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (China, postal)" },
    { enterprise = "pos-rev-101", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, postal)" },
    { enterprise = "pos-bound", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, postal)" },
    { enterprise = "pos-emp-999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, postal)" },
    { enterprise = "pos-emp-1001", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, postal)" },
    { enterprise = "pos-rev-29999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, postal)" },
    { enterprise = "pos-rev-30001", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, postal)" },
  },
}

case {
  name = "China, accommodation and catering (ISIC 5510): bound employees < 300 or revenue < 10000; medium employees >= 100 and revenue >= 2000; small employees >= 10 and revenue >= 100",
  regions = region,
  enterprises = {
    { id = "acc-medium-floors", name = "acc-medium-floors", country = "CN", sector = "5510", employees = 100, revenue = { amount = 20000000, currency = "CNY" } },  -- at both medium floors
    { id = "acc-emp-99", name = "acc-emp-99", country = "CN", sector = "5510", employees = 99, revenue = { amount = 20000000, currency = "CNY" } },  -- employees just below the medium floor 100
    { id = "acc-emp-101", name = "acc-emp-101", country = "CN", sector = "5510", employees = 101, revenue = { amount = 20000000, currency = "CNY" } },  -- employees just above the medium floor
    { id = "acc-rev-1999", name = "acc-rev-1999", country = "CN", sector = "5510", employees = 100, revenue = { amount = 19990000, currency = "CNY" } },  -- revenue just below the medium floor 2000
    { id = "acc-rev-2001", name = "acc-rev-2001", country = "CN", sector = "5510", employees = 100, revenue = { amount = 20010000, currency = "CNY" } },  -- revenue just above the medium floor
    { id = "acc-small-floors", name = "acc-small-floors", country = "CN", sector = "5510", employees = 10, revenue = { amount = 1000000, currency = "CNY" } },  -- at both small floors
    { id = "acc-emp-9", name = "acc-emp-9", country = "CN", sector = "5510", employees = 9, revenue = { amount = 1000000, currency = "CNY" } },  -- employees just below the small floor 10
    { id = "acc-emp-11", name = "acc-emp-11", country = "CN", sector = "5510", employees = 11, revenue = { amount = 1000000, currency = "CNY" } },  -- employees just above the small floor
    { id = "acc-rev-99", name = "acc-rev-99", country = "CN", sector = "5510", employees = 10, revenue = { amount = 990000, currency = "CNY" } },  -- revenue just below the small floor 100
    { id = "acc-rev-101", name = "acc-rev-101", country = "CN", sector = "5510", employees = 10, revenue = { amount = 1010000, currency = "CNY" } },  -- revenue just above the small floor
    { id = "acc-bound", name = "acc-bound", country = "CN", sector = "5510", employees = 300, revenue = { amount = 100000000, currency = "CNY" } },  -- at the upper bound on every criterion
    { id = "acc-emp-299", name = "acc-emp-299", country = "CN", sector = "5510", employees = 299, revenue = { amount = 100000000, currency = "CNY" } },  -- employees just under the bound 300: an SME
    { id = "acc-emp-301", name = "acc-emp-301", country = "CN", sector = "5510", employees = 301, revenue = { amount = 100000000, currency = "CNY" } },  -- employees just above the bound
    { id = "acc-rev-9999", name = "acc-rev-9999", country = "CN", sector = "5510", employees = 300, revenue = { amount = 99990000, currency = "CNY" } },  -- revenue just under the bound 10000: an SME
    { id = "acc-rev-10001", name = "acc-rev-10001", country = "CN", sector = "5510", employees = 300, revenue = { amount = 100010000, currency = "CNY" } },  -- revenue just above the bound
  },
  expect = {
    { enterprise = "acc-medium-floors", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, accommodation and catering)" },
    { enterprise = "acc-emp-99", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, accommodation and catering)" },
    { enterprise = "acc-emp-101", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, accommodation and catering)" },
    { enterprise = "acc-rev-1999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, accommodation and catering)" },
    { enterprise = "acc-rev-2001", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, accommodation and catering)" },
    { enterprise = "acc-small-floors", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, accommodation and catering)" },
    { enterprise = "acc-emp-9", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (China, accommodation and catering)" },
    { enterprise = "acc-emp-11", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, accommodation and catering)" },
    { enterprise = "acc-rev-99", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (China, accommodation and catering)" },
    { enterprise = "acc-rev-101", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, accommodation and catering)" },
    { enterprise = "acc-bound", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, accommodation and catering)" },
    { enterprise = "acc-emp-299", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, accommodation and catering)" },
    { enterprise = "acc-emp-301", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, accommodation and catering)" },
    { enterprise = "acc-rev-9999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, accommodation and catering)" },
    { enterprise = "acc-rev-10001", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, accommodation and catering)" },
  },
}

case {
  name = "China, information transmission (ISIC 6110): bound employees < 2000 or revenue < 100000; medium employees >= 100 and revenue >= 1000; small employees >= 10 and revenue >= 100",
  regions = region,
  enterprises = {
    { id = "itr-medium-floors", name = "itr-medium-floors", country = "CN", sector = "6110", employees = 100, revenue = { amount = 10000000, currency = "CNY" } },  -- at both medium floors
    { id = "itr-emp-99", name = "itr-emp-99", country = "CN", sector = "6110", employees = 99, revenue = { amount = 10000000, currency = "CNY" } },  -- employees just below the medium floor 100
    { id = "itr-emp-101", name = "itr-emp-101", country = "CN", sector = "6110", employees = 101, revenue = { amount = 10000000, currency = "CNY" } },  -- employees just above the medium floor
    { id = "itr-rev-999", name = "itr-rev-999", country = "CN", sector = "6110", employees = 100, revenue = { amount = 9990000, currency = "CNY" } },  -- revenue just below the medium floor 1000
    { id = "itr-rev-1001", name = "itr-rev-1001", country = "CN", sector = "6110", employees = 100, revenue = { amount = 10010000, currency = "CNY" } },  -- revenue just above the medium floor
    { id = "itr-small-floors", name = "itr-small-floors", country = "CN", sector = "6110", employees = 10, revenue = { amount = 1000000, currency = "CNY" } },  -- at both small floors
    { id = "itr-emp-9", name = "itr-emp-9", country = "CN", sector = "6110", employees = 9, revenue = { amount = 1000000, currency = "CNY" } },  -- employees just below the small floor 10
    { id = "itr-emp-11", name = "itr-emp-11", country = "CN", sector = "6110", employees = 11, revenue = { amount = 1000000, currency = "CNY" } },  -- employees just above the small floor
    { id = "itr-rev-99", name = "itr-rev-99", country = "CN", sector = "6110", employees = 10, revenue = { amount = 990000, currency = "CNY" } },  -- revenue just below the small floor 100
    { id = "itr-rev-101", name = "itr-rev-101", country = "CN", sector = "6110", employees = 10, revenue = { amount = 1010000, currency = "CNY" } },  -- revenue just above the small floor
    { id = "itr-bound", name = "itr-bound", country = "CN", sector = "6110", employees = 2000, revenue = { amount = 1000000000, currency = "CNY" } },  -- at the upper bound on every criterion
    { id = "itr-emp-1999", name = "itr-emp-1999", country = "CN", sector = "6110", employees = 1999, revenue = { amount = 1000000000, currency = "CNY" } },  -- employees just under the bound 2000: an SME
    { id = "itr-emp-2001", name = "itr-emp-2001", country = "CN", sector = "6110", employees = 2001, revenue = { amount = 1000000000, currency = "CNY" } },  -- employees just above the bound
    { id = "itr-rev-99999", name = "itr-rev-99999", country = "CN", sector = "6110", employees = 2000, revenue = { amount = 999990000, currency = "CNY" } },  -- revenue just under the bound 100000: an SME
    { id = "itr-rev-100001", name = "itr-rev-100001", country = "CN", sector = "6110", employees = 2000, revenue = { amount = 1000010000, currency = "CNY" } },  -- revenue just above the bound
  },
  expect = {
    { enterprise = "itr-medium-floors", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, information transmission)" },
    { enterprise = "itr-emp-99", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, information transmission)" },
    { enterprise = "itr-emp-101", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, information transmission)" },
    { enterprise = "itr-rev-999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, information transmission)" },
    { enterprise = "itr-rev-1001", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, information transmission)" },
    { enterprise = "itr-small-floors", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, information transmission)" },
    { enterprise = "itr-emp-9", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (China, information transmission)" },
    { enterprise = "itr-emp-11", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, information transmission)" },
    { enterprise = "itr-rev-99", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (China, information transmission)" },
    { enterprise = "itr-rev-101", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, information transmission)" },
    { enterprise = "itr-bound", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, information transmission)" },
    { enterprise = "itr-emp-1999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, information transmission)" },
    { enterprise = "itr-emp-2001", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, information transmission)" },
    { enterprise = "itr-rev-99999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, information transmission)" },
    { enterprise = "itr-rev-100001", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, information transmission)" },
  },
}

case {
  name = "China, software and IT services (ISIC 6201): bound employees < 300 or revenue < 10000; medium employees >= 100 and revenue >= 1000; small employees >= 10 and revenue >= 50",
  regions = region,
  enterprises = {
    { id = "sof-medium-floors", name = "sof-medium-floors", country = "CN", sector = "6201", employees = 100, revenue = { amount = 10000000, currency = "CNY" } },  -- at both medium floors
    { id = "sof-emp-99", name = "sof-emp-99", country = "CN", sector = "6201", employees = 99, revenue = { amount = 10000000, currency = "CNY" } },  -- employees just below the medium floor 100
    { id = "sof-emp-101", name = "sof-emp-101", country = "CN", sector = "6201", employees = 101, revenue = { amount = 10000000, currency = "CNY" } },  -- employees just above the medium floor
    { id = "sof-rev-999", name = "sof-rev-999", country = "CN", sector = "6201", employees = 100, revenue = { amount = 9990000, currency = "CNY" } },  -- revenue just below the medium floor 1000
    { id = "sof-rev-1001", name = "sof-rev-1001", country = "CN", sector = "6201", employees = 100, revenue = { amount = 10010000, currency = "CNY" } },  -- revenue just above the medium floor
    { id = "sof-small-floors", name = "sof-small-floors", country = "CN", sector = "6201", employees = 10, revenue = { amount = 500000, currency = "CNY" } },  -- at both small floors
    { id = "sof-emp-9", name = "sof-emp-9", country = "CN", sector = "6201", employees = 9, revenue = { amount = 500000, currency = "CNY" } },  -- employees just below the small floor 10
    { id = "sof-emp-11", name = "sof-emp-11", country = "CN", sector = "6201", employees = 11, revenue = { amount = 500000, currency = "CNY" } },  -- employees just above the small floor
    { id = "sof-rev-49", name = "sof-rev-49", country = "CN", sector = "6201", employees = 10, revenue = { amount = 490000, currency = "CNY" } },  -- revenue just below the small floor 50
    { id = "sof-rev-51", name = "sof-rev-51", country = "CN", sector = "6201", employees = 10, revenue = { amount = 510000, currency = "CNY" } },  -- revenue just above the small floor
    { id = "sof-bound", name = "sof-bound", country = "CN", sector = "6201", employees = 300, revenue = { amount = 100000000, currency = "CNY" } },  -- at the upper bound on every criterion
    { id = "sof-emp-299", name = "sof-emp-299", country = "CN", sector = "6201", employees = 299, revenue = { amount = 100000000, currency = "CNY" } },  -- employees just under the bound 300: an SME
    { id = "sof-emp-301", name = "sof-emp-301", country = "CN", sector = "6201", employees = 301, revenue = { amount = 100000000, currency = "CNY" } },  -- employees just above the bound
    { id = "sof-rev-9999", name = "sof-rev-9999", country = "CN", sector = "6201", employees = 300, revenue = { amount = 99990000, currency = "CNY" } },  -- revenue just under the bound 10000: an SME
    { id = "sof-rev-10001", name = "sof-rev-10001", country = "CN", sector = "6201", employees = 300, revenue = { amount = 100010000, currency = "CNY" } },  -- revenue just above the bound
  },
  expect = {
    { enterprise = "sof-medium-floors", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, software and IT services)" },
    { enterprise = "sof-emp-99", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, software and IT services)" },
    { enterprise = "sof-emp-101", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, software and IT services)" },
    { enterprise = "sof-rev-999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, software and IT services)" },
    { enterprise = "sof-rev-1001", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, software and IT services)" },
    { enterprise = "sof-small-floors", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, software and IT services)" },
    { enterprise = "sof-emp-9", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (China, software and IT services)" },
    { enterprise = "sof-emp-11", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, software and IT services)" },
    { enterprise = "sof-rev-49", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (China, software and IT services)" },
    { enterprise = "sof-rev-51", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, software and IT services)" },
    { enterprise = "sof-bound", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, software and IT services)" },
    { enterprise = "sof-emp-299", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, software and IT services)" },
    { enterprise = "sof-emp-301", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, software and IT services)" },
    { enterprise = "sof-rev-9999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, software and IT services)" },
    { enterprise = "sof-rev-10001", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, software and IT services)" },
  },
}

case {
  name = "China, real estate development (ISIC 6810): bound revenue < 200000 or assets < 10000; medium revenue >= 1000 and assets >= 5000; small revenue >= 100 and assets >= 2000",
  regions = region,
  enterprises = {
    { id = "red-medium-floors", name = "red-medium-floors", country = "CN", sector = "6810", revenue = { amount = 10000000, currency = "CNY" }, assets = { amount = 50000000, currency = "CNY" } },  -- at both medium floors
    { id = "red-rev-999", name = "red-rev-999", country = "CN", sector = "6810", revenue = { amount = 9990000, currency = "CNY" }, assets = { amount = 50000000, currency = "CNY" } },  -- revenue just below the medium floor 1000
    { id = "red-rev-1001", name = "red-rev-1001", country = "CN", sector = "6810", revenue = { amount = 10010000, currency = "CNY" }, assets = { amount = 50000000, currency = "CNY" } },  -- revenue just above the medium floor
    { id = "red-ast-4999", name = "red-ast-4999", country = "CN", sector = "6810", revenue = { amount = 10000000, currency = "CNY" }, assets = { amount = 49990000, currency = "CNY" } },  -- assets just below the medium floor 5000
    { id = "red-ast-5001", name = "red-ast-5001", country = "CN", sector = "6810", revenue = { amount = 10000000, currency = "CNY" }, assets = { amount = 50010000, currency = "CNY" } },  -- assets just above the medium floor
    { id = "red-small-floors", name = "red-small-floors", country = "CN", sector = "6810", revenue = { amount = 1000000, currency = "CNY" }, assets = { amount = 20000000, currency = "CNY" } },  -- at both small floors
    { id = "red-rev-99", name = "red-rev-99", country = "CN", sector = "6810", revenue = { amount = 990000, currency = "CNY" }, assets = { amount = 20000000, currency = "CNY" } },  -- revenue just below the small floor 100
    { id = "red-rev-101", name = "red-rev-101", country = "CN", sector = "6810", revenue = { amount = 1010000, currency = "CNY" }, assets = { amount = 20000000, currency = "CNY" } },  -- revenue just above the small floor
    { id = "red-ast-1999", name = "red-ast-1999", country = "CN", sector = "6810", revenue = { amount = 1000000, currency = "CNY" }, assets = { amount = 19990000, currency = "CNY" } },  -- assets just below the small floor 2000
    { id = "red-ast-2001", name = "red-ast-2001", country = "CN", sector = "6810", revenue = { amount = 1000000, currency = "CNY" }, assets = { amount = 20010000, currency = "CNY" } },  -- assets just above the small floor
    { id = "red-bound", name = "red-bound", country = "CN", sector = "6810", revenue = { amount = 2000000000, currency = "CNY" }, assets = { amount = 100000000, currency = "CNY" } },  -- at the upper bound on every criterion
    { id = "red-rev-199999", name = "red-rev-199999", country = "CN", sector = "6810", revenue = { amount = 1999990000, currency = "CNY" }, assets = { amount = 100000000, currency = "CNY" } },  -- revenue just under the bound 200000: an SME
    { id = "red-rev-200001", name = "red-rev-200001", country = "CN", sector = "6810", revenue = { amount = 2000010000, currency = "CNY" }, assets = { amount = 100000000, currency = "CNY" } },  -- revenue just above the bound
    { id = "red-ast-9999", name = "red-ast-9999", country = "CN", sector = "6810", revenue = { amount = 2000000000, currency = "CNY" }, assets = { amount = 99990000, currency = "CNY" } },  -- assets just under the bound 10000: an SME
    { id = "red-ast-10001", name = "red-ast-10001", country = "CN", sector = "6810", revenue = { amount = 2000000000, currency = "CNY" }, assets = { amount = 100010000, currency = "CNY" } },  -- assets just above the bound
  },
  expect = {
    { enterprise = "red-medium-floors", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, real estate development)" },
    { enterprise = "red-rev-999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, real estate development)" },
    { enterprise = "red-rev-1001", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, real estate development)" },
    { enterprise = "red-ast-4999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, real estate development)" },
    { enterprise = "red-ast-5001", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, real estate development)" },
    { enterprise = "red-small-floors", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, real estate development)" },
    { enterprise = "red-rev-99", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (China, real estate development)" },
    { enterprise = "red-rev-101", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, real estate development)" },
    { enterprise = "red-ast-1999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (China, real estate development)" },
    { enterprise = "red-ast-2001", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, real estate development)" },
    { enterprise = "red-bound", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, real estate development)" },
    { enterprise = "red-rev-199999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, real estate development)" },
    { enterprise = "red-rev-200001", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, real estate development)" },
    { enterprise = "red-ast-9999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, real estate development)" },
    { enterprise = "red-ast-10001", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, real estate development)" },
  },
}

case {
  name = "China, property management (ISIC 6820): bound employees < 1000 or revenue < 5000; medium employees >= 300 and revenue >= 1000; small employees >= 100 and revenue >= 500",
  regions = region,
  enterprises = {
    { id = "pro-medium-floors", name = "pro-medium-floors", country = "CN", sector = "6820", employees = 300, revenue = { amount = 10000000, currency = "CNY" } },  -- at both medium floors
    { id = "pro-emp-299", name = "pro-emp-299", country = "CN", sector = "6820", employees = 299, revenue = { amount = 10000000, currency = "CNY" } },  -- employees just below the medium floor 300
    { id = "pro-emp-301", name = "pro-emp-301", country = "CN", sector = "6820", employees = 301, revenue = { amount = 10000000, currency = "CNY" } },  -- employees just above the medium floor
    { id = "pro-rev-999", name = "pro-rev-999", country = "CN", sector = "6820", employees = 300, revenue = { amount = 9990000, currency = "CNY" } },  -- revenue just below the medium floor 1000
    { id = "pro-rev-1001", name = "pro-rev-1001", country = "CN", sector = "6820", employees = 300, revenue = { amount = 10010000, currency = "CNY" } },  -- revenue just above the medium floor
    { id = "pro-small-floors", name = "pro-small-floors", country = "CN", sector = "6820", employees = 100, revenue = { amount = 5000000, currency = "CNY" } },  -- at both small floors
    { id = "pro-emp-99", name = "pro-emp-99", country = "CN", sector = "6820", employees = 99, revenue = { amount = 5000000, currency = "CNY" } },  -- employees just below the small floor 100
    { id = "pro-emp-101", name = "pro-emp-101", country = "CN", sector = "6820", employees = 101, revenue = { amount = 5000000, currency = "CNY" } },  -- employees just above the small floor
    { id = "pro-rev-499", name = "pro-rev-499", country = "CN", sector = "6820", employees = 100, revenue = { amount = 4990000, currency = "CNY" } },  -- revenue just below the small floor 500
    { id = "pro-rev-501", name = "pro-rev-501", country = "CN", sector = "6820", employees = 100, revenue = { amount = 5010000, currency = "CNY" } },  -- revenue just above the small floor
    { id = "pro-bound", name = "pro-bound", country = "CN", sector = "6820", employees = 1000, revenue = { amount = 50000000, currency = "CNY" } },  -- at the upper bound on every criterion
    { id = "pro-emp-999", name = "pro-emp-999", country = "CN", sector = "6820", employees = 999, revenue = { amount = 50000000, currency = "CNY" } },  -- employees just under the bound 1000: an SME
    { id = "pro-emp-1001", name = "pro-emp-1001", country = "CN", sector = "6820", employees = 1001, revenue = { amount = 50000000, currency = "CNY" } },  -- employees just above the bound
    { id = "pro-rev-4999", name = "pro-rev-4999", country = "CN", sector = "6820", employees = 1000, revenue = { amount = 49990000, currency = "CNY" } },  -- revenue just under the bound 5000: an SME
    { id = "pro-rev-5001", name = "pro-rev-5001", country = "CN", sector = "6820", employees = 1000, revenue = { amount = 50010000, currency = "CNY" } },  -- revenue just above the bound
  },
  expect = {
    { enterprise = "pro-medium-floors", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, property management)" },
    { enterprise = "pro-emp-299", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, property management)" },
    { enterprise = "pro-emp-301", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, property management)" },
    { enterprise = "pro-rev-999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, property management)" },
    { enterprise = "pro-rev-1001", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, property management)" },
    { enterprise = "pro-small-floors", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, property management)" },
    { enterprise = "pro-emp-99", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (China, property management)" },
    { enterprise = "pro-emp-101", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, property management)" },
    { enterprise = "pro-rev-499", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (China, property management)" },
    { enterprise = "pro-rev-501", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, property management)" },
    { enterprise = "pro-bound", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, property management)" },
    { enterprise = "pro-emp-999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, property management)" },
    { enterprise = "pro-emp-1001", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, property management)" },
    { enterprise = "pro-rev-4999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, property management)" },
    { enterprise = "pro-rev-5001", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, property management)" },
  },
}

case {
  name = "China, leasing and business services (ISIC 7710): bound employees < 300 or assets < 120000; medium employees >= 100 and assets >= 8000; small employees >= 10 and assets >= 100",
  regions = region,
  enterprises = {
    { id = "lea-medium-floors", name = "lea-medium-floors", country = "CN", sector = "7710", employees = 100, assets = { amount = 80000000, currency = "CNY" } },  -- at both medium floors
    { id = "lea-emp-99", name = "lea-emp-99", country = "CN", sector = "7710", employees = 99, assets = { amount = 80000000, currency = "CNY" } },  -- employees just below the medium floor 100
    { id = "lea-emp-101", name = "lea-emp-101", country = "CN", sector = "7710", employees = 101, assets = { amount = 80000000, currency = "CNY" } },  -- employees just above the medium floor
    { id = "lea-ast-7999", name = "lea-ast-7999", country = "CN", sector = "7710", employees = 100, assets = { amount = 79990000, currency = "CNY" } },  -- assets just below the medium floor 8000
    { id = "lea-ast-8001", name = "lea-ast-8001", country = "CN", sector = "7710", employees = 100, assets = { amount = 80010000, currency = "CNY" } },  -- assets just above the medium floor
    { id = "lea-small-floors", name = "lea-small-floors", country = "CN", sector = "7710", employees = 10, assets = { amount = 1000000, currency = "CNY" } },  -- at both small floors
    { id = "lea-emp-9", name = "lea-emp-9", country = "CN", sector = "7710", employees = 9, assets = { amount = 1000000, currency = "CNY" } },  -- employees just below the small floor 10
    { id = "lea-emp-11", name = "lea-emp-11", country = "CN", sector = "7710", employees = 11, assets = { amount = 1000000, currency = "CNY" } },  -- employees just above the small floor
    { id = "lea-ast-99", name = "lea-ast-99", country = "CN", sector = "7710", employees = 10, assets = { amount = 990000, currency = "CNY" } },  -- assets just below the small floor 100
    { id = "lea-ast-101", name = "lea-ast-101", country = "CN", sector = "7710", employees = 10, assets = { amount = 1010000, currency = "CNY" } },  -- assets just above the small floor
    { id = "lea-bound", name = "lea-bound", country = "CN", sector = "7710", employees = 300, assets = { amount = 1200000000, currency = "CNY" } },  -- at the upper bound on every criterion
    { id = "lea-emp-299", name = "lea-emp-299", country = "CN", sector = "7710", employees = 299, assets = { amount = 1200000000, currency = "CNY" } },  -- employees just under the bound 300: an SME
    { id = "lea-emp-301", name = "lea-emp-301", country = "CN", sector = "7710", employees = 301, assets = { amount = 1200000000, currency = "CNY" } },  -- employees just above the bound
    { id = "lea-ast-119999", name = "lea-ast-119999", country = "CN", sector = "7710", employees = 300, assets = { amount = 1199990000, currency = "CNY" } },  -- assets just under the bound 120000: an SME
    { id = "lea-ast-120001", name = "lea-ast-120001", country = "CN", sector = "7710", employees = 300, assets = { amount = 1200010000, currency = "CNY" } },  -- assets just above the bound
  },
  expect = {
    { enterprise = "lea-medium-floors", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, leasing and business services)" },
    { enterprise = "lea-emp-99", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, leasing and business services)" },
    { enterprise = "lea-emp-101", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, leasing and business services)" },
    { enterprise = "lea-ast-7999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, leasing and business services)" },
    { enterprise = "lea-ast-8001", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, leasing and business services)" },
    { enterprise = "lea-small-floors", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, leasing and business services)" },
    { enterprise = "lea-emp-9", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (China, leasing and business services)" },
    { enterprise = "lea-emp-11", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, leasing and business services)" },
    { enterprise = "lea-ast-99", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (China, leasing and business services)" },
    { enterprise = "lea-ast-101", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, leasing and business services)" },
    { enterprise = "lea-bound", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, leasing and business services)" },
    { enterprise = "lea-emp-299", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, leasing and business services)" },
    { enterprise = "lea-emp-301", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, leasing and business services)" },
    { enterprise = "lea-ast-119999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, leasing and business services)" },
    { enterprise = "lea-ast-120001", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, leasing and business services)" },
  },
}

case {
  name = "China, other (ISIC 7210): bound employees < 300; medium employees >= 100; small employees >= 10",
  regions = region,
  enterprises = {
    { id = "oth-medium-floors", name = "oth-medium-floors", country = "CN", sector = "7210", employees = 100 },  -- at the medium floor
    { id = "oth-emp-99", name = "oth-emp-99", country = "CN", sector = "7210", employees = 99 },  -- employees just below the medium floor 100
    { id = "oth-emp-101", name = "oth-emp-101", country = "CN", sector = "7210", employees = 101 },  -- employees just above the medium floor
    { id = "oth-small-floors", name = "oth-small-floors", country = "CN", sector = "7210", employees = 10 },  -- at the small floor
    { id = "oth-emp-9", name = "oth-emp-9", country = "CN", sector = "7210", employees = 9 },  -- employees just below the small floor 10
    { id = "oth-emp-11", name = "oth-emp-11", country = "CN", sector = "7210", employees = 11 },  -- employees just above the small floor
    { id = "oth-bound", name = "oth-bound", country = "CN", sector = "7210", employees = 300 },  -- at the upper bound on every criterion
    { id = "oth-emp-299", name = "oth-emp-299", country = "CN", sector = "7210", employees = 299 },  -- employees just under the bound 300: an SME
    { id = "oth-emp-301", name = "oth-emp-301", country = "CN", sector = "7210", employees = 301 },  -- employees just above the bound
  },
  expect = {
    { enterprise = "oth-medium-floors", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, other)" },
    { enterprise = "oth-emp-99", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, other)" },
    { enterprise = "oth-emp-101", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, other)" },
    { enterprise = "oth-small-floors", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, other)" },
    { enterprise = "oth-emp-9", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (China, other)" },
    { enterprise = "oth-emp-11", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (China, other)" },
    { enterprise = "oth-bound", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, other)" },
    { enterprise = "oth-emp-299", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (China, other)" },
    { enterprise = "oth-emp-301", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (China, other)" },
  },
}

-- The reason names the class, the country's rule and the deciding figures.
case {
  name = "China industry: 300 employees and revenue 2000 wan is medium",
  regions = { { id = "r1", name = "R1", country = "PH", programmes = { "sme_support" } } },
  enterprises = { { id = "e1", name = "E1", country = "CN", sector = "2826", employees = 300,
                    revenue = { amount = 20000000, currency = "CNY" } } },
  expect = {
    { enterprise = "e1", region = "r1", rank = 1 },
    { enterprise = "e1", top = "r1" },
    { enterprise = "e1", region = "r1", score = { 1, 1 } },
    { enterprise = "e1", region = "r1", rule = "SME programme", score = { 1, 1 },
      reason = "medium (China, industry): 300 employees >= 300 and revenue 2,000 wan >= 2,000" },
    { enterprise = "e1", region = "r1", rule = "SME programme", reason = "an SME: 300 employees < 1,000" },
    { region = "r1", top = "e1" },
  },
}

case {
  name = "China: reasons name the deciding figures for micro, small and large",
  regions = { { id = "r1", name = "R1", country = "PH", programmes = { "sme_support" } } },
  enterprises = {
    { id = "micro", name = "Micro", country = "CN", sector = "2826", employees = 19, revenue = { amount = 50000000, currency = "CNY" } },
    { id = "small", name = "Small", country = "CN", sector = "2826", employees = 150, revenue = { amount = 8000000, currency = "CNY" } },
    { id = "large", name = "Large", country = "CN", sector = "2826", employees = 1000, revenue = { amount = 400000000, currency = "CNY" } },
  },
  expect = {
    { enterprise = "micro", region = "r1", rule = "SME programme", reason = "micro (China, industry): 19 employees < 20" },
    { enterprise = "small", region = "r1", rule = "SME programme",
      reason = "small (China, industry): 150 employees >= 20 and revenue 800 wan >= 300; not medium: 150 employees < 300" },
    { enterprise = "large", region = "r1", rule = "SME programme", score = { 0, 0 },
      reason = "large (China, industry): 1,000 employees >= 1,000 and revenue 40,000 wan >= 40,000" },
  },
}

-- Sector rows from ISIC: each code lands in its row; a code too broad for one
-- row gives "unknown" (with the rows it spans), never a guess.
case {
  name = "China: ISIC codes mapped to the table's rows",
  regions = { { id = "r1", name = "R1", country = "PH", programmes = { "sme_support" } } },
  enterprises = {
    { id = "mining", name = "Mining", country = "CN", sector = "0510", employees = 50, revenue = { amount = 10000000, currency = "CNY" } },
    { id = "power", name = "Power", country = "CN", sector = "3510", employees = 50, revenue = { amount = 10000000, currency = "CNY" } },
    { id = "water", name = "Water", country = "CN", sector = "3600", employees = 50, revenue = { amount = 10000000, currency = "CNY" } },
    { id = "section-c", name = "Section C", country = "CN", sector = "C", employees = 50, revenue = { amount = 10000000, currency = "CNY" } },
    { id = "car-dealer", name = "Car dealer", country = "CN", sector = "4510", employees = 50, revenue = { amount = 10000000, currency = "CNY" } },
    { id = "car-repair", name = "Car repair", country = "CN", sector = "4520", employees = 50, revenue = { amount = 10000000, currency = "CNY" } },
    { id = "port-services", name = "Port services", country = "CN", sector = "5222", employees = 50, revenue = { amount = 10000000, currency = "CNY" } },
    { id = "courier", name = "Courier", country = "CN", sector = "5320", employees = 50, revenue = { amount = 10000000, currency = "CNY" } },
    { id = "restaurant", name = "Restaurant", country = "CN", sector = "5610", employees = 50, revenue = { amount = 10000000, currency = "CNY" } },
    { id = "data-hosting", name = "Data hosting", country = "CN", sector = "6311", employees = 50, revenue = { amount = 10000000, currency = "CNY" } },
    { id = "bank", name = "Bank", country = "CN", sector = "6419", employees = 50 },
    { id = "law-firm", name = "Law firm", country = "CN", sector = "6910", employees = 50, assets = { amount = 10000000, currency = "CNY" } },
    { id = "travel-agency", name = "Travel agency", country = "CN", sector = "7911", employees = 50, assets = { amount = 10000000, currency = "CNY" } },
    { id = "engineering", name = "Engineering", country = "CN", sector = "7110", employees = 50 },
    { id = "section-g", name = "Section G", country = "CN", sector = "G", employees = 50, revenue = { amount = 10000000, currency = "CNY" } },
    { id = "division-52", name = "Division 52", country = "CN", sector = "52", employees = 50, revenue = { amount = 10000000, currency = "CNY" } },
    { id = "division-68", name = "Division 68", country = "CN", sector = "68", employees = 50, revenue = { amount = 10000000, currency = "CNY" } },
  },
  expect = {
    { enterprise = "mining", region = "r1", rule = "SME programme", reason = "small (China, industry)" },
    { enterprise = "power", region = "r1", rule = "SME programme", reason = "small (China, industry)" },
    { enterprise = "water", region = "r1", rule = "SME programme", reason = "small (China, industry)" },
    { enterprise = "section-c", region = "r1", rule = "SME programme", reason = "small (China, industry)" },
    { enterprise = "car-dealer", region = "r1", rule = "SME programme", reason = "medium (China, retail)" },
    { enterprise = "car-repair", region = "r1", rule = "SME programme", reason = "(China, other)" },
    { enterprise = "port-services", region = "r1", rule = "SME programme", reason = "small (China, transport)" },
    { enterprise = "courier", region = "r1", rule = "SME programme", reason = "small (China, postal)" },
    { enterprise = "restaurant", region = "r1", rule = "SME programme", reason = "small (China, accommodation and catering)" },
    { enterprise = "data-hosting", region = "r1", rule = "SME programme", reason = "small (China, software and IT services)" },
    { enterprise = "bank", region = "r1", rule = "SME programme", reason = "small (China, other)" },
    { enterprise = "law-firm", region = "r1", rule = "SME programme", reason = "small (China, leasing and business services)" },
    { enterprise = "travel-agency", region = "r1", rule = "SME programme", reason = "small (China, leasing and business services)" },
    { enterprise = "engineering", region = "r1", rule = "SME programme", reason = "small (China, other)" },
    { enterprise = "section-g", region = "r1", rule = "SME programme", score = { 0, 0 },
      reason = "unknown (China): sector G spans several rows (retail, wholesale, other)" },
    { enterprise = "division-52", region = "r1", rule = "SME programme", score = { 0, 0 },
      reason = "unknown (China): sector 52 spans several rows (transport, warehousing)" },
    { enterprise = "division-68", region = "r1", rule = "SME programme", score = { 0, 0 },
      reason = "unknown (China): sector 68 spans several rows" },
  },
}

-- Missing figures: "unknown" saying what is missing, unless the known figures
-- decide anyway (below a small floor is micro whatever the other figure).
case {
  name = "China: missing figures",
  regions = { { id = "r1", name = "R1", country = "PH", programmes = { "sme_support" } } },
  enterprises = {
    { id = "nothing", name = "No figures", country = "CN", sector = "2826" },
    { id = "emp-1500-only", name = "1500 employees, no revenue", country = "CN", sector = "2826", employees = 1500 },
    { id = "emp-500-only", name = "500 employees, no revenue", country = "CN", sector = "2826", employees = 500 },
    { id = "emp-5-only", name = "5 employees, no revenue", country = "CN", sector = "2826", employees = 5 },
    { id = "rev-only-medium", name = "revenue only", country = "CN", sector = "2826", revenue = { amount = 30000000, currency = "CNY" } },
    { id = "agri-no-revenue", name = "farm, employees only", country = "CN", sector = "0111", employees = 40 },
    { id = "emp-300-no-assets", name = "leasing, no assets", country = "CN", sector = "7710", employees = 300 },
  },
  expect = {
    { enterprise = "nothing", region = "r1", rule = "SME programme", score = { 0, 0 },
      reason = "unknown (China, industry): no employees given, no revenue given" },
    { enterprise = "emp-1500-only", region = "r1", rule = "SME programme", score = { 0, 0 },
      reason = "unknown (China, industry): no revenue given; 1,500 employees >= 1,000" },
    -- under the bound on employees: an SME (the programme applies) of unknown class
    { enterprise = "emp-500-only", region = "r1", rule = "SME programme", score = { 1, 1 },
      reason = "unknown (China, industry): an SME (500 employees < 1,000), but no revenue given" },
    { enterprise = "emp-5-only", region = "r1", rule = "SME programme", score = { 1, 1 },
      reason = "micro (China, industry): 5 employees < 20" },
    { enterprise = "rev-only-medium", region = "r1", rule = "SME programme", score = { 1, 1 },
      reason = "unknown (China, industry): an SME (revenue 3,000 wan < 40,000), but no employees given" },
    { enterprise = "agri-no-revenue", region = "r1", rule = "SME programme", score = { 0, 0 },
      reason = "unknown (China, agriculture): no revenue given" },
    { enterprise = "emp-300-no-assets", region = "r1", rule = "SME programme", score = { 0, 0 },
      reason = "unknown (China, leasing and business services): no assets given" },
  },
}

-- Money in another currency is converted to wan with the engine's rates table.
case {
  name = "China: revenue in US$ converted to wan",
  regions = { { id = "r1", name = "R1", country = "PH", programmes = { "sme_support" } } },
  enterprises = {
    -- US$3m at 7.165 CNY/US$ (the built-in table of 2025-06-30) = 2,149.5 wan >= 2,000
    { id = "usd", name = "USD revenue", country = "CN", sector = "2826", employees = 300, revenue = { amount = 3000000, currency = "USD" } },
    -- BRL has no rate in the built-in table
    { id = "brl", name = "BRL revenue", country = "CN", sector = "2826", employees = 1200, revenue = { amount = 3000000, currency = "BRL" } },
  },
  expect = {
    { enterprise = "usd", region = "r1", rule = "SME programme", reason = "medium (China, industry): 300 employees >= 300 and revenue 2,149.5 wan >= 2,000" },
    { enterprise = "brl", region = "r1", rule = "SME programme", score = { 0, 0 },
      reason = "unknown (China, industry): revenue in BRL cannot be converted (no rate)" },
  },
}

-- An SME in a region without a programme scores 0; so does a large firm.
case {
  name = "China: no SME programme in the region",
  regions = {
    { id = "r-sme", name = "With programme", country = "PH", programmes = { "sme_support", "training" } },
    { id = "r-none", name = "Without programme", country = "TH", programmes = { "tax_incentive" } },
  },
  enterprises = {
    { id = "small", name = "Small", country = "CN", sector = "2826", employees = 150, revenue = { amount = 8000000, currency = "CNY" } },
    { id = "large", name = "Large", country = "CN", sector = "2826", employees = 5000, revenue = { amount = 8000000000, currency = "CNY" } },
  },
  expect = {
    { enterprise = "small", top = "r-sme" },
    { enterprise = "small", region = "r-sme", rank = 1, score = { 1, 1 } },
    { enterprise = "small", region = "r-none", rank = 2, rule = "SME programme", score = { 0, 0 },
      reason = "small (China, industry): 150 employees >= 20 and revenue 800 wan >= 300; not medium: 150 employees < 300; the region runs no SME programme" },
    { enterprise = "large", region = "r-sme", rule = "SME programme", score = { 0, 0 },
      reason = "SME programmes are not for a large enterprise" },
    { region = "r-sme", top = "small" },
  },
}
