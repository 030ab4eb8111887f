#!/bin/sh
# Loading hostile inputs (issue 10, rows 2, 5, 6, 7, 8 and 13): NUL bytes in
# CSV, huge headers, endless standard input, FIFOs, huge JSON records, and
# running out of memory. Each must end promptly with one clear message and
# the documented exit status, never a crash, a hang or unbounded memory.
cd "$(dirname "$0")/../.." || exit 2
# shellcheck source=tests/cli/lib.sh
. tests/cli/lib.sh
case $CAPMATCH in
/*) ;;
*/*) CAPMATCH=$PWD/$CAPMATCH ;;
esac

# A sanitizer build (CAPMATCH containing "/san/") reserves terabytes of
# address space for its shadow memory: there the address-space limits below
# cannot be set, the checks run without them, and the out-of-memory checks
# are left to the plain build.
SAN=0
case $CAPMATCH in */san/*) SAN=1 ;; esac

# run_limited SECONDS KB CMD...: run with a time limit and an address-space
# limit (KB; 0 = none)
run_limited() {
    secs=$1
    kb=$2
    shift 2
    if [ "$kb" -gt 0 ] && [ "$SAN" -eq 0 ]; then
        (ulimit -v "$kb"; exec timeout -s KILL "$secs" "$@") >"$TMP/out" 2>"$TMP/err"
    else
        timeout -s KILL "$secs" "$@" >"$TMP/out" 2>"$TMP/err"
    fi
    RC=$?
}

# expect_exact NAME TEXT: stdout is exactly TEXT (one line and the summary)
expect_exact() {
    printf '%s\n' "$2" >"$TMP/want"
    if [ "$RC" -eq 2 ] && cmp -s "$TMP/out" "$TMP/want"; then ok "$1"; else
        not_ok "$1" "exit status $RC, expected 2 and:" "$(cat "$TMP/want")" "got:" \
            "$(head -c 600 "$TMP/out")" "stderr: $(head -c 400 "$TMP/err")"
    fi
}

# ---- row 2: a NUL byte in a CSV cell or header ------------------------------
printf 'id,name,country,needs\nr-1,One,CN,te\000chnology\n' >"$TMP/regions-nul.csv"
run "$CAPMATCH" validate "$TMP/regions-nul.csv"
expect_exact "load/nul-in-cell" "$TMP/regions-nul.csv:2:14: record 1: NUL byte in cell
1 problem in 1 of 1 file"

printf 'id,na\000me,country\nr-1,One,CN\n' >"$TMP/regions-nulh.csv"
run "$CAPMATCH" validate "$TMP/regions-nulh.csv"
expect_exact "load/nul-in-header" "$TMP/regions-nulh.csv:1:6: NUL byte in cell of the header
1 problem in 1 of 1 file"

printf 'id,name,country,needs\nr-1,One,CN,"te\000ch"\n' >"$TMP/regions-nulq.csv"
run "$CAPMATCH" validate "$TMP/regions-nulq.csv"
expect_exact "load/nul-in-quoted-cell" "$TMP/regions-nulq.csv:2:15: record 1: NUL byte in cell
1 problem in 1 of 1 file"

# ---- row 5: a header of 100,000 columns: refused at once, by a limit -------
awk 'BEGIN { printf "id"; for (i = 1; i < 100000; i++) printf ",c%d", i; printf "\nr-1\n" }' \
    >"$TMP/regions-wide.csv"
run_limited 20 0 "$CAPMATCH" validate "$TMP/regions-wide.csv"
expect_exact "load/header-column-limit" "$TMP/regions-wide.csv:1: expected a header of at most 4096 columns, found 100000 columns
1 problem in 1 of 1 file"

# 4,000 distinct columns (under the limit) with one duplicate at the end:
# found, and quickly (a quadratic check took seconds here)
awk 'BEGIN { printf "id,name,country"; for (i = 1; i < 4000; i++) printf ",attrs.c%d", i;
             printf ",attrs.c7\nr-1,One,CN"; for (i = 0; i < 4000; i++) printf ",1"; printf "\n" }' \
    >"$TMP/regions-dup.csv"
run_limited 20 0 "$CAPMATCH" validate "$TMP/regions-dup.csv"
expect_exact "load/header-duplicate" "$TMP/regions-dup.csv:1: column \"attrs.c7\": expected each column once, found a second column of that name
1 problem in 1 of 1 file"

# ---- row 6: standard input without end: stopped by the limits, exit 2 ------
# (an address-space limit of 200 MB: reading it whole would need more)
run_limited 20 200000 sh -c "'$CAPMATCH' validate --kind regions --input-format json - </dev/zero"
expect_exact "load/stdin-zero-json" "-:1:1: expected a JSON list of profiles '[' or an object {\"regions\": [...]}, found the byte 0x00
1 problem in 1 of 1 file"
run_limited 20 200000 sh -c "'$CAPMATCH' validate --kind regions --input-format jsonl - </dev/zero"
expect_exact "load/stdin-zero-jsonl" "-:1: record 1: expected a line of JSON text, found a NUL byte after 0 bytes
1 problem in 1 of 1 file"
run_limited 20 200000 sh -c "'$CAPMATCH' validate --kind regions --input-format csv - </dev/zero"
expect_exact "load/stdin-zero-csv" "-:1:1: NUL byte in cell of the header
1 problem in 1 of 1 file"
# an endless record on standard input: refused at the record limit, memory bounded
cat >"$TMP/endless.sh" <<'SH'
printf '[{"id": "r-1", "note": "'
head -c 300000000 /dev/zero | tr '\0' x
SH
run_limited 60 200000 sh -c "sh '$TMP/endless.sh' | '$CAPMATCH' validate --kind regions --input-format json -"
expect_exact "load/stdin-endless-record" "-:1:300000025: record 1: expected the rest of the record, found the end of the file
1 problem in 1 of 1 file"

# ---- row 7: a FIFO as an input file: read as a stream, never a hang --------
mkfifo "$TMP/regions-fifo.json"
run_limited 10 0 "$CAPMATCH" validate "$TMP/regions-fifo.json"
if [ "$RC" -eq 2 ] && grep -qF "the file is empty" "$TMP/out"; then ok "load/fifo-no-writer"; else
    not_ok "load/fifo-no-writer" "exit status $RC (137: killed after 10 s), expected 2 at once" \
        "stdout: $(head -c 400 "$TMP/out")" "stderr: $(head -c 400 "$TMP/err")"
fi
mkfifo "$TMP/regions-fifo2.json"
cp examples/data/regions.json "$TMP/regions-copy.json"
(sleep 1; cat "$TMP/regions-copy.json" >"$TMP/regions-fifo2.json") &
sleep 2
run_limited 10 0 "$CAPMATCH" validate "$TMP/regions-fifo2.json"
wait
if [ "$RC" -eq 0 ] && grep -qF "ok: 1 file, 18 regions" "$TMP/out"; then ok "load/fifo-stream"; else
    not_ok "load/fifo-stream" "exit status $RC, expected 0 and 18 regions" \
        "stdout: $(head -c 400 "$TMP/out")" "stderr: $(head -c 400 "$TMP/err")"
fi

# ---- row 8: a 200 MB record is refused while scanning, not parsed ---------
# (jansson would take more than the 150 MB address space it is given here)
{
    printf '{"id": "r-2", "name": "Two", "country": "CN", "note": ['
    yes '1,' | head -c 200000000 | tr -d '\n'
    echo '1]},'
} >"$TMP/record"
size=$(($(wc -c <"$TMP/record") - 2))
{
    echo '[{"id": "r-1", "name": "One", "country": "CN"},'
    cat "$TMP/record"
    echo '{"id": "r-3", "name": "Three", "country": "XX"}]'
} >"$TMP/regions-huge.json"
rm -f "$TMP/record"
run_limited 60 150000 "$CAPMATCH" validate "$TMP/regions-huge.json"
expect_exact "load/huge-record" "$TMP/regions-huge.json:2: record 2: expected a record of at most 1048576 bytes, found $size bytes
$TMP/regions-huge.json:3: record 3 (id \"r-3\"): country: expected an ISO 3166-1 alpha-2 country code, found \"XX\"
2 problems in 1 of 1 file"
rm -f "$TMP/regions-huge.json"

# ---- row 13: out of memory: one message, exit 3, never "ok" ---------------
awk 'BEGIN { print "id,name,country,sector,description";
             for (i = 0; i < 200000; i++) printf "e-%d,Name %d,CN,2826,a description of some length %d\n", i, i, i }' \
    >"$TMP/enterprises-big.csv"
oom=0
[ "$SAN" -eq 1 ] && oom=1 && echo "# out-of-memory checks: plain build only (address-space limits)"
for kb in 40000 60000 80000; do
    [ "$SAN" -eq 1 ] && break
    run_limited 30 "$kb" "$CAPMATCH" validate "$TMP/enterprises-big.csv"
    # 0: enough memory; 127: too little to start the program at all
    [ "$RC" -eq 0 ] || [ "$RC" -eq 127 ] && continue
    oom=1
    if [ "$RC" -eq 3 ] && ! grep -q '^ok' "$TMP/out" &&
        [ "$(cat "$TMP/out" "$TMP/err" | grep -c 'out of memory')" -eq 1 ]; then
        ok "load/out-of-memory $kb KB"
    else
        not_ok "load/out-of-memory $kb KB" "exit status $RC, expected 3 and one message" \
            "stdout: $(head -c 400 "$TMP/out")" "stderr: $(head -c 400 "$TMP/err")"
    fi
done
[ "$oom" -eq 1 ] || not_ok "load/out-of-memory" "no limit made the load run out of memory"
