-- cli_derive.lua: values derived once per profile, read by Lua rules as
-- e.NAME / r.NAME and by built-ins as a field name.
policy { name = "derive" }
derive { name = "size_class", side = "enterprise", value = function(e)
  if (e.employees or 0) >= 250 then return "large" end
  return "sme"
end }
derive { name = "tier", side = "region", value = function(r) return r.attrs.tier or 0 end }
rule { name = "sme", weight = 1, score = builtin.equals { enterprise = "size_class", value = "sme" } }
rule { name = "tier2", weight = 1, score = builtin.equals { region = "tier", value = 2 } }
rule { name = "lua", weight = 1, score = function(e, r)
  return e.size_class == "large" and 1 or 0, "class " .. e.size_class .. ", tier " .. tostring(r.tier)
end }
