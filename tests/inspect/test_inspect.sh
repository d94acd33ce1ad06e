#!/usr/bin/env bash
# `blasbench inspect` end to end on C programs (prog_linked.c, prog_late.c):
#   linked  a program linked against Debian's OpenBLAS and libgomp: both reported with list's
#           record, OpenBLAS's thread count as the program set it (1, read inside the process,
#           not the library's default), the pthreads+OpenMP flag; the program's output and exit
#           code (5) pass through; neither it nor its child sees blasbench's variables
#   late    a BLIS dlopen()ed after start-up is reported, with the thread count it was set to
#   crash   a program killed by SIGSEGV after loading: exit 128+11, the signal named, the
#           library it had loaded still listed
#   exec    a CMD that execs the late-loading program (sh -c 'exec ...'): the BLIS is still
#           listed (seen in /proc/PID/maps) and the report says the probe stayed out of the
#           exec'ed program, naming both programs
#   R       R (its binary, as the R script would exec it) solving a system: Debian's
#           libblas.so.3 and liblapack.so.3 over libopenblas.so.0 are the interfaces of one
#           OpenBLAS, not two copies (no two-blas flag); liblapack.so.3 is marked as a name
#           threadpoolctl's prefixes miss; the OpenBLAS thread count is read inside R
#   errors  a CMD that does not exist (127), one that is not executable (126), no CMD (2)
#   pid     --pid of a running program: what it maps; a PID that does not exist (127)
# Usage: test_inspect.sh BLASBENCH CASE LINKED_PROG LATE_PROG
set -u
bb=$1 case=$2 linked=$3 late=$4
libdir=/usr/lib/x86_64-linux-gnu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if ! eval "$1"; then echo "FAIL: $2"; fail=1; fi; }
# j EXPR: evaluate a Python expression on the JSON report in $tmp/out.json (d)
j() { python3 -c "import json,sys; d=json.load(open('$tmp/out.json')); print($1)"; }

case $case in
linked)
	[ -x "$linked" ] || { echo "SKIP: Debian's OpenBLAS or OpenMP not found at configure time"; exit 77; }
	"$bb" inspect --json -- "$linked" >"$tmp/all.out" 2>"$tmp/err"
	rc=$?
	check '[ $rc -eq 5 ]' "the program's exit code (5) is kept, got $rc"
	check 'grep -q "^linked: omp threads [0-9]*, blasbench variables seen 0$" "$tmp/all.out"' \
		"the program's output passes through and it sees no LD_PRELOAD/BLASBENCH_ variable"
	check 'grep -q "^child sees: 0$" "$tmp/all.out"' "a child of the program sees none either"
	sed -n '/^{/,$p' "$tmp/all.out" >"$tmp/out.json"
	check '[ "$(j "[l[\"record\"][\"family\"] for l in d[\"libraries\"] if l[\"kind\"]==\"blas\"]")" = "['"'"'openblas'"'"']" ]' \
		"one BLAS, family openblas: $(j '[(l["kind"], l["realpath"]) for l in d["libraries"]]' 2>&1)"
	check '[ "$(j "[l[\"in_process\"][\"threads\"] for l in d[\"libraries\"] if l[\"kind\"]==\"blas\"]")" = "[1]" ]' \
		"OpenBLAS's threads in effect are what the program set (1)"
	check '[ "$(j "[l[\"record\"][\"version\"] for l in d[\"libraries\"] if l[\"kind\"]==\"blas\"]")" = "['"'"'0.3.21'"'"']" ]' \
		"Debian's OpenBLAS version from its record"
	check '[ "$(j "[l[\"runtime\"] for l in d[\"libraries\"] if l[\"kind\"]==\"openmp\"]")" = "['"'"'GCC libgomp'"'"']" ]' \
		"libgomp reported as the OpenMP runtime"
	check '[ "$(j "sorted(f[\"flag\"] for f in d[\"flags\"])")" != "[]" ] && j "[f[\"flag\"] for f in d[\"flags\"]]" | grep -q pthreads-and-openmp' \
		"the pthreads BLAS beside libgomp is flagged"
	;;
late | crash)
	blis=$libdir/blis-pthread/libblis.so.4
	[ -e "$blis" ] || { echo "SKIP: BLIS not installed"; exit 77; }
	"$bb" inspect --json -- "$late" "$blis" ${case/late/} >"$tmp/all.out" 2>"$tmp/err"
	rc=$?
	sed -n '/^{/,$p' "$tmp/all.out" >"$tmp/out.json"
	check 'grep -q "^late: loaded" "$tmp/all.out"' "the program's output passes through"
	check '[ "$(j "[l[\"record\"][\"family\"] for l in d[\"libraries\"] if l[\"kind\"]==\"blas\"]")" = "['"'"'blis'"'"']" ]' \
		"the BLIS loaded late is reported: $(j '[(l["kind"], l["realpath"]) for l in d["libraries"]]' 2>&1)"
	if [ "$case" = late ]; then
		check '[ $rc -eq 3 ]' "exit code 3 kept, got $rc"
		check '[ "$(j "[l[\"in_process\"][\"threads\"] for l in d[\"libraries\"] if l[\"kind\"]==\"blas\"]")" = "[1]" ]' \
			"BLIS's thread count in effect (1, set by the program) read inside the process"
	else
		check '[ $rc -eq 139 ]' "a SIGSEGV gives 128+11, got $rc"
		check '[ "$(j "d[\"signal\"]")" = SEGV ]' "the signal is named"
		check '[ "$(j "d[\"probe_reported\"]")" = False ]' "the probe did not report (the process died first)"
		check 'j "d[\"cannot_tell\"]" | grep -q "died before its exit"' "the report says what it cannot tell and why"
		"$bb" inspect -- "$late" "$blis" crash >/dev/null 2>"$tmp/text"
		check 'grep -q "^command killed by SIGSEGV" "$tmp/text"' "the text report names the signal: $(head -1 "$tmp/text")"
	fi
	;;
exec)
	blis=$libdir/blis-pthread/libblis.so.4
	[ -e "$blis" ] || { echo "SKIP: BLIS not installed"; exit 77; }
	"$bb" inspect --json -- sh -c 'exec "$0" "$1" crash' "$late" "$blis" >"$tmp/all.out" 2>"$tmp/err"
	sed -n '/^{/,$p' "$tmp/all.out" >"$tmp/out.json"
	check '[ "$(j "[l[\"record\"][\"family\"] for l in d[\"libraries\"] if l[\"kind\"]==\"blas\"]")" = "['"'"'blis'"'"']" ]' \
		"the BLIS loaded by the exec'ed program is listed"
	check 'j "d[\"cannot_tell\"]" | grep -q "(exec)"' "the report says the probe stayed out of the exec'ed program: $(j 'd["cannot_tell"]')"
	;;
R)
	[ -x /usr/lib/R/bin/exec/R ] || { echo "SKIP: R not installed"; exit 77; }
	R_HOME=/usr/lib/R "$bb" inspect --json -- /usr/lib/R/bin/exec/R --vanilla --slave \
		-e 'invisible(solve(matrix(runif(100), 10)))' >"$tmp/out.json" 2>"$tmp/err"
	rc=$?
	check '[ $rc -eq 0 ]' "R exits 0 ($rc: $(tail -n 2 "$tmp/err"))"
	check '[ "$(j "[f[\"flag\"] for f in d[\"flags\"] if f[\"flag\"] == \"two-blas\"]")" = "[]" ]' \
		"libblas.so.3 over libopenblas.so.0 is not two BLAS copies: $(j '[f["text"] for f in d["flags"]]')"
	check '[ "$(j "sorted(l[\"realpath\"].rsplit(\"/\", 1)[1] for l in d[\"libraries\"] if l[\"front_for\"])")" = "['"'"'libblas.so.3'"'"', '"'"'liblapack.so.3'"'"']" ]' \
		"libblas.so.3 and liblapack.so.3 are fronts: $(j '[(l["realpath"], l["front_for"]) for l in d["libraries"]]')"
	check '[ "$(j "[l[\"name_known_to_threadpoolctl\"] for l in d[\"libraries\"] if l[\"realpath\"].endswith(\"liblapack.so.3\")]")" = "[False]" ]' \
		"liblapack.so.3 is a name threadpoolctl does not know"
	check '[ "$(j "[l[\"in_process\"][\"threads\"] for l in d[\"libraries\"] if l[\"kind\"] == \"blas\" and not l[\"front_for\"]][0] or 0")" -ge 1 ]' \
		"OpenBLAS's thread count read inside R"
	;;
errors)
	"$bb" inspect -- /nonexistent/prog >/dev/null 2>"$tmp/e1"
	rc=$?
	check '[ $rc -eq 127 ] && grep -q "^error: cannot run '"'"'/nonexistent/prog'"'"'" "$tmp/e1"' "missing CMD: 127 ($rc: $(cat "$tmp/e1"))"
	"$bb" inspect -- no-such-command-bb >/dev/null 2>"$tmp/e2"
	rc=$?
	check '[ $rc -eq 127 ] && grep -q "not found in PATH" "$tmp/e2"' "CMD not in PATH: 127 ($rc: $(cat "$tmp/e2"))"
	printf 'x' >"$tmp/noexec"
	"$bb" inspect -- "$tmp/noexec" >/dev/null 2>"$tmp/e3"
	rc=$?
	check '[ $rc -eq 126 ] && grep -q "not executable" "$tmp/e3"' "CMD not executable: 126 ($rc: $(cat "$tmp/e3"))"
	"$bb" inspect >/dev/null 2>"$tmp/e4"
	rc=$?
	check '[ $rc -eq 2 ]' "no CMD: usage error 2 ($rc)"
	check '[ "$(wc -l <"$tmp/e3")" -eq 1 ]' "one-line error"
	;;
pid)
	blis=$libdir/blis-pthread/libblis.so.4
	[ -e "$blis" ] || { echo "SKIP: BLIS not installed"; exit 77; }
	python3 -c 'import ctypes, sys, time; ctypes.CDLL(sys.argv[1]); print("ready", flush=True); time.sleep(20)' "$blis" >"$tmp/ready" &
	pid=$!
	for _ in $(seq 50); do grep -q ready "$tmp/ready" && break; sleep 0.1; done
	"$bb" inspect --json --pid $pid >"$tmp/out.json" 2>"$tmp/err"
	rc=$?
	kill $pid 2>/dev/null
	check '[ $rc -eq 0 ]' "--pid exits 0 ($rc: $(cat "$tmp/err"))"
	check '[ "$(j "[l[\"record\"][\"family\"] for l in d[\"libraries\"] if l[\"kind\"]==\"blas\"]")" = "['"'"'blis'"'"']" ]' \
		"the BLIS the process mapped is reported"
	check '[ "$(j "len(d[\"cannot_tell\"]) > 0")" = True ]' "it says what it cannot tell from outside"
	"$bb" inspect --pid 999999999 >/dev/null 2>"$tmp/e"
	rc=$?
	check '[ $rc -eq 127 ] && grep -q "^error: no process 999999999" "$tmp/e"' "a PID that does not exist: 127 ($rc: $(cat "$tmp/e"))"
	if [ "$(id -u)" -ne 0 ]; then
		"$bb" inspect --pid 1 >/dev/null 2>"$tmp/e"
		rc=$?
		check '[ $rc -eq 126 ]' "another user's process: 126 ($rc: $(cat "$tmp/e"))"
	fi
	;;
*) echo "unknown case '$case'"; exit 2 ;;
esac
exit $fail
