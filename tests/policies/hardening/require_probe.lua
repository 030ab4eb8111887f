-- require of a module by an absolute path through an empty entry of the
-- rules path (issue 10 row 11): tests/cli/hardening.sh sets the module name.
policy { name = "require probe" }
local p = params { module = "nosuch" }
local m = require(p.module) -- attempt
rule { name = "after", weight = 1, score = function() return 0.5, "loaded" end }
