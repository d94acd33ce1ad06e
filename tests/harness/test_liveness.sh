#!/usr/bin/env bash
# Runs that outlive their controller (issue 14), end to end through the blasbench executable
# and the fault-planting fixture (tests/fixtures/fixture_wrap.c):
#   orphans   a worker stuck in a library call dies with a kill -9'ed controller, and the
#             job files (and workers' library copies) killed runs left are removed by the
#             next run (not a live run's)
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
	# the same for a worker's private library copy (diagnose): a directory with the copy; an
	# owner "started at another time" is a pid reused, its owner gone
	mkdir "$TMPDIR/blasbench-copy-$$-$me-ghijkl" "$TMPDIR/blasbench-copy-$$-$((me + 1))-mnopqr"
	: >"$TMPDIR/blasbench-copy-$$-$me-ghijkl/libx.so"
	: >"$TMPDIR/blasbench-copy-$$-$((me + 1))-mnopqr/libx.so"
	: >"$TMPDIR/blasbench-job-$$-$((me + 1))-stuvwx"
	"$bb" run --db "$db" --budget 0.02 --target 50 --threads 1 --workloads ddot:n=100 -b "good=$fix" >"$tmp/out2" 2>&1
	check '[ $? -eq 0 ]' "the next run completes"
	check '[ ! -e "$job" ]' "the next run removed the job file the killed run left ('$job')"
	check '[ -e "$live" ]' "a live controller's job file is kept"
	check '[ ! -e "$TMPDIR/blasbench-job-$$-$((me + 1))-stuvwx" ]' "a job file whose pid was reused is removed"
	check '[ -e "$TMPDIR/blasbench-copy-$$-$me-ghijkl/libx.so" ]' "a live worker's library copy is kept"
	check '[ ! -e "$TMPDIR/blasbench-copy-$$-$((me + 1))-mnopqr" ]' "a dead worker's library copy is removed"
	check '[ -z "$(ls "$TMPDIR" | grep -v "^blasbench-[a-z]*-$$-$me-")" ]' "the next run left no job file of its own ($(ls "$TMPDIR"))"
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
passes|passes_killed)
	# 4 cells x 3 passes; pass 1 of every cell runs before pass 2 of any: stopped once every
	# cell has its first pass, the run has no complete cell at all
	sig=INT
	[ $case = passes_killed ] && sig=KILL
	start run --db "$db" --budget 0.9 --target 0.001 --passes 3 --threads 1 --label p \
		--workloads ddot:n=1000,daxpy:n=1000,dgemm:n=32,dgemm:n=48 -b "good=$fix"
	# the 4th pass measured: 4 partial cells (a log gets a progress line every few seconds,
	# not one per pass: the database says when)
	for _ in $(seq 600); do
		[ "$(q "select count(*) from cell where status = 'partial'" 2>/dev/null)" = 4 ] && break
		sleep 0.05
	done
	check '[ "$(q "select count(*) from cell where status = \"partial\"")" = 4 ]' \
		"every cell has its first pass: $(tail -n 1 "$tmp/out")"
	kill -$sig "$pid"
	wait "$pid"
	rc=$?
	[ $sig = INT ] && check '[ $rc -eq 130 ]' "the interrupted run exits 130 (got $rc)"
	[ $sig = INT ] && check 'grep -q "partial (their finished passes kept)" "$tmp/out"' "the interrupt says partial cells were kept: $(tail -n 2 "$tmp/out")"
	check '[ "$(q "select count(*) from cell where status = \"partial\"")" -ge 1 ]' \
		"the finished passes are kept as partial cells ($(q "select group_concat(status) from cell"))"
	check '[ "$(q "select count(*) from cell where status = \"partial\" and (gflops is not null or median_s is not null)")" = 0 ]' \
		"a partial cell has no speed: it is not a result"
	check '[ "$(q "select count(*) from cell c where status = \"partial\" and (select count(*) from sample s where s.cell_id = c.id and s.pass is not null) != c.n_samples")" = 0 ]' \
		"a partial cell keeps its samples, each with its pass"
	kept=$(q "select count(distinct s.cell_id || '/' || s.pass) from sample s")
	check '[ "$kept" -ge 4 ] && [ "$kept" -lt 12 ]' "passes kept: $kept of 12"
	before=$(q "select group_concat(x) from (select c.cell_key || '/' || s.pass || '/' || s.seq || '=' || s.seconds as x from sample s join cell c on c.id = s.cell_id order by x)")
	"$bb" runs --db "$db" >"$tmp/runs" 2>&1
	check 'grep -q "PARTIAL" "$tmp/runs" && grep -Eq "^1 +p .* 4 +0 +0 +[1-4] +good" "$tmp/runs"' "runs counts the partial cells: $(cat "$tmp/runs")"
	"$bb" runs --db "$db" --json >"$tmp/runs.json" 2>&1
	check 'grep -q "\"cells_partial\": [1-4]" "$tmp/runs.json"' "runs --json counts them"
	"$bb" report p --db "$db" --html "$tmp/r.html" >"$tmp/rep" 2>&1
	check 'grep -q "cells (0 failed)" "$tmp/rep" && grep -q "partial: the run was stopped" "$tmp/r.html"' \
		"report: partial cells are neither results nor failures: $(cat "$tmp/rep")"
	# BB_TEST_VERBOSE=1: what the interrupted run said and left
	[ -n "${BB_TEST_VERBOSE:-}" ] && { cat "$tmp/out" "$tmp/runs"; echo "kept $kept"; }
	"$bb" suite --db "$db" --resume p >"$tmp/res" 2>&1
	rc=$?
	check '[ $rc -eq 0 ]' "the resume completes the run (rc $rc): $(tail -n 3 "$tmp/res")"
	check 'grep -q "$((12 - kept)) passes to measure" "$tmp/res"' "the resume measures only the $((12 - kept)) missing passes: $(grep resuming "$tmp/res")"
	check '[ "$(q "select status from run")" = complete ]' "the run is complete"
	check '[ "$(q "select count(*) from cell where status = \"ok\" and gflops > 0")" = 4 ] && [ "$(q "select count(*) from cell")" = 4 ]' \
		"4 ok cells, each once ($(q "select group_concat(status) from cell"))"
	check '[ "$(q "select count(*) from (select cell_id from sample group by cell_id having count(distinct pass) = 3)")" = 4 ]' \
		"every cell has samples of its 3 passes"
	after=$(q "select group_concat(x) from (select c.cell_key || '/' || s.pass || '/' || s.seq || '=' || s.seconds as x from sample s join cell c on c.id = s.cell_id order by x)")
	kept_after=0
	IFS=, read -ra xs <<<"$before"
	for x in "${xs[@]}"; do case ",$after," in *",$x,"*) kept_after=$((kept_after + 1)) ;; esac; done
	check '[ "$kept_after" = "${#xs[@]}" ] && [ "$kept_after" -gt 0 ]' "the samples of the kept passes are in the complete cells unchanged ($kept_after of ${#xs[@]})"
	;;
*)
	echo "unknown case '$case'"
	exit 2
	;;
esac
[ $fail -eq 0 ] && echo "PASS: $case"
exit $fail
