#!/usr/bin/env python3
"""readme_examples.py DOC CAPMATCH [--curl OLD NEW] - run every "$ capmatch
..." example of a document (README.md in ``` blocks, a man page in .nf/.fi
blocks) and compare what it prints with what the document shows. A "..."
line in the shown output stands for lines left out: the pieces between them
must appear in order, each as consecutive lines. With --curl, the "$ curl
..." examples are run instead, by sh (they may pipe into jq), with OLD
replaced by NEW (the address of a server started for them). Prints
"ok"/"not ok" lines; run from the repository root."""
import re
import shlex
import subprocess
import sys

doc, capmatch = sys.argv[1], sys.argv[2]
curl = sys.argv[3:6] if len(sys.argv) > 3 and sys.argv[3] == "--curl" else None
text = open(doc, encoding="utf-8").read()
blocks, cur, inside = [], [], False
roff = not doc.endswith(".md")
for line in text.split("\n"):
    if roff:
        # a man page: examples are .nf/.fi blocks, troff escapes undone
        if line.startswith(".nf") or line.startswith(".fi"):
            if inside:
                blocks.append("\n".join(cur))
            inside, cur = line.startswith(".nf"), []
        elif inside:
            cur.append(line.replace("\\&", "").replace("\\-", "-").replace("\\e", "\\")
                       .replace("\\(dq", '"').replace("\\(aq", "'"))
    elif line.startswith("```"):
        if inside:
            blocks.append("\n".join(cur))
        inside, cur = not inside, []
    elif inside:
        cur.append(line)
n = 0
examples = []
for block in blocks:
    cur = None
    for line in block.split("\n"):
        if line.startswith("$ "):
            cur = [line]
            examples.append(cur)
        elif cur is not None:
            cur.append(line)
for lines in examples:
    if not lines[0].startswith("$ curl " if curl else "$ capmatch "):
        continue    # shell steps around the examples (cat, grep) are not run
    cmd = lines[0][2:]
    i = 1
    while cmd.endswith("\\"):
        cmd = cmd[:-1] + " " + lines[i].strip()
        i += 1
    shown = [l for l in lines[i:] if l != ""] if lines[i:] else []
    n += 1
    name = f"{doc}: example {n}: {cmd[:70]}"
    if curl:
        argv = ["sh", "-c", cmd.replace(curl[1], curl[2])]
    else:
        argv = shlex.split(cmd)
        argv[0] = capmatch
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        print(f"not ok {name}\n    timed out")
        continue
    got = [l for l in (out.stdout + out.stderr).split("\n") if l != ""]
    pieces, cur = [], []
    for l in shown:
        if l.strip() == "...":
            if cur:
                pieces.append(cur)
            cur = []
        else:
            cur.append(l)
    if cur:
        pieces.append(cur)
    at, missing = 0, None
    for piece in pieces:
        found = None
        for k in range(at, len(got) - len(piece) + 1):
            if got[k:k + len(piece)] == piece:
                found = k
                break
        if found is None:
            missing = piece
            break
        at = found + len(piece)
    if missing is None:
        print(f"ok {name}")
    else:
        print(f"not ok {name}")
        print("    shown but not printed:")
        for l in missing[:6]:
            print("      " + l)
        print("    printed:")
        for l in got[:12]:
            print("      " + l)
