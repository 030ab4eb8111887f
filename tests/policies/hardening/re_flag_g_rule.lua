-- An unknown regex flag given to re.test in a rule (issue 10 row 4).
policy { name = "regex flag" }
rule { name = "re", weight = 1, score = function(e, r)
  return re.test(e.name, "x", "g") and 1 or 0, "never" -- attempt
end }
