-- A reason of 6000 bytes (3000 two-byte characters) is cut to 1 KiB ending
-- with "...", on a character boundary (issue 10 row 9).
policy { name = "long reason" }
rule { name = "long", weight = 1, score = function(e, r) return 0.5, string.rep("\u{e9}", 3000) end }
filter { name = "long", check = function(e, r) return true, string.rep("\u{e9}", 3000) end }
