#!/usr/bin/env python3
"""from_match.py MATCH.json ENTERPRISE METHOD [NORM] > CASE.json: the decision
matrix of one enterprise's rows of `capmatch match --format json --explain`
(each rule's score a criterion, its weight the criterion's, the rule "far" a
cost: tests/policies/mcda/aggregate.lua), as a case for `capmatch mcda`."""
import json, sys

doc = json.load(open(sys.argv[1]))
ent, method = sys.argv[2], sys.argv[3]
rows = [r for r in doc["results"] if r["enterprise"] == ent]
rules = [x["rule"] for x in rows[0]["explain"]]
case = {
    "alternatives": [r["region"] for r in rows],
    "criteria": rules,
    "matrix": [[x["score"] for x in r["explain"]] for r in rows],
    "weights": [x["weight"] for x in rows[0]["explain"]],
    "types": [-1 if name == "far" else 1 for name in rules],
}
if method == "promethee2":
    case["preference"] = {"type": "linear", "q": 0.05, "p": 0.5}
elif len(sys.argv) > 4:
    case["normalisation"] = sys.argv[4]
if method == "wsm":
    case["normalise_weights"] = True
print(json.dumps(case))
