#!/bin/sh
# Determinism of capmatch match: the same output, byte for byte, for any
# number of threads, on a data set built so that most scores tie.
#
# An awk script writes 10,000 enterprises and 1,000 regions into $TMP, made
# from 20 and 10 templates: profiles of a template are identical but for
# their id, so every enterprise has about 100 regions tied at each score and
# its top 5 rests entirely on the tie-break by id. Most enterprises target
# one to three countries (a built-in filter), two target any, so about a
# quarter of the 10 million pairs reach the rules. Ids are written in a
# scrambled order and are not zero-padded ("r-10" sorts before "r-9"), so
# input order, numeric order and id order all differ.
#
# Checks: --explain --format jsonl and csv with --threads 1, 2 and 8 are
# byte-identical (and --by region with 1 and 8); ranks run 1..k for each
# enterprise with ties broken by ascending id; the full ranking of a few
# enterprises (--shard, --top 1000) is the order an independent sort gives.
# Prints one "ok NAME" / "not ok NAME" line per check, and the time taken.
cd "$(dirname "$0")/../.." || exit 2
# shellcheck source=tests/cli/lib.sh
. tests/cli/lib.sh
case $CAPMATCH in
/*) ;;
*/*) CAPMATCH=$PWD/$CAPMATCH ;;
esac
NENT=${DETERMINISM_ENTERPRISES:-10000}
NREG=${DETERMINISM_REGIONS:-1000}
POLICY=tests/policies/determinism.lua
export LC_ALL=C

now_ms() { echo $(($(date +%s%N) / 1000000)); }
T_START=$(now_ms)

# ---- the data set ----------------------------------------------------------------
awk -v DIR="$TMP" -v NREG="$NREG" -v NENT="$NENT" '
function jl(s,   out) {            # "a;b" -> "a","b" and "-" -> nothing
    if (s == "-") return ""
    out = "\"" s "\""
    gsub(";", "\",\"", out)
    return out
}
BEGIN {
    # 10 region templates
    split("PH VN TH ID MY KH LA MM SG CN", rc, " ")
    split("province city province country province zone province city district province", rl, " ")
    split("2826 0122 29 1394 1079 5510 2826 0311 2720 1020", rs, " ")
    split("technology;equipment;capital technology capital;market_access skills;labour " \
          "equipment technology;capital;partners infrastructure skills;technology " \
          "capital;equipment;technology logistics", rn, " ")
    split("13.7 10.2 13.8 -6.2 3.1 11.6 18.0 16.8 1.3 20.0", rlat, " ")
    split("124.2 106.4 100.5 106.8 101.7 104.9 102.6 96.2 103.8 110.3", rlon, " ")
    for (i = 0; i < NREG; i++) {
        idx = (i * 7919) % NREG          # scrambled: 7919 is prime to NREG
        t = idx % 10 + 1
        printf "{\"id\":\"r-%d\",\"name\":\"Region %d\",\"country\":\"%s\",\"level\":\"%s\"," \
               "\"location\":{\"lat\":%s,\"lon\":%s},\"sectors_sought\":[%s],\"needs\":[%s]}\n", \
            idx, t, rc[t], rl[t], rlat[t], rlon[t], jl(rs[t]), jl(rn[t]) > (DIR "/regions.jsonl")
    }
    # 20 enterprise templates
    split("2826 0122 2930 1394 1079 5510 2826 0311 2720 1020 " \
          "2826 0122 2930 1394 1079 5510 2826 0311 2720 1020", es, " ")
    split("equipment;technology capital;market_access skills technology equipment;skills " \
          "capital technology;capital infrastructure skills;technology capital;equipment " \
          "logistics equipment capital skills technology;equipment labour capital;technology " \
          "partners skills;equipment technology capital;logistics", eo, " ")
    split("PH;VN TH;MM TH ID;SG VN;KH PH MY;LA ID;MY CN;VN CN PH;VN;TH - KH;LA KH MY;SG MM;SG PH VN;LA - TH", et, " ")
    split("150 900 40 250 10 5000 150 900 40 249 150 900 40 250 10 5000 150 900 40 249", ee, " ")
    split("8000000 50000000 3000000 900000 200000000 12000000 8000000 50000000 3000000 900000 " \
          "8000000 50000000 3000000 900000 200000000 12000000 8000000 50000000 3000000 900000", ea, " ")
    split("CNY USD THB USD EUR SGD CNY USD THB USD CNY USD THB USD EUR SGD CNY USD THB USD", ec, " ")
    for (i = 0; i < NENT; i++) {
        idx = (i * 7919) % NENT
        t = idx % 20 + 1
        printf "{\"id\":\"e-%d\",\"name\":\"Enterprise %d\",\"country\":\"CN\"," \
               "\"location\":{\"lat\":%s,\"lon\":%s},\"sector\":\"%s\",\"employees\":%s," \
               "\"revenue\":{\"amount\":%s,\"currency\":\"%s\"},\"offers\":[%s]," \
               "\"target_countries\":[%s]}\n", \
            idx, t, 20 + t / 4, 105 + t / 2, es[t], ee[t], ea[t], ec[t], jl(eo[t]), \
            jl(et[t]) > (DIR "/enterprises.jsonl")
    }
}'
REG=$TMP/regions.jsonl
ENT=$TMP/enterprises.jsonl
run "$CAPMATCH" validate "$REG" "$ENT"
expect_status "generated data set is valid ($NENT enterprises x $NREG regions)" 0
T_GEN=$(now_ms)

# match ARGS...: one run over the generated data, timed into $TIMES
TIMES=
match() {
    t0=$(now_ms)
    run "$CAPMATCH" match --regions "$REG" --enterprises "$ENT" --policy "$POLICY" --top 5 "$@"
    TIMES="$TIMES $*: $(($(now_ms) - t0)) ms;"
    if grep -q -e 'runtime error:' -e 'Sanitizer' "$TMP/err"; then
        not_ok "$*: no sanitizer report" "$(grep -m 3 -e 'runtime error:' -e 'Sanitizer' "$TMP/err")"
    fi
}

# same NAME FILE_A FILE_B
same() {
    if cmp -s "$2" "$3"; then ok "$1"; else
        not_ok "$1" "$(cmp "$2" "$3" 2>&1)" "$(diff "$2" "$3" | head -n 6 | cut -c1-300)"
    fi
}

for fmt in jsonl csv; do
    for th in 1 2 8; do
        match --explain --format "$fmt" --threads "$th"
        expect_status "$fmt --threads $th: exit 0" 0
        mv "$TMP/out" "$TMP/$fmt.$th"
    done
    same "$fmt: --threads 2 output is byte-identical to --threads 1" "$TMP/$fmt.1" "$TMP/$fmt.2"
    same "$fmt: --threads 8 output is byte-identical to --threads 1" "$TMP/$fmt.1" "$TMP/$fmt.8"
done
rm -f "$TMP/jsonl.2" "$TMP/jsonl.8" "$TMP/csv.2" "$TMP/csv.8"

for th in 1 8; do
    match --by region --format csv --threads "$th"
    expect_status "--by region --threads $th: exit 0" 0
    mv "$TMP/out" "$TMP/byregion.$th"
done
same "--by region: --threads 8 output is byte-identical to --threads 1" \
    "$TMP/byregion.1" "$TMP/byregion.8"

# ---- ranks and ties, on every row of the CSV ----------------------------------
# (the csv's enterprise, region, score and rank columns, by name)
csv_cols "$TMP/csv.1" enterprise region score rank >"$TMP/rows"
rows=$(wc -l <"$TMP/rows")
if [ "$rows" -eq $((NENT * 5)) ]; then ok "csv: 5 rows for each of the $NENT enterprises"; else
    not_ok "csv: 5 rows for each of the $NENT enterprises" "$rows rows"
fi
awk -F, '
$1 != e { if (e != "" && $1 in seen) { print "enterprise " $1 " appears in two runs of rows"; bad++ }
          seen[e] = 1; e = $1; want = 1; ps = ""; pr = "" }
{
    if ($4 != want) { print NR ": " $1 " rank " $4 ", expected " want; bad++ }
    if (ps != "" && $3 + 0 > ps + 0) { print NR ": " $1 " score " $3 " above the row before (" ps ")"; bad++ }
    if (ps != "" && $3 == ps) {
        ties++
        if (!($2 > pr)) { print NR ": " $1 " tie at " $3 ": region " $2 " after " pr; bad++ }
    }
    want++; ps = $3; pr = $2
}
END { print "ties " ties + 0 > "/dev/stderr"; exit bad > 0 }' "$TMP/rows" >"$TMP/rankcheck" 2>"$TMP/ties"
rc=$?
if [ "$rc" -eq 0 ]; then ok "csv: ranks run 1..5 per enterprise, scores never rise, ties ordered by ascending region id"
else not_ok "csv: ranks run 1..5 per enterprise, scores never rise, ties ordered by ascending region id" \
    "$(head -n 10 "$TMP/rankcheck")"; fi
ties=$(sed -n 's/^ties //p' "$TMP/ties")
if [ "${ties:-0}" -ge $((NENT * 3)) ]; then ok "csv: the data set has ties to break ($ties tied rows)"; else
    not_ok "csv: the data set has ties to break" "only ${ties:-0} rows tie with the row before"; fi

# rows of e-0, checked by hand: its best regions are template 1 (r-N, N % 10 == 0);
# all NREG/10 of them tie, so the 5 kept are the 5 smallest ids as strings: r-0 r-10 r-100 r-110 r-120
got=$(awk -F, '$1 == "e-0" { printf "%s%s", sep, $2; sep = " " }' "$TMP/rows")
want="r-0 r-10 r-100 r-110 r-120"
if [ "$got" = "$want" ]; then ok "csv: e-0 keeps the 5 smallest ids of its $((NREG / 10)) tied regions"; else
    not_ok "csv: e-0 keeps the 5 smallest ids of its $((NREG / 10)) tied regions" "got: $got" "want: $want"; fi

# ---- full rankings of a few enterprises against an independent sort -------------
# --shard 0/(NENT/4): the enterprises at input positions 0, N/4, N/2 and 3N/4
match --shard "0/$((NENT / 4))" --top "$NREG" --format csv --threads 2
expect_status "--shard 0/$((NENT / 4)) --top $NREG: exit 0" 0
csv_cols "$TMP/out" enterprise region score rank >"$TMP/full"
n=$(cut -d, -f1 "$TMP/full" | sort -u | wc -l)
if [ "$n" -eq 4 ]; then ok "shard: $n enterprises fully ranked"; else
    not_ok "shard: 4 enterprises fully ranked" "$n enterprises"; fi
bad=0
for e in $(cut -d, -f1 "$TMP/full" | uniq); do
    awk -F, -v e="$e" '$1 == e' "$TMP/full" >"$TMP/one"
    sort -t, -k3,3gr -k2,2 "$TMP/one" >"$TMP/sorted"
    if ! cmp -s "$TMP/one" "$TMP/sorted"; then
        bad=1
        not_ok "shard: $e ranked by score, then ascending id" "$(diff "$TMP/sorted" "$TMP/one" | head -n 6)"
    fi
    awk -F, -v e="$e" '$1 == e' "$TMP/rows" | cut -d, -f1-4 >"$TMP/top"
    head -n 5 "$TMP/one" | cut -d, -f1-4 >"$TMP/top5"
    if ! cmp -s "$TMP/top" "$TMP/top5"; then
        bad=1
        not_ok "shard: $e top 5 of the full run are the first 5 of its full ranking" \
            "$(diff "$TMP/top5" "$TMP/top")"
    fi
done
[ "$bad" -eq 0 ] && ok "shard: full rankings are sorted by score then id, and begin with the top 5 kept"

T_END=$(now_ms)
echo "# timing: data $((T_GEN - T_START)) ms; runs:$TIMES total $((T_END - T_START)) ms"
