-- Every known regex flag, in a built-in and in re.*.
policy { name = "regex flags" }
rule { name = "abaca", weight = 1,
       score = builtin.regex { enterprise = "description", pattern = "^ABACA.fiber", flags = "imsx" } }
rule { name = "re", weight = 1, score = function(e, r)
  return re.test("a\nb", "^b$", "m") and re.test("a\nb", "a.b", "s") and 1 or 0, "flags m and s"
end }
