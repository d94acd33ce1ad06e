#!/usr/bin/env bash
# `gate --baseline-backends`: the baseline stack measured now, in the same run as the candidate,
# their workers interleaved in a random order per pass, the change judged over paired passes
# (the fixture library wrapping Netlib, tests/fixtures/fixture_wrap.c, plants the slowdown):
#   - a candidate whose dgemm is 2x slower fails (exit 1), the regression confirmed by a
#     re-measurement, and every pass carries its steal and calibration figures (schema 5);
#   - identical stacks (A/A) pass (exit 0);
#   - a threshold no CI can clear leaves cells inconclusive: --inconclusive=fail fails the
#     gate saying so, --inconclusive=pass lets it through;
#   - usage errors exit 2 before anything is measured.
# Thresholds have margin (the planted slowdown is +100%, the A/A gate allows 25%): the 2 cores
# are shared with other tests.  Detection at 5% is tested on controlled samples in
# test_compare_verdict.c and measured by scripts/bench-sensitivity.sh.
# Usage: test_gate_interleaved.sh BLASBENCH FIXTURE_DIR
set -u
bb=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") fix=$(cd "$2" 2>/dev/null && pwd)/libbbfix_wrap.so
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db=$tmp/t.db
fail=0
check() { if ! eval "$1"; then echo "FAIL: $2"; fail=1; fi; }
[ -e "$fix" ] || { echo "SKIP: fixture missing"; exit 77; }
command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 missing"; exit 77; }
cd "$tmp" || exit 1

# the plan the gates take their cells from: one small cell, 5 passes (a paired verdict needs 5 pairs)
"$bb" run --db "$db" --label plan --threads 1 --budget 0.05 --passes 5 \
	--workloads dgemm:n=48 -b "old=$fix" >"$tmp/plan" 2>&1 ||
	{ echo "FAIL: plan run: $(tail -n 5 "$tmp/plan")"; exit 1; }
gate="$bb gate --db $db --baseline $db:plan --budget-total 60"

# ---- a planted 2x slowdown in dgemm -------------------------------------------------------
$gate --baseline-backends "old=$fix" --backends "new=$fix+BB_FIXTURE=slow=2+BB_FIXTURE_ROUTINES=dgemm" \
	--max-regression 20 --junit slow.xml --markdown slow.md >"$tmp/slow" 2>&1
rc=$?
check '[ $rc -eq 1 ]' "a 2x slower dgemm fails the gate (rc $rc): $(tail -n 4 "$tmp/slow")"
check 'grep -q "^old->new  *dgemm.* regression " "$tmp/slow"' "dgemm is a regression: $(grep dgemm "$tmp/slow" | tail -1)"
check 'grep -q "CI over passes measured side by side, paired" "$tmp/slow"' "judged over paired passes"
check 'grep -q "^re-measured: [1-9]" "$tmp/slow"' "the regression was re-measured before failing"
run=$(sqlite3 "$db" 'select max(id) from run')
check '[ "$(sqlite3 "$db" "select count(distinct b.alias) from cell c join backend b on b.id = c.backend_id where c.run_id = $run")" = 2 ]' \
	"both stacks measured in the one run"
check '[ "$(sqlite3 "$db" "select count(*) from pass p join cell c on c.id = p.cell_id where c.run_id = $run and p.calib is not null and p.seq is not null")" -ge 8 ]' \
	"every pass recorded with its calibration and place in the run"

# ---- A/A: identical stacks pass ------------------------------------------------------------
$gate --baseline-backends "old=$fix" --backends "new=$fix" --max-regression 25 \
	--junit aa.xml --markdown aa.md >"$tmp/aa" 2>&1
rc=$?
check '[ $rc -eq 0 ]' "A/A gate passes (rc $rc): $(tail -n 6 "$tmp/aa")"
check 'grep -q "Gate: passed" aa.md' "A/A Markdown says passed"

# ---- a threshold no CI clears: inconclusive, by policy -------------------------------------
$gate --baseline-backends "old=$fix" --backends "new=$fix" --max-regression 0.01 \
	--inconclusive=fail --junit f.xml --markdown f.md >"$tmp/f" 2>&1
rc=$?
check '[ $rc -eq 1 ] && grep -q "gate fails on [0-9]* inconclusive cell" "$tmp/f"' \
	"--inconclusive=fail fails an inconclusive gate, saying so (rc $rc): $(tail -n 3 "$tmp/f")"
check 'grep -q "^inconclusive old->new .*straddles" "$tmp/f"' "each inconclusive cell is said with its CI"

# ---- usage errors: exit 2, nothing measured ---------------------------------------------------
n=$(sqlite3 "$db" 'select count(*) from run')
$gate --baseline-backends "old=$fix" >"$tmp/u1" 2>&1
check '[ $? -eq 2 ] && grep -q "needs --backends" "$tmp/u1"' "--baseline-backends without --backends"
$gate --baseline-backends "x=$fix" --backends "x=$fix" >"$tmp/u2" 2>&1
check '[ $? -eq 2 ] && grep -q "alias .x. is both" "$tmp/u2"' "one alias on both sides"
$gate --baseline-backends "a=$fix,b=$fix" --backends "c=$fix" >"$tmp/u3" 2>&1
check '[ $? -eq 2 ] && grep -q "paired in order" "$tmp/u3"' "unequal lists"
$gate --baseline-backends "a=$fix" --backends "c=$fix" --inconclusive=maybe >"$tmp/u4" 2>&1
check '[ $? -eq 2 ] && grep -q "remeasure, fail or pass" "$tmp/u4"' "a bad --inconclusive"
check '[ "$(sqlite3 "$db" "select count(*) from run")" = "$n" ]' "no run recorded by a usage error"
"$bb" gate --help | grep -q -- "--baseline-backends" || { echo "FAIL: --help lists --baseline-backends"; fail=1; }
exit $fail
