# capmatch schedule for a matchmaking event: availability, requests
# (accepted, must, requested, declined, never), named tables, breaks,
# several days, locked meetings kept when the schedule is made again, and
# the time zone in the iCalendar files, read back by libical
# (tests/tools/ics_check.c). Every constraint is checked on the schedule
# produced (tests/cli/event_check.py); bad files fail with file:line.
. tests/cli/lib.sh

R=examples/data/regions.json
E=examples/data/enterprises.json
D=$TMP/ev
mkdir -p "$D"
"$CAPMATCH" assign --regions "$R" --enterprises "$E" --policy rules/default.lua \
    --per-enterprise 2 --format json -o "$D/pairs.json" 2>"$TMP/err" ||
    not_ok "assign for the event's pairs" "$(cat "$TMP/err")"

# a delegation there only on day 1 in the morning; Singapore on two mornings
cat > "$D/avail.csv" <<'EOF'
id,from,to,kind
bn-muara-halal-foods,2026-05-20T09:00,2026-05-20T12:00,enterprise
sg,2026-05-20T09:00,2026-05-20T12:00,region
sg,2026-05-21T09:00,2026-05-21T12:00,region
la-champasak-coffee,2026-05-21T09:00,2026-05-21T17:00,enterprise
EOF
cat > "$D/req.csv" <<'EOF'
enterprise,region,status
cn-changzhou-loom-works,sg,declined
cn-fujian-specialty-paper,th-phuket,accepted
cn-hainan-coconut-travel,th-phuket,never
cn-nanjing-ev-battery,sg,must
cn-hainan-tropical-agri,th-rayong,requested
la-champasak-coffee,th-rayong,accepted
EOF
cat > "$D/tables.csv" <<'EOF'
name,room
A1,Hall A
A2,Hall A
A3,Hall A
A4,Hall A
B1,Hall B
B2,Hall B
B3,Hall B
EOF
BREAKS=2026-05-20T10:20/10:40,2026-05-21T12:00/13:30
EVENT="--sessions 2026-05-20T09:00,2026-05-20T14:00,2026-05-21T09:00 --slots 9 --break-minutes 5
       --availability $D/avail.csv --requests $D/req.csv --table-names $D/tables.csv
       --breaks $BREAKS --tz Asia/Manila"

# shellcheck disable=SC2086
SOURCE_DATE_EPOCH=1767225600 "$CAPMATCH" schedule --pairs "$D/pairs.json" --regions "$R" \
    --enterprises "$E" $EVENT --format json -o "$D/s.json" --agendas "$D/ag" 2>"$TMP/err"
RC=$?
expect_status "event schedule: exit 0" 0
python3 tests/cli/event_check.py "$D/s.json" "$D/avail.csv" "$D/req.csv" "$D/tables.csv" \
    "$BREAKS" 20
if python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
days = {m['start'][:10] for m in d['results']}
why = [m for m in d['results'] if m.get('reasons')]
sys.exit(not (len(days) == 2 and len(why) > 0.9 * len(d['results'])
              and all(len(w['reasons']) <= 3 and 'why' not in w for w in why)))" "$D/s.json"; then
    ok "meetings on two days, nearly each with its top reasons (at most 3)"; else
    not_ok "meetings on two days, each with its top reasons" "$(head -c 400 "$D/s.json")"; fi
if grep -q '"tz":"Asia/Manila"' "$D/s.json" && grep -q '"breaks":\["2026-05-20T10:20/10:40"' "$D/s.json"; then
    ok "the event's files and zone in the provenance"; else not_ok "the event's files and zone in the provenance"; fi
if python3 tests/cli/validate_result.py share/capmatch/schema json "$D/s.json" >"$TMP/v" 2>&1 &&
   python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
r = d['results']
sys.exit(not (all(m.get('table_name') and m.get('room') for m in r)
              and any(m.get('status') == 'accepted' for m in r)
              and all(isinstance(m.get('reasons', []), list) and 'why' not in m for m in r)))" "$D/s.json"
then ok "event schedule JSON valid as capmatch.result/1: table_name, room, status, reasons"; else
    not_ok "event schedule JSON as capmatch.result/1" "$(head -n 5 "$TMP/v")"; fi

# the agendas' iCalendar files, read back by libical with their time zone
ICS=$TMP/ics_check
if cc -std=c11 -o "$ICS" tests/tools/ics_check.c $(pkg-config --cflags --libs libical) 2>"$TMP/cc"; then
    ok "ics_check builds"; else not_ok "ics_check builds" "$(cat "$TMP/cc")"; fi
"$ICS" "$D"/ag/enterprises/*.ics "$D"/ag/regions/*.ics > "$TMP/ics" 2>"$TMP/ics.err"
RC=$?
expect_status "libical reads every .ics back, each TZID with its VTIMEZONE" 0
n_ev=$(wc -l < "$TMP/ics")
n_m=$(python3 -c "import json,sys; print(2 * len(json.load(open(sys.argv[1]))['results']))" "$D/s.json")
[ "$n_ev" = "$n_m" ] && ok "an event per meeting in each participant's calendar ($n_ev)" ||
    not_ok "an event per meeting in each participant's calendar" "$n_ev events, $n_m expected"
bad=$(awk -F'\t' '$2 != "Asia/Manila"' "$TMP/ics" | head -n 3)
[ -z "$bad" ] && ok "every DTSTART in Asia/Manila" || not_ok "every DTSTART in Asia/Manila" "$bad"
# Manila is UTC+8 (no daylight saving): libical's UTC from the file's VTIMEZONE
bad=$(python3 -c "
import sys
from datetime import datetime, timedelta
for l in open(sys.argv[1], encoding='utf-8'):
    f = l.rstrip('\n').split('\t')
    local = datetime.strptime(f[2], '%Y-%m-%dT%H:%M')
    if f[3] != (local - timedelta(hours=8)).strftime('%Y-%m-%dT%H:%MZ'):
        print(f[0], f[2], f[3])" "$TMP/ics" | head -n 3)
[ -z "$bad" ] && ok "UTC from the VTIMEZONE is local time - 8 h" || not_ok "UTC from the VTIMEZONE" "$bad"
if grep -q '	A1, Hall A	' "$TMP/ics" && grep -q 'TENTATIVE' "$TMP/ics" &&
   grep -q 'Why meet: ' "$D/ag/regions/sg.ics"; then
    ok "table names and rooms as LOCATION, requested meetings tentative, reasons in DESCRIPTION"; else
    not_ok "LOCATION, STATUS and DESCRIPTION" "$(head -n 3 "$TMP/ics")"; fi
if head -n 1 "$D/ag/regions/sg.csv" | grep -q ',place,status,why$'; then
    ok "agenda CSV has place, status and why"; else not_ok "agenda CSV columns" "$(head -n 1 "$D/ag/regions/sg.csv")"; fi

# the same again: byte for byte
# shellcheck disable=SC2086
SOURCE_DATE_EPOCH=1767225600 "$CAPMATCH" schedule --pairs "$D/pairs.json" --regions "$R" \
    --enterprises "$E" $EVENT --format json -o "$D/s2.json" --agendas "$D/ag2" 2>/dev/null
if cmp -s "$D/s.json" "$D/s2.json" && diff -r "$D/ag" "$D/ag2" >/dev/null; then
    ok "the same schedule and agendas from run to run"; else not_ok "deterministic"; fi

# recomputed on site: the earlier schedule (its CSV) locked, a late accepted
# request added, the Brunei delegation gone at 10:00
# shellcheck disable=SC2086
"$CAPMATCH" schedule --pairs "$D/pairs.json" $EVENT --format csv -o "$D/first.csv" 2>/dev/null
grep -v '^#' "$D/first.csv" > "$D/lock.csv"
if head -n 1 "$D/lock.csv" | grep -q '^session,slot,start,end,table,table_name,room,enterprise,.*,score,status,reasons$' &&
   grep -q ',A1,Hall A,' "$D/lock.csv"; then
    ok "schedule CSV has table_name, room, status and reasons"; else
    not_ok "schedule CSV columns" "$(head -n 2 "$D/lock.csv")"; fi
sed 's/^bn-muara-halal-foods,2026-05-20T09:00,2026-05-20T12:00/bn-muara-halal-foods,2026-05-20T09:00,2026-05-20T10:00/' \
    "$D/avail.csv" > "$D/avail2.csv"
cp "$D/req.csv" "$D/req2.csv"
echo "th-siam-cold-chain,vn-ben-tre,accepted" >> "$D/req2.csv"
# the locked meetings keep their place even where availability changed
python3 - "$D/lock.csv" "$D/lock2.csv" <<'EOF'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))
        if r["start"] and not (r["enterprise"] == "bn-muara-halal-foods" and r["start"] >= "2026-05-20T10")]
w = csv.DictWriter(open(sys.argv[2], "w", encoding="utf-8", newline=""), fieldnames=list(rows[0]))
w.writeheader()
w.writerows(rows[: len(rows) // 2])
EOF
# shellcheck disable=SC2086
run "$CAPMATCH" schedule --pairs "$D/pairs.json" $EVENT --requests "$D/req2.csv" \
    --availability "$D/avail2.csv" --lock "$D/lock2.csv" --format json -o "$D/s3.json"
expect_status "recomputed with --lock: exit 0" 0
python3 tests/cli/event_check.py "$D/s3.json" "$D/avail2.csv" "$D/req2.csv" "$D/tables.csv" \
    "$BREAKS" 20 "$D/lock2.csv" | sed 's/^\(not \)\{0,1\}ok /&recomputed: /'
# a lock file in JSON: the schedule's own JSON output
# shellcheck disable=SC2086
run "$CAPMATCH" schedule --pairs "$D/pairs.json" $EVENT --lock "$D/s.json" --format json -o "$D/s4.json"
expect_status "--lock with the schedule's JSON: exit 0" 0
if python3 -c "
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
key = lambda m: (m['enterprise'], m['region'], m['start'], m['table'])
sys.exit(not set(map(key, a['results'])) <= set(map(key, b['results'])))" "$D/s.json" "$D/s4.json"; then
    ok "every meeting of a JSON lock file kept in place"; else not_ok "JSON lock kept"; fi

# an accepted meeting that cannot be: exit 1, said why
printf 'enterprise,region,status\nbn-muara-halal-foods,th-rayong,accepted\n' > "$D/req3.csv"
printf 'id,from,to\nbn-muara-halal-foods,2026-05-20T09:00,2026-05-20T10:00\nth-rayong,2026-05-21T09:00,2026-05-21T12:00\n' > "$D/avail3.csv"
# shellcheck disable=SC2086
run "$CAPMATCH" schedule --pairs "$D/pairs.json" --sessions 2026-05-20T09:00,2026-05-21T09:00 --slots 9 \
    --availability "$D/avail3.csv" --requests "$D/req3.csv" --format json
expect_status "accepted but impossible: exit 1" 1
expect_grep "accepted but impossible: said on stderr" err "accepted meeting of bn-muara-halal-foods and th-rayong not placed"
expect_grep "accepted but impossible: the reason" out "never there at the same time"

# ---- bad files: file:line, exit 2, no output ----------------------------------------
bad() {   # NAME WANT OPTIONS...
    name=$1 want=$2
    shift 2
    rm -f "$D/out.json"
    # shellcheck disable=SC2086
    run "$CAPMATCH" schedule --pairs "$D/pairs.json" --sessions 2026-05-20T09:00,2026-05-21T09:00 \
        --slots 9 "$@" -o "$D/out.json"
    expect_status "$name: exit 2" 2
    expect_grep "$name: says where" err "$want"
    [ -e "$D/out.json" ] && not_ok "$name: no output" || ok "$name: no output"
}
printf 'id,from,to\nsg,2026-05-20T09:00,2026-05-20T12:00\nsg,2026-05-20T09:00,noon\n' > "$D/b1.csv"
bad "availability, bad time" "b1.csv:3: field \"to\": expected a time like 2026-05-20T09:00, found \"noon\"" --availability "$D/b1.csv"
printf 'id,start,to\nsg,2026-05-20T09:00,2026-05-20T12:00\n' > "$D/b2.csv"
bad "availability, no from column" "b2.csv:1: the header has no \"from\" column" --availability "$D/b2.csv"
printf 'id,from,to\nsg,2026-05-20T12:00,2026-05-20T09:00\n' > "$D/b3.csv"
bad "availability, to before from" "b3.csv:2: field \"to\"" --availability "$D/b3.csv"
printf '[{"id":"sg","from":"2026-05-20T09:00","to":"2026-05-20T12:00"},\n {"id":"sg","from":"2026-05-20T09:00"}]\n' > "$D/b4.json"
bad "availability JSON, missing field" "b4.json: record 2: field \"to\" is missing" --availability "$D/b4.json"
printf '[{"id":"sg",\n "from":}]\n' > "$D/b5.json"
bad "availability JSON, syntax" "b5.json:2:" --availability "$D/b5.json"
printf 'enterprise,region,status\ncn-nanjing-ev-battery,sg,maybe\n' > "$D/b6.csv"
bad "requests, bad status" "b6.csv:2: field \"status\": expected requested, accepted, declined, must or never" --requests "$D/b6.csv"
printf 'enterprise,region,status\ncn-nanjing-ev-battery,sg,accepted\ncn-nanjing-ev-battery,sg,declined\n' > "$D/b7.csv"
bad "requests, contradiction" "b7.csv:3: cn-nanjing-ev-battery and sg are declined here but accepted at" --requests "$D/b7.csv"
printf 'enterprise,region,status\nno-such-enterprise,sg,accepted\n' > "$D/b8.csv"
bad "requests, unknown enterprise (profiles given)" "b8.csv:2:" --requests "$D/b8.csv" --regions "$R" --enterprises "$E"
printf 'enterprise,region,start,table\ncn-nanjing-ev-battery,sg,2026-05-20T09:05,1\n' > "$D/b9.csv"
bad "lock, not a slot's start" "b9.csv:2: the locked meeting at 2026-05-20T09:05 is not at the start of a slot" --lock "$D/b9.csv"
printf 'enterprise,region,start,table\ncn-nanjing-ev-battery,sg,2026-05-20T09:00,1\ncn-nanjing-cloudbridge-software,sg,2026-05-20T09:00,2\n' > "$D/b10.csv"
bad "lock, double booked" "b10.csv:3: region sg is locked in two meetings at 2026-05-20T09:00" --lock "$D/b10.csv"
printf 'enterprise,region,start,table\ncn-nanjing-ev-battery,sg,2026-05-20T09:00,1\ncn-changzhou-loom-works,vn-ben-tre,2026-05-20T09:00,1\n' > "$D/b11.csv"
bad "lock, table twice" "b11.csv:3: table 1 is locked twice" --lock "$D/b11.csv"
printf 'enterprise,region,start,table\ncn-changzhou-loom-works,sg,2026-05-20T09:00,1\n' > "$D/b12.csv"
bad "lock of a declined meeting" "b12.csv:2: the meeting of cn-changzhou-loom-works and sg is locked, but declined at" --lock "$D/b12.csv" --requests "$D/req.csv"
printf 'name,room\nA1,Hall A\nA1,Hall B\n' > "$D/b13.csv"
bad "tables, a name twice" "b13.csv:3: table \"A1\" is named twice" --table-names "$D/b13.csv"
bad "unknown time zone" "unknown time zone \"Asia/Nowhere\"" --tz Asia/Nowhere
bad "bad break" "a break is START/END" --breaks 2026-05-20T10:30-11:00
rm -f "$D/out.json"
run "$CAPMATCH" schedule --pairs "$D/pairs.json" --sessions 2026-05-20T09:00 --availability "$D/avail.csv" -o "$D/out.json"
expect_status "availability without --slots: exit 2" 2
expect_grep "availability without --slots: says why" err "give the slots per session"
run "$CAPMATCH" schedule --pairs "$D/pairs.json" --sessions 2026-05-20T09:00,2026-05-20T10:00 --slots 9 -o "$D/out.json"
expect_status "sessions that overlap: exit 2" 2
expect_grep "sessions that overlap: says why" err "session 1's 9 slots end at 2026-05-20T12:00, after session 2 starts"

# --policy: each meeting's top reasons are the policy's, by contribution
run "$CAPMATCH" schedule --pairs examples/event/pairs.csv --regions "$R" --enterprises "$E" \
    --policy rules/default.lua --sessions 2026-05-20T09:00,2026-05-20T14:00,2026-05-21T09:00 --slots 4 \
    --requests examples/event/requests.csv --format json
expect_status "--policy: exit 0" 0
if python3 - "$TMP/out" rules/default.lua "$CAPMATCH" <<'EOF'
import json, subprocess, sys
d = json.load(open(sys.argv[1]))
bad = []
for m in d["results"]:
    why = m.get("reasons", [])
    rules = [w.split(":")[0] for w in why]
    if not 1 <= len(rules) <= 3:
        bad.append((m["enterprise"], m["region"], why))
        continue
    # the policy's own explanation: the rules that add the most come first
    out = subprocess.run([sys.argv[3], "explain",
                          "--regions", "examples/data/regions.json", "--enterprises",
                          "examples/data/enterprises.json", "--policy", sys.argv[2],
                          "--enterprise", m["enterprise"], "--region", m["region"], "--format",
                          "json"], capture_output=True, text=True)
    items = json.loads(out.stdout)["results"][0]["explain"]
    best = sorted((i for i in items if not i.get("region_side") and not i["rule"].startswith("region: ")
                   and i["contribution"] > 0),
                  key=lambda i: -i["contribution"])[:3]
    if [i["rule"] for i in best] != rules:
        bad.append((m["enterprise"], m["region"], rules, [i["rule"] for i in best]))
if bad:
    print(bad[:3])
sys.exit(1 if bad else 0)
EOF
then ok "--policy: every meeting's why is the policy's top 3 rules by contribution"; else
    not_ok "--policy: top reasons by contribution"; fi
run "$CAPMATCH" schedule --pairs examples/event/pairs.csv --policy rules/default.lua --sessions 2026-05-20T09:00
expect_status "--policy without profiles: exit 2" 2
