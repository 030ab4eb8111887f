-- sector_fit.lua - does the enterprise's industry fit the region's, both ways?
--
-- For analysts. Six rules, each explained in the output (tables in
-- rules/lib/industries.lua, hand-made as of 2025-06):
--   sectors sought   (weight 4)  the enterprise's ISIC sectors against the
--                                sectors the region wants to attract, along
--                                the hierarchy (same class or one within the
--                                other 1, same group 0.75, division 0.5,
--                                section 0.25);
--   sectors offered  (weight 2)  the region's own sectors against the
--                                enterprise's, along the value chain: a
--                                region offering 0116 fibre crops or 1311
--                                spinning supplies a 13xx textile firm and is
--                                a market for a 2826 textile machinery maker
--                                (1, or 0.8 when the enterprise does not seek
--                                raw materials / market access); a cluster of
--                                the enterprise's own sector scores 0.6 down
--                                to 0.3;
--   resources        (weight 2)  the region's resources linked to the sectors
--                                that grow, process or use them ("abaca fiber
--                                is processed by 2826 Textile machinery"), or
--                                named in the enterprise's description;
--   joint statement  (weight 1)  both sides in the same Joint Statement
--                                industry group (equipment manufacturing,
--                                light building materials, ... marine
--                                industry): 1 when the region seeks a sector
--                                of the group, 0.5 when it only offers one;
--   needs met        (weight 2)  the share of the region's needs that the
--                                enterprise offers;
--   seeks met        (weight 1)  the share of what the enterprise seeks that
--                                the region offers.
-- Missing data scores 0 with a reason saying what is missing. No filter: every
-- pair gets a row.

policy {
  name = "sector_fit",
  description = "sector fit both ways: sectors sought and offered, value chain, resources, "
             .. "Joint Statement groups, needs",
  top = 10,
  min_score = 0,
}

local ind = require "industries"

-- sectors sought 4, sectors offered 2, resources 2, joint statement 1,
-- needs met 2, seeks met 1: declared by rules/lib/industries.lua
ind.declare_rules()
