policy { name = "row 3" }
local t = setmetatable({}, { __len = function() return 1 << 40 end })
rule { name = "r", weight = 1, score = function() table.remove(t, 1) return 1, "x" end }
