-- sme_support.lua - SMEs should go where an SME programme runs.
--
-- For analysts. Each enterprise's size class is worked out once, under its
-- own country's SME definition (rules/lib/sme.lua: China, Malaysia,
-- Thailand, Vietnam, the Philippines, Indonesia, Singapore, each combining
-- employees, revenue, assets or capital its own way), and kept as three
-- derived values that any rule can read:
--   sme_class   "micro", "small", "medium", "large", "sme" (Singapore, which
--               has no split) or "unknown";
--   sme_basis   the reason: the class, the country's rule and the figures,
--               e.g. "small (China, industry): 150 employees >= 20 and
--               revenue 800 wan >= 300; not medium: 150 employees < 300";
--   is_sme      true, false, or nil when the figures cannot tell.
-- Enterprises from countries without a shipped definition (Laos, Cambodia,
-- Myanmar, Brunei ...) are "unknown", never counted as large.
--
-- The rule "SME programme" scores a pair:
--   1    an SME (or an enterprise known to be under its country's SME bound)
--        and the region runs an SME programme (programmes has "sme_support");
--   0    an SME and the region runs none;
--   0    a large enterprise (SME programmes are not for it);
--   unknown_score (default 0) when the size is unknown and the region runs a
--        programme; 0 when it runs none. Raise it (--set unknown_score=0.5)
--        to give enterprises of unknown size the benefit of the doubt.
-- The reason always names the class found and the figures that decided it.

policy {
  name = "sme_support",
  description = "SMEs, classed under their own country's definition, to regions with SME programmes",
  top = 10,
  min_score = 0,
}

params { unknown_score = 0 }

local sme = require "sme"

sme.declare_derived()
sme.declare_programme_rule(1)
