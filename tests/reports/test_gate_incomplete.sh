#!/usr/bin/env bash
# `gate` and `compare` on comparisons that lack data (issue 14, "a gate that passes what it
# should not"), with the built-in `ref` backend (it has dgemm only: ddot and dgemv are skipped)
# and recorded runs (--candidate), so the whole script takes seconds:
#   - a candidate killed (SIGKILL) after its first cell committed: status running, baseline
#     cells missing -> gate exits 2 and names both causes;
#   - the issue's shape, written with sqlite3 from a complete run: status running, the measured
#     cells gone, the rest skipped on both sides -> 2, naming all three causes;
#   - a complete candidate missing baseline cells -> 2; the JUnit has an error naming each
#     missing cell, the Markdown a warning; `compare` says "N cells of base run B missing from
#     candidate run C" in its table, --json, --markdown and --junit;
#   - an all-skipped comparison (both runs complete, nothing measured on either side) -> 2;
#   - an incomplete baseline (interrupted; and a status blasbench does not know, 'abandoned')
#     -> 2 before anything is measured, no files written;
#   - `compare` warns on stderr when either run is not complete;
#   - a complete comparison still passes (0), and --help documents the causes of exit 2.
# Usage: test_gate_incomplete.sh BLASBENCH
set -u
bb=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
tmp=$(mktemp -d)
killed_pid=
trap '[ -n "$killed_pid" ] && kill -9 $killed_pid 2>/dev/null; rm -rf "$tmp"' EXIT
db=$tmp/t.db
fail=0
check() { if ! eval "$1"; then echo "FAIL: $2"; fail=1; fi; }
command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 missing"; exit 77; }
xml_ok() {
	if command -v xmllint >/dev/null; then xmllint --noout "$1"
	else python3 -c 'import xml.dom.minidom,sys; xml.dom.minidom.parse(sys.argv[1])' "$1"; fi
}
cd "$tmp" || exit 1
quick="-b ref --threads 1 --passes 1 --budget 0.05"
# 500%: what is judged here is whether the gate may pass at all; two separate runs of a cell
# on a shared machine may differ by tens of percent, and no regression must hide the exit code
gate="$bb gate --baseline $db:base --max-regression 500"
run_id() { sqlite3 "$db" "select id from run where label = '$1'"; }

# the baseline: two dgemm cells ref measures, and ddot, which it lacks (skipped)
"$bb" run --db "$db" --label base $quick --workloads dgemm:n=32,dgemm:n=48,ddot:n=1000 \
	>"$tmp/base" 2>&1 || { echo "FAIL: baseline run: $(tail -n 5 "$tmp/base")"; exit 1; }
base_id=$(run_id base)

# ---- the reference: a complete comparison still passes ----------------------------------
$gate --candidate "$db:base" --junit "$tmp/ok.xml" --markdown "$tmp/ok.md" >"$tmp/ok" 2>&1
rc=$?
check '[ $rc -eq 0 ] && grep -q "Gate: passed" "$tmp/ok.md" && ! grep -q WARNING "$tmp/ok"' \
	"a complete candidate covering the baseline passes (rc $rc): $(tail -n 3 "$tmp/ok")"

# ---- a killed candidate: SIGKILL once its first cell is committed -----------------------
# dgemm:n=32 commits in a fraction of a second; dgemm:n=1000 then takes seconds, during which
# the controller dies: the run stays 'running', dgemm:n=48 and ddot never recorded
"$bb" run --db "$db" --label killed -b ref --threads 1 --passes 1 --budget 0.5 \
	--workloads dgemm:n=32,dgemm:n=1000,dgemm:n=48,ddot:n=1000 >"$tmp/k" 2>&1 &
killed_pid=$!
for _ in $(seq 200); do grep -q '^\[1/' "$tmp/k" && break; sleep 0.1; done
kill -9 $killed_pid
wait $killed_pid 2>/dev/null
killed_pid=
check '[ "$(sqlite3 "$db" "select status from run where label = '\''killed'\''")" = running ]' \
	"the killed candidate is left 'running' (the case to judge): $(tail -n 2 "$tmp/k")"
$gate --candidate "$db:killed" --junit "$tmp/k.xml" --markdown "$tmp/k.md" >"$tmp/kg" 2>&1
rc=$?
check '[ $rc -eq 2 ]' "a killed candidate does not pass: exit 2 (rc $rc): $(tail -n 3 "$tmp/kg")"
check 'grep -q "error: gate cannot judge: candidate run $(run_id killed) .* is not complete (status '\''running'\'')" "$tmp/kg"' \
	"the killed candidate: says it is not complete"
check 'grep -q "error: gate cannot judge: 2 cells of base run $base_id missing from candidate run $(run_id killed)" "$tmp/kg"' \
	"the killed candidate: says how many baseline cells are missing"
check 'grep -q "Gate: cannot judge" "$tmp/k.md" && xml_ok "$tmp/k.xml" && grep -q "<error type=\"candidate_incomplete\"" "$tmp/k.xml"' \
	"the killed candidate: Markdown and JUnit say it"

# ---- the issue's shape: running, measured cells gone, the rest skipped on both sides -------
cp "$db" "$tmp/r.db"
sqlite3 "$tmp/r.db" "update run set status = 'running' where id = $base_id;
	delete from sample where cell_id in (select id from cell where run_id = $base_id and status = 'ok');
	delete from cell where run_id = $base_id and status = 'ok'"
$gate --candidate "$tmp/r.db:$base_id" --junit "$tmp/r.xml" --markdown "$tmp/r.md" >"$tmp/r" 2>&1
rc=$?
check '[ $rc -eq 2 ]' "running, cells missing, the rest skipped: exit 2 (rc $rc): $(tail -n 3 "$tmp/r")"
check 'grep -q "cannot judge: candidate run .* is not complete" "$tmp/r" &&
	grep -q "cannot judge: 2 cells of base run .* missing from candidate" "$tmp/r" &&
	grep -q "cannot judge: the one cell the runs share is not measured on both sides" "$tmp/r"' \
	"running, cells missing, the rest skipped: all three causes named"

# ---- a complete candidate missing baseline cells ----------------------------------------
"$bb" run --db "$db" --label sub $quick --workloads dgemm:n=32 >"$tmp/sub" 2>&1 ||
	{ echo "FAIL: run sub: $(tail -n 5 "$tmp/sub")"; exit 1; }
sub_id=$(run_id sub)
$gate --candidate "$db:sub" --junit "$tmp/m.xml" --markdown "$tmp/m.md" >"$tmp/m" 2>&1
rc=$?
check '[ $rc -eq 2 ]' "a candidate missing baseline cells exits 2 (rc $rc): $(tail -n 3 "$tmp/m")"
check 'grep -q "error: gate cannot judge: 2 cells of base run $base_id missing from candidate run $sub_id" "$tmp/m"' \
	"the missing cells are counted on stderr"
check 'xml_ok "$tmp/m.xml" && [ "$(grep -c "<error type=\"missing\"" "$tmp/m.xml")" = 2 ] &&
	grep -q "name=\"dgemm:m=48,n=48,k=48,ta=N,tb=N t=1\"" "$tmp/m.xml"' \
	"JUnit: an error per missing cell, with its name"
check 'grep -q "WARNING: 2 cells of base run $base_id missing from candidate run $sub_id" "$tmp/m.md" &&
	grep -q "Gate: cannot judge" "$tmp/m.md"' "Markdown: the missing cells and the verdict"
# compare says the same in every output; its exit code stays 'regressed or not'
"$bb" compare "$db:base" "$db:sub" >"$tmp/c" 2>&1
check 'grep -q "^WARNING: 2 cells of base run $base_id missing from candidate run $sub_id" "$tmp/c"' \
	"compare: the table says the cells are missing"
"$bb" compare "$db:base" "$db:sub" --json >"$tmp/c.json" 2>/dev/null
check 'python3 -c "import json,sys; d=json.load(open(sys.argv[1])); w=[x for x in d[\"warnings\"] if x[\"gap\"] == \"missing_cells\"]; sys.exit(not (w and \"2 cells of base run\" in w[0][\"message\"] and d[\"summary\"][\"missing\"] == 2))" "$tmp/c.json"' \
	"compare --json: a missing_cells warning"
"$bb" compare "$db:base" "$db:sub" --markdown >"$tmp/c.md" 2>/dev/null
check 'grep -q "WARNING: 2 cells of base run $base_id missing from candidate run $sub_id" "$tmp/c.md"' \
	"compare --markdown: the missing cells"
"$bb" compare "$db:base" "$db:sub" --junit "$tmp/c.xml" >/dev/null 2>&1
check 'xml_ok "$tmp/c.xml" && [ "$(grep -c "<error type=\"missing\"" "$tmp/c.xml")" = 2 ]' \
	"compare --junit: an error per missing cell"

# ---- nothing measured on either side: both runs complete, every cell skipped -------------
"$bb" run --db "$db" --label skipbase $quick --workloads ddot:n=1000,dgemv:n=64 >"$tmp/sb" 2>&1
"$bb" run --db "$db" --label skipcand $quick --workloads ddot:n=1000,dgemv:n=64 >"$tmp/sc" 2>&1
"$bb" gate --baseline "$db:skipbase" --candidate "$db:skipcand" --junit "$tmp/s.xml" \
	--markdown "$tmp/s.md" >"$tmp/s" 2>&1
rc=$?
check '[ $rc -eq 2 ]' "an all-skipped comparison exits 2 (rc $rc): $(tail -n 3 "$tmp/s")"
check 'grep -q "cannot judge: none of the 2 cells the runs share is measured on both sides" "$tmp/s"' \
	"an all-skipped comparison: says nothing was measured"
check 'xml_ok "$tmp/s.xml" && grep -q "<error type=\"nothing_measured\"" "$tmp/s.xml"' \
	"an all-skipped comparison: a JUnit error"

# ---- an incomplete baseline: refused before anything is measured ------------------------
cp "$db" "$tmp/inc.db"
sqlite3 "$tmp/inc.db" "update run set status = 'interrupted' where id = $base_id"
"$bb" gate --baseline "$tmp/inc.db:base" --candidate "$db:base" --max-regression 500 \
	--junit "$tmp/i.xml" --markdown "$tmp/i.md" >"$tmp/i" 2>&1
rc=$?
check '[ $rc -eq 2 ] && grep -q "error: gate cannot judge: baseline run $base_id in .* is not complete (status '\''interrupted'\'')" "$tmp/i"' \
	"an interrupted baseline exits 2 and says why (rc $rc): $(tail -n 3 "$tmp/i")"
check '[ ! -e "$tmp/i.xml" ] && [ ! -e "$tmp/i.md" ]' "an incomplete baseline: no files written"
# a status blasbench does not write (another tool, a later version): not complete either
sqlite3 "$tmp/inc.db" "update run set status = 'abandoned' where id = $base_id"
"$bb" gate --baseline "$tmp/inc.db:base" --db "$tmp/cand.db" $quick --junit "$tmp/a.xml" \
	--markdown "$tmp/a.md" >"$tmp/a" 2>&1
rc=$?
check '[ $rc -eq 2 ] && grep -q "is not complete (status '\''abandoned'\'')" "$tmp/a"' \
	"an abandoned baseline exits 2 (rc $rc): $(tail -n 3 "$tmp/a")"
check '[ "$(sqlite3 "$tmp/cand.db" "select count(*) from run" 2>/dev/null || echo 0)" = 0 ]' \
	"an incomplete baseline: no candidate measured"

# ---- compare warns on stderr about a run that is not complete ----------------------------
"$bb" compare "$tmp/inc.db:base" "$db:killed" --json >/dev/null 2>"$tmp/w"
check 'grep -q "warning: base run $base_id .* is not complete (status '\''abandoned'\'')" "$tmp/w" &&
	grep -q "warning: candidate run $(run_id killed) .* is not complete (status '\''running'\'')" "$tmp/w"' \
	"compare warns on stderr about each incomplete run: $(cat "$tmp/w")"

# ---- --help says which code each cause gets ---------------------------------------------
"$bb" gate --help >"$tmp/h" 2>&1
check 'grep -q "is not complete" "$tmp/h" && grep -q "missing from the candidate" "$tmp/h" &&
	grep -q "no cell measured on both sides" "$tmp/h" && grep -q "could not judge" "$tmp/h"' \
	"gate --help names the causes of exit 2"

[ $fail = 0 ] && echo PASS
exit $fail
