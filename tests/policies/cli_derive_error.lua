-- cli_derive_error.lua: the derive on line 3 fails for enterprise e-fruit
-- (error on line 4): the message must name the profile.
derive { name = "x", side = "enterprise", value = function(e)
  if e.id == "e-fruit" then error("no fruit here") end
  return 1
end }
policy { name = "derive error" }
rule { name = "a", weight = 1, score = function(e) return e.x, "x" end }
