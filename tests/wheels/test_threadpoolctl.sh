#!/usr/bin/env bash
# `blasbench inspect --json -- python -c 'import numpy, scipy, sklearn'` against threadpoolctl's
# threadpool_info() for the same imports (the wheels in the project's .venv/): the same files,
# and for each the same family (threadpoolctl's internal_api), version, threads in effect,
# threading layer and architecture (kernel).  Where the two differ by design the check says
# why: threadpoolctl has no version for an OpenMP runtime (blasbench neither: it reports the
# runtime's name), and threadpoolctl's filepath is the loader's name (numpy/_core/../../...)
# where blasbench resolves it.  Then what blasbench adds: integer width and symbol affixes of
# each BLAS, and the wheel each file came from.  Exit 77 only when .venv/ cannot be made.
# Usage: test_threadpoolctl.sh BLASBENCH
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
bb=$1
# shellcheck source=../../scripts/lib.sh
source "$root/scripts/lib.sh"
bb_venv_for_test
py=$BB_PY
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# OpenBLAS limited to 1 thread in both processes, libgomp left at its default: the counts
# compared are then not all one default
export OPENBLAS_NUM_THREADS=1
"$py" -c 'import numpy, scipy, sklearn, threadpoolctl, json; print(json.dumps(threadpoolctl.threadpool_info()))' \
	>"$tmp/tpc.json" || { echo "FAIL: threadpoolctl did not run"; exit 1; }
"$bb" inspect --json -- "$py" -c 'import numpy, scipy, sklearn' >"$tmp/bb.json" 2>"$tmp/err" ||
	{ echo "FAIL: inspect exited $?: $(tail -n 3 "$tmp/err")"; exit 1; }
"$py" - "$tmp/tpc.json" "$tmp/bb.json" <<'PY'
import json, os, sys
tpc = json.load(open(sys.argv[1]))
bb = json.load(open(sys.argv[2]))
fail = 0
def check(ok, what):
    global fail
    if not ok:
        print("FAIL:", what); fail = 1
libs = {l["realpath"]: l for l in bb["libraries"] if l["kind"] in ("blas", "openmp")}
theirs = {os.path.realpath(t["filepath"]): t for t in tpc}
check(len(tpc) >= 3, f"threadpoolctl lists numpy's and scipy's OpenBLAS and sklearn's libgomp ({len(tpc)})")
check(set(libs) == set(theirs), f"the same files: blasbench {sorted(libs)}, threadpoolctl {sorted(theirs)}")
for path, t in sorted(theirs.items()):
    l = libs.get(path)
    if not l:
        continue
    inp, rec = l["in_process"], l.get("record") or {}
    fam = rec.get("family") if l["kind"] == "blas" else "openmp"
    print(f"{os.path.basename(path)}: threadpoolctl {t['internal_api']} {t['version']} "
          f"{t['num_threads']} thread(s) {t.get('threading_layer')} {t.get('architecture')}; "
          f"blasbench {fam} {rec.get('version')} {inp['threads']} thread(s) {inp['threading']} "
          f"{inp['kernel']}; + {rec.get('abi', {}).get('integer', '-')} "
          f"{rec.get('abi', {}).get('prefix', '')}dgemm{rec.get('abi', {}).get('suffix', '')} from {l['wheel']}")
    check(fam == t["internal_api"], f"{path}: family {fam} vs internal_api {t['internal_api']}")
    check(inp["threads"] == t["num_threads"], f"{path}: threads {inp['threads']} vs {t['num_threads']}")
    if l["kind"] == "blas":
        check(rec.get("version") == t["version"], f"{path}: version {rec.get('version')} vs {t['version']}")
        check(inp["threading"] == t["threading_layer"], f"{path}: layer {inp['threading']} vs {t['threading_layer']}")
        check(inp["kernel"] == t["architecture"], f"{path}: kernel {inp['kernel']} vs {t['architecture']}")
        # what threadpoolctl cannot tell
        check(rec["abi"]["integer"] in ("LP64", "ILP64"), f"{path}: integer width")
        check(rec["abi"]["prefix"] == "scipy_", f"{path}: symbol prefix")
    else:
        # by design: threadpoolctl has no version for libgomp; blasbench names the runtime
        check(t["version"] is None and l["runtime"] == "GCC libgomp", f"{path}: OpenMP runtime named")
    check(l["wheel"] is not None, f"{path}: the wheel it came from")
ilp = sorted(l["record"]["abi"]["integer"] for l in libs.values() if l["kind"] == "blas")
check(ilp == ["ILP64", "LP64"], f"numpy's copy ILP64, scipy's LP64: {ilp}")
check(all(l["in_process"]["threads"] == 1 for l in libs.values() if l["kind"] == "blas"),
      "OPENBLAS_NUM_THREADS=1 in effect in both OpenBLAS copies")
check("two-blas" in [f["flag"] for f in bb["flags"]], "two BLAS copies flagged")
sys.exit(fail)
PY
