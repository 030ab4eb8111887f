-- fair.lua - a policy for a matchmaking fair, with the region's own view.
--
-- The enterprise side (score) ranks regions by sector fit, needs met and
-- distance. Rules with side = "region" add up to a separate region_score:
-- how a region ranks the enterprises that want it. Here a region cares most
-- about getting what it lacks, then about the sectors it seeks.
-- capmatch assign ranks each side by its own score.

policy {
  name = "fair",
  description = "enterprise view: sector fit, needs met, distance; region view: sectors sought, needs met",
  top = 10,
  min_score = 0.1,
}

rule {
  name = "sector fit", weight = 4,
  score = builtin.isic_fit { enterprise = "sectors", region = "sectors_sought" },
}

rule {
  name = "needs met", weight = 3,
  score = builtin.overlap { enterprise = "offers", region = "needs" },
}

rule {
  name = "distance", weight = 1,
  score = builtin.distance { scale_km = 4000 },
}

rule {
  name = "sectors it seeks", weight = 1, side = "region",
  score = builtin.isic_fit { enterprise = "sectors", region = "sectors_sought" },
}

rule {
  name = "its needs met", weight = 2, side = "region",
  score = builtin.overlap { enterprise = "offers", region = "needs" },
}
