#!/usr/bin/env bash
# `blasbench report` end to end, through the blasbench executable, gnuplot and headless Chromium:
#   - two real runs (ref and opt, dgemm at 3 sizes, 1 and 2 threads), the second labelled with
#     markup and quotes and given a failed cell with a hostile error message (SQL); a diagnose
#     run with scenario cells and a hostile backend alias (SQL, as `diagnose` would write them);
#   - the report with --compare and --gnuplot: the expected charts as inline SVG, the scripts
#     re-run with gnuplot from another directory, no link to anything outside the page;
#   - in Chromium: a non-blank screenshot, one table row per cell in the database, failures
#     before ok rows, no script element, the label shown as text;
#   - without gnuplot (BLASBENCH_GNUPLOT=/nonexistent) the page is still whole and says charts
#     are missing (once on stderr); one chart failing does not take the others down;
#   - an unknown run, a missing database or an unwritable FILE exit 2 and write nothing.
# Usage: test_report.sh BLASBENCH
set -u
bb=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db=$tmp/x.db
fail=0
check() { if ! eval "$1"; then echo "FAIL: $2"; fail=1; fi; }
command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 missing"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
gnuplot=$(command -v gnuplot) || { echo "SKIP: gnuplot missing"; exit 77; }
chromium=$(command -v chromium || command -v chromium-browser || true)

# Chromium, headless; its profile and caches stay in $tmp.  A VM can take seconds to start it.
chrome() {
	HOME=$tmp timeout 60 "$chromium" --headless --disable-gpu --no-sandbox --no-first-run \
		--user-data-dir="$tmp/chrome" "$@" 2>>"$tmp/chrome.log"
}
dom() { chrome --dump-dom "file://$1" >"$2"; }
count() { grep -o -- "$1" "$2" | wc -l; }
json() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$@"; }

# ---- data: two real runs, a failed cell, a diagnose run -----------------------------------
label='L<script>alert(1)</script>"b'"'"'c'
common="--db $db --backends ref,opt --workloads dgemm:n=32..128 --threads 1,2 --budget 0.05 --passes 1"
"$bb" run $common --label base >"$tmp/run1" 2>&1 || { echo "FAIL: run 1: $(tail -n 5 "$tmp/run1")"; exit 1; }
"$bb" run $common --label "$label" >"$tmp/run2" 2>&1 || { echo "FAIL: run 2: $(tail -n 5 "$tmp/run2")"; exit 1; }
sqlite3 "$db" <<'EOF' || { echo "FAIL: cannot add rows with sqlite3"; exit 1; }
INSERT INTO cell (run_id, backend_id, cell_key, workload_key, routine, prec, m, n, k, threads,
  threads_effective, status, error, calls_per_sample, n_samples, recorded)
  SELECT run_id, backend_id, cell_key || '|crashed', workload_key || ',crashed', routine, prec,
    m, n, k, threads, 0, 'crash', 'SIGSEGV <img src=x onerror=alert(2)> & "quoted"', 0, 0, recorded
  FROM cell WHERE run_id = 2 ORDER BY id DESC LIMIT 1;
INSERT INTO run (host_id, label, command, kind, version, status, started, finished)
  VALUES (1, 'diag', 'blasbench diagnose', 'diagnose', '0.1.0', 'complete',
          '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z');
INSERT INTO backend (run_id, alias, spec, record_json)
  VALUES (3, '<script>alert(3)</script>"b''c', 'openblas', NULL);
INSERT INTO cell (run_id, backend_id, cell_key, workload_key, routine, prec, m, n, k, threads,
  threads_effective, params_json, status, error, calls_per_sample, n_samples, recorded)
  SELECT 3, b.id, 'scn' || x.i, 'dgemm:m=256,n=256,k=256,ta=N,tb=N', 'dgemm', 'd', 256, 256, 256,
    2, 2, json_object('scenario', x.s, 'mitigation', x.m, 'slowdown', x.v,
                      'slowdown_ci_low', x.v * 0.9, 'slowdown_ci_high', x.v * 1.1),
    x.st, x.e, 1, 0, '2026-01-01T00:00:30Z'
  FROM backend b,
   (SELECT 1 AS i, 'dual-pool' AS s, 'none' AS m, 12.5 AS v, 'ok' AS st, NULL AS e UNION ALL
    SELECT 2, 'dual-pool', 'thread-timeout', 1.1, 'ok', NULL UNION ALL
    SELECT 3, 'nested', 'none', 3.2, 'ok', NULL UNION ALL
    SELECT 4, 'nested', 'inner-1', 0.98, 'ok', NULL) x
  WHERE b.run_id = 3;
EOF
cells2=$(sqlite3 "$db" "SELECT count(*) FROM cell WHERE run_id = 2")
cells3=$(sqlite3 "$db" "SELECT count(*) FROM cell WHERE run_id = 3")

# ---- the full report: run 2 against run 1, with the gnuplot files -------------------------
"$bb" report 2 --db "$db" --compare "$db:base" --html "$tmp/a.html" --gnuplot "$tmp/gp" --json \
	>"$tmp/a.json" 2>"$tmp/a.err"
rc=$?
check '[ $rc -eq 0 ]' "report exits 0 (rc $rc): $(cat "$tmp/a.err")"
check '[ -s "$tmp/a.html" ] && [ ! -e "$tmp/a.html.tmp" ]' "the page is written, no .tmp left"
# charts: GFLOP/s against size (dgemm), thread scaling (dgemm), comparison ratios
check '[ "$(json "$tmp/a.json" charts)" = 3 ] && [ "$(count "<svg" "$tmp/a.html")" = 3 ]' \
	"3 charts inlined as SVG ($(json "$tmp/a.json" charts 2>&1))"
check '[ "$(json "$tmp/a.json" cells)" = "$cells2" ] && [ "$(json "$tmp/a.json" failures)" = 1 ]' \
	"--json counts $cells2 cells and 1 failure"
check '[ "$(json "$tmp/a.json" html)" = "$tmp/a.html" ]' "--json names the page"
check '! grep -Eiq "<(link|iframe|img|object|embed)|(src|href)=\"?(https?:)?//|@import|url\\(http" "$tmp/a.html"' \
	"the page links to nothing outside itself"
check 'grep -q "% of peak" "$tmp/a.html" && grep -q "id=\"comparison\"" "$tmp/a.html"' \
	"% of peak axis and a comparison section"
check '[ "$(ls "$tmp/gp"/*.gp | wc -l)" = 3 ] && [ "$(ls "$tmp/gp"/*.dat | wc -l)" = 3 ]' \
	"--gnuplot writes 3 scripts and 3 data files"
(cd / && "$gnuplot" "$tmp"/gp/*.gp) >"$tmp/gp.out" 2>"$tmp/gp.err"
rc=$?
check '[ $rc -eq 0 ] && [ ! -s "$tmp/gp.err" ]' "gnuplot DIR/*.gp re-runs cleanly from / (rc $rc): $(head -3 "$tmp/gp.err")"
check '[ "$(ls "$tmp/gp"/*.svg 2>/dev/null | wc -l)" = 3 ]' "the scripts write their SVG next to themselves"
check 'grep -q "ref t=1" "$tmp/gp/01-gflops-dgemm.gp" && grep -q "^32 " "$tmp/gp/01-gflops-dgemm.dat"' \
	"the GFLOP/s chart has a line per backend and thread count, sizes in the data"

# ---- the diagnose run: the default RUN is the latest --------------------------------------
"$bb" report --db "$db" --html "$tmp/b.html" --json >"$tmp/b.json" 2>"$tmp/b.err"
rc=$?
check '[ $rc -eq 0 ] && [ "$(json "$tmp/b.json" run)" = 3 ]' "report without RUN takes the latest (rc $rc)"
check '[ "$(json "$tmp/b.json" charts)" = 1 ] && [ "$(count "<svg" "$tmp/b.html")" = 1 ]' \
	"the diagnose run has its slowdown chart"
check 'grep -q "dual-pool/&lt;script>alert(3)" "$tmp/b.html"' "bars labelled scenario/alias/mitigation, escaped"
check '[ "$(count "<tr class=\"cell " "$tmp/b.html")" = "$cells3" ] && grep -q "id=\"scenarios\"" "$tmp/b.html"' \
	"the diagnose page lists its scenarios and every cell"

# ---- without gnuplot, and with one chart failing ------------------------------------------
BLASBENCH_GNUPLOT=/nonexistent "$bb" report 2 --db "$db" --html "$tmp/c.html" --gnuplot "$tmp/gp2" \
	>"$tmp/c.out" 2>"$tmp/c.err"
rc=$?
check '[ $rc -eq 0 ] && grep -q "Charts are missing" "$tmp/c.html"' "no gnuplot: exit 0, the page says charts are missing (rc $rc)"
check '[ "$(count "<svg" "$tmp/c.html")" = 0 ] && [ "$(grep -c gnuplot "$tmp/c.err")" = 1 ]' \
	"no gnuplot: no SVG, said once on stderr: $(cat "$tmp/c.err")"
check '[ "$(ls "$tmp/gp2"/*.gp | wc -l)" = 2 ]' "no gnuplot: the scripts are still written for later"
check '[ "$(count "<tr class=\"cell " "$tmp/c.html")" = "$cells2" ]' "no gnuplot: the cell table is whole"
printf '#!/bin/sh\ncase "$*" in *threads*) echo "fake failure" >&2; exit 1;; esac\nexec %s "$@"\n' \
	"$gnuplot" >"$tmp/fakegp"
chmod +x "$tmp/fakegp"
BLASBENCH_GNUPLOT=$tmp/fakegp "$bb" report 2 --db "$db" --html "$tmp/d.html" --json >"$tmp/d.json" 2>"$tmp/d.err"
rc=$?
check '[ $rc -eq 0 ] && [ "$(json "$tmp/d.json" charts)" = 1 ] && [ "$(json "$tmp/d.json" charts_failed)" = 1 ]' \
	"one chart failing leaves the other (rc $rc): $(cat "$tmp/d.err")"
check 'grep -q "could not be drawn: gnuplot failed (exit 1): fake failure" "$tmp/d.html"' "the failed chart says why"

# ---- bad input: exit 2, nothing written ----------------------------------------------------
echo keep >"$tmp/keep.html"
"$bb" report nosuchlabel --db "$db" --html "$tmp/keep.html" >"$tmp/e1" 2>&1
rc=$?
check '[ $rc -eq 2 ] && [ "$(cat "$tmp/keep.html")" = keep ] && [ ! -e "$tmp/keep.html.tmp" ]' \
	"unknown run: exit 2, FILE untouched (rc $rc)"
check '[ "$(wc -l <"$tmp/e1")" = 1 ] && grep -q "^error: no run .nosuchlabel." "$tmp/e1"' "unknown run: one line: $(cat "$tmp/e1")"
"$bb" report 99 --db "$db" --html "$tmp/e2.html" >/dev/null 2>&1
rc=$?
check '[ $rc -eq 2 ] && [ ! -e "$tmp/e2.html" ] && [ ! -e "$tmp/e2.html.tmp" ]' "unknown run id: exit 2, nothing written (rc $rc)"
"$bb" report --db "$tmp/none.db" --html "$tmp/e3.html" >/dev/null 2>&1
rc=$?
check '[ $rc -eq 2 ] && [ ! -e "$tmp/none.db" ] && [ ! -e "$tmp/e3.html" ]' "missing database: exit 2, not created (rc $rc)"
"$bb" report 2 --db "$db" --html "$tmp/nodir/e4.html" >"$tmp/e4" 2>&1
rc=$?
check '[ $rc -eq 2 ] && [ "$(wc -l <"$tmp/e4")" = 1 ]' "unwritable FILE: exit 2, one line (rc $rc): $(cat "$tmp/e4")"
"$bb" report 2 --db "$db" --compare nosuch --html "$tmp/e5.html" >/dev/null 2>&1
rc=$?
check '[ $rc -eq 2 ] && [ ! -e "$tmp/e5.html" ]' "unknown --compare run: exit 2 (rc $rc)"
"$bb" report --help >"$tmp/help" 2>&1
rc=$?
check '[ $rc -eq 0 ] && grep -q -- "--html FILE" "$tmp/help" && grep -q -- "--gnuplot DIR" "$tmp/help" && grep -q -- "--compare BASE" "$tmp/help"' \
	"--help lists the options (rc $rc)"

# ---- one thread count: the GFLOP/s chart gets a % of peak axis -----------------------------
# The axis needs a peak the run trusts: on a busy machine the run's own measurement is judged
# disturbed, so the host's best-known (runs 1 and 2) is marked undisturbed for it to fall back on.
sqlite3 "$db" "UPDATE host SET peak_json = json_set(peak_json, '\$.undisturbed', json('true'))" ||
	{ echo "FAIL: cannot mark the host's peak"; exit 1; }
"$bb" run --db "$db" --backends opt --workloads dgemm:n=32..64 --threads 1 --budget 0.05 --passes 1 \
	--label one >"$tmp/run4" 2>&1 || { echo "FAIL: run 4: $(tail -n 5 "$tmp/run4")"; exit 1; }
"$bb" report one --db "$db" --html "$tmp/f.html" --gnuplot "$tmp/gp4" >/dev/null 2>&1
rc=$?
check '[ $rc -eq 0 ] && grep -q "^set link y2 via" "$tmp/gp4/01-gflops-dgemm.gp" &&
       grep -q "y2label .% of peak" "$tmp/gp4/01-gflops-dgemm.gp" && [ "$(count "<svg" "$tmp/f.html")" = 1 ]' \
	"one thread count: a right-hand axis in % of peak (rc $rc)"

# ---- in a real browser ---------------------------------------------------------------------
if [ -z "$chromium" ]; then
	[ $fail = 0 ] && { echo "SKIP: chromium missing (every other check passed)"; exit 77; }
	exit $fail
fi
dom "$tmp/a.html" "$tmp/a.dom"
check '[ -s "$tmp/a.dom" ]' "chromium dumps the DOM: $(tail -n 3 "$tmp/chrome.log")"
check '[ "$(count "<svg" "$tmp/a.dom")" = 3 ]' "3 charts in the DOM"
check '[ "$(count "<tr class=\"cell " "$tmp/a.dom")" = "$cells2" ]' "one row per cell ($cells2) in the DOM"
check '[ "$(grep -o "<tr class=\"cell [a-z]*" "$tmp/a.dom" | head -1)" = "<tr class=\"cell failed" ] &&
       [ "$(grep -o "<tr class=\"cell [a-z]*" "$tmp/a.dom" | tail -n +2 | grep -c failed)" = 0 ]' \
	"the failed cell comes before every ok cell"
check '! grep -qi "<script" "$tmp/a.dom" && ! grep -qi "<img" "$tmp/a.dom"' "no script or img element in the DOM"
check 'grep -qF "L&lt;script&gt;alert(1)&lt;/script&gt;\"b'"'"'c" "$tmp/a.dom"' "the label shows as text"
check 'grep -qF "SIGSEGV &lt;img src=x onerror=alert(2)&gt; &amp; \"quoted\"" "$tmp/a.dom"' "the error shows as text"
dom "$tmp/b.html" "$tmp/b.dom"
check '[ "$(count "<svg" "$tmp/b.dom")" = 1 ] && ! grep -qi "<script" "$tmp/b.dom" &&
       grep -qF "&lt;script&gt;alert(3)&lt;/script&gt;" "$tmp/b.dom"' "diagnose page: chart, alias as text"
dom "$tmp/c.html" "$tmp/c.dom"
check '[ "$(count "<tr class=\"cell " "$tmp/c.dom")" = "$cells2" ] && grep -q "Charts are missing" "$tmp/c.dom"' \
	"the page without charts renders whole"
chrome --screenshot="$tmp/shot.png" --window-size=1280,2000 "file://$tmp/a.html" >/dev/null
# a real PNG of the asked size whose pixels are not all alike (a blank page would be)
check 'python3 - "$tmp/shot.png" <<"EOF"
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", data[16:24])
assert (w, h) == (1280, 2000), (w, h)
pos, idat = 8, b""
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    if kind == b"IDAT":
        idat += data[pos + 8:pos + 8 + n]
    pos += 12 + n
raw = zlib.decompress(idat)
stride = len(raw) // h
rows = {raw[i * stride + 1:(i + 1) * stride] for i in range(h)}
assert len(rows) > 200, "only %d distinct rows" % len(rows)
EOF' "the screenshot is a non-blank 1280x2000 PNG ($(stat -c %s "$tmp/shot.png" 2>/dev/null) bytes)"

# The first screen (1280x800) shows the answer table and a chart: a copy of the page with a
# script that measures where they are and writes what it saw into the DOM (the report itself
# has no script).  A row counts when it is inside the window and inside its scrolling box; a
# chart when at least 150 px of its height are.
sed 's|</body>|<script>addEventListener("load",function(){var H=innerHeight,W=innerWidth;\
function seen(e){var r=e.getBoundingClientRect(),b=e.closest(".answer-box,.charts-box");\
var top=Math.max(r.top,0),bot=Math.min(r.bottom,H);if(b){var q=b.getBoundingClientRect();\
top=Math.max(top,q.top);bot=Math.min(bot,q.bottom);}return r.left<W\&\&r.right>0?bot-top:0;}\
var rows=0,charts=0;document.querySelectorAll("#answer-table tr.row").forEach(function(e){\
if(seen(e)>=e.getBoundingClientRect().height-1)rows++;});\
document.querySelectorAll("#charts figure.chart svg").forEach(function(e){if(seen(e)>=150)charts++;});\
document.body.setAttribute("data-first-screen","rows="+rows+" charts="+charts);});</script></body>|' \
	"$tmp/a.html" >"$tmp/first.html"
chrome --window-size=1280,800 --dump-dom "file://$tmp/first.html" >"$tmp/first.dom"
seen=$(grep -o 'data-first-screen="[^"]*"' "$tmp/first.dom")
rows=$(echo "$seen" | sed -n 's/.*rows=\([0-9]*\).*/\1/p')
charts=$(echo "$seen" | sed -n 's/.*charts=\([0-9]*\).*/\1/p')
check '[ "${rows:-0}" -ge 6 ] && [ "${charts:-0}" -ge 1 ]' \
	"the first screen (1280x800) shows the answer table and a chart (${seen:-no marker})"
check 'grep -q "<th colspan=\"[0-9]*\" class=\"backend\">ref</th>" "$tmp/first.dom" &&
       grep -q "<th colspan=\"[0-9]*\" class=\"backend\">opt</th>" "$tmp/first.dom"' \
	"the answer table has a column per backend"

[ $fail = 0 ] && echo PASS
exit $fail
