#!/usr/bin/env bash
# OpenMP runtimes and thread counts as cell dimensions (run --omp, --threads past the cores),
# end to end against the installed OpenBLAS, libgomp and LLVM libomp, the database inspected
# by SQL:
#   cells    --threads 1,2,4 --omp none,gomp,llvm: 9 cells, their runtime and keys (none keeps
#            the keys of runs without --omp), oversubscription marked above the cores only,
#            wait-policy knobs recorded from the spec and from the environment, --json
#   refusal  a mistyped runtime is refused before anything runs, with a suggestion (exit 2)
#   badpath  a library that is not an OpenMP runtime makes its cells error, the others go on
#   resume   one copy or two runtimes next to an OpenMP backend; suite --resume replays --omp
# Usage: test_omp_cells.sh BLASBENCH CASE
set -u
bb=$1 case=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db=$tmp/t.db
fail=0
check() { if ! eval "$1"; then echo "FAIL: $2"; fail=1; fi; }
q() { sqlite3 "$db" "$1"; }
command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 missing"; exit 77; }
"$bb" list -b openblas,openblas-openmp >/dev/null 2>&1 || { echo "SKIP: openblas missing"; exit 77; }
for lib in libgomp.so.1 libomp.so.5; do
	ldconfig -p | grep -q "$lib " || { echo "SKIP: $lib missing"; exit 77; }
done
fast="--budget 0.05 --target 50 --passes 1 --timeout 30"
cores=$("$bb" info --json 2>/dev/null | grep -m1 '"cores"' | tr -dc 0-9)
[ -n "$cores" ] || cores=$(nproc)

case $case in
cells)
	OMP_WAIT_POLICY=passive "$bb" run --db "$db" $fast --backends openblas --workloads dgemm:n=64 \
		--threads 1,2,4 --omp none,gomp,llvm --json >"$tmp/out" 2>"$tmp/err"
	rc=$?
	check '[ $rc -eq 0 ]' "run succeeds (rc $rc): $(tail -n 3 $tmp/err)"
	check '[ "$(q "select count(*) from cell where status=\"ok\"")" = 9 ]' "9 ok cells ($(q "select count(*) from cell"))"
	# in order of name: the engine runs the runtimes' blocks in a random order (interleaved)
	rts="select group_concat(r) from (select distinct ifnull(omp_runtime, '-') r from cell order by r)"
	check '[ "$(q "$rts")" = "-,gomp,llvm" ]' "omp_runtime: NULL, gomp, llvm ($(q "$rts"))"
	key=openblas\|dgemm:m=64,n=64,k=64,ta=N,tb=N
	check '[ "$(q "select count(*) from cell where cell_key in (\"$key|t=2\", \"$key|t=2|omp=gomp\", \"$key|t=2|omp=llvm\")")" = 3 ]' \
		"keys: no suffix without a runtime, |omp=NAME with one: $(q "select cell_key from cell where threads=2")"
	check '[ "$(q "select count(*) from cell where omp_runtime is null and cell_key like \"%omp=%\"")" = 0 ]' \
		"no omp in the keys of cells without a runtime"
	over=$(q "select group_concat(distinct threads) from cell where json_extract(params_json, '$.oversubscribed')")
	want=$(for t in 1 2 4; do [ $t -gt "$cores" ] && printf '%s,' $t; done)
	check '[ "$over" = "${want%,}" ]' "oversubscribed exactly above $cores cores: got '$over', want '${want%,}'"
	check '[ -z "$over" ] || [ "$(q "select distinct json_extract(params_json, \"$.cores\") from cell where threads=4")" = "$cores" ]' \
		"an oversubscribed cell records the cores"
	check '[ "$(q "select count(*) from cell where json_extract(params_json, \"$.env.OMP_WAIT_POLICY\")=\"passive\"")" = 9 ]' \
		"OMP_WAIT_POLICY from the environment recorded in every cell"
	check '[ "$(q "select count(*) from cell where omp_runtime is not null and json_extract(params_json, \"$.omp_realpath\") like \"/%\"")" = 6 ]' \
		"the runtime's real path recorded"
	check '[ "$(q "select count(*) from cell where omp_runtime is not null and json_extract(params_json, \"$.omp_shared\") = 0")" = 6 ]' \
		"pthreads OpenBLAS shares no runtime with the co-loaded one"
	check 'grep -q "\"omp\": \"llvm\"" "$tmp/out" && grep -q "\"omp\": null" "$tmp/out" && grep -q "\"params\": {" "$tmp/out"' \
		"--json has omp and params"
	# each oversubscribed cell says so twice: as a field and in its params
	n_over=$(q "select count(*) from cell where json_extract(params_json, '$.oversubscribed')")
	check '[ "$(grep -c "\"oversubscribed\": true" "$tmp/out")" = $((2 * n_over)) ]' \
		"--json marks the $n_over oversubscribed cells"
	check 'q "select options_json from run" | grep -q "\"omp\":\"none,gomp,llvm\""' "the plan records --omp"

	# the spec's own knob, and the terminal's marker and footnote
	db=$tmp/t2.db
	"$bb" run --db "$db" $fast --backends openblas+OMP_WAIT_POLICY=passive --workloads dgemm:n=64 \
		--threads $((cores + 1)) --omp gomp >"$tmp/out" 2>"$tmp/err"
	rc=$?
	check '[ $rc -eq 0 ]' "spec run succeeds (rc $rc): $(tail -n 3 $tmp/err)"
	check '[ "$(q "select json_extract(params_json, \"$.env.OMP_WAIT_POLICY\") from cell")" = passive ]' \
		"OMP_WAIT_POLICY from the spec recorded: $(q "select params_json from cell")"
	check 'grep -q " $((cores + 1))\* " "$tmp/out" && grep -q "more threads than the $cores cores" "$tmp/out"' \
		"table marks t=$((cores + 1))* with a footnote: $(cat $tmp/out)"
	check 'grep -q "t=$((cores + 1))\* omp=gomp (backend links no OpenMP runtime)" "$tmp/err"' \
		"progress names the runtimes: $(cat $tmp/err)"
	;;
refusal)
	"$bb" run --db "$db" $fast --backends openblas --workloads dgemm:n=64 --omp none,gmop >"$tmp/out" 2>&1
	rc=$?
	check '[ $rc -eq 2 ]' "unknown runtime exits 2 (got $rc)"
	check 'grep -q "did you mean '"'"'gomp'"'"'" "$tmp/out"' "suggests gomp: $(cat $tmp/out)"
	check '[ ! -e "$db" ]' "nothing ran: no database created"
	"$bb" run --db "$db" $fast --backends openblas --workloads dgemm:n=64 --threads 257 >"$tmp/out" 2>&1
	rc=$?
	check '[ $rc -eq 2 ] && grep -q "1 to 256" "$tmp/out"' "257 threads refused (rc $rc): $(cat $tmp/out)"
	;;
badpath)
	libm=$(ldconfig -p | awk '/libm.so.6 .*x86-64/ {print $NF; exit}')
	[ -n "$libm" ] || libm=/lib/x86_64-linux-gnu/libm.so.6
	"$bb" run --db "$db" $fast --backends openblas --workloads dgemm:n=64,ddot:n=1000 --threads 1 \
		--omp "none,$libm" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	check '[ $rc -eq 1 ]' "a runtime that cannot load fails the run (rc $rc)"
	errors=$(q "select count(*) from cell where omp_runtime='$libm' and status='error'")
	oks=$(q "select count(*) from cell where omp_runtime is null and status='ok'")
	why=$(q "select error from cell where status='error' limit 1")
	check '[ "$errors" = 2 ]' "its cells are errors: $(q "select cell_key, status from cell")"
	check '[ "$oks" = 2 ]' "the other cells are ok"
	check '[[ "$why" == "OpenMP runtime could not be loaded"*GOMP_parallel* ]]' "the error says why: $why"
	check 'q "select record_json from backend" | grep -q "\"family\":\"openblas\""' "the backend record is still stored"
	;;
resume)
	"$bb" run --db "$db" $fast --backends openblas-openmp --workloads dgemm:n=64,ddot:n=1000 --threads 1 \
		--omp gomp,llvm --label r1 >"$tmp/out" 2>"$tmp/err"
	rc=$?
	check '[ $rc -eq 0 ]' "run succeeds (rc $rc): $(tail -n 3 $tmp/err)"
	check 'grep -q "omp=gomp (backend links libgomp.so.1: one shared copy)" "$tmp/err"' "gomp next to libgomp: one copy"
	check 'grep -q "omp=llvm (backend links libgomp.so.1: two runtimes)" "$tmp/err"' "llvm next to libgomp: two runtimes"
	check '[ "$(q "select group_concat(json_extract(params_json, \"$.omp_shared\"), \"\") from cell where omp_runtime=\"gomp\"")" = 11 ]' \
		"omp_shared true for gomp"
	check '[ "$(q "select group_concat(json_extract(params_json, \"$.omp_shared\"), \"\") from cell where omp_runtime=\"llvm\"")" = 00 ]' \
		"omp_shared false for llvm"
	q "pragma foreign_keys=on; delete from cell where routine='ddot'; update run set status='interrupted'"
	"$bb" suite --db "$db" --resume r1 >"$tmp/out2" 2>&1
	rc=$?
	check '[ $rc -eq 0 ]' "resume succeeds (rc $rc): $(tail -n 3 $tmp/out2)"
	check '[ "$(q "select count(*) from cell")" = 4 ]' "4 cells after resume: $(q "select cell_key from cell")"
	check '[ "$(q "select count(*) from cell where cell_key like \"%|omp=%\" and omp_runtime is not null")" = 4 ]' \
		"resume replays --omp: every cell has its runtime"
	;;
*) echo "unknown case $case"; exit 2 ;;
esac
[ $fail -eq 0 ] && echo "omp cells $case: all checks passed"
exit $fail
