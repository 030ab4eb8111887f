-- escape attempt: an endless __gc finalizer put into the metatable after
-- setmetatable (which refuses __gc), then garbage to make the collector run.
-- Lua 5.4 only runs __gc when present at setmetatable time, so this one must
-- load and match normally (exit 0), quickly: it must not hang.
policy { name = "escape" }
local p = params { target = "/nonexistent/capmatch-pwned" }
local mt = {}
local x = setmetatable({}, mt)
mt.__gc = function() while true do end end -- attempt
x = nil
for i = 1, 20000 do local t = { i, tostring(i) } end
rule { name = "after", weight = 1, score = function() return 0.5, "the policy loaded" end }
