#!/usr/bin/env python3
"""Validate capmatch output against the shipped JSON Schema files of the
result format capmatch.result/1 (share/capmatch/schema/result.json and
result-line.json).

    validate_result.py SCHEMA_DIR json FILE...    each FILE one document
    validate_result.py SCHEMA_DIR jsonl FILE...   each line of each FILE

Prints one line per problem and exits 1 when there is any, 0 otherwise.
"""
import json
import os
import sys

import jsonschema


def main():
    if len(sys.argv) < 4 or sys.argv[2] not in ("json", "jsonl"):
        print(__doc__, file=sys.stderr)
        return 2
    sdir, kind, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    with open(os.path.join(sdir, "result.json"), encoding="utf-8") as f:
        doc = json.load(f)
    with open(os.path.join(sdir, "result-line.json"), encoding="utf-8") as f:
        line = json.load(f)
    for s in (doc, line):
        jsonschema.Draft202012Validator.check_schema(s)
    if line["$defs"] != doc["$defs"]:
        print("result-line.json: its $defs differ from result.json's")
        return 1
    v = jsonschema.Draft202012Validator(doc if kind == "json" else line)
    bad = 0
    for path in files:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        items = [(0, text)] if kind == "json" else [
            (i + 1, l) for i, l in enumerate(text.split("\n")) if l.strip()]
        if not items:
            print(f"{path}: empty")
            bad += 1
        for n, t in items:
            try:
                obj = json.loads(t)
            except ValueError as e:
                print(f"{path}:{n}: not JSON: {e}")
                bad += 1
                continue
            if kind == "jsonl" and n == 1 and "format" not in obj:
                print(f"{path}:1: the first line is not the header")
                bad += 1
            for err in v.iter_errors(obj):
                where = "/".join(str(p) for p in err.absolute_path)
                print(f"{path}:{n}: at /{where}: {err.message[:300]}")
                bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
