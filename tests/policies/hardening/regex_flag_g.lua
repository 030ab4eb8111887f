-- An unknown regex flag: the message names it and the known ones, and the
-- flag string is not read after it is freed (issue 10 row 4; run under ASan
-- by make sanitize).
policy { name = "regex flag" }
rule { name = "abaca", weight = 1,
       score = builtin.regex { enterprise = "description", pattern = "abaca", flags = "ig" } }
