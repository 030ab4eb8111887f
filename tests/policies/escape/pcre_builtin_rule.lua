-- escape attempt: a catastrophic PCRE2 pattern in builtin.regex, on a long
-- description (tests/data/enterprises-redos.json), inside a rule.
-- capmatch match must stop it with a clear error (exit 2) naming this file
-- and the line marked "attempt" and reach the match limit within a second.
policy { name = "escape" }
local p = params { target = "/nonexistent/capmatch-pwned" }
rule { name = "escape", weight = 1, score = builtin.regex { enterprise = "description", pattern = "(a+)+$" } } -- attempt
