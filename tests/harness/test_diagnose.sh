#!/usr/bin/env bash
# `blasbench diagnose` end to end, through the blasbench executable and real libraries:
#   planted   a fault planted on purpose: the fixture whose dgemm pool spins 30 ms after each
#             call (BB_FIXTURE=spin=30) against the same fixture without it, dual-pool; the
#             spinning one is a severe finding far above the exact one, OMP_WAIT_POLICY=passive
#             (which the fixture obeys) is found to help; its reproducer compiles and shows it
#   fork      OpenBLAS with libgomp: the child forked after parallel work hangs, is caught by
#             --fork-timeout (the whole diagnosis stays short), and LLVM libomp is the fix;
#             the emitted program compiles and reports the hang without blasbench
#   real      every scenario against the installed OpenBLAS (short blocks): each one ends as
#             a finding or a clean line, none as an error; the database holds the run and its
#             cells; `report` charts it
#   flags     the probes alone: libflame's OpenMP LAPACK over a pthreads BLIS, a single-
#             threaded build ignoring the thread count, a LAPACK bound to another BLAS
#   refusal   bad input exits 2 with a reason and touches no database
#   interrupt SIGINT mid-run: exit 130, the run marked interrupted, finished cells kept
#   coretype  kernel-selection under OPENBLAS_CORETYPE=Haswell inherited (set for that command
#             only): the variable is named as the cause, the kernel OpenBLAS selects without it
#             (as `env -u OPENBLAS_CORETYPE blasbench list` probes it) is reported, the
#             "does not recognise this CPU" mechanism is not printed; set by the spec, the
#             spec is named; with the variable removed, no override is claimed.  Attribution,
#             not speed: on some CPUs the kernels run within the noise of each other
# Usage: test_diagnose.sh BLASBENCH FIXTURE_DIR CASE
set -u
bb=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
fixdir=$2 case=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db=$tmp/d.db
fail=0 out="" prc=""
check() { if ! eval "$1"; then echo "FAIL: $2"; fail=1; fi; }
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 missing"; exit 77; }
lib=/usr/lib/x86_64-linux-gnu
need() { for f in "$@"; do [ -e "$f" ] || { echo "SKIP: $f missing"; exit 77; }; done; }

# q FILE EXPR: evaluate a Python expression over the diagnose JSON `d` (findings by name in
# `f`: {(backend, name): finding}); prints the value.
q() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
f = {(x["backend"], x["name"]): x for x in d["findings"]}
def tried(x, m):
    return next((t for t in x["tried"] if t["mitigation"] == m), None)
print(eval(sys.argv[2]))' "$@"
}

# run NAME ARGS...: blasbench diagnose --json into $tmp/NAME.json (stderr in NAME.err); rc in $rc
run() {
	local name=$1
	shift
	"$bb" diagnose --db "$db" --json "$@" >"$tmp/$name.json" 2>"$tmp/$name.err"
	rc=$?
	sed 's/^/  | /' "$tmp/$name.err" | grep -v "^  | probing" | head -n 40
}

# build_run FILE RUNENV ARGS: compile an emitted program with its own build line (from the
# JSON) plus -Wall -Wextra -Werror, run it; output in $out, exit code in $prc.
build_run() {
	local file=$1 build=$2 runenv=$3
	shift 3
	local dir
	dir=$(dirname "$file")
	if ! (cd "$dir" && eval "$build -Wall -Wextra -Werror") >"$tmp/cc.err" 2>&1; then
		echo "FAIL: $(basename "$file") does not build: $(head -n 5 "$tmp/cc.err")"
		fail=1
		prc=99
		return
	fi
	out=$(cd "$dir" && env $runenv timeout 90 "./$(basename "${file%.c}")" "$@" 2>&1)
	prc=$?
	sed 's/^/  > /' <<<"$out" | tail -n 4
}

case $case in
planted)
	fix=$fixdir/libbbfix_wrap.so
	need "$fix" "$lib/blas/libblas.so.3"
	command -v cc >/dev/null || { echo "SKIP: no cc"; exit 77; }
	run planted --backends "spin=$fix+BB_FIXTURE=spin=30,exact=$fix" --scenarios dual-pool \
		--block 0.1 --rounds 2 --emit-repro "$tmp/repro"
	j=$tmp/planted.json
	check '[ "$rc" = 0 ]' "diagnose exits 0 (got $rc)"
	s=$(q "$j" 'f[("spin","dual-pool")]["slowdown"]')
	e=$(q "$j" 'f[("exact","dual-pool")]["slowdown"] if ("exact","dual-pool") in f else d["clean"]')
	echo "spinning pool: ${s}x; exact: $e"
	check '[ "$(q "$j" "f[(\"spin\",\"dual-pool\")][\"level\"]")" = severe ]' "the planted spin is a severe finding"
	check '[ "$(q "$j" "f[(\"spin\",\"dual-pool\")][\"slowdown_ci_low\"] > 5")" = True ]' \
		"its slowdown's CI is above 5x"
	# without the spin: no finding, a mild one, or one far below the planted kind (this VM's
	# host once made two copies of the plain fixture 1.40x [1.32, 1.46] slower, 'moderate')
	check '[ "$(q "$j" "(\"exact\",\"dual-pool\") not in f or f[(\"exact\",\"dual-pool\")][\"level\"] == \"mild\" or f[(\"exact\",\"dual-pool\")][\"slowdown_ci_high\"] < 2")" = True ]' \
		"the same library without the spin is no pathology of the planted kind"
	check '[ "$(q "$j" "tried(f[(\"spin\",\"dual-pool\")], \"passive\")[\"helps\"]")" = True ]' \
		"OMP_WAIT_POLICY=passive is found to help"
	check '[ "$(q "$j" "(lambda x: x[\"fix\"] is not None and any(t[\"helps\"] and x[\"fix\"].startswith(t[\"mitigation\"] + \" \") for t in x[\"tried\"]))(f[(\"spin\",\"dual-pool\")])")" = True ]' \
		"the fix names a mitigation that helps: $(q "$j" 'f[("spin","dual-pool")]["fix"]')"
	check '[ "$(q "$j" "tried(f[(\"spin\",\"dual-pool\")], \"omp-flavour\")[\"status\"]")" = n/a ]' \
		"a mitigation that cannot apply says so"
	cells=$(sqlite3 "$db" "select count(*) from cell c join run r on r.id = c.run_id where r.kind = 'diagnose' and c.cell_key like 'spin|dual-pool|%'")
	check '[ "$cells" -ge 5 ]' "the pathology and its mitigations are cells of the run ($cells)"
	file=$(q "$j" 'f[("spin","dual-pool")]["repro_file"]')
	build=$(q "$j" 'f[("spin","dual-pool")]["repro_build"]')
	mkdir -p "$tmp/copies"
	build_run "$file" "$build" "BB_FIXTURE=spin=30 TMPDIR=$tmp/copies" 0.5
	check '[ "$prc" = 0 ]' "the reproducer runs (exit $prc)"
	check 'python3 -c "import re,sys; m=re.search(r\"slowdown=([0-9.]+)\", sys.argv[1]); sys.exit(0 if m and float(m.group(1)) > 1.5 else 1)" "$out"' \
		"the reproducer shows the slowdown without blasbench"
	;;
fork)
	need "$lib/openblas-pthread/libopenblas.so.0" "$lib/libgomp.so.1" "$lib/libomp.so.5"
	command -v cc >/dev/null || { echo "SKIP: no cc"; exit 77; }
	t0=$(date +%s)
	run fork --backends openblas --scenarios fork --fork-timeout 2 --block 0.1 --rounds 2 \
		--emit-repro "$tmp/repro"
	took=$(($(date +%s) - t0))
	j=$tmp/fork.json
	echo "diagnose took $took s"
	check '[ "$rc" = 0 ]' "diagnose exits 0 (got $rc)"
	check '[ "$took" -lt 60 ]' "the hang is caught by the fork timeout, not the job timeout ($took s)"
	check '[ "$(q "$j" "f[(\"openblas\",\"fork\")][\"kind\"]")" = hang ]' "fork with libgomp is a hang finding"
	check '[ "$(q "$j" "tried(f[(\"openblas\",\"fork\")], \"llvm-runtime\")[\"helps\"]")" = True ]' \
		"LLVM libomp is found to fix it"
	check '[ "$(q "$j" "f[(\"openblas\",\"fork\")][\"fix\"].startswith(\"llvm-runtime\")")" = True ]' \
		"the fix says so"
	status=$(sqlite3 "$db" "select status from cell where cell_key = 'openblas|fork|none'")
	check '[ "$status" = hang ]' "the cell is recorded as hang ($status)"
	file=$(q "$j" 'f[("openblas","fork")]["repro_file"]')
	build=$(q "$j" 'f[("openblas","fork")]["repro_build"]')
	build_run "$file" "$build" "" 0.3 256 2
	check '[ "$prc" = 0 ] && [ "$(tail -n 1 <<<"$out")" = "result: hang" ]' \
		"the reproducer reports the hang without blasbench (exit $prc)"
	;;
real)
	need "$lib/openblas-pthread/libopenblas.so.0" "$lib/libgomp.so.1" "$lib/libomp.so.5"
	run real --backends openblas --block 0.05 --rounds 2 --fork-timeout 2 --label real
	j=$tmp/real.json
	check '[ "$rc" = 0 ]' "diagnose exits 0 (got $rc)"
	check '[ "$(q "$j" "len(d[\"errors\"])")" = 0 ]' "no scenario failed to run: $(q "$j" 'd["errors"]')"
	for s in dual-pool omp-handover nested mixed-omp fork background-load kernel-selection; do
		check '[ "$(q "$j" "(\"openblas\",\"$s\") in f or any(l.startswith(\"$s on openblas\") for l in d[\"clean\"])")" = True ]' \
			"$s ends as a finding or a clean line"
	done
	q "$j" '"\n".join("  %s [%s]" % (x["title"], x["level"]) for x in d["findings"])'
	kind=$(sqlite3 "$db" "select kind || ' ' || status || ' ' || label from run order by id desc limit 1")
	check '[ "$kind" = "diagnose complete real" ]' "the run is recorded ($kind)"
	bad=$(sqlite3 "$db" "select count(*) from cell where status not in ('ok', 'hang')")
	check '[ "$bad" = 0 ]' "every cell measured (ok, or a hung fork)"
	none=$(sqlite3 "$db" "select count(*) from cell where cell_key like '%|none'")
	check '[ "$none" = 7 ]' "one unmitigated cell per scenario ($none)"
	"$bb" report real --db "$db" --html "$tmp/r.html" >/dev/null 2>&1
	check '[ $? = 0 ] && grep -q "scenario-table" "$tmp/r.html"' "report renders the diagnose run"
	;;
flags)
	need "$lib/libflame.so.1" "$lib/blis-pthread/libblis.so.4" "$lib/atlas/libblas.so.3"
	lapack=$lib/lapack/liblapack.so.3
	run flags --backends "flame,atlas,netlapack=$lapack" --scenarios none
	j=$tmp/flags.json
	check '[ "$rc" = 0 ]' "diagnose exits 0 (got $rc)"
	check '[ "$(q "$j" "f[(\"flame\",\"mixed-layers\")][\"level\"]")" = warning ]' \
		"libflame (OpenMP) over pthreads BLIS is flagged"
	check '[ "$(q "$j" "f[(\"atlas\",\"threads-not-set\")][\"level\"]")" = info ]' \
		"ATLAS's single-threaded build ignoring the count is noted"
	check '[ "$(q "$j" "(\"flame\",\"lapack-other-blas\") in f")" = False ]' \
		"libflame's own BLIS is not 'another BLAS'"
	blas=$(readlink -f "$lib/libblas.so.3")
	if [ -e "$lapack" ] && [ "$(dirname "$blas")" != "$lib/blas" ]; then
		check '[ "$(q "$j" "(\"netlapack\",\"lapack-other-blas\") in f")" = True ]' \
			"Netlib's LAPACK resolved to $blas is flagged"
	fi
	check '[ "$(sqlite3 "$db" "select count(*) from cell")" = 0 ]' "nothing measured with --scenarios none"
	;;
refusal)
	no() { # no REASON ARGS...: exit 2 with REASON on stderr, no database created
		local reason=$1
		shift
		"$bb" diagnose --db "$tmp/none.db" "$@" >"$tmp/out" 2>"$tmp/err"
		local r=$?
		check '[ "$r" = 2 ] && grep -q -- "$reason" "$tmp/err"' \
			"'$*' exits 2 with '$reason' (got $r: $(head -n 1 "$tmp/err"))"
	}
	no "did you mean 'dual-pool'" --scenarios dual-pol
	no "--omp needs a runtime" --omp none
	no "did you mean 'gomp'" --omp gmop
	no "cannot create or write" --emit-repro /proc/version/x
	no "whole number" --threads 0
	no "seconds above 0" --block -1
	no "unknown backend" --backends nosuchblas
	check '[ ! -e "$tmp/none.db" ]' "no database created by refused input"
	;;
interrupt)
	need "$lib/openblas-pthread/libopenblas.so.0" "$lib/libgomp.so.1"
	"$bb" diagnose --db "$db" --backends openblas --scenarios omp-handover,nested,background-load \
		--no-mitigations >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	for _ in $(seq 1 300); do # until the first cell is committed
		[ "$(sqlite3 "$db" "select count(*) from cell" 2>/dev/null)" -ge 1 ] 2>/dev/null && break
		sleep 0.1
	done
	kill -INT $pid
	wait $pid
	r=$?
	check '[ "$r" = 130 ]' "SIGINT exits 130 (got $r: $(tail -n 3 "$tmp/err" "$tmp/out"))"
	status=$(sqlite3 "$db" "select status from run order by id desc limit 1")
	check '[ "$status" = interrupted ]' "the run is marked interrupted ($status)"
	cells=$(sqlite3 "$db" "select count(*) from cell")
	check '[ "$cells" -ge 1 ] && [ "$cells" -lt 3 ]' "finished cells kept, the rest not run ($cells)"
	check '[ -z "$(pgrep -f "__worker scenario" || true)" ]' "no worker left behind"
	;;
coretype)
	need "$lib/openblas-pthread/libopenblas.so.0"
	kargs=(--backends openblas --scenarios kernel-selection --kernel-size 300 --block 0.05)
	own=$(env -u OPENBLAS_CORETYPE "$bb" list --json --backends openblas 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["backends"][0]["kernel"])')
	check '[ -n "$own" ] && [ "$own" != None ]' "list probes the kernel OpenBLAS selects ($own)"
	OPENBLAS_CORETYPE=Haswell "$bb" diagnose --db "$db" --json "${kargs[@]}" >"$tmp/f.json" 2>"$tmp/f.err"
	rc=$?
	j=$tmp/f.json
	check '[ "$rc" = 0 ]' "diagnose exits 0 (got $rc: $(tail -n 3 "$tmp/f.err"))"
	k='f[("openblas","kernel-selection")]'
	check '[ "$(q "$j" "\"OPENBLAS_CORETYPE=Haswell is set in the environment\" in $k[\"cause\"]")" = True ]' \
		"the inherited variable is the cause: $(q "$j" "$k.get(\"cause\")" 2>&1)"
	check '[ "$(q "$j" "\"selects $own\" in $k[\"cause\"] and $k[\"tried\"][0][\"kernel\"] == \"$own\"")" = True ]' \
		"the kernel without it ($own) is reported: $(q "$j" "$k.get(\"tried\")" 2>&1 | head -c 300)"
	check '[ "$(q "$j" "$k[\"tried\"][0][\"setting\"]")" = "env -u OPENBLAS_CORETYPE" ]' \
		"it was measured with the variable removed"
	check '! grep -q "does not recognise" "$j"' "no false fallback mechanism (JSON)"
	OPENBLAS_CORETYPE=Haswell "$bb" diagnose --db "$db" "${kargs[@]}" >"$tmp/f.txt" 2>&1
	sed 's/^/  | /' "$tmp/f.txt" | grep -v "^  | probing" | head -n 20
	check 'tr -s " \n" "  " <"$tmp/f.txt" | grep -q "cause OPENBLAS_CORETYPE=Haswell is set in the environment"' \
		"the human output names the variable as the cause"
	check 'tr -s " \n" "  " <"$tmp/f.txt" | grep -q "without it this OpenBLAS selects $own"' \
		"the human output gives the kernel without it"
	check '! grep -q "does not recognise" "$tmp/f.txt"' "no false fallback mechanism (human)"
	# set by the spec instead: the spec is named, and the library measured without the pair
	env -u OPENBLAS_CORETYPE "$bb" diagnose --db "$db" --json --backends "openblas+OPENBLAS_CORETYPE=Haswell" \
		--scenarios kernel-selection --kernel-size 300 --block 0.05 >"$tmp/s.json" 2>"$tmp/s.err"
	check '[ "$(q "$tmp/s.json" "\"is set by the backend\" in f[(\"openblas+OPENBLAS_CORETYPE=Haswell\",\"kernel-selection\")][\"cause\"]")" = True ]' \
		"a spec-set override is named as the spec's: $(tail -n 2 "$tmp/s.err")"
	check '! grep -q "does not recognise" "$tmp/s.json"' "no false fallback mechanism (spec)"
	# no override: nothing claims one
	env -u OPENBLAS_CORETYPE "$bb" diagnose --db "$db" --json "${kargs[@]}" >"$tmp/n.json" 2>"$tmp/n.err"
	env -u OPENBLAS_CORETYPE "$bb" diagnose --db "$db" "${kargs[@]}" >"$tmp/n.txt" 2>&1
	sed 's/^/  | /' "$tmp/n.txt" | grep -v "^  | probing" | head -n 8
	for o in "$tmp/n.json" "$tmp/n.txt"; do
		check '! grep -q "is set in the environment\|forced by\|environment forces" "$o"' \
			"no override claimed without one ($(basename "$o"))"
	done
	check '[ "$(q "$tmp/n.json" "all(\"no kernel override is in effect\" in x[\"cause\"] for x in d[\"findings\"] if x[\"name\"] == \"kernel-selection\") and all(\"no kernel override in effect\" in c for c in d[\"clean\"] if c.startswith(\"kernel-selection\"))")" = True ]' \
		"without an override it says the library selected the kernel itself"
	;;
*)
	echo "unknown case $case"
	exit 2
	;;
esac
exit $fail
