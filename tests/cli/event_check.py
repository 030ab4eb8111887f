"""Checks a schedule (capmatch schedule --format json) against the event's
files, the way the organisers would: everyone there when they meet, accepted
and must-meet pairs placed, declined and never-meet ones not, locked meetings
where they were, nobody and no table in two meetings at once, no meeting in a
break, tables by their names. Prints "ok NAME" / "not ok NAME" lines.

    event_check.py SCHEDULE.json AVAILABILITY.csv REQUESTS.csv TABLES.csv
                   BREAKS MINUTES [LOCK.csv]
"""
import csv
import json
import sys
from datetime import datetime, timedelta


def t(s):
    return datetime.strptime(s, "%Y-%m-%dT%H:%M")


def report(name, bad):
    if bad:
        print("not ok " + name)
        for b in bad[:8]:
            print("    " + str(b))
    else:
        print("ok " + name)


sched = json.load(open(sys.argv[1], encoding="utf-8"))
# capmatch.result/1: the placed meetings are the results, the others left out
meetings, unplaced = sched["results"], sched["left_out"]
minutes = int(sys.argv[6])
windows = {}
for r in csv.DictReader(open(sys.argv[2], encoding="utf-8")):
    windows.setdefault((r.get("kind") or "", r["id"]), []).append((t(r["from"]), t(r["to"])))
requests = [(i + 2, r) for i, r in enumerate(csv.DictReader(open(sys.argv[3], encoding="utf-8")))]
tables = [r["name"] for r in csv.DictReader(open(sys.argv[4], encoding="utf-8"))]
breaks = []
for b in sys.argv[5].split(","):
    a, e = b.split("/")
    breaks.append((t(a), t(a[:11] + e) if len(e) == 5 else t(e)))


def there(kind, pid, start, end):
    ws = windows.get((kind, pid), []) + windows.get(("", pid), [])
    return not ws or any(f <= start and end <= to for f, to in ws)


bad = []
for m in meetings:
    s, e = t(m["start"]), t(m["end"])
    if e - s != timedelta(minutes=minutes):
        bad.append(("length", m))
    for kind, pid in (("enterprise", m["enterprise"]), ("region", m["region"])):
        if not there(kind, pid, s, e):
            bad.append((kind + " not there", pid, m["start"]))
report("availability respected in all %d meetings" % len(meetings), bad)

bad = []
for m in meetings:
    s, e = t(m["start"]), t(m["end"])
    for f, to in breaks:
        if s < to and f < e:
            bad.append(("in a break", m["start"], m["enterprise"], m["region"]))
report("no meeting in a break", bad)

seen, bad = {}, []
for m in meetings:
    for who in ("E " + m["enterprise"], "R " + m["region"], "T %d" % m["table"]):
        k = (who, m["start"])
        if k in seen:
            bad.append(("double booked", k))
        seen[k] = 1
report("nobody and no table in two meetings at once", bad)

bad = [m for m in meetings if not (1 <= m["table"] <= len(tables))
       or m.get("table_name") != tables[m["table"] - 1]]
report("every meeting at a named table (%d tables)" % len(tables), bad)

placed = {(m["enterprise"], m["region"]): m for m in meetings}
left = {(m["enterprise"], m["region"]): m for m in unplaced}
bad = []
n = {"accepted": 0, "must": 0, "declined": 0, "never": 0, "requested": 0}
for line, r in requests:
    key, st = (r["enterprise"], r["region"]), r["status"]
    n[st] += 1
    if st in ("accepted", "must"):
        if key not in placed:
            bad.append(("not placed", st, key, left.get(key, {}).get("message")))
        elif placed[key].get("status") not in (st, "locked"):
            bad.append(("status", key, placed[key].get("status")))
    if st in ("declined", "never"):
        if key in placed:
            bad.append(("placed", st, key))
        elif key in left and ":%d)" % line not in left[key]["message"]:
            bad.append(("reason names no line", key, left[key]["message"]))
    if st == "requested" and key in placed and placed[key].get("status") not in (st, "locked"):
        bad.append(("status", key, placed[key].get("status")))
report("accepted and must-meet placed, declined and never-meet not (%s)" %
       ", ".join("%d %s" % (v, k) for k, v in sorted(n.items())), bad)

if len(sys.argv) > 7:
    bad, nlock = [], 0
    for r in csv.DictReader(open(sys.argv[7], encoding="utf-8")):
        if not r.get("start"):
            continue
        nlock += 1
        m = placed.get((r["enterprise"], r["region"]))
        if m is None or m["start"] != r["start"] or str(m["table"]) != r["table"] \
                or m.get("status") != "locked":
            bad.append(("moved", r["enterprise"], r["region"], r["start"], r["table"], m))
    report("all %d locked meetings kept at their time and table" % nlock, bad)

starts = len({m["start"] for m in meetings})
report("slots used as reported (%d)" % starts,
       [] if starts == sched["meta"]["slots_used"] and
       sched["meta"]["slots_minimum"] <= starts <= sched["meta"]["slots_available"]
       else [sched["meta"]])
