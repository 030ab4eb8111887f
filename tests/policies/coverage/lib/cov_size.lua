-- cov_size.lua - a module of tests/policies/coverage/branches.lua
local M = {}

function M.classify(staff)
  if staff == nil then
    return "unknown"
  end
  if staff < 50 then
    return "small"
  elseif staff < 250 then
    return "medium"
  end
  return "large"
end

-- no rule calls it
function M.describe(staff)
  local s = string.format("%d staff", staff)
  -- a line without code inside the range of lines never run
  return s
end

return M
