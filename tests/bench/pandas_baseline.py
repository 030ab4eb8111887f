#!/usr/bin/env python3
"""pandas_baseline.py - the pandas baseline of scripts/bench-match: the logic of
tests/policies/bench_declarative.lua written as an analyst would with pandas,
without capmatch:

    python3 tests/bench/pandas_baseline.py REGIONS.json ENTERPRISES.json DATA.lua OUT [CHUNK]

REGIONS.json and ENTERPRISES.json are the generated profile files (read with
the json module and pandas); DATA.lua, from `bench_match dump-lua`, gives the
policy's weights and parameters and the currency rates (the analyst's rates
table). The policy:

    filter  target country  an enterprise naming target countries meets
                            regions in them only (none named, or a region
                            without a country: passes)
    sector  weight 3        the best ISIC fit of the enterprise's sectors and
                            the region's sectors sought (one within the
                            other 1, else the deepest shared level: group
                            0.75, division 0.5, section 0.25)
    needs   weight 2        the share of the region's needs the enterprise offers
    ticket  weight 1        the investment min..max in USD against the band
                            (1 within, log scale outside it, 0 from 10x)

The pair step is a chunked cross join: CHUNK enterprises (default 100) at a
time against every region, sector codes and needs exploded to one row per
item and merged, the code-pair scores looked up in a table of the distinct
codes (built once), the pairs' scores combined, and the top k of each
enterprise kept (score descending, ties by region id). Only the matching is
timed (process CPU time and wall clock); peak memory is the process's peak
RSS (ru_maxrss), loading included, as for the other runs.

Writes OUT as bench_match does: enterprise TAB region TAB rank TAB score
(%.17g), enterprises in file order; ends with a "result: key=value ..." line.
Exit status: 0 done, 1 failure, 64 usage.
"""
import json
import math
import re
import resource
import sys
import time

try:
    import numpy as np
    import pandas as pd
except ImportError as exc:  # scripts/bench-match checks first; this is for direct use
    sys.stderr.write("pandas_baseline: %s (apt-get install python3-pandas)\n" % exc)
    sys.exit(1)

# ISIC Rev.4 sections by division (the analyst's lookup table)
SECTIONS = [(1, 3, "A"), (5, 9, "B"), (10, 33, "C"), (35, 35, "D"), (36, 39, "E"),
            (41, 43, "F"), (45, 47, "G"), (49, 53, "H"), (55, 56, "I"), (58, 63, "J"),
            (64, 66, "K"), (68, 68, "L"), (69, 75, "M"), (77, 82, "N"), (84, 84, "O"),
            (85, 85, "P"), (86, 88, "Q"), (90, 93, "R"), (94, 96, "S"), (97, 98, "T"),
            (99, 99, "U")]
SECTION_OF = {d: s for lo, hi, s in SECTIONS for d in range(lo, hi + 1)}


def isic_path(code):
    """[section, division, group, class] down to the code's own level."""
    if len(code) == 1:
        return [code.upper()]
    return [SECTION_OF[int(code[:2])]] + [code[:n] for n in range(2, len(code) + 1)]


def isic_pair(a, b):
    """1 when one code lies within the other, else by the deepest shared level."""
    x, y = isic_path(a), isic_path(b)
    lx, ly = len(x) - 1, len(y) - 1
    if ly <= lx and x[ly] == y[ly]:
        return 1.0
    if lx <= ly and y[lx] == x[lx]:
        return 1.0
    for lev in (2, 1, 0):
        if lx >= lev and ly >= lev and x[lev] == y[lev]:
            return 0.25 * (lev + 1)
    return 0.0


def read_dump(path):
    """The policy's numbers and the rates from bench_match dump-lua's file."""
    policy, rates = None, {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("POLICY{"):
                policy = {}
                for k, v in re.findall(r"(\w+)=([^,}]+)", line):
                    v = v.strip('"')
                    policy[k] = v if k == "currency" else (v == "true" if v in ("true", "false") else float(v))
            elif line.startswith("RATE("):
                m = re.match(r'RATE\("([^"]+)",([^)]+)\)', line)
                rates[m.group(1)] = float(m.group(2))
            elif line.startswith(("R{", "E{")):
                break
    if policy is None:
        raise SystemExit("pandas_baseline: no POLICY line in %s" % path)
    return policy, rates


def main(argv):
    if len(argv) not in (5, 6):
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 64
    reg_path, ent_path, dump_path, out_path = argv[1:5]
    chunk = int(argv[5]) if len(argv) == 6 else 100
    P, rates = read_dump(dump_path)
    if P.get("has_distance"):
        raise SystemExit("pandas_baseline: the policy has a distance rule; this baseline has none")
    k = int(P["top"])
    ws, wn, wt = P["w_sector"], P["w_needs"], P["w_ticket"]
    wsum = 0.0
    wsum += ws
    wsum += wn
    wsum += wt
    blo, bhi, tol, cur_to = P["ticket_min_usd"], P["ticket_max_usd"], P["tolerance"], P["currency"]
    min_score = P["min_score"]

    with open(reg_path, encoding="utf-8") as f:
        regions = pd.DataFrame(json.load(f)["regions"])
    with open(ent_path, encoding="utf-8") as f:
        ents = pd.DataFrame(json.load(f)["enterprises"])
    for col in ("sectors_sought", "needs", "country"):
        if col not in regions:
            regions[col] = None
    for col in ("sectors", "offers", "target_countries", "investment"):
        if col not in ents:
            ents[col] = None

    t0w, t0c = time.perf_counter(), time.process_time()

    regions["r"] = np.arange(len(regions))
    ents["e"] = np.arange(len(ents))
    # region ids in sorted order: the tie rule
    regions["rid_rank"] = regions["id"].rank(method="first").astype(np.int64)

    # --- per enterprise: the ticket score (it does not depend on the region)
    inv = pd.json_normalize(ents["investment"].apply(lambda v: v if isinstance(v, dict) else {}))
    for col in ("min", "max", "currency"):
        if col not in inv:
            inv[col] = np.nan
    lo = inv["min"].where(inv["min"].notna(), inv["max"]).astype(float)
    hi = inv["max"].where(inv["max"].notna(), inv["min"]).astype(float)
    f = inv["currency"].map(rates)
    t = rates.get(cur_to)
    same = inv["currency"] == cur_to
    lo_c = np.where(same, lo, lo / f * t)
    hi_c = np.where(same, hi, hi / f * t)
    ok = inv["currency"].notna() & (lo.notna()) & f.notna()
    with np.errstate(divide="ignore", invalid="ignore"):
        within = (hi_c >= blo) & (lo_c <= bhi)
        gap = np.where(hi_c < blo, np.where(hi_c > 0, blo / hi_c, np.inf),
                       np.where(bhi > 0, lo_c / bhi, np.inf))
        off = np.where(gap >= tol, 0.0, 1 - np.log(gap) / math.log(tol))
    ents["ticket"] = np.where(ok, np.where(within, 1.0, off), 0.0)

    # --- exploded lists
    e_codes = ents[["e", "sectors"]].explode("sectors").dropna().rename(columns={"sectors": "ecode"})
    r_codes = regions[["r", "sectors_sought"]].explode("sectors_sought").dropna() \
        .rename(columns={"sectors_sought": "rcode"})
    e_offers = ents[["e", "offers"]].explode("offers").dropna().rename(columns={"offers": "word"})
    r_needs = regions[["r", "needs"]].explode("needs").dropna().rename(columns={"needs": "word"})
    n_needs = r_needs.groupby("r").size().reindex(regions["r"], fill_value=0).to_numpy()
    e_targets = ents[["e", "target_countries"]].explode("target_countries").dropna() \
        .rename(columns={"target_countries": "country"})
    n_targets = e_targets.groupby("e").size().reindex(ents["e"], fill_value=0).to_numpy()

    # the code-pair scores, once for the distinct codes (a small table), and
    # the codes as small integers into it
    codes_e, codes_r = sorted(set(e_codes["ecode"])), sorted(set(r_codes["rcode"]))
    pair_table = np.array([[isic_pair(a, b) for b in codes_r] for a in codes_e]).reshape(
        len(codes_e), len(codes_r))
    e_codes["ecode"] = e_codes["ecode"].map({c: i for i, c in enumerate(codes_e)})
    r_codes["rcode"] = r_codes["rcode"].map({c: i for i, c in enumerate(codes_r)})

    reg_small = regions[["r", "country", "rid_rank"]]
    out_parts = []
    for start in range(0, len(ents), chunk):
        ce = ents.iloc[start:start + chunk][["e", "ticket"]]
        ids = ce["e"]
        # every pair of the chunk, and the filter
        pairs = ce.merge(reg_small, how="cross")
        tg = e_targets[e_targets["e"].isin(ids)].assign(hit=True)
        pairs = pairs.merge(tg, on=["e", "country"], how="left")
        keep = (n_targets[pairs["e"].to_numpy()] == 0) | pairs["country"].isna() | \
            pairs["hit"].notna().to_numpy()
        pairs = pairs[keep].drop(columns=["hit"])
        # sector fit: every code of the enterprise against every code sought
        cross = e_codes[e_codes["e"].isin(ids)].merge(r_codes, how="cross")
        cross["fit"] = pair_table[cross["ecode"].to_numpy(), cross["rcode"].to_numpy()]
        sc = cross.groupby(["e", "r"], sort=False)["fit"].max().rename("sector")
        del cross
        # needs met: offers and needs on the word
        nd = e_offers[e_offers["e"].isin(ids)].merge(r_needs, on="word") \
            .groupby(["e", "r"], sort=False).size().rename("common")
        pairs = pairs.join(sc, on=["e", "r"]).join(nd, on=["e", "r"])
        sector = pairs["sector"].fillna(0.0).to_numpy()
        nn = n_needs[pairs["r"].to_numpy()]
        with np.errstate(divide="ignore", invalid="ignore"):
            needs = np.where(nn > 0, pairs["common"].fillna(0).to_numpy() / nn, 0.0)
        pairs["score"] = (ws * sector + wn * needs + wt * pairs["ticket"].to_numpy()) / wsum
        pairs = pairs[pairs["score"] >= min_score]
        top = pairs.sort_values(["e", "score", "rid_rank"], ascending=[True, False, True]) \
            .groupby("e", sort=False).head(k)
        top = top.assign(rank=top.groupby("e", sort=False).cumcount() + 1)
        out_parts.append(top[["e", "r", "rank", "score"]])
    result = pd.concat(out_parts) if out_parts else pd.DataFrame(columns=["e", "r", "rank", "score"])

    wall, cpu = time.perf_counter() - t0w, time.process_time() - t0c

    eid, rid = ents["id"].to_numpy(), regions["id"].to_numpy()
    with open(out_path, "w", encoding="utf-8") as out:
        for e, r, rank, score in zip(result["e"], result["r"], result["rank"], result["score"]):
            out.write("%s\t%s\t%d\t%.17g\n" % (eid[e], rid[r], rank, score))

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    nent, nreg = len(ents), len(regions)
    npairs = nent * nreg
    print("pandas %s: %d enterprises x %d regions = %d pairs, chunks of %d enterprises, 1 thread"
          % (pd.__version__, nent, nreg, npairs, chunk))
    print("  match     %.3f s wall, %.3f s cpu" % (wall, cpu))
    print("  speed     %.0f pairs/s, %.1f ns/pair cpu" % (npairs / wall, cpu * 1e9 / npairs))
    print("  memory    peak RSS %.1f MB" % rss_mb)
    print("result: impl=pandas policy=pandas_baseline.py enterprises=%d regions=%d pairs=%d "
          "vetoed=-1 threads=1 wall=%.6f cpu=%.6f pps=%.1f ns_core=%.3f ns_cpu=%.3f rss_mb=%.1f"
          % (nent, nreg, npairs, wall, cpu, npairs / wall, wall * 1e9 / npairs, cpu * 1e9 / npairs,
             rss_mb))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
