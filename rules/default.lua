-- default.lua - which regions should each enterprise meet, which enterprises
-- should each region meet, and why.
--
-- For programme officers and analysts. The dialogue this serves is about
-- cross-border cooperation on production capacity, so the policy first
-- keeps the pairs worth a meeting, then scores them from both sides.
--
-- Filters (a vetoed pair gets no row; `capmatch explain` says why):
--   cross-border          the enterprise and the region are in different
--                         countries. --set domestic=true lets home-country
--                         pairs through, for a domestic programme.
--   meets a need          the enterprise offers at least one thing the region
--                         says it needs (vocabulary A: technology, capital,
--                         equipment ...): a partner that brings none of them
--                         is not shown, however close its sector. When the
--                         region lists no needs, or the enterprise no offers,
--                         the check cannot tell and lets the pair through.
--
-- The enterprise's view (the score; --by enterprise ranks by it), weights
-- sum to 19:
--   needs met         4  what the enterprise brings to the region's needs:
--                        the share of the needs it meets, and at least half
--                        for any one need met;
--   sector fit        4  one credit for the best sector link, never several
--                        for one link: the region seeks the enterprise's
--                        sector (same class or within 1, group 0.75,
--                        division 0.5, a broader code 0.5), or 0.8 for a
--                        link in the right direction (the region's industry
--                        or resources supply an enterprise that seeks raw
--                        materials; the region's industry or resources are
--                        a market for one that seeks market access), or a
--                        quarter for the same Joint Statement industry;
--   seeks met         2  what the region offers the enterprise (the share of
--                        what it seeks, and at least half for any one);
--   target country    2  1 when the enterprise names the region's country,
--                        0 when it names others, half when it names none;
--   who brings capital 1 the pair can pay for its project: 1 when one side
--                        brings the capital the other asks for (or nobody
--                        asks), 0.3 when the region needs it and the
--                        enterprise does not bring it, 0 when both seek it;
--   cooperation area  1  the enterprise's work is one of the region's areas
--                        (the dialogue's five: transport infrastructure,
--                        commerce, agriculture, tourism, culture);
--   zones and programmes 1 a plant that moves can use the region's parks
--                        and zones, research an innovation hub;
--   getting there     1  a port, railway or airport the business needs, or
--                        a direct flight from the enterprise's home (0.7);
--   languages         1  a language both sides work in;
--   SME programme     1  an SME under its own country's law, not part of a
--                        large, listed or state group, where the region's
--                        SME programme is open to it (foreign firms that set
--                        up there, or any firm in a domestic programme);
--   fund              1  the best fund that can finance the project
--                        (rules/lib/funds.lua: mandates, sectors,
--                        instruments and size floors, dated and sourced).
-- Missing data gets neutral credit (half) with a reason saying what is
-- missing: a profile that says less is neither rewarded nor punished.
--
-- The region's view (region_score; --by region ranks by it), rules marked
-- side = "region", weights sum to 12:
--   region: needs met        4  as above: what the partner brings;
--   region: sector sought    4  as "sector fit": the region's own priorities
--                               weigh as much as the generic needs (capital,
--                               technology) that many partners meet;
--   region: capital          1  as "who brings capital";
--   region: cooperation area 1, region: zones used 1, region: wants to
--   come 1 (the enterprise names the region's country).
--
-- Diversity (policy { diversity = ... } below, done by the engine, which
-- sees a whole list): in a region's list, an enterprise loses 0.05 of the
-- region's view for each one above it in the same ISIC group, and 0.05 for
-- each above it offering the same things, and may move up at most 10
-- places; `--explain` says who moved and why, `--no-diverse` turns it off.
-- Not by country: most partners of an ASEAN region are Chinese, and the
-- dialogue suite (rules/tests/dialogue.test.lua) fails when country counts
-- (Phuket's tour operator falls from 2nd to 14th). Enterprises' lists are
-- never re-ranked.
--
-- Parameters: --set domestic=true (home-country pairs allowed), --set
-- unknown_score=S (SME programme credit for an enterprise of unknown size
-- where a programme is open to it; default 0.5, neutral), --set
-- band_tolerance=N (how far outside a fund's size band or floor a project
-- may be, default 10 times).
--
-- Tables and reasons: rules/lib/partners.lua (areas, zones, infrastructure,
-- SME programme access, reason templates), rules/lib/industries.lua (ISIC,
-- Joint Statement groups, value chain, resources), rules/lib/sme.lua,
-- rules/lib/funds.lua.

policy {
  name = "default",
  description = "cross-border pairs that meet a need, scored from both sides: needs met, sector fit, "
             .. "what the region offers, targets, capital, areas, zones, access, languages, SMEs, funds",
  top = 5,
  min_score = 0.2,
  -- region lists only (--by region): each enterprise in the same ISIC group
  -- as, or offering the same as, one placed above it loses 0.05 for each
  -- (0.1 for a full look-alike), so that a list is not four makers of one
  -- machine; --no-diverse turns it off
  diversity = { by = { "group", "offers" }, penalty = 0.1 },
}

params { domestic = false, unknown_score = 0.5, band_tolerance = 10 }

local partners = require "partners"
local funds = require "funds"

partners.declare_derived()
local best_fund = funds.declare_derived("band_tolerance")

-- Filters (the member filter first: the engine then looks only at the
-- regions an enterprise can pass, through an index of their needs) ---------

filter {
  name = "meets a need",
  check = builtin.member { enterprise = "offers", region = "needs", empty = "pass" },
  explain = partners.explain_need_filter,
}

filter {
  name = "cross-border",
  check = partners.border_check(),
  explain = partners.explain_border,
}

-- The enterprise's view --------------------------------------------------------

rule { name = "needs met", weight = 4, group = "needs",
       score = partners.needs_scorer(), explain = partners.explain_needs }

rule { name = "sector fit", weight = 4, group = "sector",
       score = partners.sector_scorer(), explain = partners.explain_sector }

rule { name = "seeks met", weight = 2, group = "needs",
       score = partners.seeks_scorer(), explain = partners.explain_seeks }

rule { name = "target country", weight = 2, group = "target",
       score = partners.target_scorer(), explain = partners.explain_target }

rule { name = "who brings capital", weight = 1, group = "capital",
       score = partners.capital_scorer(),
       explain = partners.explain_capital }

rule { name = "cooperation area", weight = 1, group = "areas",
       score = partners.area_scorer(), explain = partners.explain_area }

rule { name = "zones and programmes", weight = 1, group = "areas",
       score = partners.zone_scorer(), explain = partners.explain_zone }

rule { name = "getting there", weight = 1, group = "access",
       score = partners.infra_scorer(), explain = partners.explain_infra }

rule { name = "languages", weight = 1, group = "access",
       score = partners.language_scorer(), explain = partners.explain_language }

rule { name = "SME programme", weight = 1, group = "sme",
       score = partners.sme_scorer(), explain = partners.explain_sme }

rule { name = "fund", weight = 1, group = "funds",
       score = best_fund, explain = partners.explain_fund }

-- The region's view -------------------------------------------------------------

rule { name = "region: needs met", weight = 4, group = "needs", side = "region",
       score = partners.needs_scorer(), explain = partners.explain_needs }

rule { name = "region: sector sought", weight = 4, group = "sector", side = "region",
       score = partners.sector_scorer(), explain = partners.explain_sector }

rule { name = "region: capital", weight = 1, group = "capital", side = "region",
       score = partners.capital_scorer(),
       explain = partners.explain_capital }

rule { name = "region: cooperation area", weight = 1, group = "areas", side = "region",
       score = partners.area_scorer(), explain = partners.explain_area }

rule { name = "region: zones used", weight = 1, group = "areas", side = "region",
       score = partners.zone_scorer(), explain = partners.explain_zone }

rule { name = "region: wants to come", weight = 1, group = "target", side = "region",
       score = partners.target_scorer(), explain = partners.explain_target }
