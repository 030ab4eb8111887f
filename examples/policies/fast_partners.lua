-- fast_partners.lua - the fast form of a policy: what one side knows alone is
-- derived once per profile, pairs are compared in C, Lua decides once per
-- combination of the values it names, reasons are written only for what is shown.
policy { name = "fast partners", description = "Joint Statement groups and target countries", top = 3 }

-- three of the Joint Statement's industries, by ISIC division (rules/lib/industries.lua has all)
local GROUPS = { equipment = { "25", "28", "29", "30" }, agriculture = { "01", "03", "10" },
                 materials = { "16", "20", "23" } }

-- the groups a list of codes belongs to, as a list of names
local function groups_of(codes)
  local out = {}
  for name, divisions in pairs(GROUPS) do
    for i = 1, #codes do
      for _, d in ipairs(divisions) do
        if cm.isic_within(codes[i], d) then out[#out + 1] = name; goto next_group end
      end
    end
    ::next_group::
  end
  table.sort(out)
  return out
end

-- once per profile: the groups of the enterprise's sectors, and of those the region seeks
derive { name = "groups", side = "enterprise", value = function(e) return groups_of(e.sectors) end }
derive { name = "sought_groups", side = "region", value = function(r) return groups_of(r.sectors_sought) end }

-- per pair, in C: do the two lists share a group?
rule { name = "joint statement", weight = 2,
       score = builtin.member { enterprise = "groups", region = "sought_groups" } }

-- Lua, called once per combination of targets, home country and region country
rule { name = "target country", weight = 1,
       uses = { enterprise = { "target_countries", "country" }, region = { "country" } },
       score = function(e, r)
         if e:has("target_countries", r.country) then return 1 end
         if r.country == e.country then return 0 end
         return #e.target_countries == 0 and 0.5 or 0
       end,
       -- only for the pairs that are shown
       explain = function(e, r, params, score)
         if score == 1 then return r.country .. " is a target country" end
         if r.country == e.country then return "the enterprise's home country" end
         return r.country .. " is not among the targets " .. tostring(e.target_countries)
       end }
