-- sme_vietnam.test.lua - Vietnam's SME definition (Decree 80/2021):
-- employees AND (revenue OR capital); the smallest class whose conditions
-- hold applies; none: large. Money in billions of VND (1 bn = 1,000,000,000).
--   agriculture, industry, construction (ISIC A-F):
--     micro <= 10 and (<= 3 bn or <= 3 bn); small <= 100 and (<= 50 or <= 20);
--     medium <= 200 and (<= 200 or <= 100)
--   trade and services (G-U):
--     micro <= 10 and (<= 10 or <= 3); small <= 50 and (<= 100 or <= 50);
--     medium <= 100 and (<= 300 or <= 100)
-- Each boundary is tested for each criterion with the others set so that
-- only the one under test decides: employees with small money figures;
-- revenue with capital far over every limit; capital with revenue far over.

suite { policy = "../sme_support.lua" }

local region = { { id = "r-sme", name = "SME region", country = "CN", programmes = { "sme_support" } } }

case {
  name = "Vietnam, agriculture, industry, construction (ISIC 1030): every boundary of employees, revenue and capital",
  regions = region,
  enterprises = {
    { id = "pr-emp-9", name = "pr-emp-9", country = "VN", sector = "1030", employees = 9, revenue = { amount = 1000000000, currency = "VND" }, capital = { amount = 1000000000, currency = "VND" } },  -- 9 employees, revenue and capital 1 bn
    { id = "pr-emp-10", name = "pr-emp-10", country = "VN", sector = "1030", employees = 10, revenue = { amount = 1000000000, currency = "VND" }, capital = { amount = 1000000000, currency = "VND" } },  -- 10 employees, revenue and capital 1 bn
    { id = "pr-emp-11", name = "pr-emp-11", country = "VN", sector = "1030", employees = 11, revenue = { amount = 1000000000, currency = "VND" }, capital = { amount = 1000000000, currency = "VND" } },  -- 11 employees, revenue and capital 1 bn
    { id = "pr-micro-rev-below", name = "pr-micro-rev-below", country = "VN", sector = "1030", employees = 10, revenue = { amount = 2999999999, currency = "VND" }, capital = { amount = 1000000000000000, currency = "VND" } },  -- 10 employees, revenue 2,999,999,999 VND, capital far over
    { id = "pr-micro-rev-at", name = "pr-micro-rev-at", country = "VN", sector = "1030", employees = 10, revenue = { amount = 3000000000, currency = "VND" }, capital = { amount = 1000000000000000, currency = "VND" } },  -- 10 employees, revenue 3,000,000,000 VND, capital far over
    { id = "pr-micro-rev-above", name = "pr-micro-rev-above", country = "VN", sector = "1030", employees = 10, revenue = { amount = 3000000001, currency = "VND" }, capital = { amount = 1000000000000000, currency = "VND" } },  -- 10 employees, revenue 3,000,000,001 VND, capital far over
    { id = "pr-micro-cap-below", name = "pr-micro-cap-below", country = "VN", sector = "1030", employees = 10, revenue = { amount = 1000000000000000, currency = "VND" }, capital = { amount = 2999999999, currency = "VND" } },  -- 10 employees, capital 2,999,999,999 VND, revenue far over
    { id = "pr-micro-cap-at", name = "pr-micro-cap-at", country = "VN", sector = "1030", employees = 10, revenue = { amount = 1000000000000000, currency = "VND" }, capital = { amount = 3000000000, currency = "VND" } },  -- 10 employees, capital 3,000,000,000 VND, revenue far over
    { id = "pr-micro-cap-above", name = "pr-micro-cap-above", country = "VN", sector = "1030", employees = 10, revenue = { amount = 1000000000000000, currency = "VND" }, capital = { amount = 3000000001, currency = "VND" } },  -- 10 employees, capital 3,000,000,001 VND, revenue far over
    { id = "pr-emp-99", name = "pr-emp-99", country = "VN", sector = "1030", employees = 99, revenue = { amount = 1000000000, currency = "VND" }, capital = { amount = 1000000000, currency = "VND" } },  -- 99 employees, revenue and capital 1 bn
    { id = "pr-emp-100", name = "pr-emp-100", country = "VN", sector = "1030", employees = 100, revenue = { amount = 1000000000, currency = "VND" }, capital = { amount = 1000000000, currency = "VND" } },  -- 100 employees, revenue and capital 1 bn
    { id = "pr-emp-101", name = "pr-emp-101", country = "VN", sector = "1030", employees = 101, revenue = { amount = 1000000000, currency = "VND" }, capital = { amount = 1000000000, currency = "VND" } },  -- 101 employees, revenue and capital 1 bn
    { id = "pr-small-rev-below", name = "pr-small-rev-below", country = "VN", sector = "1030", employees = 100, revenue = { amount = 49999999999, currency = "VND" }, capital = { amount = 1000000000000000, currency = "VND" } },  -- 100 employees, revenue 49,999,999,999 VND, capital far over
    { id = "pr-small-rev-at", name = "pr-small-rev-at", country = "VN", sector = "1030", employees = 100, revenue = { amount = 50000000000, currency = "VND" }, capital = { amount = 1000000000000000, currency = "VND" } },  -- 100 employees, revenue 50,000,000,000 VND, capital far over
    { id = "pr-small-rev-above", name = "pr-small-rev-above", country = "VN", sector = "1030", employees = 100, revenue = { amount = 50000000001, currency = "VND" }, capital = { amount = 1000000000000000, currency = "VND" } },  -- 100 employees, revenue 50,000,000,001 VND, capital far over
    { id = "pr-small-cap-below", name = "pr-small-cap-below", country = "VN", sector = "1030", employees = 100, revenue = { amount = 1000000000000000, currency = "VND" }, capital = { amount = 19999999999, currency = "VND" } },  -- 100 employees, capital 19,999,999,999 VND, revenue far over
    { id = "pr-small-cap-at", name = "pr-small-cap-at", country = "VN", sector = "1030", employees = 100, revenue = { amount = 1000000000000000, currency = "VND" }, capital = { amount = 20000000000, currency = "VND" } },  -- 100 employees, capital 20,000,000,000 VND, revenue far over
    { id = "pr-small-cap-above", name = "pr-small-cap-above", country = "VN", sector = "1030", employees = 100, revenue = { amount = 1000000000000000, currency = "VND" }, capital = { amount = 20000000001, currency = "VND" } },  -- 100 employees, capital 20,000,000,001 VND, revenue far over
    { id = "pr-emp-199", name = "pr-emp-199", country = "VN", sector = "1030", employees = 199, revenue = { amount = 1000000000, currency = "VND" }, capital = { amount = 1000000000, currency = "VND" } },  -- 199 employees, revenue and capital 1 bn
    { id = "pr-emp-200", name = "pr-emp-200", country = "VN", sector = "1030", employees = 200, revenue = { amount = 1000000000, currency = "VND" }, capital = { amount = 1000000000, currency = "VND" } },  -- 200 employees, revenue and capital 1 bn
    { id = "pr-emp-201", name = "pr-emp-201", country = "VN", sector = "1030", employees = 201, revenue = { amount = 1000000000, currency = "VND" }, capital = { amount = 1000000000, currency = "VND" } },  -- 201 employees, revenue and capital 1 bn
    { id = "pr-medium-rev-below", name = "pr-medium-rev-below", country = "VN", sector = "1030", employees = 200, revenue = { amount = 199999999999, currency = "VND" }, capital = { amount = 1000000000000000, currency = "VND" } },  -- 200 employees, revenue 199,999,999,999 VND, capital far over
    { id = "pr-medium-rev-at", name = "pr-medium-rev-at", country = "VN", sector = "1030", employees = 200, revenue = { amount = 200000000000, currency = "VND" }, capital = { amount = 1000000000000000, currency = "VND" } },  -- 200 employees, revenue 200,000,000,000 VND, capital far over
    { id = "pr-medium-rev-above", name = "pr-medium-rev-above", country = "VN", sector = "1030", employees = 200, revenue = { amount = 200000000001, currency = "VND" }, capital = { amount = 1000000000000000, currency = "VND" } },  -- 200 employees, revenue 200,000,000,001 VND, capital far over
    { id = "pr-medium-cap-below", name = "pr-medium-cap-below", country = "VN", sector = "1030", employees = 200, revenue = { amount = 1000000000000000, currency = "VND" }, capital = { amount = 99999999999, currency = "VND" } },  -- 200 employees, capital 99,999,999,999 VND, revenue far over
    { id = "pr-medium-cap-at", name = "pr-medium-cap-at", country = "VN", sector = "1030", employees = 200, revenue = { amount = 1000000000000000, currency = "VND" }, capital = { amount = 100000000000, currency = "VND" } },  -- 200 employees, capital 100,000,000,000 VND, revenue far over
    { id = "pr-medium-cap-above", name = "pr-medium-cap-above", country = "VN", sector = "1030", employees = 200, revenue = { amount = 1000000000000000, currency = "VND" }, capital = { amount = 100000000001, currency = "VND" } },  -- 200 employees, capital 100,000,000,001 VND, revenue far over
  },
  expect = {
    { enterprise = "pr-emp-9", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (Vietnam, agriculture, industry, construction)" },
    { enterprise = "pr-emp-10", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (Vietnam, agriculture, industry, construction)" },
    { enterprise = "pr-emp-11", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Vietnam, agriculture, industry, construction)" },
    { enterprise = "pr-micro-rev-below", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (Vietnam, agriculture, industry, construction)" },
    { enterprise = "pr-micro-rev-at", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (Vietnam, agriculture, industry, construction)" },
    { enterprise = "pr-micro-rev-above", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Vietnam, agriculture, industry, construction)" },
    { enterprise = "pr-micro-cap-below", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (Vietnam, agriculture, industry, construction)" },
    { enterprise = "pr-micro-cap-at", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (Vietnam, agriculture, industry, construction)" },
    { enterprise = "pr-micro-cap-above", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Vietnam, agriculture, industry, construction)" },
    { enterprise = "pr-emp-99", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Vietnam, agriculture, industry, construction)" },
    { enterprise = "pr-emp-100", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Vietnam, agriculture, industry, construction)" },
    { enterprise = "pr-emp-101", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Vietnam, agriculture, industry, construction)" },
    { enterprise = "pr-small-rev-below", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Vietnam, agriculture, industry, construction)" },
    { enterprise = "pr-small-rev-at", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Vietnam, agriculture, industry, construction)" },
    { enterprise = "pr-small-rev-above", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Vietnam, agriculture, industry, construction)" },
    { enterprise = "pr-small-cap-below", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Vietnam, agriculture, industry, construction)" },
    { enterprise = "pr-small-cap-at", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Vietnam, agriculture, industry, construction)" },
    { enterprise = "pr-small-cap-above", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Vietnam, agriculture, industry, construction)" },
    { enterprise = "pr-emp-199", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Vietnam, agriculture, industry, construction)" },
    { enterprise = "pr-emp-200", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Vietnam, agriculture, industry, construction)" },
    { enterprise = "pr-emp-201", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (Vietnam, agriculture, industry, construction)" },
    { enterprise = "pr-medium-rev-below", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Vietnam, agriculture, industry, construction)" },
    { enterprise = "pr-medium-rev-at", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Vietnam, agriculture, industry, construction)" },
    { enterprise = "pr-medium-rev-above", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (Vietnam, agriculture, industry, construction)" },
    { enterprise = "pr-medium-cap-below", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Vietnam, agriculture, industry, construction)" },
    { enterprise = "pr-medium-cap-at", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Vietnam, agriculture, industry, construction)" },
    { enterprise = "pr-medium-cap-above", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (Vietnam, agriculture, industry, construction)" },
  },
}

case {
  name = "Vietnam, trade and services (ISIC 6201): every boundary of employees, revenue and capital",
  regions = region,
  enterprises = {
    { id = "ts-emp-9", name = "ts-emp-9", country = "VN", sector = "6201", employees = 9, revenue = { amount = 1000000000, currency = "VND" }, capital = { amount = 1000000000, currency = "VND" } },  -- 9 employees, revenue and capital 1 bn
    { id = "ts-emp-10", name = "ts-emp-10", country = "VN", sector = "6201", employees = 10, revenue = { amount = 1000000000, currency = "VND" }, capital = { amount = 1000000000, currency = "VND" } },  -- 10 employees, revenue and capital 1 bn
    { id = "ts-emp-11", name = "ts-emp-11", country = "VN", sector = "6201", employees = 11, revenue = { amount = 1000000000, currency = "VND" }, capital = { amount = 1000000000, currency = "VND" } },  -- 11 employees, revenue and capital 1 bn
    { id = "ts-micro-rev-below", name = "ts-micro-rev-below", country = "VN", sector = "6201", employees = 10, revenue = { amount = 9999999999, currency = "VND" }, capital = { amount = 1000000000000000, currency = "VND" } },  -- 10 employees, revenue 9,999,999,999 VND, capital far over
    { id = "ts-micro-rev-at", name = "ts-micro-rev-at", country = "VN", sector = "6201", employees = 10, revenue = { amount = 10000000000, currency = "VND" }, capital = { amount = 1000000000000000, currency = "VND" } },  -- 10 employees, revenue 10,000,000,000 VND, capital far over
    { id = "ts-micro-rev-above", name = "ts-micro-rev-above", country = "VN", sector = "6201", employees = 10, revenue = { amount = 10000000001, currency = "VND" }, capital = { amount = 1000000000000000, currency = "VND" } },  -- 10 employees, revenue 10,000,000,001 VND, capital far over
    { id = "ts-micro-cap-below", name = "ts-micro-cap-below", country = "VN", sector = "6201", employees = 10, revenue = { amount = 1000000000000000, currency = "VND" }, capital = { amount = 2999999999, currency = "VND" } },  -- 10 employees, capital 2,999,999,999 VND, revenue far over
    { id = "ts-micro-cap-at", name = "ts-micro-cap-at", country = "VN", sector = "6201", employees = 10, revenue = { amount = 1000000000000000, currency = "VND" }, capital = { amount = 3000000000, currency = "VND" } },  -- 10 employees, capital 3,000,000,000 VND, revenue far over
    { id = "ts-micro-cap-above", name = "ts-micro-cap-above", country = "VN", sector = "6201", employees = 10, revenue = { amount = 1000000000000000, currency = "VND" }, capital = { amount = 3000000001, currency = "VND" } },  -- 10 employees, capital 3,000,000,001 VND, revenue far over
    { id = "ts-emp-49", name = "ts-emp-49", country = "VN", sector = "6201", employees = 49, revenue = { amount = 1000000000, currency = "VND" }, capital = { amount = 1000000000, currency = "VND" } },  -- 49 employees, revenue and capital 1 bn
    { id = "ts-emp-50", name = "ts-emp-50", country = "VN", sector = "6201", employees = 50, revenue = { amount = 1000000000, currency = "VND" }, capital = { amount = 1000000000, currency = "VND" } },  -- 50 employees, revenue and capital 1 bn
    { id = "ts-emp-51", name = "ts-emp-51", country = "VN", sector = "6201", employees = 51, revenue = { amount = 1000000000, currency = "VND" }, capital = { amount = 1000000000, currency = "VND" } },  -- 51 employees, revenue and capital 1 bn
    { id = "ts-small-rev-below", name = "ts-small-rev-below", country = "VN", sector = "6201", employees = 50, revenue = { amount = 99999999999, currency = "VND" }, capital = { amount = 1000000000000000, currency = "VND" } },  -- 50 employees, revenue 99,999,999,999 VND, capital far over
    { id = "ts-small-rev-at", name = "ts-small-rev-at", country = "VN", sector = "6201", employees = 50, revenue = { amount = 100000000000, currency = "VND" }, capital = { amount = 1000000000000000, currency = "VND" } },  -- 50 employees, revenue 100,000,000,000 VND, capital far over
    { id = "ts-small-rev-above", name = "ts-small-rev-above", country = "VN", sector = "6201", employees = 50, revenue = { amount = 100000000001, currency = "VND" }, capital = { amount = 1000000000000000, currency = "VND" } },  -- 50 employees, revenue 100,000,000,001 VND, capital far over
    { id = "ts-small-cap-below", name = "ts-small-cap-below", country = "VN", sector = "6201", employees = 50, revenue = { amount = 1000000000000000, currency = "VND" }, capital = { amount = 49999999999, currency = "VND" } },  -- 50 employees, capital 49,999,999,999 VND, revenue far over
    { id = "ts-small-cap-at", name = "ts-small-cap-at", country = "VN", sector = "6201", employees = 50, revenue = { amount = 1000000000000000, currency = "VND" }, capital = { amount = 50000000000, currency = "VND" } },  -- 50 employees, capital 50,000,000,000 VND, revenue far over
    { id = "ts-small-cap-above", name = "ts-small-cap-above", country = "VN", sector = "6201", employees = 50, revenue = { amount = 1000000000000000, currency = "VND" }, capital = { amount = 50000000001, currency = "VND" } },  -- 50 employees, capital 50,000,000,001 VND, revenue far over
    { id = "ts-emp-99", name = "ts-emp-99", country = "VN", sector = "6201", employees = 99, revenue = { amount = 1000000000, currency = "VND" }, capital = { amount = 1000000000, currency = "VND" } },  -- 99 employees, revenue and capital 1 bn
    { id = "ts-emp-100", name = "ts-emp-100", country = "VN", sector = "6201", employees = 100, revenue = { amount = 1000000000, currency = "VND" }, capital = { amount = 1000000000, currency = "VND" } },  -- 100 employees, revenue and capital 1 bn
    { id = "ts-emp-101", name = "ts-emp-101", country = "VN", sector = "6201", employees = 101, revenue = { amount = 1000000000, currency = "VND" }, capital = { amount = 1000000000, currency = "VND" } },  -- 101 employees, revenue and capital 1 bn
    { id = "ts-medium-rev-below", name = "ts-medium-rev-below", country = "VN", sector = "6201", employees = 100, revenue = { amount = 299999999999, currency = "VND" }, capital = { amount = 1000000000000000, currency = "VND" } },  -- 100 employees, revenue 299,999,999,999 VND, capital far over
    { id = "ts-medium-rev-at", name = "ts-medium-rev-at", country = "VN", sector = "6201", employees = 100, revenue = { amount = 300000000000, currency = "VND" }, capital = { amount = 1000000000000000, currency = "VND" } },  -- 100 employees, revenue 300,000,000,000 VND, capital far over
    { id = "ts-medium-rev-above", name = "ts-medium-rev-above", country = "VN", sector = "6201", employees = 100, revenue = { amount = 300000000001, currency = "VND" }, capital = { amount = 1000000000000000, currency = "VND" } },  -- 100 employees, revenue 300,000,000,001 VND, capital far over
    { id = "ts-medium-cap-below", name = "ts-medium-cap-below", country = "VN", sector = "6201", employees = 100, revenue = { amount = 1000000000000000, currency = "VND" }, capital = { amount = 99999999999, currency = "VND" } },  -- 100 employees, capital 99,999,999,999 VND, revenue far over
    { id = "ts-medium-cap-at", name = "ts-medium-cap-at", country = "VN", sector = "6201", employees = 100, revenue = { amount = 1000000000000000, currency = "VND" }, capital = { amount = 100000000000, currency = "VND" } },  -- 100 employees, capital 100,000,000,000 VND, revenue far over
    { id = "ts-medium-cap-above", name = "ts-medium-cap-above", country = "VN", sector = "6201", employees = 100, revenue = { amount = 1000000000000000, currency = "VND" }, capital = { amount = 100000000001, currency = "VND" } },  -- 100 employees, capital 100,000,000,001 VND, revenue far over
  },
  expect = {
    { enterprise = "ts-emp-9", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (Vietnam, trade and services)" },
    { enterprise = "ts-emp-10", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (Vietnam, trade and services)" },
    { enterprise = "ts-emp-11", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Vietnam, trade and services)" },
    { enterprise = "ts-micro-rev-below", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (Vietnam, trade and services)" },
    { enterprise = "ts-micro-rev-at", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (Vietnam, trade and services)" },
    { enterprise = "ts-micro-rev-above", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Vietnam, trade and services)" },
    { enterprise = "ts-micro-cap-below", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (Vietnam, trade and services)" },
    { enterprise = "ts-micro-cap-at", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (Vietnam, trade and services)" },
    { enterprise = "ts-micro-cap-above", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Vietnam, trade and services)" },
    { enterprise = "ts-emp-49", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Vietnam, trade and services)" },
    { enterprise = "ts-emp-50", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Vietnam, trade and services)" },
    { enterprise = "ts-emp-51", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Vietnam, trade and services)" },
    { enterprise = "ts-small-rev-below", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Vietnam, trade and services)" },
    { enterprise = "ts-small-rev-at", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Vietnam, trade and services)" },
    { enterprise = "ts-small-rev-above", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Vietnam, trade and services)" },
    { enterprise = "ts-small-cap-below", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Vietnam, trade and services)" },
    { enterprise = "ts-small-cap-at", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Vietnam, trade and services)" },
    { enterprise = "ts-small-cap-above", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Vietnam, trade and services)" },
    { enterprise = "ts-emp-99", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Vietnam, trade and services)" },
    { enterprise = "ts-emp-100", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Vietnam, trade and services)" },
    { enterprise = "ts-emp-101", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (Vietnam, trade and services)" },
    { enterprise = "ts-medium-rev-below", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Vietnam, trade and services)" },
    { enterprise = "ts-medium-rev-at", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Vietnam, trade and services)" },
    { enterprise = "ts-medium-rev-above", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (Vietnam, trade and services)" },
    { enterprise = "ts-medium-cap-below", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Vietnam, trade and services)" },
    { enterprise = "ts-medium-cap-at", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Vietnam, trade and services)" },
    { enterprise = "ts-medium-cap-above", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (Vietnam, trade and services)" },
  },
}

case {
  name = "Vietnam: revenue OR capital; missing figures; large",
  regions = region,
  enterprises = {
    -- trade: revenue 150 bn is over small's 100 bn, but capital 30 bn is within 50 bn
    { id = "capital-saves", name = "capital within the limit", country = "VN", sector = "4610", employees = 40, revenue = { amount = 150000000000, currency = "VND" }, capital = { amount = 30000000000, currency = "VND" } },
    { id = "revenue-only", name = "revenue, no capital", country = "VN", sector = "6201", employees = 5, revenue = { amount = 2000000000, currency = "VND" } },
    { id = "capital-only", name = "capital, no revenue", country = "VN", sector = "0321", employees = 4, capital = { amount = 800000000, currency = "VND" } },
    -- micro cannot be ruled out without capital: at most small, an SME
    { id = "at-most-small", name = "revenue over micro, no capital", country = "VN", sector = "6201", employees = 5, revenue = { amount = 20000000000, currency = "VND" } },
    { id = "no-employees", name = "no employees", country = "VN", sector = "6201", revenue = { amount = 1000000000, currency = "VND" } },
    { id = "no-money", name = "employees only", country = "VN", sector = "6201", employees = 5 },
    { id = "many-employees", name = "250 employees, tiny revenue", country = "VN", sector = "1030", employees = 250, revenue = { amount = 1000000000, currency = "VND" } },
    { id = "no-employees-large", name = "no employees, money over every limit", country = "VN", sector = "1030", revenue = { amount = 900000000000, currency = "VND" }, capital = { amount = 900000000000, currency = "VND" } },
    { id = "builder", name = "construction row", country = "VN", sector = "4100", employees = 80, revenue = { amount = 40000000000, currency = "VND" } },
  },
  expect = {
    { enterprise = "capital-saves", region = "r-sme", rule = "SME programme", score = { 1, 1 },
      reason = "small (Vietnam, trade and services): 40 employees <= 50 and capital 30 bn VND <= 50 bn; not micro: 40 employees > 10" },
    { enterprise = "revenue-only", region = "r-sme", rule = "SME programme", score = { 1, 1 },
      reason = "micro (Vietnam, trade and services): 5 employees <= 10 and revenue 2 bn VND <= 10 bn" },
    { enterprise = "capital-only", region = "r-sme", rule = "SME programme", score = { 1, 1 },
      reason = "micro (Vietnam, agriculture, industry, construction): 4 employees <= 10 and capital 0.8 bn VND <= 3 bn" },
    { enterprise = "at-most-small", region = "r-sme", rule = "SME programme", score = { 1, 1 },
      reason = "unknown (Vietnam, trade and services): at most small, but no capital given" },
    { enterprise = "no-employees", region = "r-sme", rule = "SME programme", score = { 0, 0 },
      reason = "unknown (Vietnam, trade and services): no employees given" },
    { enterprise = "no-money", region = "r-sme", rule = "SME programme", score = { 0, 0 },
      reason = "unknown (Vietnam, trade and services): no revenue given, no capital given" },
    { enterprise = "many-employees", region = "r-sme", rule = "SME programme", score = { 0, 0 },
      reason = "large (Vietnam, agriculture, industry, construction): over every class; micro: 250 employees > 10; small: 250 employees > 100; medium: 250 employees > 200" },
    { enterprise = "no-employees-large", region = "r-sme", rule = "SME programme", score = { 0, 0 },
      reason = "large (Vietnam, agriculture, industry, construction): over every class" },
    { enterprise = "builder", region = "r-sme", rule = "SME programme", reason = "small (Vietnam, agriculture, industry, construction)" },
  },
}
