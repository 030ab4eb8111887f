# capmatch assign and capmatch schedule: the worked example of DOMAIN.md,
# capacities and stability on the examples (checked here with awk, not by
# the tool's own counts), optimal against stable, parties left out with
# reasons, output formats read back, determinism, schedules without double
# booking in the fewest slots, agendas, and every error path.
. tests/cli/lib.sh

R=examples/data/regions.json
E=examples/data/enterprises.json
P=examples/fair/fair.lua   # ours: the default policy may change

# ---- the worked example ----------------------------------------------------------
for who in enterprises regions; do
    run "$CAPMATCH" assign --pairs examples/fair/marriage.csv --default-capacity 1 \
        --proposer "$who" --format csv
    expect_status "worked example ($who propose): exit 0" 0
    got=$(csv_cols "$TMP/out" enterprise region | tr '\n' ' ')
    if [ "$got" = "A,E B,D C,F " ]; then ok "worked example ($who propose): A-E, B-D, C-F"; else
        not_ok "worked example ($who propose): A-E, B-D, C-F" "got: $got"; fi
done
run "$CAPMATCH" assign --pairs examples/fair/marriage.csv --default-capacity 1
expect_grep "table: ranks on both sides" out "A             E          0.600    0.900  2 of 3      1 of 3"
expect_grep "table: totals and blocking pairs" out "-- 3 pairs (stable); total score 2.400, region side 2.700; 0 left out; 0 blocking pairs"

# ---- capacities, stability, optimality on the examples ---------------------------
# capacities of the example regions (id capacity), from the CSV profiles
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "id") c_id = i; if ($i == "capacity") c_cap = i } next }
         { print $c_id, ($c_cap == "" ? -1 : $c_cap) }' examples/data/regions.csv > "$TMP/caps"

check_capacities() {   # NAME CSV K
    bad=$(csv_cols "$2" enterprise region | awk -F, -v K="$3" '
        FNR == NR { split($0, c, " "); cap[c[1]] = c[2]; next }
        { e[$1]++; r[$2]++; if (seen[$1 "," $2]++) print "pair twice: " $1 "," $2 }
        END { for (x in e) if (e[x] > K) print "enterprise " x ": " e[x] " > " K
              for (x in r) if (cap[x] >= 0 && r[x] > cap[x]) print "region " x ": " r[x] " > " cap[x] }' "$TMP/caps" -)
    if [ -z "$bad" ]; then ok "$1"; else not_ok "$1" "$bad"; fi
}

total_of() { jq -r .totals.score "$1.meta.json"; }

for k in 1 2 3; do
    for m in stable optimal; do
        run "$CAPMATCH" assign --regions "$R" --enterprises "$E" --policy "$P" --method "$m" \
            --per-enterprise "$k" --format csv -o "$TMP/$m-$k.csv"
        expect_status "assign $m K=$k: exit 0" 0
        check_capacities "assign $m K=$k: capacities and K respected" "$TMP/$m-$k.csv" "$k"
    done
    s=$(total_of "$TMP/stable-$k.csv")
    o=$(total_of "$TMP/optimal-$k.csv")
    if awk -v s="$s" -v o="$o" 'BEGIN { exit !(o + 1e-9 >= s) }'; then
        ok "K=$k: optimal total $o >= stable total $s"
    else
        not_ok "K=$k: optimal total >= stable total" "optimal $o, stable $s"
    fi
    [ "$(jq .totals.blocking_pairs "$TMP/stable-$k.csv.meta.json")" = 0 ] &&
        ok "K=$k: stable reports no blocking pair" ||
        not_ok "K=$k: stable reports no blocking pair" "$(jq -c .totals "$TMP/stable-$k.csv.meta.json")"
done

# An independent blocking-pair check on a pairs file small enough for awk:
# every candidate pair of the file, against the assignment.
cat > "$TMP/tight.csv" <<'EOF'
enterprise,region,score,region_score
e1,r1,0.9,0.5
e1,r2,0.8,0.7
e2,r1,0.85,0.9
e2,r2,0.3,0.2
e3,r1,0.7,0.8
e3,r2,0.6,0.9
e3,r3,0.2,0.1
e4,r2,0.75,0.6
e4,r3,0.5,0.95
EOF
blocking() {   # ASSIGNMENT_CSV CAPACITY: blocking pairs of the file, one a line
    { echo enterprise,region; csv_cols "$1" enterprise region; } > "$TMP/blocking-in.csv"
    awk -F, -v cap="$2" '
        FNR == 1 { f++ }
        f == 1 && FNR > 1 { es[$1 "," $2] = $3; rs[$1 "," $2] = $4; E[$1]; R[$2]; next }
        f == 2 && FNR > 1 { m[$1 "," $2] = 1; me[$1] = $2 }
        END {
            for (p in es) {
                if (p in m) continue
                split(p, x, ","); e = x[1]; r = x[2]
                ew = !(e in me) || es[p] > es[e "," me[e]]
                n = 0; rw = 0
                for (q in m) { split(q, y, ","); if (y[2] == r) { n++; if (rs[p] > rs[q]) rw = 1 } }
                if (n < cap) rw = 1
                if (ew && rw) print p
            }
        }' "$TMP/tight.csv" "$TMP/blocking-in.csv"
}
for who in enterprises regions; do
    run "$CAPMATCH" assign --pairs "$TMP/tight.csv" --default-capacity 1 --proposer "$who" \
        --format csv -o "$TMP/tight-$who.csv"
    b=$(blocking "$TMP/tight-$who.csv" 1)
    if [ -z "$b" ]; then ok "tight ($who propose): no blocking pair (independent check)"; else
        not_ok "tight ($who propose): no blocking pair (independent check)" "$b"; fi
done
run "$CAPMATCH" assign --pairs "$TMP/tight.csv" --default-capacity 1 --method optimal --format csv -o "$TMP/tight-opt.csv"
b=$(blocking "$TMP/tight-opt.csv" 1 | sort | tr '\n' ' ')
run "$CAPMATCH" assign --pairs "$TMP/tight.csv" --default-capacity 1 --method optimal
n=$(echo "$b" | wc -w)
expect_grep "optimal: the tool counts the same blocking pairs as the independent check" out "$n blocking pair"
expect_grep "optimal: total of the best assignment (by hand: 0.85 + 0.8 + 0.5)" out "total score 2.150"

# ---- parties left out ---------------------------------------------------------------
cat > "$TMP/left.csv" <<'EOF'
enterprise,region,score
e-top,r-small,0.9
e-late,r-small,0.8
e-low,r-small,0.05
EOF
run "$CAPMATCH" assign --pairs "$TMP/left.csv" --default-capacity 1 --min-score 0.1
expect_grep "left out: preferred regions full, named" out "enterprise e-late: preferred regions full: r-small (capacity 1)"
expect_grep "left out: below the minimum" out "enterprise e-low: no pair at or above the minimum score 0.1 (best: 0.050, with r-small)"
run "$CAPMATCH" assign --pairs "$TMP/left.csv" --regions "$R" --min-score 0.1
expect_status "pairs naming regions not in the profiles: exit 2" 2
expect_grep "unknown region named with file and line" err "left.csv:2:7: record 1 (id \"e-top\"): region: expected an id among the loaded profiles, found \"r-small\""
run "$CAPMATCH" assign --regions "$R" --enterprises "$E" --policy "$P" --format json
expect_status "json: exit 0" 0
expect_grep "json: left-out region with reason code and partners" out '"kind":"region","id":"cn-shaanxi","name":"陕西省 Shaanxi","country":"CN","reason":"taken","message":"its acceptable enterprises all went to regions they prefer: '
if command -v python3 >/dev/null 2>&1; then
    if python3 - "$TMP/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
rows = d["results"]
assert d["format"] == "capmatch.result/1" and d["command"] == "assign"
assert d["totals"]["pairs"] == len(rows)
assert abs(d["totals"]["score"] - sum(r["score"] for r in rows)) < 1e-9
assert all(r["reasons"] and r["enterprise_name"] and r["region_name"] for r in rows)
assert d["meta"]["method"] == "stable" and d["totals"]["blocking_pairs"] == 0
PY
    then ok "json: valid, totals add up, every pair has reasons"; else not_ok "json: valid, totals add up, every pair has reasons"; fi
else
    ok "json: valid, totals add up # skip no python3"
fi

# ---- formats read back, determinism ---------------------------------------------------
run "$CAPMATCH" assign --regions "$R" --enterprises "$E" --policy "$P" --format jsonl -o "$TMP/a.jsonl"
run "$CAPMATCH" assign --pairs "$TMP/a.jsonl" --regions "$R" --enterprises "$E" --format csv
csv_cols "$TMP/out" enterprise region score > "$TMP/back.csv"
csv_cols "$TMP/stable-1.csv" enterprise region score > "$TMP/first3.csv"
csv_cols "$TMP/stable-1.csv" enterprise region score region_score rank region_rank > "$TMP/first.csv"
if cmp -s "$TMP/back.csv" "$TMP/first3.csv"; then ok "jsonl output read back as pairs: same assignment"; else
    not_ok "jsonl output read back as pairs: same assignment" "$(diff "$TMP/first3.csv" "$TMP/back.csv" | head)"; fi
run "$CAPMATCH" match --regions "$R" --enterprises "$E" --policy "$P" --top 10 --format jsonl -o "$TMP/match.jsonl"
run "$CAPMATCH" assign --pairs "$TMP/match.jsonl" --regions "$R" --enterprises "$E" --min-score 0.1 --format csv
csv_cols "$TMP/out" enterprise region score region_score rank region_rank > "$TMP/frommatch.csv"
if cmp -s "$TMP/frommatch.csv" "$TMP/first.csv"; then ok "match output as a pairs file: same assignment"; else
    not_ok "match output as a pairs file: same assignment" "$(diff "$TMP/first.csv" "$TMP/frommatch.csv" | head)"; fi
run "$CAPMATCH" assign --regions "$R" --enterprises "$E" --policy "$P" --method optimal --threads 1 --format csv -o "$TMP/t1.csv"
run "$CAPMATCH" assign --regions "$R" --enterprises "$E" --policy "$P" --method optimal --threads 2 --format csv -o "$TMP/t2.csv"
if cmp -s "$TMP/t1.csv" "$TMP/t2.csv" && cmp -s "$TMP/t1.csv" "$TMP/optimal-1.csv"; then
    ok "same output for any number of threads and from run to run"; else
    not_ok "same output for any number of threads and from run to run" "$(diff "$TMP/t1.csv" "$TMP/t2.csv" | head)"; fi
run "$CAPMATCH" assign --regions "$R" --enterprises "$E" --policy examples/fair/fair.lua --proposer regions \
    --region-candidates 5 --explain
expect_status "region-side view, region candidates: exit 0" 0
expect_grep "region-side rules in the explanation" out "(region) its needs met"
expect_grep "region candidates in the provenance" out "-- region_candidates: 5"

# ---- errors ---------------------------------------------------------------------------
run "$CAPMATCH" assign
expect_status "no input: usage error" 2
expect_grep "no input: says what to give" err "give --policy FILE with --regions and --enterprises, or --pairs FILE"
run "$CAPMATCH" assign --pairs x.csv --policy "$P" --regions "$R" --enterprises "$E"
expect_status "--policy with --pairs: usage error" 2
run "$CAPMATCH" assign --policy "$P" --regions "$R"
expect_grep "policy without enterprises" err "with --policy, give profiles with --regions FILE and --enterprises FILE"
run "$CAPMATCH" assign --pairs "$TMP/left.csv" --method best
expect_grep "bad method" err "--method must be stable or optimal, not 'best'"
run "$CAPMATCH" assign --pairs "$TMP/left.csv" --method optimal --proposer regions
expect_grep "proposer only for stable" err "--proposer goes with --method stable"
run "$CAPMATCH" assign --pairs "$TMP/left.csv" --per-enterprise 0
expect_grep "bad K" err "--per-enterprise must be a number from 1 to 10000, not '0'"
run "$CAPMATCH" assign --pairs "$TMP/left.csv" --min-score 2
expect_grep "bad minimum" err "--min-score must be a number in [0, 1], not '2'"
run "$CAPMATCH" assign --pairs "$TMP/left.csv" --candidates 5
expect_grep "candidates need a policy" err "--candidates and --region-candidates go with --policy"
run "$CAPMATCH" assign --pairs "$TMP/left.csv" --format pdf
expect_grep "bad format" err "--format must be table, json, jsonl, csv, xlsx or html, not 'pdf'"
run "$CAPMATCH" assign --pairs "$TMP/left.csv" --tables 3
expect_grep "schedule option on assign" err "that one is for capmatch schedule"
run "$CAPMATCH" assign --pairs "$TMP/left.csv" extra
expect_grep "stray argument" err "unexpected argument 'extra'"
run "$CAPMATCH" assign --pairs "$TMP/nonexistent.csv"
expect_status "missing pairs file: exit 2" 2
expect_grep "missing pairs file named" err "cannot open $TMP/nonexistent.csv"
printf 'enterprise,region,score\ne1,r1,0.5\ne2,r1,1.5\n' > "$TMP/bad.csv"
run "$CAPMATCH" assign --pairs "$TMP/bad.csv" -o "$TMP/never.csv"
expect_status "bad pairs file: exit 2" 2
expect_grep "bad pairs file: file, line, column, field" err "bad.csv:3:7: record 2 (id \"e2\"): score: expected a number in [0, 1], found \"1.5\""
if [ -e "$TMP/never.csv" ]; then not_ok "a failed run leaves no output file"; else ok "a failed run leaves no output file"; fi
run "$CAPMATCH" assign --pairs "$TMP/left.csv" -o "$TMP/no/such/dir/out.csv"
expect_status "unwritable output: exit 2" 2
expect_grep "unwritable output named" err "cannot write $TMP/no/such/dir/out.csv"
printf 'enterprise,region,score\n' > "$TMP/empty.csv"
run "$CAPMATCH" assign --pairs "$TMP/empty.csv"
expect_status "no pair at all: exit 1" 1
printf 'policy { name = "x" }\nrule { name = "a", weight = 1, score = function( end }\n' > "$TMP/broken.lua"
run "$CAPMATCH" assign --regions "$R" --enterprises "$E" --policy "$TMP/broken.lua"
expect_status "broken policy: exit 2" 2
expect_grep "broken policy: file and line" err "broken.lua:2:"
run "$CAPMATCH" assign --regions "$TMP/nonexistent.json" --enterprises "$E" --policy "$P"
expect_status "missing profiles: exit 2" 2
echo '{"enterprise":"e1","region":"r1","score":0.5}' | "$CAPMATCH" assign --pairs - --format csv >"$TMP/out" 2>"$TMP/err"
RC=$?
expect_status "pairs from standard input" 0
expect_grep "pairs from standard input: assigned" out "e1,,,r1,,,0.5000,0.5000,1,1,1,1,"

# ---- schedule -------------------------------------------------------------------------
run "$CAPMATCH" assign --regions "$R" --enterprises "$E" --policy "$P" --per-enterprise 3 --format csv -o "$TMP/k3.csv"
# the busiest participant's meetings: the fewest slots when tables do not bind
maxdeg=$(csv_cols "$TMP/k3.csv" enterprise region | awk -F, '{ e[$1]++; r[$2]++ } END { m = 0; for (x in e) if (e[x] > m) m = e[x]; for (x in r) if (r[x] > m) m = r[x]; print m }')
meetings=$(csv_cols "$TMP/k3.csv" enterprise | wc -l)

no_double_booking() {   # NAME CSV TABLES
    bad=$(csv_cols "$2" session slot table enterprise region | awk -F, -v T="$3" '$1 != "" {
            k = $1 "/" $2
            if (seen[k "/" $4]++) print "enterprise " $4 " twice in " k
            if (seen[k "/" $5]++) print "region " $5 " twice in " k
            if (seen[k "/t" $3]++) print "table " $3 " twice in " k
            if (T && $3 > T) print "table " $3 " > " T
            n[k]++ }
          END { for (k in n) if (T && n[k] > T) print n[k] " meetings in " k }')
    if [ -z "$bad" ]; then ok "$1"; else not_ok "$1" "$bad"; fi
}

run "$CAPMATCH" schedule --pairs "$TMP/k3.csv" --sessions 2026-05-20T09:00 --format csv -o "$TMP/s1.csv"
expect_status "schedule: exit 0" 0
no_double_booking "schedule: nobody in two meetings at once" "$TMP/s1.csv" 0
slots=$(sed 1d "$TMP/s1.csv" | cut -d, -f1,2 | sort -u | wc -l)
placed=$(sed 1d "$TMP/s1.csv" | wc -l)
if [ "$slots" -eq "$maxdeg" ] && [ "$placed" -eq "$meetings" ]; then
    ok "schedule: all $meetings meetings in $slots slots = the busiest participant's meetings"; else
    not_ok "schedule: fewest slots" "slots $slots, busiest $maxdeg, placed $placed of $meetings"; fi
run "$CAPMATCH" schedule --pairs "$TMP/k3.csv" --sessions 2026-05-20T09:00,2026-05-20T14:00 --tables 6 --format csv -o "$TMP/s2.csv"
no_double_booking "schedule with 6 tables: no double booking, at most 6 a slot" "$TMP/s2.csv" 6
slots=$(sed 1d "$TMP/s2.csv" | cut -d, -f1,2 | sort -u | wc -l)
need=$(( (meetings + 5) / 6 ))
[ "$need" -lt "$maxdeg" ] && need=$maxdeg
if [ "$slots" -eq "$need" ]; then ok "schedule with tables binding: $slots slots = meetings / tables"; else
    not_ok "schedule with tables binding" "slots $slots, expected $need"; fi
run "$CAPMATCH" schedule --pairs "$TMP/k3.csv" --sessions 2026-05-20T09:00,2026-05-20T14:00 --slots 5 --tables 20 \
    --meeting-minutes 15 --break-minutes 5 --format csv -o "$TMP/s3.csv"
no_double_booking "schedule with 10 slots: no double booking" "$TMP/s3.csv" 20
expect_grep_file() { if grep -qF -- "$3" "$2"; then ok "$1"; else not_ok "$1" "no '$3' in $2"; fi; }
expect_grep_file "unplaced: the busy participant named (FILE.meta.json)" "$TMP/s3.csv.meta.json" "has better-scored meetings in all 10 slots"
expect_grep_file "times: second slot after meeting and break" "$TMP/s3.csv" "1,2,2026-05-20T09:20,2026-05-20T09:35,"
expect_grep_file "times: second session" "$TMP/s3.csv" "2,1,2026-05-20T14:00,2026-05-20T14:15,"
run "$CAPMATCH" schedule --pairs "$TMP/k3.csv" --sessions 2026-05-20T09:00 --slots 40 --tables 2
expect_grep "unplaced: tables full" out "every table of every slot is taken by better-scored meetings (40 slots x 2 tables)"
SOURCE_DATE_EPOCH=1767225600 "$CAPMATCH" schedule --pairs "$TMP/k3.csv" --sessions 2026-05-20T09:00 \
    --regions "$R" --enterprises "$E" --agendas "$TMP/ag" --format json >"$TMP/out" 2>"$TMP/err"
RC=$?
expect_status "agendas: exit 0" 0
n_csv=$(sed 1d "$TMP/ag/regions/ph-catanduanes.csv" | wc -l)
n_ics=$(grep -c '^BEGIN:VEVENT' "$TMP/ag/regions/ph-catanduanes.ics")
n_k3=$(grep -c ',ph-catanduanes,' "$TMP/k3.csv")
if [ "$n_csv" -eq "$n_k3" ] && [ "$n_ics" -eq "$n_k3" ]; then ok "agenda: one CSV row and one VEVENT per meeting ($n_k3)"; else
    not_ok "agenda: one row and one event per meeting" "csv $n_csv, ics $n_ics, assigned $n_k3"; fi
expect_grep_file "ics: fixed DTSTAMP from SOURCE_DATE_EPOCH" "$TMP/ag/regions/ph-catanduanes.ics" "DTSTAMP:20260101T000000Z"
expect_grep_file "ics: names from the profiles" "$TMP/ag/regions/ph-catanduanes.ics" "meets Catanduanes"
if grep -q "$(printf '\r')$" "$TMP/ag/enterprises/cn-xian-textile-machinery.ics"; then ok "ics: CRLF lines"; else not_ok "ics: CRLF lines"; fi
expect_grep "schedule json: slots reported" out '"slots_used":'

run "$CAPMATCH" schedule --pairs "$TMP/k3.csv"
expect_status "schedule without sessions: usage" 2
expect_grep "schedule without sessions: says how" err "give the session starts with --sessions"
run "$CAPMATCH" schedule --pairs "$TMP/k3.csv" --sessions 2026-02-30T09:00
expect_status "impossible date: exit 2" 2
expect_grep "impossible date named" err "session 1: expected a start like 2026-05-20T09:00, found \"2026-02-30T09:00\""
run "$CAPMATCH" schedule --pairs "$TMP/k3.csv" --sessions 2026-05-20T09:00 --tables 0
expect_grep "zero tables" err "--tables must be a number from 1 to 1000000, not '0'"
run "$CAPMATCH" schedule --pairs "$TMP/k3.csv" --sessions 2026-05-20T09:00 --method optimal
expect_grep "assign option on schedule" err "that one is for capmatch assign"
run "$CAPMATCH" schedule --pairs "$TMP/bad.csv" --sessions 2026-05-20T09:00
expect_status "schedule, bad pairs: exit 2" 2
run "$CAPMATCH" schedule --pairs "$TMP/k3.csv" --sessions 2026-05-20T09:00 --agendas "$TMP/k3.csv/x"
expect_status "agendas into a file: exit 2" 2
expect_grep "agendas into a file: named" err "cannot make $TMP/k3.csv/x"
