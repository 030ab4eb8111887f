-- cli_require_missing.lua: require of a module that exists nowhere (line 3).
policy { name = "require missing" }
local nope = require "no_such_helper"
rule { name = "a", weight = 1, score = function() return 1, "one" end }
