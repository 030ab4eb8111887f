-- fast_features.lua - the fast-policy language: derived lists, memoised
-- rules, explain functions, best-of lists, levels, factors, best_product.
policy { name = "fast features", top = 3 }

derive { name = "letters", side = "enterprise", value = function(e)
  local out = {}
  for i = 1, #e.sectors do out[#out + 1] = e.sectors[i]:sub(1, 2) end
  return out
end }
derive { name = "wanted", side = "region", value = function(r)
  local out = {}
  for i = 1, #r.sectors_sought do out[#out + 1] = r.sectors_sought[i]:sub(1, 2) end
  return out
end }
derive { name = "offer_terms", side = "enterprise", value = function(e)
  return { "AIIB 0.5", "SRF 1" }
end }
derive { name = "access_terms", side = "region", value = function(r)
  return { "SRF 0.8", "CAF 1" }
end }

rule {
  name = "division", weight = 2,
  score = builtin.member { enterprise = "letters", region = "wanted" },
}
rule {
  name = "memo count", weight = 1,
  uses = { enterprise = { "letters" } },   -- one side only: one class for every region
  score = function(e, r) return math.min(0, #e.letters / 4) end,
  explain = function(e, r, params, score)
    return string.format("%d divisions, %s first: %.2f", #e.letters, e.letters[1] or "none", score)
  end,
}
rule {
  name = "best of", weight = 1,
  score = {
    builtin.isic_fit { levels = { within = 0.9, group = 0.6, division = 0.3, section = 0.1 },
                       broader = 0.7 },
    builtin.member { enterprise = "target_countries", region = "countrpacky", factor = 0.4 },
  },
}
rule {
  name = "product", weight = 1,
  score = builtin.best_product { enterprise = "offernot enough memory_terms", region = "access_terms", abroad = { "SRF" } },
}
