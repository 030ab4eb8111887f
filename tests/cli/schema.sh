# The profile schema shipped: capmatch schema (text and JSON Schema), the
# JSON Schema files of share/capmatch/schema/ (the command's output, and the
# shipped examples valid against them), capmatch-profiles(5) (its word lists
# are the validator's, its examples run), and language codes of ISO 639-2/3.
. tests/cli/lib.sh

run "$CAPMATCH" schema
expect_status "schema: exit 0" 0
expect_grep "schema: regions' needs with their words" out \
    "needs                        list of words            what the region needs; words of the needs vocabulary: technology, capital,"
expect_grep "schema: enterprises' ownership" out "words of the ownership vocabulary: private, state, foreign, mixed"
expect_grep "schema: a unit" out "employees                    integer, persons"

for k in regions enterprises; do
    run "$CAPMATCH" schema $k --format json
    expect_status "schema $k --format json: exit 0" 0
    expect_out "share/capmatch/schema/$k.json is capmatch schema $k --format json (make schema)" \
        "share/capmatch/schema/$k.json"
done

run "$CAPMATCH" schema planets
expect_status "schema: an unknown kind is a usage error" 2
expect_grep "schema: says what a kind is" err "'planets' is not a kind: give regions or enterprises"
run "$CAPMATCH" schema --format json
expect_status "schema: JSON Schema needs a kind" 2
run "$CAPMATCH" schema regions --format xml
expect_status "schema: an unknown format is a usage error" 2
run "$CAPMATCH" schema regions -o "$TMP/no/such/dir/x.json"
expect_status "schema: an output that cannot be written: exit 2" 2
if [ ! -e "$TMP/no/such/dir/x.json" ]; then ok "schema: nothing written"; else not_ok "schema: nothing written"; fi

# The shipped examples are valid against the shipped JSON Schema, and a record
# with a word out of the vocabulary, a string for a number or a missing id is not.
cat >"$TMP/bad-regions.json" <<'J'
[{"id": "r1", "name": "R", "country": "PH", "needs": ["machinery"]}]
J
cat >"$TMP/bad-enterprises.json" <<'J'
{"enterprises": [{"id": "e1", "name": "E", "country": "CN", "sector": "2826", "employees": "40"},
                 {"name": "E2", "country": "CN", "sector": "2826"}]}
J
cat >"$TMP/validate.py" <<'PY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
whole = jsonschema.Draft202012Validator(schema)
kind = next(iter(schema["$defs"]))
one = jsonschema.Draft202012Validator({"$defs": schema["$defs"], "$ref": "#/$defs/" + kind})
errors = 0
for path in sys.argv[2:]:
    if path.endswith(".jsonl"):
        docs = [[json.loads(l)] for l in open(path, encoding="utf-8") if l.strip()]
    else:
        docs = [json.load(open(path, encoding="utf-8"))]
    for d in docs:
        if whole.is_valid(d):
            continue
        errors += 1
        records = d if isinstance(d, list) else next(iter(d.values())) if isinstance(d, dict) else []
        print("%s: not a valid file of %s profiles" % (path, kind))
        for i, r in enumerate(records if isinstance(records, list) else []):
            for e in sorted(one.iter_errors(r), key=lambda e: list(map(str, e.absolute_path))):
                print("%s: record %d: %s: %s" % (path, i + 1, "/".join(str(p) for p in e.absolute_path), e.message))
print("errors:", errors)
sys.exit(1 if errors else 0)
PY
if python3 -c 'import jsonschema' 2>/dev/null; then
    run python3 "$TMP/validate.py" share/capmatch/schema/regions.json examples/data/regions.json \
        tests/data/regions-languages.json
    expect_status "examples/data/regions.json is valid against schema/regions.json" 0
    run python3 "$TMP/validate.py" share/capmatch/schema/enterprises.json \
        examples/data/enterprises.json examples/data/enterprises.jsonl
    expect_status "examples/data/enterprises.json(l) are valid against schema/enterprises.json" 0
    run python3 "$TMP/validate.py" share/capmatch/schema/regions.json "$TMP/bad-regions.json"
    expect_status "a region with an unknown need is invalid against the JSON Schema" 1
    expect_grep "the JSON Schema names the unknown need" out "'machinery' is not one of"
    run python3 "$TMP/validate.py" share/capmatch/schema/enterprises.json "$TMP/bad-enterprises.json"
    expect_status "enterprises with a string for a number and no id are invalid" 1
    expect_grep "the JSON Schema names the string employees" out "record 1: employees: '40' is not of type"
    expect_grep "the JSON Schema names the missing id" out "'id' is a required property"
else
    ok "examples valid against the JSON Schema # skip no python3-jsonschema"
fi

# capmatch-profiles(5): every field of `capmatch schema` is in it, each word
# list is the validator's, word for word, and its examples run
page=doc/capmatch-profiles.5
"$CAPMATCH" schema | awk '/^  / && $1 != "FIELD" {print $1}' | sort -u >"$TMP/fields"
missing=""
while read -r f; do
    grep -q "^\.B.* $f\b\|^\.BR $f\b\|\\\\fB$f\\\\fR" "$page" || missing="$missing $f"
done <"$TMP/fields"
if [ -z "$missing" ] && [ -s "$TMP/fields" ]; then ok "capmatch-profiles(5) names every field"; else
    not_ok "capmatch-profiles(5) names every field" "missing:$missing"; fi
"$CAPMATCH" schema | sed -n 's/.*words of the \([a-z_]*\) vocabulary: \(.*\)$/\1|\2/p' | sort -u >"$TMP/vocabs"
bad=""
while IFS='|' read -r name words; do
    awk -v n="$name" -v w="$words" 'prev == ".B " n && $0 == w {f = 1} {prev = $0} END {exit !f}' \
        "$page" || bad="$bad $name"
done <"$TMP/vocabs"
if [ -z "$bad" ] && [ "$(wc -l <"$TMP/vocabs")" -eq 7 ]; then
    ok "capmatch-profiles(5) lists the validator's 7 vocabularies word for word"
else
    not_ok "capmatch-profiles(5) lists the validator's 7 vocabularies word for word" \
        "differ:$bad" "$(cat "$TMP/vocabs")"
fi
python3 tests/cli/readme_examples.py "$page" "$CAPMATCH"
# the JSON and CSV examples of the page are valid profiles
awk '/^\.nf/ {b++; on = 1; next} /^\.fi/ {on = 0} on && b == 1' "$page" | sed 's/^/ /;1s/^ /[/;$s/$/]/' >"$TMP/page-region.json"
run "$CAPMATCH" validate --kind regions "$TMP/page-region.json"
expect_status "capmatch-profiles(5): the JSON example is a valid region" 0
awk '/^\.nf/ {b++; on = 1; next} /^\.fi/ {on = 0} on && b == 2' "$page" >"$TMP/page-enterprises.csv"
run "$CAPMATCH" validate --kind enterprises "$TMP/page-enterprises.csv"
expect_status "capmatch-profiles(5): the CSV example is a valid enterprise" 0
expect_grep "the CSV example holds one enterprise" out "0 regions, 1 enterprises"

# languages: 639-1 where there is one, else 639-2/3 (BCP 47)
run "$CAPMATCH" validate tests/data/regions-languages.json
expect_status "languages: fil and bik are accepted" 0
printf '[{"id": "r1", "name": "R", "country": "PH", "languages": ["eng", "fil"]}]\n' >"$TMP/regions-eng.json"
run "$CAPMATCH" validate "$TMP/regions-eng.json"
expect_status "languages: eng (English has en) is refused" 2
expect_grep "languages: eng named" out 'languages[0]: expected an ISO 639-1 language code (or ISO 639-2/3 where there is none), found "eng"'
