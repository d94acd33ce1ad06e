#!/usr/bin/env bash
# The benchmark engine end to end, through the blasbench executable and the fixture library
# that wraps Netlib and plants faults on demand (tests/fixtures/fixture_wrap.c):
#   outcomes   ok / wrong / crash / hang recorded per cell, while the other cells complete
#   memory     a cell above --max-memory is skipped, not run
#   interrupt  SIGINT marks the run interrupted and keeps finished cells; --resume completes it
#   writers    two runs writing one database at once both complete, nothing lost
#   refusal    a foreign or newer database is refused and left untouched
#   status     a run (or diagnose) whose status cannot be written says so and exits 3, its
#              cells committed
#   replaced   the executable replaced on disk mid-run (a rebuild): workers still start, from
#              the program that is running
# Usage: test_engine.sh BLASBENCH FIXTURE_DIR CASE
set -u
bb=$1 fix=$2/libbbfix_wrap.so case=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db=$tmp/t.db
fail=0
check() { if ! eval "$1"; then echo "FAIL: $2"; fail=1; fi; }
q() { sqlite3 "$db" "$1"; }
[ -e "$fix" ] || { echo "SKIP: fixture missing"; exit 77; }
command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 missing"; exit 77; }
fast="--budget 0.05 --target 50 --timeout 5"

case $case in
outcomes)
	"$bb" run --db "$db" $fast --threads 1 --workloads dgemm:n=48,ddot:n=1000 -b \
"good=$fix,wrong=$fix+BB_FIXTURE=wrong+BB_FIXTURE_ROUTINES=dgemm,crash=$fix+BB_FIXTURE=crash+BB_FIXTURE_ROUTINES=dgemm,hang=$fix+BB_FIXTURE=hang+BB_FIXTURE_ROUTINES=dgemm,nan=$fix+BB_FIXTURE=nan" \
		>"$tmp/out" 2>"$tmp/err"
	rc=$?
	check '[ $rc -eq 1 ]' "a run with failed cells exits 1 (got $rc)"
	st() { q "select c.status from cell c join backend b on b.id=c.backend_id where b.alias='$1' and c.routine='$2'"; }
	check '[ "$(st good dgemm)" = ok ] && [ "$(st good ddot)" = ok ]' "good backend: both ok"
	check '[ "$(st wrong dgemm)" = wrong ] && [ "$(st wrong ddot)" = ok ]' "planted wrong dgemm is 'wrong', ddot still ok"
	check '[ "$(st crash dgemm)" = crash ] && [ "$(st crash ddot)" = ok ]' "crash in dgemm recorded, ddot measured by a new worker"
	check '[ "$(st hang dgemm)" = hang ] && [ "$(st hang ddot)" = ok ]' "hang killed at the timeout, ddot still measured"
	check '[ "$(st nan dgemm)" = wrong ] && [ "$(st nan ddot)" = wrong ]' "NaN results are wrong"
	check 'q "select error from cell where status=\"crash\"" | grep -q SIGSEGV' "crash names the signal"
	check '[ "$(q "select count(*) from cell where status!=\"ok\" and gflops is not null")" = 0 ]' "no speed for a failed cell"
	check '[ "$(q "select count(*) from sample s join cell c on c.id=s.cell_id where c.status=\"ok\"")" -ge 8 ]' "raw samples kept"
	check '[ "$(q "select status from run")" = complete ]' "run complete"
	check 'head -1 "$tmp/out" | grep -q BACKEND && sed -n 2p "$tmp/out" | grep -qv " ok "' "summary lists failures first"
	;;
memory)
	"$bb" run --db "$db" $fast --threads 1 --max-memory 0.001 --workloads dgemm:n=32,dgemm:n=2000 -b netlib >"$tmp/out" 2>&1
	rc=$?
	check '[ $rc -eq 0 ]' "skipped cells are not failures (rc $rc)"
	check '[ "$(q "select status from cell where n=2000")" = skipped ]' "large cell skipped"
	check 'q "select error from cell where n=2000" | grep -q max-memory' "skip names --max-memory"
	check '[ "$(q "select status from cell where n=32")" = ok ]' "small cell ran"
	;;
interrupt)
	spec="dgemm:n=64,dgemm:n=96,dgemm:n=128,dgemm:n=160,dgemm:n=192,dgemm:n=224,dgemm:n=256,dgemm:n=288"
	# the controller leads a session of its own: its workers (each in a process group of its
	# own) stay in that session, orphaned or not, so `pgrep -s` finds any that survive it
	setsid "$bb" run --db "$db" --budget 0.5 --target 0.001 --threads 1 --workloads "$spec" -b netlib --label int >"$tmp/out" 2>&1 &
	pid=$!
	sid=$(ps -o sid= -p $pid | tr -d ' ')
	check '[ "$sid" = "$pid" ]' "the controller leads its own session (sid '$sid', pid $pid)"
	seen=
	for _ in $(seq 300); do
		[ -n "$seen" ] || seen=$(pgrep -s "$sid" -f "__worker run")
		[ "$(q "select count(*) from cell" 2>/dev/null || echo 0)" -ge 2 ] && break
		sleep 0.1
	done
	for _ in $(seq 50); do # a worker is measuring at the moment of the interrupt
		[ -n "$(pgrep -s "$sid" -f "__worker run")" ] && break
		sleep 0.02
	done
	kill -INT $pid
	wait $pid
	rc=$?
	check '[ $rc -eq 130 ]' "interrupted run exits 130 (got $rc)"
	check '[ "$(q "select status from run")" = interrupted ]' "run marked interrupted"
	before=$(q "select count(*) from cell")
	check '[ $before -ge 2 ] && [ $before -lt 8 ]' "finished cells kept ($before)"
	check '[ -n "$seen" ]' "the workers were seen in the controller's session while it ran"
	sleep 0.2 # an exited worker's zombie is reaped by init in the meantime
	left=$(pgrep -s "$sid" -a)
	check '[ -z "$left" ]' "no worker outlives the interrupted controller: $left"
	"$bb" suite --db "$db" --resume int >"$tmp/out2" 2>&1
	rc=$?
	check '[ $rc -eq 0 ]' "resume succeeds (rc $rc): $(tail -n 3 $tmp/out2)"
	check '[ "$(q "select count(*) from cell")" = 8 ]' "all 8 cells after resume"
	check '[ "$(q "select count(distinct cell_key) from cell")" = 8 ]' "no cell measured twice"
	check '[ "$(q "select status from run")" = complete ]' "run complete after resume"
	;;
writers)
	for i in 1 2; do
		"$bb" run --db "$db" $fast --threads 1 --label w$i --workloads "ddot:n=1000,daxpy:n=1000,dnrm2:n=1000,dgemv:n=64,dger:n=64,dgemm:n=32,dgemm:n=40,dgemm:n=48" -b netlib,ref >"$tmp/w$i" 2>&1 &
	done
	wait %1; r1=$?
	wait %2; r2=$?
	check '[ $r1 -eq 0 ] && [ $r2 -eq 0 ]' "both writers succeed ($r1, $r2): $(tail -n 2 $tmp/w1 $tmp/w2)"
	check '[ "$(q "select count(*) from run where status=\"complete\"")" = 2 ]' "two complete runs"
	check '[ "$(q "select count(*) from cell")" = 32 ]' "all 32 cells recorded"
	;;
refusal)
	printf 'not a database at all\n' >"$tmp/text.db"
	sqlite3 "$tmp/foreign.db" "create table customers(id integer); insert into customers values (1);"
	for f in text foreign; do
		sum=$(sha256sum <"$tmp/$f.db")
		"$bb" run --db "$tmp/$f.db" $fast --workloads ddot:n=100 -b netlib >"$tmp/out" 2>&1
		rc=$?
		check '[ $rc -ne 0 ]' "$f database refused"
		check '[ "$(sha256sum <"$tmp/$f.db")" = "$sum" ]' "$f database untouched"
		check 'grep -qi "database" "$tmp/out"' "$f: message says why: $(cat $tmp/out)"
	done
	"$bb" run --db "$db" $fast --threads 1 --workloads ddot:n=100 -b netlib >/dev/null 2>&1
	sqlite3 "$db" "pragma user_version=999"
	sum=$(sha256sum <"$db")
	"$bb" runs --db "$db" >"$tmp/out" 2>&1
	rc=$?
	check '[ $rc -ne 0 ] && grep -q newer "$tmp/out"' "newer schema refused: $(cat $tmp/out)"
	check '[ "$(sha256sum <"$db")" = "$sum" ]' "newer database untouched"
	;;
status)
	# a trigger planted in the database refuses to mark a run complete (or a resumed one running)
	"$bb" run --db "$db" $fast --threads 1 --workloads ddot:n=100 -b netlib >/dev/null 2>&1
	q "create trigger planted_fault before update of status on run
	   when new.status in ('complete', 'running')
	   begin select raise(abort, 'planted fault'); end"
	"$bb" run --db "$db" $fast --threads 1 --label st --workloads ddot:n=100,daxpy:n=100 -b netlib \
		>"$tmp/out" 2>"$tmp/err"
	rc=$?
	check '[ $rc -eq 3 ]' "a run that cannot be marked complete exits 3 (got $rc)"
	check 'grep -qx "error: cannot mark run 2 complete in '"'$db'"': planted fault" "$tmp/err"' \
		"the error names the run, the status, the database and the cause: $(cat "$tmp/err")"
	check '[ "$(q "select count(*) from cell where run_id = 2 and status = \"ok\"")" = 2 ]' \
		"the cells measured are committed all the same"
	check '[ "$(q "select status from run where id = 2")" = running ]' "the run is left as it was"
	q "update run set status = 'interrupted' where id = 2" # below the trigger's conditions
	"$bb" suite --db "$db" --resume st >"$tmp/out" 2>"$tmp/err"
	rc=$?
	check '[ $rc -eq 3 ]' "a resume that cannot mark the run running exits 3 (got $rc)"
	check 'grep -qx "error: cannot mark run 2 running in '"'$db'"': planted fault" "$tmp/err"' \
		"the resume says why: $(cat "$tmp/err")"
	# diagnose records its runs the same way (no scenario: the probe flags only, a few seconds)
	"$bb" diagnose --db "$db" --scenarios none -b netlib >"$tmp/out" 2>"$tmp/err"
	rc=$?
	check '[ $rc -eq 3 ]' "a diagnose run that cannot be marked complete exits 3 (got $rc)"
	check 'grep -qx "error: cannot mark run 3 complete in '"'$db'"': planted fault" "$tmp/err"' \
		"diagnose says why: $(cat "$tmp/err")"
	;;
replaced)
	cp "$bb" "$tmp/bb"
	"$tmp/bb" run --db "$db" $fast --passes 1 --threads 1 --workloads dgemm:n=32..256 -b "a=$fix,b=$fix" \
		>"$tmp/out" 2>"$tmp/err" &
	pid=$!
	for _ in $(seq 1 100); do # until the first cell is committed
		[ "$(q "select count(*) from cell" 2>/dev/null)" -ge 1 ] 2>/dev/null && break
		sleep 0.05
	done
	cp "$bb" "$tmp/bb.new" && mv "$tmp/bb.new" "$tmp/bb" # the old file is gone, as after a relink
	wait $pid
	rc=$?
	check '[ $rc -eq 0 ]' "the run completes (got $rc: $(tail -n 2 "$tmp/err"))"
	check '[ "$(q "select count(*) from cell where status = \"ok\"")" = 8 ]' "every cell measured, by workers started after the replacement too"
	;;
suite_quick)
	# the CI preset against the real libraries, the database inspected by SQL
	"$bb" list -b openblas,blis >/dev/null 2>&1 || { echo "SKIP: openblas or blis missing"; exit 77; }
	"$bb" suite --db "$db" --preset quick --backends openblas,blis --label ci >"$tmp/out" 2>"$tmp/err"
	rc=$?
	check '[ $rc -eq 0 ]' "suite --preset quick succeeds (rc $rc): $(tail -n 5 $tmp/out $tmp/err)"
	check '[ "$(q "select status || kind || label from run")" = completesuiteci ]' "one complete suite run"
	# 7 workload entries, dgemm 64..512 expands to 4 sizes: 10 cells x 2 thread counts x 2 backends
	check '[ "$(q "select count(*) from cell")" = 40 ]' "40 cells recorded ($(q "select count(*) from cell"))"
	# BLIS gets libflame as its LAPACK, bound to BLIS: its 6 LAPACK cells are measured
	check '[ "$(q "select count(*) from cell c join backend b on b.id=c.backend_id where b.alias=\"blis\" and c.status=\"ok\" and c.routine in (\"dgetrf\",\"dpotrf\",\"dsyevd\")")" = 6 ]' \
		"LAPACK measured on BLIS (libflame layered on it)"
	check 'q "select record_json from backend where alias=\"blis\"" | grep -q "\"lapack_layer\":\"flame\"" &&
	       q "select record_json from backend where alias=\"blis\"" | grep -q "\"lapack_blas\":\"[^\"]*libblis.so[^\"]*\""' \
		"the blis record says libflame was layered and its dgemm bound to BLIS"
	# the end: the answer, not the per-cell table; the LAPACK each used; the report beside the db
	check 'grep -q "^LAPACK USED  *openblas: its own LAPACK" "$tmp/out" &&
	       grep -q "^LAPACK USED  *blis: LAPACK flame .*its BLAS calls reach libblis.so" "$tmp/out"' \
		"the answer says which LAPACK each backend used: $(grep LAPACK "$tmp/out")"
	check 'grep -q "^BLAS-3$" "$tmp/out" && grep -q "^LAPACK$" "$tmp/out" &&
	       grep -Eq "^  dgemm 512 +2 .*\*" "$tmp/out" && ! grep -q "^BACKEND *WORKLOAD" "$tmp/out"' \
		"the side-by-side table, grouped, the fastest marked, no per-cell table"
	check '[ "$(awk "length > 100" "$tmp/out" | grep -vc "^[A-Z ]\{15\} ")" = 0 ]' "the table fits 100 columns"
	check '[ -s "$tmp/t-run1.html" ] && grep -q "^report  *$tmp/t-run1.html" "$tmp/out"' \
		"the HTML report is written next to the database and named: $(grep ^report "$tmp/out")"
	# not a terminal: a progress line per backend and every few seconds, not one per cell pass
	lines=$(grep -c "^\[[0-9]*/[0-9]*" "$tmp/err")
	check '[ "$lines" -ge 2 ] && [ "$lines" -le 30 ]' "a few progress lines in a log, not 200 ($lines)"
	check '[ "$(q "select count(*) from cell where status not in (\"ok\",\"skipped\")")" = 0 ]' \
		"no failed cell: $(q "select cell_key, status, error from cell where status not in ('ok','skipped')")"
	check '[ "$(q "select count(*) from cell where status=\"ok\" and (gflops is null or median_s is null or n_samples < 3)")" = 0 ]' \
		"every ok cell has a speed and samples"
	check '[ "$(q "select count(*) from cell c where status=\"ok\" and (select count(*) from sample s where s.cell_id=c.id) != c.n_samples")" = 0 ]' \
		"raw samples stored for every ok cell"
	check '[ "$(q "select count(distinct threads) from cell")" = 2 ]' "threads 1 and all cores"
	check '[ "$(q "select count(*) from counter where name=\"cpu_time\"")" -ge 34 ]' "CPU time counted per cell"
	check 'q "select record_json from backend where alias=\"openblas\"" | grep -q "\"family\":\"openblas\""' "backend record stored"
	check 'q "select peak_json from host" | grep -q core' "host peak stored"
	check '[ "$(q "select count(*) from cell where status=\"ok\" and (pct_peak <= 0 or pct_peak > 150)")" = 0 ]' "percent of peak plausible"
	"$bb" runs --db "$db" >"$tmp/runs" 2>&1
	check 'grep -q "ci .*suite.*complete" "$tmp/runs"' "runs lists it: $(cat $tmp/runs)"
	;;
*) echo "unknown case $case"; exit 2 ;;
esac
[ $fail -eq 0 ] && echo "engine $case: all checks passed"
exit $fail
