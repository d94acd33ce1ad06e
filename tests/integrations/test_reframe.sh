#!/usr/bin/env bash
# The ReFrame check library (integrations/reframe/blasbench_checks.py) end to end, on this
# machine through ReFrame's `local` scheduler, with ReFrame from the project-local .venv/
# (scripts/lib.sh's bb_venv creates it if missing) and a site config written here (one system,
# one local partition).  A baseline run of the fixture library that wraps Netlib
# (tests/fixtures/fixture_wrap.c), then ReFrame runs the check against it under the same alias:
#   pass        the plain fixture again: the check passes, reports the cell's GFLOP/s with the
#               baseline's as reference, and keeps the node's database (one complete run) in
#               ReFrame's output directory
#   regression  the fixture with dgemm made 4x slower (BB_FIXTURE=slow=4): the check fails in
#               its sanity stage with blasbench's regression verdict, and keeps the database
# Usage: test_reframe.sh BLASBENCH FIXTURE_DIR CASE
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
bb=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") fix=$2/libbbfix_wrap.so case=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if ! eval "$1"; then echo "FAIL: $2"; fail=1; fi; }
[ -e "$fix" ] || { echo "SKIP: fixture missing"; exit 77; }

# shellcheck source=../../scripts/lib.sh
source "$root/scripts/lib.sh"
bb_venv
rc=$?
[ $rc -eq 2 ] && { echo "SKIP: the Python package index cannot be reached to install ReFrame"; exit 77; }
[ $rc -eq 0 ] || { echo "FAIL: the project's Python environment (.venv/) could not be made"; exit 1; }

cat >"$tmp/config.py" <<CONF
site_configuration = {
    'systems': [{
        'name': 'local', 'descr': 'this machine', 'hostnames': ['.*'],
        'partitions': [{'name': 'cpu', 'scheduler': 'local', 'launcher': 'local',
                        'environs': ['builtin']}],
    }],
    'logging': [{'handlers': [{'type': 'file', 'name': '$tmp/reframe.log', 'level': 'debug',
                               'append': False}],
                 'handlers_perflog': []}],
}
CONF

# Quick: one dgemm cell, one pass.  A 50% threshold and a 4x slowdown: cells on a shared 2-core
# machine under `ctest -j` move by tens of percent between runs (see test_compare_e2e.sh), and
# the check must find the planted slowdown and nothing else.
quick=(--workloads dgemm:n=256 --threads 1 --passes 1 --budget 0.5)
"$bb" run --db "$tmp/base.db" --label base -b "blas=$fix" "${quick[@]}" >"$tmp/base.out" 2>&1 ||
	{ echo "FAIL: baseline run: $(tail -n 5 "$tmp/base.out")"; exit 1; }

case $case in
pass) spec=$fix ;;
regression) spec="$fix+BB_FIXTURE=slow=4+BB_FIXTURE_ROUTINES=dgemm" ;;
*) echo "unknown case '$case'"; exit 2 ;;
esac
# TMPDIR: ReFrame's early log and the check's node-local database directory land there
mkdir -p "$tmp/node"
(cd "$tmp" && TMPDIR=$tmp/node "$root/.venv/bin/reframe" -C "$tmp/config.py" --prefix "$tmp/rfm" \
	-c "$root/integrations/reframe/blasbench_checks.py" -r \
	-S "blasbench=$bb" -S "backends=blas=$spec" -S workloads=dgemm:n=256 -S threads=1 \
	-S passes=1 -S budget=0.5 -S "baseline=$tmp/base.db:base" -S threshold=50) >"$tmp/rfm.out" 2>&1
rc=$?
sed -n '/Running 1 check/,$p' "$tmp/rfm.out"
out=$tmp/rfm/output/local/cpu/builtin/BlasbenchCheck
stage=$tmp/rfm/stage/local/cpu/builtin/BlasbenchCheck
if [ "$case" = pass ]; then
	check '[ $rc -eq 0 ]' "the check passes on a good stack (reframe exit $rc)"
	check 'grep -qE "^P: blas/dgemm\[m=256,n=256,k=256,ta=N,tb=N\]/t1: [0-9.]+ GFLOP/s \(r:[0-9.]+" "$tmp/rfm.out"' \
		"the cell's GFLOP/s is a performance variable with the baseline's as reference"
	check 'grep -qE "^P: regressions: 0 cells" "$tmp/rfm.out" && grep -qE "^P: cells_ok: 1 cells" "$tmp/rfm.out"' \
		"outcomes are performance variables"
	db=$out/blasbench.db
else
	check '[ $rc -ne 0 ]' "the check fails on a planted regression (reframe exit $rc)"
	check 'grep -q "Failing phase: sanity" "$tmp/rfm.out"' "it fails in the sanity stage"
	check 'grep -qE "Reason: sanity error: blasbench compare: regression in blas/dgemm\[m=256,n=256,k=256,ta=N,tb=N\]/t1 x[0-9.]+" "$tmp/rfm.out"' \
		"the reason is blasbench's regression verdict on the cell"
	db=$stage/blasbench.db
fi
runs_ok() {
	"$bb" runs --json --db "$1" 2>/dev/null | python3 -c '
import json, sys
runs = json.load(sys.stdin)["runs"]
sys.exit(not (len(runs) == 1 and runs[0]["status"] == "complete" and runs[0]["cells_ok"] == 1
              and runs[0]["label"].startswith("rfm-local-cpu-")))'
}
check 'runs_ok "$db"' "the node's database ($db) holds the check's complete run"
check '[ -z "$(find "$tmp/node" -name "blasbench.*")" ]' \
	"the node-local copy of the database is removed"
[ $fail = 0 ] && echo PASS
exit $fail
