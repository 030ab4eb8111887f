-- sme_ph_id_sg.test.lua - the Philippines (Magna Carta for MSMEs), Indonesia
-- (PP 7/2021) and Singapore, at every boundary.
--   Philippines: total assets excluding land decide (micro <= PHP3m, small
--     <= 15m, medium <= 100m, above: large); without assets, employees
--     decide (micro up to 9, small 10-99, medium 100-199, large 200+);
--     branches and subsidiaries of large enterprises are not MSMEs.
--   Indonesia: annual sales (micro <= Rp2 bn, small <= 15 bn, medium <= 50
--     bn); a firm with no sales figure (a new firm) by capital (1, 5, 10 bn).
--   Singapore: an SME when group turnover <= S$100m OR group employment
--     <= 200; no micro, small or medium split ("sme").

suite { policy = "../sme_support.lua" }

local region = { { id = "r-sme", name = "SME region", country = "CN", programmes = { "sme_support" } } }

case {
  name = "Philippines: assets decide at every boundary; without assets, employees",
  regions = region,
  enterprises = {
    { id = "ph-assets-2999999", name = "ph-assets-2999999", country = "PH", sector = "2395", employees = 500, assets = { amount = 2999999, currency = "PHP" } },  -- assets PHP 2,999,999; 500 employees, ignored when assets are given
    { id = "ph-assets-3000000", name = "ph-assets-3000000", country = "PH", sector = "2395", employees = 500, assets = { amount = 3000000, currency = "PHP" } },  -- assets PHP 3,000,000; 500 employees, ignored when assets are given
    { id = "ph-assets-3000001", name = "ph-assets-3000001", country = "PH", sector = "2395", employees = 500, assets = { amount = 3000001, currency = "PHP" } },  -- assets PHP 3,000,001; 500 employees, ignored when assets are given
    { id = "ph-assets-14999999", name = "ph-assets-14999999", country = "PH", sector = "2395", employees = 500, assets = { amount = 14999999, currency = "PHP" } },  -- assets PHP 14,999,999; 500 employees, ignored when assets are given
    { id = "ph-assets-15000000", name = "ph-assets-15000000", country = "PH", sector = "2395", employees = 500, assets = { amount = 15000000, currency = "PHP" } },  -- assets PHP 15,000,000; 500 employees, ignored when assets are given
    { id = "ph-assets-15000001", name = "ph-assets-15000001", country = "PH", sector = "2395", employees = 500, assets = { amount = 15000001, currency = "PHP" } },  -- assets PHP 15,000,001; 500 employees, ignored when assets are given
    { id = "ph-assets-99999999", name = "ph-assets-99999999", country = "PH", sector = "2395", employees = 500, assets = { amount = 99999999, currency = "PHP" } },  -- assets PHP 99,999,999; 500 employees, ignored when assets are given
    { id = "ph-assets-100000000", name = "ph-assets-100000000", country = "PH", sector = "2395", employees = 500, assets = { amount = 100000000, currency = "PHP" } },  -- assets PHP 100,000,000; 500 employees, ignored when assets are given
    { id = "ph-assets-100000001", name = "ph-assets-100000001", country = "PH", sector = "2395", employees = 500, assets = { amount = 100000001, currency = "PHP" } },  -- assets PHP 100,000,001; 500 employees, ignored when assets are given
    { id = "ph-emp-9", name = "ph-emp-9", country = "PH", sector = "6201", employees = 9 },  -- no assets, 9 employees
    { id = "ph-emp-10", name = "ph-emp-10", country = "PH", sector = "6201", employees = 10 },  -- no assets, 10 employees
    { id = "ph-emp-99", name = "ph-emp-99", country = "PH", sector = "6201", employees = 99 },  -- no assets, 99 employees
    { id = "ph-emp-100", name = "ph-emp-100", country = "PH", sector = "6201", employees = 100 },  -- no assets, 100 employees
    { id = "ph-emp-199", name = "ph-emp-199", country = "PH", sector = "6201", employees = 199 },  -- no assets, 199 employees
    { id = "ph-emp-200", name = "ph-emp-200", country = "PH", sector = "6201", employees = 200 },  -- no assets, 200 employees
    { id = "ph-emp-0", name = "ph-emp-0", country = "PH", sector = "6201", employees = 0 },  -- no assets, no employees on the payroll
  },
  expect = {
    { enterprise = "ph-assets-2999999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (Philippines): assets PHP 2,999,999" },
    { enterprise = "ph-assets-3000000", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (Philippines): assets PHP 3,000,000" },
    { enterprise = "ph-assets-3000001", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Philippines): assets PHP 3,000,001" },
    { enterprise = "ph-assets-14999999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Philippines): assets PHP 14,999,999" },
    { enterprise = "ph-assets-15000000", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Philippines): assets PHP 15,000,000" },
    { enterprise = "ph-assets-15000001", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Philippines): assets PHP 15,000,001" },
    { enterprise = "ph-assets-99999999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Philippines): assets PHP 99,999,999" },
    { enterprise = "ph-assets-100000000", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Philippines): assets PHP 100,000,000" },
    { enterprise = "ph-assets-100000001", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (Philippines): assets PHP 100,000,001" },
    { enterprise = "ph-emp-9", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (Philippines): no assets given, so employees decide: 9 employees" },
    { enterprise = "ph-emp-10", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Philippines): no assets given, so employees decide: 10 employees" },
    { enterprise = "ph-emp-99", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Philippines): no assets given, so employees decide: 99 employees" },
    { enterprise = "ph-emp-100", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Philippines): no assets given, so employees decide: 100 employees" },
    { enterprise = "ph-emp-199", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Philippines): no assets given, so employees decide: 199 employees" },
    { enterprise = "ph-emp-200", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (Philippines): no assets given, so employees decide: 200 employees" },
    { enterprise = "ph-emp-0", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (Philippines): no assets given, so employees decide: 0 employees" },
  },
}

case {
  name = "Indonesia: annual sales at every boundary; capital for a new firm",
  regions = region,
  enterprises = {
    { id = "id-sales-1999999999", name = "id-sales-1999999999", country = "ID", sector = "2395", revenue = { amount = 1999999999, currency = "IDR" }, capital = { amount = 100000000000, currency = "IDR" } },  -- annual sales Rp 1,999,999,999; capital ignored when sales are given
    { id = "id-sales-2000000000", name = "id-sales-2000000000", country = "ID", sector = "2395", revenue = { amount = 2000000000, currency = "IDR" }, capital = { amount = 100000000000, currency = "IDR" } },  -- annual sales Rp 2,000,000,000; capital ignored when sales are given
    { id = "id-sales-2000000001", name = "id-sales-2000000001", country = "ID", sector = "2395", revenue = { amount = 2000000001, currency = "IDR" }, capital = { amount = 100000000000, currency = "IDR" } },  -- annual sales Rp 2,000,000,001; capital ignored when sales are given
    { id = "id-sales-14999999999", name = "id-sales-14999999999", country = "ID", sector = "2395", revenue = { amount = 14999999999, currency = "IDR" }, capital = { amount = 100000000000, currency = "IDR" } },  -- annual sales Rp 14,999,999,999; capital ignored when sales are given
    { id = "id-sales-15000000000", name = "id-sales-15000000000", country = "ID", sector = "2395", revenue = { amount = 15000000000, currency = "IDR" }, capital = { amount = 100000000000, currency = "IDR" } },  -- annual sales Rp 15,000,000,000; capital ignored when sales are given
    { id = "id-sales-15000000001", name = "id-sales-15000000001", country = "ID", sector = "2395", revenue = { amount = 15000000001, currency = "IDR" }, capital = { amount = 100000000000, currency = "IDR" } },  -- annual sales Rp 15,000,000,001; capital ignored when sales are given
    { id = "id-sales-49999999999", name = "id-sales-49999999999", country = "ID", sector = "2395", revenue = { amount = 49999999999, currency = "IDR" }, capital = { amount = 100000000000, currency = "IDR" } },  -- annual sales Rp 49,999,999,999; capital ignored when sales are given
    { id = "id-sales-50000000000", name = "id-sales-50000000000", country = "ID", sector = "2395", revenue = { amount = 50000000000, currency = "IDR" }, capital = { amount = 100000000000, currency = "IDR" } },  -- annual sales Rp 50,000,000,000; capital ignored when sales are given
    { id = "id-sales-50000000001", name = "id-sales-50000000001", country = "ID", sector = "2395", revenue = { amount = 50000000001, currency = "IDR" }, capital = { amount = 100000000000, currency = "IDR" } },  -- annual sales Rp 50,000,000,001; capital ignored when sales are given
    { id = "id-capital-999999999", name = "id-capital-999999999", country = "ID", sector = "5510", capital = { amount = 999999999, currency = "IDR" } },  -- no sales (a new firm), capital Rp 999,999,999
    { id = "id-capital-1000000000", name = "id-capital-1000000000", country = "ID", sector = "5510", capital = { amount = 1000000000, currency = "IDR" } },  -- no sales (a new firm), capital Rp 1,000,000,000
    { id = "id-capital-1000000001", name = "id-capital-1000000001", country = "ID", sector = "5510", capital = { amount = 1000000001, currency = "IDR" } },  -- no sales (a new firm), capital Rp 1,000,000,001
    { id = "id-capital-4999999999", name = "id-capital-4999999999", country = "ID", sector = "5510", capital = { amount = 4999999999, currency = "IDR" } },  -- no sales (a new firm), capital Rp 4,999,999,999
    { id = "id-capital-5000000000", name = "id-capital-5000000000", country = "ID", sector = "5510", capital = { amount = 5000000000, currency = "IDR" } },  -- no sales (a new firm), capital Rp 5,000,000,000
    { id = "id-capital-5000000001", name = "id-capital-5000000001", country = "ID", sector = "5510", capital = { amount = 5000000001, currency = "IDR" } },  -- no sales (a new firm), capital Rp 5,000,000,001
    { id = "id-capital-9999999999", name = "id-capital-9999999999", country = "ID", sector = "5510", capital = { amount = 9999999999, currency = "IDR" } },  -- no sales (a new firm), capital Rp 9,999,999,999
    { id = "id-capital-10000000000", name = "id-capital-10000000000", country = "ID", sector = "5510", capital = { amount = 10000000000, currency = "IDR" } },  -- no sales (a new firm), capital Rp 10,000,000,000
    { id = "id-capital-10000000001", name = "id-capital-10000000001", country = "ID", sector = "5510", capital = { amount = 10000000001, currency = "IDR" } },  -- no sales (a new firm), capital Rp 10,000,000,001
  },
  expect = {
    { enterprise = "id-sales-1999999999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (Indonesia): annual sales Rp " },
    { enterprise = "id-sales-2000000000", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (Indonesia): annual sales Rp " },
    { enterprise = "id-sales-2000000001", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Indonesia): annual sales Rp " },
    { enterprise = "id-sales-14999999999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Indonesia): annual sales Rp " },
    { enterprise = "id-sales-15000000000", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Indonesia): annual sales Rp " },
    { enterprise = "id-sales-15000000001", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Indonesia): annual sales Rp " },
    { enterprise = "id-sales-49999999999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Indonesia): annual sales Rp " },
    { enterprise = "id-sales-50000000000", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Indonesia): annual sales Rp " },
    { enterprise = "id-sales-50000000001", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (Indonesia): annual sales Rp " },
    { enterprise = "id-capital-999999999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (Indonesia): no annual sales given, so capital decides as for a new firm" },
    { enterprise = "id-capital-1000000000", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "micro (Indonesia): no annual sales given, so capital decides as for a new firm" },
    { enterprise = "id-capital-1000000001", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Indonesia): no annual sales given, so capital decides as for a new firm" },
    { enterprise = "id-capital-4999999999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Indonesia): no annual sales given, so capital decides as for a new firm" },
    { enterprise = "id-capital-5000000000", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "small (Indonesia): no annual sales given, so capital decides as for a new firm" },
    { enterprise = "id-capital-5000000001", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Indonesia): no annual sales given, so capital decides as for a new firm" },
    { enterprise = "id-capital-9999999999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Indonesia): no annual sales given, so capital decides as for a new firm" },
    { enterprise = "id-capital-10000000000", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "medium (Indonesia): no annual sales given, so capital decides as for a new firm" },
    { enterprise = "id-capital-10000000001", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (Indonesia): no annual sales given, so capital decides as for a new firm" },
  },
}

case {
  name = "Singapore: turnover <= S$100m or employment <= 200, each at its boundary",
  regions = region,
  enterprises = {
    { id = "sg-turnover-99999999", name = "sg-turnover-99999999", country = "SG", sector = "6201", employees = 500, revenue = { amount = 99999999, currency = "SGD" } },  -- turnover S$99,999,999, 500 employees (over the employment limit)
    { id = "sg-turnover-100000000", name = "sg-turnover-100000000", country = "SG", sector = "6201", employees = 500, revenue = { amount = 100000000, currency = "SGD" } },  -- turnover S$100,000,000, 500 employees (over the employment limit)
    { id = "sg-turnover-100000001", name = "sg-turnover-100000001", country = "SG", sector = "6201", employees = 500, revenue = { amount = 100000001, currency = "SGD" } },  -- turnover S$100,000,001, 500 employees (over the employment limit)
    { id = "sg-emp-199", name = "sg-emp-199", country = "SG", sector = "6201", employees = 199, revenue = { amount = 500000000, currency = "SGD" } },  -- 199 employees, turnover S$500m (over the turnover limit)
    { id = "sg-emp-200", name = "sg-emp-200", country = "SG", sector = "6201", employees = 200, revenue = { amount = 500000000, currency = "SGD" } },  -- 200 employees, turnover S$500m (over the turnover limit)
    { id = "sg-emp-201", name = "sg-emp-201", country = "SG", sector = "6201", employees = 201, revenue = { amount = 500000000, currency = "SGD" } },  -- 201 employees, turnover S$500m (over the turnover limit)
  },
  expect = {
    { enterprise = "sg-turnover-99999999", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "sme (Singapore)" },
    { enterprise = "sg-turnover-100000000", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "sme (Singapore)" },
    { enterprise = "sg-turnover-100000001", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (Singapore)" },
    { enterprise = "sg-emp-199", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "sme (Singapore)" },
    { enterprise = "sg-emp-200", region = "r-sme", rule = "SME programme", score = { 1, 1 }, reason = "sme (Singapore)" },
    { enterprise = "sg-emp-201", region = "r-sme", rule = "SME programme", score = { 0, 0 }, reason = "large (Singapore)" },
  },
}

case {
  name = "Philippines, Indonesia, Singapore: exclusions and missing figures",
  regions = region,
  enterprises = {
    { id = "ph-subsidiary", name = "a tiny branch of a large firm", country = "PH", sector = "2395", employees = 5, assets = { amount = 1000000, currency = "PHP" }, subsidiary_of_large = true },
    { id = "ph-usd-assets", name = "assets in US$", country = "PH", sector = "2395", assets = { amount = 100000, currency = "USD" } },
    { id = "ph-nothing", name = "no figures", country = "PH", sector = "2395" },
    { id = "id-nothing", name = "no sales, no capital", country = "ID", sector = "7911", employees = 12 },
    { id = "sg-emp-only", name = "18 employees, no turnover", country = "SG", sector = "7210", employees = 18 },
    { id = "sg-turnover-over-only", name = "turnover over, no employees", country = "SG", sector = "5222", revenue = { amount = 140000000, currency = "SGD" } },
    { id = "sg-both-over", name = "both over", country = "SG", sector = "5222", employees = 320, revenue = { amount = 140000000, currency = "SGD" } },
    { id = "sg-nothing", name = "no figures", country = "SG", sector = "6619" },
  },
  expect = {
    { enterprise = "ph-subsidiary", region = "r-sme", rule = "SME programme", score = { 0, 0 },
      reason = "large (Philippines, excluded): a branch, subsidiary or division of a large enterprise is not an MSME" },
    -- US$100,000 at 56.35 PHP/US$ = PHP 5,635,000: small
    { enterprise = "ph-usd-assets", region = "r-sme", rule = "SME programme", score = { 1, 1 },
      reason = "small (Philippines): assets PHP 5,635,000, over 3,000,000 and up to 15,000,000" },
    { enterprise = "ph-nothing", region = "r-sme", rule = "SME programme", score = { 0, 0 },
      reason = "unknown (Philippines): no assets given (assets excluding land decide) and no employees given" },
    { enterprise = "id-nothing", region = "r-sme", rule = "SME programme", score = { 0, 0 },
      reason = "unknown (Indonesia): no annual sales given and no capital given" },
    { enterprise = "sg-emp-only", region = "r-sme", rule = "SME programme", score = { 1, 1 },
      reason = "sme (Singapore): 18 employees <= 200" },
    { enterprise = "sg-turnover-over-only", region = "r-sme", rule = "SME programme", score = { 0, 0 },
      reason = "unknown (Singapore): no employees given; group turnover S$140,000,000 > S$100,000,000" },
    { enterprise = "sg-both-over", region = "r-sme", rule = "SME programme", score = { 0, 0 },
      reason = "large (Singapore): group turnover S$140,000,000 > S$100,000,000 and 320 employees > 200" },
    { enterprise = "sg-nothing", region = "r-sme", rule = "SME programme", score = { 0, 0 },
      reason = "unknown (Singapore): no group turnover given and no employees given" },
  },
}
