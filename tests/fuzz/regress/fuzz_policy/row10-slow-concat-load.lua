policy { name = "row 10" }
local s = "x"
for i = 1, 22 do s = s .. s end
while true do local t = s .. "y" end
rule { name = "r", weight = 1, score = function() return 1, "x" end }
