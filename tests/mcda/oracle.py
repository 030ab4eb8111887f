#!/usr/bin/env python3
"""Test oracle for capmatch mcda: the decision methods written again, plainly,
from their textbook definitions (no numpy, no code shared with core/mcda.c).

    oracle.py METHOD CASE.json            print the expected JSON numbers
    oracle.py --compare METHOD CASE.json OUT.json
                                          exit 1 when OUT.json's numbers differ
                                          from the oracle's by more than 1e-9

TOPSIS: Hwang & Yoon (1981); PROMETHEE II: Brans & Vincke (1985), net flow
divided by n - 1; AHP: Saaty (1980), principal eigenvector by power
iteration, random index table of Saaty (1980); WSM: sum of weight x value.
"""
import json, math, sys

RI = [0, 0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59]

def column(X, j):
    return [row[j] for row in X]

def types_of(case, k):
    t = case.get("types", [1] * k)
    return [1 if x in (1, "benefit") else -1 for x in t]

def norm_col(col, how, cost, method):
    lo, hi = min(col), max(col)
    if how == "vector":
        s = math.sqrt(sum(x * x for x in col))
        return [x / s if s else 0 for x in col]
    if how == "minmax":
        if hi == lo:
            return [1.0] * len(col)
        return [((hi - x) if cost else (x - lo)) / (hi - lo) for x in col]
    if how == "sum":
        s = sum(col)
        return [x / s if s else 0 for x in col]
    if how == "max":
        if method == "wsm" and cost:
            return [lo / x for x in col]
        return [x / hi if hi else 0 for x in col]
    return list(col)

def normalised(case, method):
    X, k = case["matrix"], len(case["matrix"][0])
    t = types_of(case, k)
    how = case.get("normalisation", "vector" if method == "topsis" else "none")
    cols = [norm_col(column(X, j), how, t[j] < 0, method) for j in range(k)]
    return [[cols[j][i] for j in range(k)] for i in range(len(X))], how, t

def topsis(case):
    R, how, t = normalised(case, "topsis")
    w = case["weights"]
    w = [x / sum(w) for x in w]
    k = len(w)
    V = [[w[j] * r[j] for j in range(k)] for r in R]
    cost = [t[j] < 0 and how != "minmax" for j in range(k)]
    best = [(min if cost[j] else max)(column(V, j)) for j in range(k)]
    worst = [(max if cost[j] else min)(column(V, j)) for j in range(k)]
    out = []
    for v in V:
        dp = math.sqrt(sum((v[j] - best[j]) ** 2 for j in range(k)))
        dm = math.sqrt(sum((v[j] - worst[j]) ** 2 for j in range(k)))
        out.append(dm / (dp + dm) if dp + dm else 0.5)
    return {"scores": out, "ideal": best, "anti_ideal": worst}

def wsm(case, normalise_weights=False):
    R, _, _ = normalised(case, "wsm")
    w = case["weights"]
    if normalise_weights or case.get("normalise_weights"):
        w = [x / sum(w) for x in w]
    return {"scores": [sum(a * b for a, b in zip(w, r)) for r in R]}

def pref(p, d):
    if d <= 0:
        return 0.0
    kind = p if isinstance(p, str) else p["type"]
    q, pp, s = (p.get("q"), p.get("p"), p.get("s")) if isinstance(p, dict) else (None,) * 3
    if kind == "usual":
        return 1.0
    if kind == "u-shape":
        return 1.0 if d > q else 0.0
    if kind == "v-shape":
        return 1.0 if d >= pp else d / pp
    if kind == "level":
        return 0.0 if d <= q else 0.5 if d <= pp else 1.0
    if kind == "linear":
        return 0.0 if d <= q else (d - q) / (pp - q) if d <= pp else 1.0
    if kind == "gaussian":
        return 1 - math.exp(-d * d / (2 * s * s))
    raise ValueError(kind)

def promethee2(case):
    X = case["matrix"]
    n, k = len(X), len(X[0])
    t = types_of(case, k)
    w = case["weights"]
    w = [x / sum(w) for x in w]
    P = case.get("preference", "usual")
    P = P if isinstance(P, list) else [P] * k
    pi = [[sum(w[j] * pref(P[j], t[j] * (X[a][j] - X[b][j])) for j in range(k))
           for b in range(n)] for a in range(n)]
    plus = [sum(pi[a][b] for b in range(n) if b != a) / max(n - 1, 1) for a in range(n)]
    minus = [sum(pi[b][a] for b in range(n) if b != a) / max(n - 1, 1) for a in range(n)]
    return {"scores": [p - m for p, m in zip(plus, minus)], "plus": plus, "minus": minus}

def ahp(case):
    A = case["matrix"]
    n = len(A)
    w = [1.0 / n] * n
    for _ in range(100000):
        y = [sum(A[i][j] * w[j] for j in range(n)) for i in range(n)]
        s = sum(y)
        y = [x / s for x in y]
        done = max(abs(a - b) for a, b in zip(y, w)) < 1e-15
        w = y
        if done:
            break
    lam = sum(sum(A[i][j] * w[j] for j in range(n)) / w[i] for i in range(n)) / n
    ci = (lam - n) / (n - 1) if n > 2 else 0.0
    if abs(ci) < 1e-12:
        ci = 0.0
    cr = ci / RI[n] if RI[n] else 0.0
    return {"weights": w, "lambda_max": lam, "ci": ci, "ri": RI[n], "cr": cr,
            "consistent": cr <= 0.10}

METHODS = {"topsis": topsis, "wsm": wsm, "promethee2": promethee2, "ahp": ahp}

def close(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
    return abs(a - b) <= 1e-9 * max(1.0, abs(a))

def main(argv):
    if argv[0] == "--compare":
        method, case, out = argv[1], argv[2], argv[3]
        want = METHODS[method](json.load(open(case)))
        got = json.load(open(out))
        bad = [k for k in want if k not in got or not close(want[k], got[k])]
        for k in bad:
            print("%s: %s: expected %r, got %r" % (case, k, want[k], got.get(k)))
        return 1 if bad else 0
    print(json.dumps(METHODS[argv[0]](json.load(open(argv[1])))))
    return 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
