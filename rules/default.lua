-- default.lua - which regions should each enterprise meet, and why.
--
-- For analysts. This policy combines the three shipped policies as weighted
-- rules; every rule's score and reason shows in the output (--explain), and
-- the score of a pair is the weighted mean of its rules (weights sum to 18):
--
--   sector fit (rules/sector_fit.lua; tables in rules/lib/industries.lua)
--     sectors sought    4  the enterprise's ISIC sectors against the sectors
--                          the region wants (same class 1, group 0.75,
--                          division 0.5, section 0.25);
--     sectors offered   2  the region's sectors along the value chain: it
--                          supplies the enterprise (0116 fibre crops for a
--                          spinner) or buys from it (a fibre province for a
--                          2826 textile machinery maker);
--     resources         2  the region's resources linked to the sectors that
--                          process them ("abaca fiber is processed by 2826
--                          Textile machinery"), or named in the description;
--     joint statement   1  both sides in the same Joint Statement industry;
--     needs met         2  the share of the region's needs the enterprise
--                          offers;
--     seeks met         1  the share of what the enterprise seeks that the
--                          region offers.
--   SME support (rules/sme_support.lua; definitions in rules/lib/sme.lua)
--     SME programme     2  an SME under its own country's definition, in a
--                          region with an SME programme. The class is derived
--                          once per enterprise: sme_class, sme_basis, is_sme.
--   financing (rules/financing_funds.lua; tables in rules/lib/funds.lua)
--     fund bonus        1  the best fit among the AIIB, the Silk Road Fund,
--                          CAF and CAMCF. A bonus, not a veto: a pair no fund
--                          can finance scores 0 here and is still shown.
--   target country      3  the enterprise's target_countries, as a strong
--                          preference rather than a filter: 1 when the
--                          region's country is a target, or when the
--                          enterprise names none and the region is abroad;
--                          0.5 for its home country when it names none (the
--                          dialogue is about cross-border cooperation); 0
--                          when it names targets and this is not one.
--
-- Why target countries are a rule and not a filter. The lists in real
-- profiles are short and often written before the enterprise has heard of a
-- region: three of the four Chinese textile machinery makers in the examples
-- name Vietnam, Cambodia or Indonesia but not the Philippines, yet they are
-- exactly the partners Catanduanes (the largest abaca producer, asking for
-- machinery) is looking for. A filter would hide them from Catanduanes'
-- list altogether; as a rule worth 3 of 18 they still rank below an equally
-- good partner that does name the country, and the reason says the country is
-- not among its targets, so the analyst can decide. To make targets a hard
-- limit again, add
--   filter { name = "target country",
--            check = builtin.member { enterprise = "target_countries",
--                                     region = "country", empty = "pass" } }
--
-- Parameters: --set unknown_score=S (SME programme score for an enterprise of
-- unknown size in a region with a programme, default 0), --set
-- band_tolerance=N (how many times outside a fund's size band a project may
-- be, default 10).

policy {
  name = "default",
  description = "sector fit both ways, SME programmes, fund bonus and target countries",
  top = 5,
  min_score = 0.1,
}

local p = params { unknown_score = 0, band_tolerance = 10 }

local ind = require "industries"
local sme = require "sme"
local funds = require "funds"

-- The enterprise's size class, once per profile: sme_class, sme_basis, is_sme.
sme.declare_derived()

-- Sector fit -----------------------------------------------------------------

-- sectors sought 4, sectors offered 2, resources 2, joint statement 1,
-- needs met 2, seeks met 1: declared by rules/lib/industries.lua
ind.declare_rules()

-- SME support ----------------------------------------------------------------

sme.declare_programme_rule(2)

-- Financing (a bonus) --------------------------------------------------------

local best_fund = funds.declare_derived("band_tolerance")

rule {
  name = "fund bonus", weight = 1, group = "funds",
  score = best_fund,
  explain = function(e, r, params)
    local _, reason = funds.best(e, r, { tolerance = params.band_tolerance })
    return reason
  end,
}

-- Target countries (a strong preference) -------------------------------------

rule {
  name = "target country", weight = 3, group = "target",
  uses = { enterprise = { "target_countries", "country" }, region = { "country" } },
  score = function(e, r)
    local targets = ind.list(e.target_countries)
    local c = r.country
    if #targets == 0 then
      if c == e.country then
        return 0.5, "no target countries named; " .. c .. " is the enterprise's home country"
      end
      return 1, "no target countries named: anywhere abroad, " .. c .. " included"
    end
    if ind.has(targets, c) then
      return 1, c .. " is among the target countries " .. table.concat(targets, ", ")
    end
    return 0, c .. " is not among the target countries " .. table.concat(targets, ", ") ..
              " (a preference, not a veto)"
  end,
}
