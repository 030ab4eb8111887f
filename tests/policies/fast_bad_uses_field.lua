policy { name = "bad uses field" }
rule { name = "r", weight = 1, uses = { enterprise = { "sectorz" } }, score = function() return 1 end }
