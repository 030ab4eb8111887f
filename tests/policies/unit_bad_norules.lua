-- unit_bad_norules.lua: a policy without any rule
policy { name = "no rules" }
filter { name = "all", check = function() return true, "" end }
