-- Rules declared by a required module: their errors name the module's file and line.
policy { name = "module rules" }
require("declared").declare()
