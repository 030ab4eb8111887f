# A sharded run on a real Slurm cluster: scripts/slurm/local-cluster starts
# munged, slurmctld and slurmd (Debian's slurm-wlm) as a one-node cluster in
# a temporary directory; scripts/slurm/submit runs capmatch match as a job
# array of 4 shards and the merge after it. The merged output must be byte
# for byte that of one match run, by enterprise and by region. Then a task
# that fails (a node lost: the command it runs exits 3) is run again alone
# and the merge made after it. Skips, saying why, only where Slurm cannot
# start; the daemons it started are stopped by their pid files, whatever
# happens.
. tests/cli/lib.sh

CAPMATCH=$(cd "$(dirname "$CAPMATCH")" && pwd)/$(basename "$CAPMATCH")
export CAPMATCH     # the command the jobs run (scripts/slurm/submit)
CLUSTER="$TMP/cluster"
trap 'sh scripts/slurm/local-cluster stop "$CLUSTER" 2>/dev/null; rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM HUP

if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
    sh scripts/install-deps.sh slurm >"$TMP/deps.log" 2>&1
fi
if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
    echo "ok slurm: a sharded run on a Slurm cluster # SKIP Slurm is not installed and" \
        "scripts/install-deps.sh slurm failed: $(tail -n 1 "$TMP/deps.log")"
    exit 0
fi
if ! sh scripts/slurm/local-cluster start "$CLUSTER" >"$TMP/start.out" 2>"$TMP/start.err"; then
    echo "ok slurm: a sharded run on a Slurm cluster # SKIP Slurm cannot start here:" \
        "$(head -n 1 "$TMP/start.err")"
    sed 's/^/    /' "$TMP/start.err"
    exit 0
fi
ok "a one-node Slurm cluster runs (munged, slurmctld, slurmd)"
export SLURM_CONF="$CLUSTER/slurm.conf"

# wait_job JOB: until no task of JOB is pending or running (5 min at most);
# prints each task's state, one a line
wait_job() {
    [ -n "$1" ] || { echo "(no job)"; return 0; }
    i=0
    while [ $i -lt 1500 ]; do
        states=$(scontrol -o show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
        case "$states" in
        *PENDING* | *RUNNING* | *CONFIGURING* | *COMPLETING* | '') ;;
        *) echo "$states"; return 0 ;;
        esac
        sleep 0.2
        i=$((i + 1))
    done
    echo "$states"
}

R=examples/data/regions.json
E=examples/data/enterprises.json
P=rules/default.lua

# check_run NAME RUNDIR SUBMIT-OUTPUT ONE-RUN: the array's 4 tasks and the
# merge completed, each task logged, and the merge is the one run's bytes
check_run() {
    name=$1 run=$2 one=$4
    array=$(sed -n 's/^array //p' "$3")
    merge=$(sed -n 's/^merge //p' "$3")
    tasks=$(wait_job "$array" | sort | uniq -c | sed 's/^ *//')
    if [ "$tasks" = "4 COMPLETED" ]; then ok "$name: 4 array tasks completed"; else
        not_ok "$name: 4 array tasks completed" "states: $tasks" \
            "$(cat "$run"/logs/shard-*.log 2>/dev/null | head -n 20)"; fi
    state=$(wait_job "$merge")
    if [ "$state" = COMPLETED ]; then ok "$name: the merge job completed after them"; else
        not_ok "$name: the merge job completed after them" "state: $state" \
            "$(cat "$run/logs/merge.log" 2>/dev/null)"; fi
    n=0
    for i in 0 1 2 3; do
        grep -q "shard $i/4 done" "$run/logs/shard-$i.log" 2>/dev/null && n=$((n + 1))
    done
    if [ $n -eq 4 ]; then ok "$name: each task has its own log"; else
        not_ok "$name: each task has its own log" "$(ls "$run/logs" 2>&1)"; fi
    if grep -q "\"shard\":\"3/4\"" "$run/shard-3-of-4.jsonl" 2>/dev/null &&
        ! cmp -s "$run/shard-0-of-4.jsonl" "$one"; then
        ok "$name: the tasks ran shards (--shard I/4)"; else
        not_ok "$name: the tasks ran shards (--shard I/4)" "$(ls "$run" 2>&1)"; fi
    if [ -s "$one" ] && cmp -s "$run/merged.jsonl" "$one"; then
        ok "$name: the merged output is byte for byte that of one match run"; else
        not_ok "$name: the merged output is byte for byte that of one match run" \
            "$(diff "$one" "$run/merged.jsonl" 2>&1 | head -n 6 | cut -c 1-200)"; fi
}

# by enterprise
"$CAPMATCH" match --regions "$R" --enterprises "$E" --policy "$P" --by enterprise --top 5 \
    --format jsonl -o "$TMP/one-enterprise.jsonl"
sh scripts/slurm/submit --shards 4 "$TMP/run-enterprise" -- --regions "$R" --enterprises "$E" \
    --policy "$P" --by enterprise --top 5 >"$TMP/submit.out" 2>"$TMP/err"
RC=$?
expect_status "by enterprise: the job array and the merge are submitted" 0
check_run "by enterprise" "$TMP/run-enterprise" "$TMP/submit.out" "$TMP/one-enterprise.jsonl"

# by region: the README's block, as it is
"$CAPMATCH" match --regions "$R" --enterprises "$E" --policy "$P" --by region --top 5 \
    --format jsonl -o "$TMP/one-region.jsonl"
n=$(doc_blocks README.md "tests/cli/slurm.sh runs this block" "$TMP/doc")
if [ "$n" -eq 1 ]; then ok "README: the Slurm block is there"; else not_ok "README: the Slurm block is there" "found $n"; fi
doc_sandbox "$TMP/doc"
(cd "$TMP/doc" && PATH="$TMP/doc/bin:$PATH" CAPMATCH="" sh -e block-1.sh) \
    >"$TMP/submit.out" 2>"$TMP/err"
RC=$?
expect_status "by region (the README's block): the job array and the merge are submitted" 0
check_run "by region" "$TMP/doc/runs/by-region" "$TMP/submit.out" "$TMP/one-region.jsonl"

# a task that fails, run again alone: the command the tasks run fails for
# shard 2 while $TMP/broken exists (as a task on a lost node would)
cat >"$TMP/flaky" <<EOF
#!/bin/sh
case " \$* " in
*" --shard 2/4 "*) [ -e "$TMP/broken" ] && { echo "flaky: shard 2 lost its node" >&2; exit 3; } ;;
esac
exec "$CAPMATCH" "\$@"
EOF
chmod +x "$TMP/flaky"
touch "$TMP/broken"
run="$TMP/run-flaky"
CAPMATCH="$TMP/flaky" sh scripts/slurm/submit --shards 4 "$run" -- --regions "$R" \
    --enterprises "$E" --policy "$P" --by region --top 5 >"$TMP/submit.out" 2>"$TMP/err"
RC=$?
expect_status "a run with a failing task is submitted" 0
array=$(sed -n 's/^array //p' "$TMP/submit.out")
merge=$(sed -n 's/^merge //p' "$TMP/submit.out")
tasks=$(wait_job "$array" | sort | uniq -c | sed 's/^ *//' | tr '\n' ' ')
if [ "$tasks" = "3 COMPLETED 1 FAILED " ]; then ok "task 2 failed, the three others completed"; else
    not_ok "task 2 failed, the three others completed" "states: $tasks"; fi
state=$(wait_job "$merge")
if [ "$state" != COMPLETED ] && [ ! -e "$run/merged.jsonl" ]; then
    ok "no merge after a failed task ($state)"; else
    not_ok "no merge after a failed task" "state: $state"; fi
if grep -q "FAILED.*--rerun 2" "$run/logs/shard-2.log" && [ ! -e "$run/shard-2-of-4.jsonl" ]; then
    ok "the failed task's log says how to run it again, and it left no output"; else
    not_ok "the failed task's log says how to run it again" "$(cat "$run/logs/shard-2.log")"; fi
cp "$run/shard-0-of-4.jsonl" "$TMP/shard0.before"
rm "$TMP/broken"
sh scripts/slurm/submit --rerun 2 "$run" >"$TMP/submit.out" 2>"$TMP/err"
RC=$?
expect_status "submit --rerun 2" 0
array=$(sed -n 's/^array //p' "$TMP/submit.out")
merge=$(sed -n 's/^merge //p' "$TMP/submit.out")
tasks=$(wait_job "$array" | tr '\n' ' ')
state=$(wait_job "$merge")
if [ "$tasks" = "COMPLETED " ] && [ "$state" = COMPLETED ]; then
    ok "task 2 ran again alone, and the merge after it"; else
    not_ok "task 2 ran again alone, and the merge after it" "task: $tasks merge: $state" \
        "$(cat "$run/logs/merge.log" 2>/dev/null)"; fi
starts=""
for i in 0 1 2 3; do starts="$starts$(grep -c 'started' "$run/logs/shard-$i.log")"; done
if [ "$starts" = 1121 ] && cmp -s "$run/shard-0-of-4.jsonl" "$TMP/shard0.before"; then
    ok "only task 2 ran twice (its log has both runs)"; else
    not_ok "only task 2 ran twice" "starts per task: $starts"; fi
if cmp -s "$run/merged.jsonl" "$TMP/one-region.jsonl"; then
    ok "after the re-run, the merge is byte for byte one match run's"; else
    not_ok "after the re-run, the merge is byte for byte one match run's" \
        "$(diff "$TMP/one-region.jsonl" "$run/merged.jsonl" 2>&1 | head -n 6 | cut -c 1-200)"; fi
