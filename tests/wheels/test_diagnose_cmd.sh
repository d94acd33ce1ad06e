#!/usr/bin/env bash
# `blasbench diagnose -- python -c 'import numpy, scipy, sklearn'` end to end on the real wheels
# (the project's .venv/), kept short (one round of short blocks, no mitigations): the backends
# are the two OpenBLAS files the command loaded, named after their wheels (numpy, scipy), the
# scenarios' OpenMP runtime is the libgomp scikit-learn brought, and dual-pool ran numpy's copy
# beside scipy's (not a private copy of one); all of it checked in the database.  Then the
# errors: a CMD that does not exist (127), --backends with a CMD (2).
# Exit 77 only when .venv/ cannot be made.
# Usage: test_diagnose_cmd.sh BLASBENCH
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
bb=$1
# shellcheck source=../../scripts/lib.sh
source "$root/scripts/lib.sh"
bb_venv_for_test
py=$BB_PY
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if ! eval "$1"; then echo "FAIL: $2"; fail=1; fi; }

"$bb" diagnose --db "$tmp/d.db" --scenarios dual-pool,omp-handover --rounds 1 --block 0.05 \
	--no-mitigations --json -- "$py" -c 'import numpy, scipy, sklearn' >"$tmp/out.json" 2>"$tmp/err"
rc=$?
check '[ $rc -eq 0 ] || [ $rc -eq 1 ]' "diagnose ran (exit $rc): $(tail -n 3 "$tmp/err")"
check 'grep -q "diagnosed as '"'"'numpy'"'"'" "$tmp/err" && grep -q "from the wheel scipy " "$tmp/err"' \
	"what CMD loaded is said, with the wheels"
q() { sqlite3 "$tmp/d.db" "$1"; }
libs=$root/.venv/lib/python3*/site-packages
check '[ "$(q "select kind from run")" = diagnose ]' "one run of kind diagnose recorded"
check '[ "$(q "select alias from backend order by alias" | tr "\n" " ")" = "numpy scipy " ]' \
	"the backends are numpy's and scipy's files: $(q 'select spec from backend')"
check 'q "select spec from backend where alias='"'"'numpy'"'"'" | grep -q "numpy.libs/libscipy_openblas64_"' "numpy's is its ILP64 copy"
check 'q "select spec from backend where alias='"'"'scipy'"'"'" | grep -q "scipy.libs/libscipy_openblas-"' "scipy's is its LP64 copy"
pair=$(q "select json_extract(params_json, '\$.pair') from cell where json_extract(params_json, '\$.scenario')='dual-pool'")
check 'echo "$pair" | grep -q "^scipy=.*scipy.libs/libscipy_openblas-"' "dual-pool ran numpy's copy beside scipy's: pair '$pair'"
check '[ "$(q "select count(*) from cell where json_extract(params_json, '"'"'\$.scenario'"'"')='"'"'dual-pool'"'"'")" -eq 1 ]' \
	"dual-pool ran once (not again with the pair swapped)"
omp=$(q "select distinct json_extract(options_json, '\$.omp') from run")
check 'echo "$omp" | grep -q "scikit_learn.libs/libgomp-"' "the OpenMP runtime is scikit-learn's libgomp: '$omp'"
check '[ "$(q "select count(*) from cell where json_extract(params_json, '"'"'\$.scenario'"'"')='"'"'omp-handover'"'"'")" -eq 2 ]' \
	"omp-handover ran on both files"

"$bb" diagnose --db "$tmp/e.db" -- /nonexistent/python >/dev/null 2>"$tmp/e1"
rc=$?
check '[ $rc -eq 127 ]' "a CMD that does not exist: 127 ($rc: $(cat "$tmp/e1"))"
"$bb" diagnose --db "$tmp/e.db" --backends openblas -- "$py" -c 1 >/dev/null 2>"$tmp/e2"
rc=$?
check '[ $rc -eq 2 ]' "--backends with a CMD: usage error ($rc: $(cat "$tmp/e2"))"
exit $fail
