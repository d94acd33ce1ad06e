#!/usr/bin/env bash
# oneMKL and Intel's OpenMP runtime from the pinned wheels (mkl, intel-openmp in the project's
# .venv/, made by scripts/lib.sh's bb_venv; skipped with 77 only when the package index cannot
# be reached to make it).  One case per run:
#   probes     `list` reads MKL's layers back by behaviour: the Intel interface layer returns
#              zdotc through a hidden argument, MKL_INTERFACE_LAYER=GNU in registers; mkl64 is
#              the _64 ILP64 entry points; the threading layer and the OpenMP runtime it loaded
#              (libiomp5, libgomp under MKL_THREADING_LAYER=GNU, none when sequential, TBB with
#              the wheel's libtbb); the
#              kernel library MKL dispatched to
#   suite      a quick suite of mkl, openblas and blis in one run: every cell ok (blis, which
#              has no LAPACK, skips those); then dot (cdotc/zdotc: the complex-return
#              convention), nrm2, gemv, gemm, trsm in s/d/c/z on MKL under both interface layers
#              and through mkl64: all ok
#   omp        `run --omp intel` (and its alias iomp, filed as intel) loads libiomp5 from the
#              Python environment; diagnose mixed-omp with libiomp5 then LLVM libomp: the
#              runtime's abort (OMP: Error #15) is the finding, KMP_DUPLICATE_LIB_OK=TRUE tried
#              and called unsafe
#   kernel     kernel-selection on MKL under MKL_CBWR=COMPATIBLE: dgemm and sgemm each a finding
#              that names the variable, each measured without it in its own worker
# Usage: test_mkl.sh BLASBENCH CASE
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
bb=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") case=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if ! eval "$1"; then echo "FAIL: $2"; fail=1; fi; }

# shellcheck source=../../scripts/lib.sh
source "$root/scripts/lib.sh"
bb_venv_for_test
py=$BB_PY
unset VIRTUAL_ENV CONDA_PREFIX MKLROOT BLASBENCH_LIBPATH MKL_INTERFACE_LAYER MKL_THREADING_LAYER \
	MKL_CBWR MKL_ENABLE_INSTRUCTIONS KMP_DUPLICATE_LIB_OK
export BLASBENCH_DB="$tmp/bb.db"

# json FILE PYTHON-EXPRESSION: evaluate with d = the file's JSON; prints the value
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

case $case in
probes)
	"$bb" list --python "$py" --json --backends \
		mkl,gnu=mkl+MKL_INTERFACE_LAYER=GNU,mkl64,seq=mkl+MKL_THREADING_LAYER=SEQUENTIAL,g=mkl+MKL_THREADING_LAYER=GNU,tbb=mkl+MKL_THREADING_LAYER=TBB \
		>"$tmp/list.json" || { echo "FAIL: list exited $?"; exit 1; }
	rec() { json "$tmp/list.json" "[b for b in d['backends'] if b['alias'] == '$1'][0]$2"; }
	check '[ "$(rec mkl "[\"family\"]")" = mkl ]' "mkl: family"
	check '[ "$(rec mkl "[\"abi\"][\"integer\"]")" = LP64 ]' "mkl: LP64"
	check 'rec mkl "[\"abi\"][\"complex_return\"]" | grep -q "^hidden argument"' \
		"mkl: Intel layer's zdotc returns through a hidden argument"
	check 'rec mkl "[\"config\"]" | grep -q "interface LP64 (intel_lp64)"' "mkl: interface layer read back"
	check 'rec mkl "[\"config\"]" | grep -q "threading intel (intel_thread)"' "mkl: threading layer read back"
	check 'rec mkl "[\"config\"]" | grep -q "thread-local limit honoured"' "mkl: mkl_set_num_threads_local probed"
	check '[ "$(rec mkl "[\"threads\"][\"layer\"]")" = openmp ]' "mkl: OpenMP threading"
	check '[ "$(rec mkl "[\"omp_runtime\"]")" = libiomp5.so ]' "mkl: libiomp5 in its stack"
	check 'rec mkl "[\"kernel\"]" | grep -Eq "^[a-z0-9_]+"' "mkl: the kernel library MKL dispatched to"
	check '[ "$(rec gnu "[\"abi\"][\"complex_return\"]")" = registers ]' \
		"MKL_INTERFACE_LAYER=GNU: zdotc returns in registers"
	check 'rec gnu "[\"config\"]" | grep -q "interface GNU,LP64 (gf_lp64)"' "GNU interface layer read back"
	check '[ "$(rec mkl64 "[\"abi\"][\"suffix\"]")" = _64 ]' "mkl64: the _64 entry points"
	check '[ "$(rec mkl64 "[\"abi\"][\"integer\"]")" = ILP64 ]' "mkl64: ILP64 by behaviour"
	check '[ "$(rec seq "[\"threads\"][\"layer\"]")" = serial ]' "sequential layer: serial"
	check '[ "$(rec seq "[\"omp_runtime\"]")" = None ]' "sequential layer: no OpenMP runtime"
	check '[ "$(rec g "[\"omp_runtime\"]")" = libgomp.so.1 ]' "GNU threading layer: libgomp"
	check '[ "$(rec tbb "[\"threads\"][\"layer\"]")" = tbb ]' "TBB threading layer, libtbb found in the environment"
	;;
suite)
	"$bb" suite --python "$py" --backends mkl,openblas,blis --preset quick --threads 1 --passes 1 --budget 0.05 \
		--json >"$tmp/suite.json" 2>"$tmp/suite.err" || { echo "FAIL: suite exited $?"; tail -5 "$tmp/suite.err"; exit 1; }
	backends=$(json "$tmp/suite.json" "' '.join(sorted(set(c['backend'] for c in d['cells'])))")
	check '[ "$backends" = "blis mkl openblas" ]' "the suite measured mkl, openblas and blis ($backends)"
	bad=$(json "$tmp/suite.json" "' '.join(c['backend'] + ':' + c['workload'] + '=' + c['status'] for c in d['cells'] if c['status'] != 'ok' and not (c['backend'] == 'blis' and c['status'] == 'skipped'))")
	check '[ -z "$bad" ]' "every cell of the quick suite ok: $bad"
	# the complex-return functions and one routine per level under the other two ABIs; every
	# workload (LAPACK too) was measured on the default layer by the suite's cells above for d
	"$bb" run --python "$py" --backends mkl,mkl64,gnu=mkl+MKL_INTERFACE_LAYER=GNU \
		--workloads dot,nrm2,gemv,gemm,trsm --sizes 48 --threads 1 \
		--passes 1 --budget 0.02 --json >"$tmp/run.json" 2>"$tmp/run.err" || { echo "FAIL: run exited $?"; tail -5 "$tmp/run.err"; exit 1; }
	n=$(json "$tmp/run.json" "len(d['cells'])")
	check '[ "$n" = 60 ]' "5 workloads x 4 precisions x 3 MKL specs (got $n cells)"
	bad=$(json "$tmp/run.json" "' '.join(c['backend'] + ':' + c['workload'] + '=' + c['status'] for c in d['cells'] if c['status'] != 'ok')")
	check '[ -z "$bad" ]' "every workload ok in s/d/c/z on MKL, both interface layers and the _64 entry points: $bad"
	dots=$(json "$tmp/run.json" "' '.join(sorted(set(c['workload'].split(':')[0] for c in d['cells'] if c['workload'][1:4] == 'dot' and c['workload'][0] in 'cz')))")
	check '[ "$dots" = "cdotc zdotc" ]' "the complex dots were measured ($dots)"
	;;
omp)
	"$bb" run --python "$py" --backends openblas --workloads dgemm --sizes 64 --threads 1 --omp intel,iomp \
		--passes 1 --budget 0.05 --json >"$tmp/run.json" 2>"$tmp/run.err" || { echo "FAIL: run --omp intel exited $?"; tail -5 "$tmp/run.err"; exit 1; }
	cells=$(json "$tmp/run.json" "' '.join(c['omp'] + '=' + c['status'] for c in d['cells'])")
	check '[ "$cells" = intel=ok ]' "run --omp intel,iomp: one cell, runtime intel, ok ($cells)"
	rt=$(json "$tmp/run.json" "d['cells'][0]['params']['omp_realpath']")
	check '[ "$rt" = "$(readlink -f "$BB_ROOT/.venv/lib/libiomp5.so")" ]' "libiomp5 from the Python environment ($rt)"
	"$bb" diagnose --python "$py" --backends openblas --scenarios mixed-omp --omp intel --omp2 llvm \
		--rounds 1 --json >"$tmp/diag.json" 2>"$tmp/diag.err" || { echo "FAIL: diagnose exited $?"; tail -5 "$tmp/diag.err"; exit 1; }
	f="d['findings'][0]"
	kind=$(json "$tmp/diag.json" "$f['kind'] if d['findings'] else ''")
	check '[ "$kind" = abort ]' "the abort is a finding ($kind)"
	check 'json "$tmp/diag.json" "$f[\"title\"]" | grep -q "OMP: Error #15"' "with the runtime's message"
	errors=$(json "$tmp/diag.json" "len(d['errors'])")
	check '[ "$errors" = 0 ]' "and not a harness error"
	dup=$(json "$tmp/diag.json" "' '.join(t['status'] for t in $f['tried'] if t['mitigation'] == 'duplicate-ok')")
	check '[ "$dup" = ok ]' "KMP_DUPLICATE_LIB_OK=TRUE tried: the worker runs ($dup)"
	check 'json "$tmp/diag.json" "$f[\"fix\"]" | grep -q "calls that unsafe"' "and is called unsafe"
	;;
kernel)
	"$bb" diagnose --python "$py" --backends cbwr=mkl+MKL_CBWR=COMPATIBLE --scenarios kernel-selection \
		--kernel-size 256 --json >"$tmp/diag.json" 2>"$tmp/diag.err" || { echo "FAIL: diagnose exited $?"; tail -5 "$tmp/diag.err"; exit 1; }
	gemms=$(json "$tmp/diag.json" "' '.join(sorted(f['seen'][:5] for f in d['findings'] if f['kind'] == 'kernel' and 'MKL_CBWR=COMPATIBLE' in f['title']))")
	check '[ "$gemms" = "dgemm sgemm" ]' "kernel-selection on MKL: dgemm and sgemm findings naming MKL_CBWR ($gemms)"
	tried=$(json "$tmp/diag.json" "sum(1 for f in d['findings'] for t in f['tried'] if t['status'] == 'ok' and t['kernel'] and t['gflops'])")
	check '[ "$tried" = 2 ]' "each measured without the override, with the path it took ($tried of 2)"
	;;
*)
	echo "unknown case '$case'"
	exit 2
	;;
esac
exit $fail
