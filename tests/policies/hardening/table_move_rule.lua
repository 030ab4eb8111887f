-- table.move over a profile list view (a C __index) in a rule.
-- capmatch match must stop it with exit 2 and a message naming this file and
-- the line marked "attempt" (tests/cli/hardening.sh, issue 10 row 3).
policy { name = "hardening" }
rule { name = "escape", weight = 1, score = function(e, r)
  local copy = table.move(r.needs, 1, 1 << 40, 1, {}) -- attempt
  return 1, "escaped"
end }
