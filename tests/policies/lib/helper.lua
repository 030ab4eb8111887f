-- helper.lua: a module for tests/policies/cli_require.lua, found through the
-- default rules path (POLICYDIR/lib:POLICYDIR:...).
local M = {}

function M.size_score(e)
  local n = e.employees or 0
  if n < 250 then return 0.75, "helper: SME (" .. n .. ")" end
  return 0.25, "helper: large (" .. n .. ")"
end

return M
