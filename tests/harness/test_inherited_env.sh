#!/usr/bin/env bash
# The inherited environment, end to end on the real OpenBLAS: a variable set in the process
# (OPENBLAS_CORETYPE=Haswell, as some sites' profiles do) is recorded as inherited in `list
# --json` with the kernel it forces, named by `list`, `info`, one warning of `run`, the run
# record and the report; `--clean-env` gives the library's own choice (what it selects with the
# variable unset); a spec's own +VAR=VALUE is not inherited; `compare` between a run under the
# variable and one without names it, in --json and in the table.  The machine's own environment
# is kept: the variable is set or removed per command only.
# Usage: test_inherited_env.sh BLASBENCH
set -u
bb=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db=$tmp/t.db
fail=0
check() { # check CONDITION WHAT
	if eval "$1"; then echo "ok: $2"; else echo "FAIL: $2"; fail=1; fi
}
env -u OPENBLAS_CORETYPE "$bb" list --backends openblas --json >"$tmp/plain.json" 2>/dev/null ||
	{ echo "SKIP: openblas not installed"; exit 77; }
field() { # field FILE PYTHON-EXPRESSION-ON-b (the first backend record)
	python3 -c 'import json, sys
b = json.load(open(sys.argv[1]))["backends"][0]
print(eval(sys.argv[2]))' "$1" "$2"
}

# list: recorded as inherited, with the kernel it forced; named in the human output
OPENBLAS_CORETYPE=Haswell "$bb" list --backends openblas --json >"$tmp/hw.json"
check '[ "$(field "$tmp/hw.json" "b[\"inherited_env\"].get(\"OPENBLAS_CORETYPE\")")" = Haswell ]' \
	"list --json: OPENBLAS_CORETYPE inherited"
check '[ "$(field "$tmp/hw.json" "b[\"kernel\"]")" = Haswell ]' "list --json: kernel Haswell under the variable"
check '[ "$(field "$tmp/hw.json" "b[\"env\"]")" = "{}" ]' "list --json: not the spec's env"
OPENBLAS_CORETYPE=Haswell "$bb" list --backends openblas >"$tmp/hw.txt"
check 'grep -q "^inherited: openblas: OPENBLAS_CORETYPE=Haswell (kept" "$tmp/hw.txt"' "list names the variable"
# a variable the library does not read is not named, even when its name is a word in the
# library's strings (CI=true, set by CI services, once showed up as read by OpenBLAS)
CI=true OPENBLAS_CORETYPE=Haswell "$bb" list --backends openblas >"$tmp/ci.txt"
check '! grep -q "CI=true" "$tmp/ci.txt"' "list does not name CI=true as read by OpenBLAS"
env -u OPENBLAS_CORETYPE "$bb" list --backends openblas >"$tmp/plain.txt"
check '! grep -q "OPENBLAS_CORETYPE" "$tmp/plain.txt"' "list without the variable says nothing of it"

# --clean-env: the library's own choice, the variable recorded as dropped
OPENBLAS_CORETYPE=Haswell "$bb" list --backends openblas --clean-env --json >"$tmp/clean.json"
own=$(field "$tmp/plain.json" 'b["kernel"]')
check '[ "$(field "$tmp/clean.json" "b[\"kernel\"]")" = "$own" ]' "list --clean-env: kernel $own, as without the variable"
if grep -qw avx512f /proc/cpuinfo; then
	check '[ "$own" != Haswell ]' "on this AVX-512 host the library's own kernel is not Haswell"
fi
check '[ "$(field "$tmp/clean.json" "b[\"dropped_env\"].get(\"OPENBLAS_CORETYPE\")")" = Haswell ]' \
	"list --clean-env --json: recorded as dropped"
check '[ "$(field "$tmp/clean.json" "b[\"inherited_env\"]")" = "{}" ]' "list --clean-env --json: nothing kept"
OPENBLAS_CORETYPE=Haswell "$bb" list --backends openblas --clean-env >"$tmp/clean.txt"
check 'grep -q "^inherited: openblas: OPENBLAS_CORETYPE=Haswell (dropped" "$tmp/clean.txt"' "list --clean-env names what it dropped"

# a spec's own setting wins and is not inherited; another family does not read it
OPENBLAS_CORETYPE=Haswell "$bb" list --backends "openblas+OPENBLAS_CORETYPE=Sandybridge" --json >"$tmp/spec.json"
check '[ "$(field "$tmp/spec.json" "b[\"kernel\"]")/$(field "$tmp/spec.json" "b[\"inherited_env\"]")" = "Sandybridge/{}" ]' \
	"a spec's +OPENBLAS_CORETYPE is the spec's, not inherited"
if OPENBLAS_CORETYPE=Haswell "$bb" list --backends blis --json >"$tmp/blis.json" 2>/dev/null; then
	check '[ "$(field "$tmp/blis.json" "b[\"inherited_env\"]")" = "{}" ]' "BLIS does not read OPENBLAS_CORETYPE"
fi

# info: the process's settings any installed library reads
OPENBLAS_CORETYPE=Haswell "$bb" info --no-peak >"$tmp/info.txt" 2>/dev/null
check 'grep -q "^  OPENBLAS_CORETYPE=Haswell (read by openblas" "$tmp/info.txt"' "info names the variable"

# run: one warning at the top, recorded in the run and its backend
rec() { # rec LABEL JSON-PATH: from the backend record stored with the run
	python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
print(c.execute("select json_extract(b.record_json, ?) from backend b join run r on r.id = b.run_id where r.label = ?", (sys.argv[3], sys.argv[2])).fetchone()[0])' "$db" "$1" "$2"
}
run() { "$bb" run --db "$db" --backends openblas --workloads dgemm:n=256 --threads 1 --passes 1 --budget 0.2 "$@"; }
OPENBLAS_CORETYPE=Haswell run --label hw --json >"$tmp/run_hw.json" 2>"$tmp/run_hw.err"
check '[ "$(grep -c "inherited from the environment and kept: OPENBLAS_CORETYPE=Haswell (read by openblas); --clean-env measures" "$tmp/run_hw.err")" = 1 ]' \
	"run warns once"
check '[ "$(head -1 "$tmp/run_hw.err" | cut -c1-30)" = "inherited from the environment" ]' "the warning comes first"
check 'python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d[\"inherited_env\"] != {\"OPENBLAS_CORETYPE\": \"Haswell\"} or d[\"clean_env\"])" "$tmp/run_hw.json"' \
	"run --json: inherited_env of the run"
(unset OPENBLAS_CORETYPE; run --label plain >/dev/null 2>"$tmp/run_plain.err")
check '[ "$(rec plain "$.kernel")" = "$own" ]' "the run without the variable: kernel $own"
check '! grep -q "inherited from the environment" "$tmp/run_plain.err"' "no warning without the variable"
OPENBLAS_CORETYPE=Haswell run --label clean --clean-env >/dev/null 2>&1
check '[ "$(rec hw "$.inherited_env.OPENBLAS_CORETYPE")/$(rec hw "$.kernel")" = Haswell/Haswell ]' "the run's backend record: inherited, kernel Haswell"
check '[ "$(rec clean "$.dropped_env.OPENBLAS_CORETYPE")/$(rec clean "$.kernel")" = "Haswell/$own" ]' "the clean run's backend record: dropped, kernel $own"

# compare names the difference, in --json and in the table, whatever the cell's verdict
"$bb" compare plain hw --db "$db" --json >"$tmp/cmp.json"
check 'python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not any(\"env inherited OPENBLAS_CORETYPE unset -> Haswell\" in e for e in d[\"env_differs\"]) or \"env inherited OPENBLAS_CORETYPE unset -> Haswell\" not in d[\"cells\"][0][\"differs\"])" "$tmp/cmp.json"' \
	"compare --json: env_differs and the cell's differs name the variable"
"$bb" compare plain hw --db "$db" >"$tmp/cmp.txt"
check 'grep -q "inherited environment: openblas: env inherited OPENBLAS_CORETYPE unset -> Haswell" "$tmp/cmp.txt"' "compare's table names the variable"
"$bb" compare hw clean --db "$db" >"$tmp/cmp2.txt"
check 'grep -q "OPENBLAS_CORETYPE Haswell -> unset; --clean-env off -> on" "$tmp/cmp2.txt"' "compare tells a --clean-env run"

# report: the stack section
"$bb" report hw --db "$db" --html "$tmp/hw.html" >/dev/null 2>&1
check 'grep -q "inherited environment (kept)</th><td class=\"mono\">OPENBLAS_CORETYPE=Haswell" "$tmp/hw.html"' "report's stack section"
exit $fail
