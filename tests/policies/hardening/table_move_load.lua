-- table.move loops in C, out of the count hook's sight: at load time.
-- capmatch match must stop it with exit 2 and a message naming this file and
-- the line marked "attempt" (tests/cli/hardening.sh, issue 10 row 3).
policy { name = "hardening" }
table.move({}, 1, 1 << 40, 2) -- attempt
rule { name = "after", weight = 1, score = function() return 0.5, "loaded" end }
