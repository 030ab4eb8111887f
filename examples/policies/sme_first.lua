-- sme_first.lua - the "Writing a policy" example of the README: small firms
-- first, to regions that run an SME programme and want their sector.
policy { name = "SME first", description = "small firms to SME programmes", top = 3 }

local p = params { max_km = 3000, small_staff = 100 }

-- a value derived once per enterprise, not once per pair
derive { name = "small", side = "enterprise",
         value = function(e, params) return e.employees ~= nil and e.employees < params.small_staff end }

-- a filter vetoes a pair; this built-in runs in C
filter { name = "target country",
         check = builtin.member { enterprise = "target_countries", region = "country",
                                  empty = "pass" } }

-- rules score a pair in [0, 1] with a reason
rule { name = "sector", weight = 3,
       score = builtin.isic_fit { enterprise = "sectors", region = "sectors_sought" } }

rule { name = "SME programme", weight = 2, score = function(e, r)
  if not e.small then return 0, "not a small firm" end
  if r:has("programmes", "sme_support") then
    return 1, "a small firm, and the region runs an SME programme"
  end
  return 0.3, "a small firm, but no SME programme"
end }

rule { name = "close", weight = 1, score = builtin.distance { scale_km = p.max_km } }
