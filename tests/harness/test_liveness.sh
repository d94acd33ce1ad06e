#!/usr/bin/env bash
# Runs that outlive their controller (issue 14), end to end through the blasbench executable
# and the fault-planting fixture (tests/fixtures/fixture_wrap.c):
#   orphans   a worker stuck in a library call dies with a kill -9'ed controller, and the
#             job files the killed run left are removed by the next run (not a live run's)
#   owner     a killed run shows as abandoned, not running; resuming a run whose controller
#             is alive is refused (exit 2, naming its pid) and the run is left as it was;
#             resuming an abandoned run completes it
#   passes    every finished pass is committed: an interrupted (or killed) run keeps the
#             passes it finished as partial cells, reported as such, and --resume measures
#             only the missing passes
# Usage: test_liveness.sh BLASBENCH FIXTURE_DIR CASE
set -u
bb=$1 fix=$2/libbbfix_wrap.so case=$3
tmp=$(mktemp -d)
export TMPDIR=$tmp/tmpdir
mkdir -p "$TMPDIR"
pids=
# at the end, whatever is left in the sessions this test started (a worker that survived)
trap 'for p in $pids; do kill -9 $p $(pgrep -s $p) 2>/dev/null; done; rm -rf "$tmp"' EXIT
db=$tmp/t.db
fail=0
check() { if ! eval "$1"; then echo "FAIL: $2"; fail=1; fi; }
q() { sqlite3 "$db" "$1"; }
[ -e "$fix" ] || { echo "SKIP: fixture missing"; exit 77; }
command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 missing"; exit 77; }
hang="hang=$fix+BB_FIXTURE=hang+BB_FIXTURE_ROUTINES=dgemm"

# Start blasbench ARGS... as the leader of a session of its own in the background: its workers
# stay in that session, orphaned or not, so `pgrep -s` finds any that outlive it.  Sets $pid.
start() {
	setsid "$bb" "$@" >"$tmp/out" 2>&1 &
	pid=$!
	pids="$pids $pid"
}
# Wait up to 10 s for a worker of session $pid; prints its pid.
worker_of() {
	for _ in $(seq 200); do
		w=$(pgrep -s "$pid" -f "__worker run" | head -1)
		[ -n "$w" ] && { echo "$w"; return 0; }
		sleep 0.05
	done
	return 1
}
# Wait up to 2 s for session $1 to be empty; true if it is.
session_gone() {
	for _ in $(seq 40); do
		[ -z "$(pgrep -s "$1")" ] && return 0
		sleep 0.05
	done
	return 1
}

case $case in
orphans)
	start run --db "$db" --budget 0.05 --target 50 --timeout 60 --threads 1 \
		--workloads dgemm:n=48 -b "$hang"
	w=$(worker_of)
	check '[ -n "$w" ]' "a worker started"
	job=$(tr '\0' '\n' <"/proc/$w/cmdline" 2>/dev/null | grep blasbench-job)
	check '[ -n "$job" ] && [ -e "$job" ]' "the worker's job file exists ('$job')"
	sleep 0.3 # the worker is inside the hanging dgemm
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	check 'session_gone "$pid"' "no worker outlives a kill -9'ed controller by 2 s (left: $(pgrep -s "$pid" -a | tr '\n' ';'))"
	check '[ -e "$job" ]' "the killed run left its job file (as expected: nothing could remove it)"
	# a job file of a live controller (this shell, if named the way blasbench names them)
	# must survive the next run's clean-up; that of a dead one must not
	me=$(awk '{ sub(/.*\) /, ""); print $20 }' /proc/$$/stat)
	live="$TMPDIR/blasbench-job-$$-$me-abcdef"
	: >"$live"
	"$bb" run --db "$db" --budget 0.02 --target 50 --threads 1 --workloads ddot:n=100 -b "good=$fix" >"$tmp/out2" 2>&1
	check '[ $? -eq 0 ]' "the next run completes"
	check '[ ! -e "$job" ]' "the next run removed the job file the killed run left ('$job')"
	check '[ -e "$live" ]' "a live controller's job file is kept"
	check '[ -z "$(ls "$TMPDIR" | grep -v "^blasbench-job-$$-")" ]' "the next run left no job file of its own ($(ls "$TMPDIR"))"
	;;
owner)
	# ddot is measured, then dgemm hangs in the library until the timeout: the run is being
	# measured for that long
	start run --db "$db" --budget 0.02 --target 50 --passes 1 --timeout 8 --threads 1 \
		--workloads ddot:n=100,dgemm:n=48 -b "$hang" --label own
	for _ in $(seq 200); do
		[ "$(q "select count(*) from cell" 2>/dev/null)" = 1 ] && break
		sleep 0.05
	done
	check '[ "$(q "select count(*) from cell")" = 1 ]' "ddot recorded, dgemm hanging"
	"$bb" runs --db "$db" >"$tmp/runs" 2>&1
	check 'grep -q "own .*running" "$tmp/runs" && ! grep -q abandoned "$tmp/runs"' "runs: a live run is running: $(cat "$tmp/runs")"
	"$bb" suite --db "$db" --resume own >"$tmp/res" 2>&1
	rc=$?
	check '[ $rc -eq 2 ]' "resuming a run still being measured is refused with exit 2 (got $rc)"
	check 'grep -q "pid $pid" "$tmp/res"' "the refusal names the controller's pid $pid: $(cat "$tmp/res")"
	check '[ "$(q "select status from run")" = running ] && [ "$(q "select count(*) from cell")" = 1 ]' \
		"the refused resume changed nothing ($(q "select status from run"), $(q "select count(*) from cell") cells)"
	check 'kill -0 $pid' "the controller still runs"
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	"$bb" runs --db "$db" >"$tmp/runs" 2>&1
	check 'grep -q "own .*abandoned (controller $pid gone)" "$tmp/runs"' "runs: a killed controller's run is abandoned: $(cat "$tmp/runs")"
	"$bb" runs --db "$db" --json >"$tmp/runs.json" 2>&1
	check 'grep -q "\"status\": *\"abandoned\"" "$tmp/runs.json" && grep -q "\"state\": *\"gone\"" "$tmp/runs.json"' \
		"runs --json: status abandoned, owner gone: $(cat "$tmp/runs.json")"
	"$bb" suite --db "$db" --resume own >"$tmp/res" 2>&1
	rc=$?
	check '[ $rc -eq 1 ]' "an abandoned run is resumed; its hanging cell makes it exit 1 (got $rc): $(tail -n 3 "$tmp/res")"
	check '[ "$(q "select status from run")" = complete ]' "the resumed run is complete ($(q "select status from run"))"
	check '[ "$(q "select group_concat(routine || \"=\" || status) from (select * from cell order by routine)")" = "ddot=ok,dgemm=hang" ]' \
		"each cell once: $(q "select group_concat(routine || \"=\" || status) from cell")"
	"$bb" runs --db "$db" >"$tmp/runs" 2>&1
	check 'grep -q "own .*complete" "$tmp/runs"' "runs: complete after the resume: $(cat "$tmp/runs")"
	;;
*)
	echo "unknown case '$case'"
	exit 2
	;;
esac
[ $fail -eq 0 ] && echo "PASS: $case"
exit $fail
