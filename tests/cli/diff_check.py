#!/usr/bin/env python3
"""usage: diff_check.py BEFORE.jsonl AFTER.jsonl DIFF.json NAME

Compares two capmatch match --format jsonl files directly (pair by pair) and
checks that the pairs `capmatch diff --format json` reports are exactly the
ones that entered, left, moved or changed score. Prints ok / not ok.
"""
import json
import sys

before, after, diff, name = sys.argv[1:5]


def rows(path):
    out, by = {}, "enterprise"
    with open(path, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if "meta" in d:
                by = d["meta"]["by"]
                continue
            if "enterprise" not in d:
                continue        # the closing totals
            score = d["region_score"] if by == "region" else d["score"]
            out[(d["enterprise"], d["region"])] = (d["rank"], score)
    return out


a, b = rows(before), rows(after)
want = {}
for k in set(a) | set(b):
    if k not in b:
        want[k] = "left"
    elif k not in a:
        want[k] = "entered"
    elif a[k][0] != b[k][0]:
        want[k] = "moved"
    elif a[k][1] != b[k][1]:
        want[k] = "rescored"
with open(diff, encoding="utf-8") as f:
    d = json.load(f)
got = {(p["enterprise"], p["region"]): p["kind"] for p in d["pairs"]}
problems = []
for k in sorted(set(want) | set(got)):
    if want.get(k) != got.get(k):
        problems.append("%s / %s: direct comparison %s, diff %s" % (k[0], k[1], want.get(k), got.get(k)))
for p in d["pairs"]:
    k = (p["enterprise"], p["region"])
    if k in a and (p["rank_before"], p["score_before"]) != a[k]:
        problems.append("%s / %s: before %s, diff says %s" % (k[0], k[1], a[k], (p["rank_before"], p["score_before"])))
    if k in b and (p["rank_after"], p["score_after"]) != b[k]:
        problems.append("%s / %s: after %s, diff says %s" % (k[0], k[1], b[k], (p["rank_after"], p["score_after"])))
s = d["summary"]
counts = {kind: sum(1 for v in want.values() if v == kind) for kind in ("entered", "left", "moved", "rescored")}
if any(s[k] != counts[k] for k in counts):
    problems.append("summary %s, direct comparison %s" % ({k: s[k] for k in counts}, counts))
if problems:
    print("not ok " + name)
    for p in problems[:12]:
        print("    " + p)
else:
    print("ok %s (%d pairs changed: %s)" % (name, len(want), ", ".join("%d %s" % (v, k) for k, v in counts.items())))
