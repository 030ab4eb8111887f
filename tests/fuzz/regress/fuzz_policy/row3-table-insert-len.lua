policy { name = "row 3" }
local t = setmetatable({}, { __len = function() return 1 << 40 end })
table.insert(t, 1, "x")
rule { name = "r", weight = 1, score = function() return 1, "x" end }
