-- luacheck configuration for the policies, their library and tests (rules/,
-- examples/policies/): Lua 5.4, and the names the policy language and the
-- sandbox give every policy.
std = "lua54"
globals = {}
read_globals = {
  "policy", "params", "rule", "filter", "derive", "builtin", "cm", "re", "mcda",   -- policies
  "suite", "case",                                                        -- policy tests
}
-- rule functions take (e, r, params, score): not every rule reads them all
unused_args = false
max_line_length = 120
-- test cases hold data: long lines read better than wrapped ones
files["rules/tests"] = { max_line_length = false }
files["examples/policies"] = { max_line_length = false }
