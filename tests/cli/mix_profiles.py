#!/usr/bin/env python3
"""Profiles made by mixing the shipped examples, for tests that need many:
each new profile takes its place (country, subdivision, location) from one
example and each other field from one example picked at random (a fixed seed), so values repeat as they do in real registries (few distinct
sector sets, fund lists, programmes) while the combinations are new.

usage: mix_profiles.py EXAMPLES.json KIND COUNT SEED OUT.json
"""
import json
import random
import sys


def main():
    src, kind, count, seed, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    with open(src, encoding="utf-8") as f:
        base = json.load(f)[kind]
    rng = random.Random(seed)
    # where a profile is, from one example; free attributes left out (they
    # may repeat a field another example gives)
    place = ("country", "subdivision", "location", "level", "name")
    fields = sorted({k for p in base for k in p if k not in place + ("id", "attrs")})
    made = []
    for i in range(count):
        p = {"id": "%s-mix-%d" % (kind[0], i)}
        home = rng.choice(base)
        p.update({k: home[k] for k in place if k in home})
        for k in fields:
            donor = rng.choice(base)
            if k in donor:
                p[k] = donor[k]
        made.append(p)
    with open(out, "w", encoding="utf-8") as f:
        json.dump({kind: made}, f, ensure_ascii=False)


if __name__ == "__main__":
    main()
