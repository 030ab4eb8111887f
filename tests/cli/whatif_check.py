#!/usr/bin/env python3
"""Check capmatch whatif against the command itself, independently of its code.

usage: whatif_check.py CAPMATCH POLICY REGIONS ENTERPRISES ENTERPRISE REGION TARGET TMPDIR

1. Every answer of `whatif --format json`, applied here to the profiles and run
   through `capmatch explain --sensitivity`, has the score, rank and verdict
   whatif printed, and reaches the target.
2. Brute force: every single change this script can think of from the schema
   (JSON Schema words, codes seen in the files, booleans, number fields on a
   grid) is applied and ranked with `capmatch match`; whatever reaches the
   target must be among whatif's single-change answers (a number field: an
   answer on that field in the same direction, at most as far).
Prints TAP-style "ok"/"not ok" lines.
"""
import json
import os
import subprocess
import sys

CAP, POLICY, REGIONS, ENTERPRISES, EID, RID, TARGET, TMP = sys.argv[1:9]
BRUTE = len(sys.argv) < 10 or sys.argv[9] != "--no-brute-force"
MAX = sys.argv[10] if len(sys.argv) > 10 else "1"
TOP = 100
NEVER = {"id", "name", "country", "subdivision", "location", "sector", "description", "attrs"}
SEEN = {  # list fields without words: the codes seen in the data
    "sectors_offered": "isic", "sectors_sought": "isic", "sectors": "isic",
    "target_countries": "country", "languages": "lang", "resources": "res",
    "direct_flights": "place",
}


def ok(name):
    print("ok " + name)


def not_ok(name, *lines):
    print("not ok " + name)
    for l in lines:
        print("    " + str(l)[:600])


def load(path, key):
    with open(path, encoding="utf-8") as f:
        return json.load(f)[key]


regions = load(REGIONS, "regions")
enterprises = load(ENTERPRISES, "enterprises")


def schema(kind):
    out = subprocess.run([CAP, "schema", kind, "--format", "json"], capture_output=True,
                         check=True, text=True).stdout
    d = json.loads(out)["$defs"]
    return next(iter(d.values()))["properties"]


def seen_values():
    s = {"isic": set(), "country": set(), "lang": set(), "res": set(), "place": set()}
    for r in regions:
        s["isic"].update(r.get("sectors_offered", []) + r.get("sectors_sought", []))
        s["country"].add(r["country"])
        s["place"].add(r["country"])
        if r.get("subdivision"):
            s["place"].add(r["subdivision"])
        s["lang"].update(r.get("languages", []))
        s["res"].update(r.get("resources", []))
        s["place"].update(r.get("connectivity", {}).get("direct_flights", []))
    for e in enterprises:
        s["isic"].update(e.get("sectors", []) + [e["sector"]])
        s["country"].update(e.get("target_countries", []) + [e["country"]])
        s["place"].add(e["country"])
        if e.get("subdivision"):
            s["place"].add(e["subdivision"])
        s["lang"].update(e.get("languages", []))
    return s


def get_field(obj, path):
    parts = path.split(".")
    for p in parts[:-1]:
        obj = obj.get(p, {})
    return obj.get(parts[-1])


def set_field(obj, path, value):
    parts = path.split(".")
    for p in parts[:-1]:
        obj = obj.setdefault(p, {})
    if value is None or value == []:
        obj.pop(parts[-1], None)
    else:
        obj[parts[-1]] = value


def apply(changes):
    rs = json.loads(json.dumps(regions))
    es = json.loads(json.dumps(enterprises))
    for c in changes:
        prof = next(x for x in (es if c["side"] == "enterprise" else rs)
                    if x["id"] == (EID if c["side"] == "enterprise" else RID))
        cur = get_field(prof, c["field"])
        if c["op"] == "add":
            set_field(prof, c["field"], (cur or []) + [c["value"]])
        elif c["op"] == "remove":
            set_field(prof, c["field"], [v for v in cur if v != c["value"]])
        else:
            set_field(prof, c["field"], c["value"])
    rp, ep = os.path.join(TMP, "wr.json"), os.path.join(TMP, "we.json")
    with open(rp, "w", encoding="utf-8") as f:
        json.dump({"regions": rs}, f, ensure_ascii=False)
    with open(ep, "w", encoding="utf-8") as f:
        json.dump({"enterprises": es}, f, ensure_ascii=False)
    return rp, ep


def explain(rp, ep):
    p = subprocess.run([CAP, "explain", "--policy", POLICY, "--regions", rp, "--enterprises", ep,
                        "--enterprise", EID, "--region", RID, "--sensitivity", "--top", str(TOP),
                        "--format", "json"], capture_output=True, text=True)
    if p.returncode not in (0, 1):
        return None
    d = json.loads(p.stdout)
    if "results" in d:      # the result format: the pair is the one row
        x = d["results"][0]
        return x["score"], x.get("rank"), p.returncode == 1
    return d["score"], d["sensitivity"]["rank"], p.returncode == 1


def rank_of(rp, ep):
    """(rank or None, score or None) of the pair, or False when the profiles do not load."""
    p = subprocess.run([CAP, "match", "--policy", POLICY, "--regions", rp, "--enterprises", ep,
                        "--top", str(TOP), "--format", "jsonl", "--on-error", "skip"],
                       capture_output=True, text=True)
    if p.returncode not in (0, 1):
        return False
    for line in p.stdout.splitlines():
        d = json.loads(line)
        if d.get("enterprise") == EID and d.get("region") == RID:
            return d["rank"], d["score"]
    return None, None


def reaches(rank, score, vetoed=False):
    if TARGET == "pass":
        return not vetoed
    if TARGET.startswith("rank="):
        return rank is not None and rank <= int(TARGET[5:])
    if TARGET.startswith("score="):
        return rank is not None and score >= float(TARGET[6:])
    raise SystemExit("whatif_check: brute force handles rank=K and score=X targets")


w = subprocess.run([CAP, "whatif", "--policy", POLICY, "--regions", REGIONS, "--enterprises",
                    ENTERPRISES, "--enterprise", EID, "--region", RID, "--target", TARGET,
                    "--max", MAX, "--limit", "0", "--format", "json"],
                   capture_output=True, text=True)
if w.returncode not in (0, 1):
    not_ok("whatif runs", w.stderr)
    sys.exit(0)
W = json.loads(w.stdout)
answers = W["answers"]

# 1. every answer, applied and explained, is what whatif said
bad = []
for a in answers:
    rp, ep = apply(a["changes"])
    got = explain(rp, ep)
    want = (a["score"], a["rank"], a["vetoed"])
    if got is None or abs(got[0] - want[0]) > 1e-12 or got[1] != want[1] or got[2] != want[2] \
            or not reaches(got[1], got[0], got[2]):
        bad.append("%s: whatif %s, explain %s" % (a["changes"][0]["text"], want, got))
if bad:
    not_ok("%s/%s: every answer re-run through explain gives whatif's score and rank" % (EID, RID),
           *bad[:10])
else:
    ok("%s/%s: all %d answers re-run through explain give whatif's score and rank"
       % (EID, RID, len(answers)))

if not BRUTE:
    sys.exit(0)

# 2. brute force over single changes
seen = seen_values()
texts = {a["changes"][0]["text"] for a in answers if len(a["changes"]) == 1}
nums = {}
for a in answers:
    c = a["changes"][0]
    if len(a["changes"]) == 1 and c["op"] == "set" and isinstance(c["value"], (int, float)) and not isinstance(c["value"], bool):
        nums.setdefault((c["side"], c["field"]), []).append(c["value"] - c["old"])

cands = []   # (side, path, cur, change)
for side, pid, profs in (("enterprise", EID, enterprises), ("region", RID, regions)):
    props = schema("enterprises" if side == "enterprise" else "regions")
    prof = next(x for x in profs if x["id"] == pid)
    fields = []
    for name, spec in props.items():
        if name in NEVER:
            continue
        if name == "connectivity":
            for sub, s2 in spec["properties"].items():
                fields.append(("connectivity." + sub, s2))
        elif name in ("revenue", "assets", "capital", "investment"):
            for sub, s2 in spec["properties"].items():
                if sub != "currency":
                    fields.append((name + "." + sub, s2))
        else:
            fields.append((name, spec))
    for path, spec in fields:
        types = spec.get("type")
        types = types if isinstance(types, list) else [types]
        cur = get_field(prof, path)
        leaf = path.split(".")[-1]
        def add(c):
            cands.append((side, path, cur, c))
        if "array" in types:
            words = spec.get("items", {}).get("enum") or sorted(seen.get(SEEN.get(leaf), []))
            for v in cur or []:
                add({"side": side, "field": path, "op": "remove", "value": v,
                     "text": "%s.%s -= %s" % (side, path, v)})
            for v in words:
                if v not in (cur or []):
                    add({"side": side, "field": path, "op": "add", "value": v,
                         "text": "%s.%s += %s" % (side, path, v)})
        elif "boolean" in types:
            for v in (True, False):
                if cur is not v:
                    add({"side": side, "field": path, "op": "set", "value": v,
                         "text": "%s.%s: %s -> %s" % (side, path,
                                 "absent" if cur is None else json.dumps(cur), json.dumps(v))})
        elif "string" in types and spec.get("enum"):
            for v in spec["enum"]:
                if v != cur and v is not None:
                    add({"side": side, "field": path, "op": "set", "value": v,
                         "text": "%s.%s: %s -> %s" % (side, path,
                                 "absent" if cur is None else cur, v)})
        elif ("integer" in types or "number" in types) and isinstance(cur, (int, float)):
            integer = "integer" in types
            grid = set([0])
            for k in range(-12, 13):
                grid.add(cur * (1.5 ** k))
            for k in range(1, 21):
                grid.add(cur * k / 10.0)
            for v in sorted(grid):
                v = int(round(v)) if integer else v
                if v != cur and v >= 0:
                    add({"side": side, "field": path, "op": "set", "value": v, "number": True})


def outcome(changes_list):
    """Rank and score of the pair after each change, enterprise changes in one run
    (an enterprise's list does not depend on the other enterprises), region changes
    one run each."""
    rs = []
    for c in changes_list:
        rp, ep = apply([c])
        rs.append(rank_of(rp, ep))
    return rs


ent = [c for c in cands if c[0] == "enterprise"]
reg = [c for c in cands if c[0] == "region"]
results = {}
# enterprise side: every changed enterprise under an id of its own, in one file
es = [x for x in enterprises if x["id"] != EID]
base_e = next(x for x in enterprises if x["id"] == EID)
ids = []
for k, (side, path, cur, c) in enumerate(ent):
    e = json.loads(json.dumps(base_e))
    cur_v = get_field(e, path)
    if c["op"] == "add":
        set_field(e, path, (cur_v or []) + [c["value"]])
    elif c["op"] == "remove":
        set_field(e, path, [v for v in cur_v if v != c["value"]])
    else:
        set_field(e, path, c["value"])
    e["id"] = "whatif-check-%d" % k
    ids.append(e["id"])
    es.append(e)
rp, ep = os.path.join(TMP, "br.json"), os.path.join(TMP, "be.json")
with open(rp, "w", encoding="utf-8") as f:
    json.dump({"regions": regions}, f, ensure_ascii=False)
with open(ep, "w", encoding="utf-8") as f:
    json.dump({"enterprises": es}, f, ensure_ascii=False)
p = subprocess.run([CAP, "match", "--policy", POLICY, "--regions", rp, "--enterprises", ep,
                    "--top", str(TOP), "--format", "jsonl", "--on-error", "skip", "--skip-invalid",
                    "--rejects", os.path.join(TMP, "rejects.jsonl")],
                   capture_output=True, text=True)
got = {}
for line in p.stdout.splitlines():
    d = json.loads(line)
    if d.get("region") == RID and str(d.get("enterprise", "")).startswith("whatif-check-"):
        got[d["enterprise"]] = (d["rank"], d["score"])
for k, item in enumerate(ent):
    results[id(item)] = got.get(ids[k], (None, None))
for item in reg:
    rp2, ep2 = apply([item[3]])
    results[id(item)] = rank_of(rp2, ep2)

tried = len(cands)
missed = []
for item in cands:
    side, path, cur, c = item
    r = results[id(item)]
    if r is False or not reaches(*r):
        continue
    if c.get("number"):
        ds = nums.get((side, path), [])
        delta = c["value"] - cur
        if not any(d * delta > 0 and abs(d) <= abs(delta) + 1e-9 * abs(cur) for d in ds):
            missed.append("%s.%s: %s -> %s reaches the target (rank %s); whatif has %s"
                          % (side, path, cur, c["value"], r[0], ds))
    elif c["text"] not in texts:
        missed.append("%s reaches the target (rank %s), whatif does not list it" % (c["text"], r[0]))
if missed:
    not_ok("%s/%s: brute force over %d single changes finds nothing whatif missed" % (EID, RID, tried),
           *missed[:12])
else:
    ok("%s/%s: brute force over %d single changes finds nothing whatif missed (%d answers)"
       % (EID, RID, tried, len(answers)))
