#!/usr/bin/env python3
"""check_sensitivity.py CAPMATCH REGIONS ENTERPRISES POLICY ENTERPRISE...

For the first rows of each enterprise of `capmatch match --sensitivity`
(tests/policies/mcda/weights.lua, whose weights are parameters), re-run the
match with each rule's weight moved just inside each bound (the pair keeps
its place against the named partner) and just beyond it (the partner and the
pair have changed places, as reported). Prints ok / not ok lines."""
import json, subprocess, sys

capmatch, regions, enterprises, policy = sys.argv[1:5]
ents = sys.argv[5:]
WEIGHTS = {"sector": ("w_sector", 3), "needs": ("w_needs", 2), "close": ("w_close", 1)}

def match(sets=()):
    argv = [capmatch, "match", "--regions", regions, "--enterprises", enterprises,
            "--policy", policy, "--top", "100", "--format", "json", "--sensitivity"]
    for s in sets:
        argv += ["--set", s]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    return json.loads(out)["results"]

def rank(rows, ent, region):
    for r in rows:
        if r["enterprise"] == ent and r["region"] == region:
            return r["rank"]
    return None

base = match()
checked = 0
for ent in ents:
    for row in [r for r in base if r["enterprise"] == ent][:2]:
        for s in row["sensitivity"]:
            name, default = WEIGHTS[s["rule"]]
            for side in ("down", "up"):
                f, partner = s[side], s[side + "_partner"]
                if partner is None:
                    continue
                passes = s[side + "_passes"]
                before = rank(base, ent, partner) < row["rank"]
                for k, beyond in ((0.999 if side == "up" else 1.001, False),
                                  (1.001 if side == "up" else 0.999, True)):
                    rows = match(["%s=%r" % (name, default * f * k)])
                    now = rank(rows, ent, partner) < rank(rows, ent, row["region"])
                    want = (not before) if beyond else before
                    what = "%s/%s %s x%.4f %s %s" % (ent, row["region"], s["rule"], f * k,
                                                    "beyond" if beyond else "inside", partner)
                    # passes: the partner goes above the pair (it was below)
                    if now == want and (not beyond or now == passes):
                        print("ok sensitivity re-run: " + what)
                    else:
                        print("not ok sensitivity re-run: " + what)
                        print("    partner above the pair: before %s, now %s, reported passes %s"
                              % (before, now, passes))
                checked += 1
print("ok sensitivity re-runs: %d bounds checked" % checked if checked >= 6 else
      "not ok sensitivity re-runs: only %d bounds" % checked)
