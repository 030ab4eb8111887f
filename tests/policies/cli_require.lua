-- cli_require.lua: require "helper" finds tests/policies/lib/helper.lua.
policy { name = "require" }
local helper = require "helper"
rule { name = "size", weight = 1, score = function(e, r) return helper.size_score(e) end }
