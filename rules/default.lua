-- default.lua - which regions should each enterprise meet, and why.
--
-- For analysts: this policy ranks partner regions for every enterprise on
-- four things, each explained in the output:
--   sector fit  (weight 4)  the enterprise's ISIC sectors against the sectors
--                           the region wants to attract, along the hierarchy
--                           (same class 1, same group 0.75, division 0.5,
--                           section 0.25);
--   needs met   (weight 3)  how many of the region's needs the enterprise offers;
--   resources   (weight 2)  the region's resources named in the enterprise's
--                           description (abaca, rubber, coconut ...);
--   distance    (weight 1)  closer is cheaper to work with (0 beyond 4000 km).
-- Regions outside the enterprise's target countries are left out (an
-- enterprise with no target countries may go anywhere), and so is the
-- enterprise's own country when it names only other targets.
-- Change a weight or a limit with --set, e.g. --set max_km=2500.

policy {
  name = "default",
  description = "sector fit, needs met, resources and distance",
  top = 5,
  min_score = 0.1,
}

local p = params { max_km = 4000 }

filter {
  name = "target country",
  check = builtin.member { enterprise = "target_countries", region = "country", empty = "pass" },
}

rule {
  name = "sector fit", weight = 4, group = "fit",
  score = builtin.isic_fit { enterprise = "sectors", region = "sectors_sought" },
}

rule {
  name = "needs met", weight = 3, group = "fit",
  score = builtin.overlap { enterprise = "offers", region = "needs" },
}

-- A region's resource tags found in the enterprise's description.
rule {
  name = "resources", weight = 2, group = "fit",
  score = function(e, r)
    local text = e.description
    if not text then return 0, "no description" end
    text = text:lower()
    for i = 1, #r.resources do
      local tag = r.resources[i]
      local word = tag:lower():match("^(%a+)")
      if word and #word >= 4 and text:find(word, 1, true) then
        return 1, "description mentions " .. tag
      end
    end
    return 0, "none of the region's resources is mentioned"
  end,
}

rule {
  name = "distance", weight = 1, group = "access",
  score = builtin.distance { scale_km = p.max_km },
}
