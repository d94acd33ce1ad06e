#!/usr/bin/env bash
# Probes on the scipy-openblas wheels (real wheels from the project's .venv/, scripts/lib.sh's
# bb_venv): `list --json` must name both openblas, tell ILP64 (scipy-openblas64) from LP64
# (scipy-openblas32), read the version through the renamed vendor function
# (scipy_openblas_get_config64_) and find the wheel's own version in it as its metadata states it
# (importlib.metadata, not a string kept here), and read kernel, threading layer, thread API and
# effective threads.  Exit 77 only when the package index cannot be reached to make .venv/.
# Usage: test_wheel_probes.sh BLASBENCH
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
bb=$1
# shellcheck source=../../scripts/lib.sh
source "$root/scripts/lib.sh"
bb_venv_for_test
py=$BB_PY
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$bb" list --json --python "$py" --threads 1 --backends scipy-openblas32,scipy-openblas64 >"$tmp/list.json" 2>"$tmp/err" ||
	{ echo "FAIL: list exited $?: $(tail -n 3 "$tmp/err")"; exit 1; }
"$py" - "$tmp/list.json" <<'PY'
import importlib.metadata as md, json, sys
doc = json.load(open(sys.argv[1]))
fail = 0
def check(ok, what):
    global fail
    if not ok:
        print("FAIL:", what); fail = 1
want = {"scipy-openblas32": ("LP64", 32, ""), "scipy-openblas64": ("ILP64", 64, "_64_")}
seen = {b["name"]: b for b in doc["backends"]}
for name, (integer, bits, suffix) in want.items():
    b = seen.get(name)
    check(b is not None, f"{name} listed")
    if b is None:
        continue
    meta = md.version(name)
    print(f"{name}: wheel {meta}, probed {b['version']} ({b['abi']['integer']}, kernel {b['kernel']}, "
          f"{b['threads']['layer']}, {b['threads']['effective']} thread(s) through {b['threads']['api']})")
    check(b["family"] == "openblas", f"{name}: family openblas, got {b['family']}")
    check(b["version"] == meta, f"{name}: version {b['version']} is the wheel's {meta}")
    check(b["config"] and b["config"].startswith("OpenBLAS " + meta), f"{name}: config from get_config")
    check(b["abi"]["integer"] == integer and b["abi"]["int_bits"] == bits, f"{name}: {integer}")
    check(b["abi"]["prefix"] == "scipy_", f"{name}: prefix scipy_")
    check((b["abi"]["suffix"] == "_64_") == (bits == 64), f"{name}: suffix {b['abi']['suffix']}")
    check(bool(b["kernel"]), f"{name}: kernel from get_corename")
    check(b["threads"]["layer"] == "pthreads", f"{name}: threading layer from get_parallel")
    check(b["threads"]["api"] == "openblas_set_num_threads", f"{name}: thread API found")
    check(b["threads"]["effective"] == 1, f"{name}: effective threads read back after --threads 1")
    check(b["threads"]["default"] >= 1, f"{name}: default thread count read")
sys.exit(fail)
PY
