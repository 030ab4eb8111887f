-- A module that declares rules in the policy that requires it.
local M = {}
function M.declare()
  rule { name = "from a module", weight = 1, score = function(e, r)
    return e.no_such_field, "never"
  end }
end
return M
