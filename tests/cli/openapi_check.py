#!/usr/bin/env python3
"""openapi_check.py OPENAPI INDEX - check answers of capmatch serve against
its OpenAPI document. INDEX has a line per answer: METHOD PATH STATUS
BODYFILE CONTENT-TYPE. Each answer's status must be documented for its
operation and its body must validate against the schema given for it (JSON
Schema 2020-12, as OpenAPI 3.1 says); a path or method the document does
not have must answer with its Error schema. Prints "ok"/"not ok" lines, one per
operation and status seen (every answer is checked)."""
import json
import re
import sys

import jsonschema

doc = json.load(open(sys.argv[1], encoding="utf-8"))
ok = lambda name: print(f"ok {name}")


def not_ok(name, *lines):
    print(f"not ok {name}")
    for line in lines:
        print(f"    {line}"[:600])


if not doc.get("openapi", "").startswith("3.1"):
    not_ok("openapi: version 3.1", doc.get("openapi"))
V = jsonschema.Draft202012Validator
for name, schema in doc["components"]["schemas"].items():
    V.check_schema(schema)
templates = []
for path in doc["paths"]:
    rx = "^" + re.sub(r"\\\{[a-z]+\\\}", "[^/]+", re.escape(path)) + "$"
    templates.append((re.compile(rx), path))

seen = {}
for line in open(sys.argv[2], encoding="utf-8"):
    method, path, status, body, ctype = line.rstrip("\n").split(" ", 4)
    path = path.split("?")[0]
    tpl = next((t for rx, t in templates if rx.match(path)), None)
    key = f"{method} {tpl or path} {status}"
    name = f"openapi: {key} is documented and its body valid"
    if key in seen and not seen[key]:
        continue    # said once
    op = doc["paths"].get(tpl, {}).get(method.lower()) if tpl else None
    if op is None:   # no such path or method (404, 405): an error all the same
        op = {"responses": {status: {"content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Error"}}}}}}
    resp = op["responses"].get(status)
    if resp is None:
        seen[key] = False
        not_ok(name, f"{method} {path}: status {status} not documented")
        continue
    media = resp["content"]
    mt = ctype.split(";")[0].strip()
    if mt not in media:
        seen[key] = False
        not_ok(name, f"content type {ctype}, documented: {', '.join(media)}")
        continue
    schema = dict(media[mt]["schema"])
    schema["components"] = doc["components"]
    text = open(body, encoding="utf-8").read()
    try:
        value = json.loads(text) if mt == "application/json" else text
        V(schema, format_checker=jsonschema.FormatChecker()).validate(value)
    except (ValueError, jsonschema.ValidationError) as e:
        seen[key] = False
        not_ok(name, f"{method} {path} -> {status}: {str(e).splitlines()[0]}", text[:300])
        continue
    if key not in seen:
        ok(name)    # once; a later answer that fails adds a "not ok"
    seen[key] = True
