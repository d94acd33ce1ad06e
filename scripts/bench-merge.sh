#!/usr/bin/env bash
# Merge speed: `blasbench merge` of N standard-suite-sized databases, each as if from its own
# host.  Rather than run N suites, one small real run is scaled with sqlite3 to a standard
# suite's size (its cells duplicated under new keys up to CELLS, each with SAMPLES samples in
# 3 passes), then copied N times, each copy's run given a new uid and its host a new fingerprint
# and hostname (every other one a second CPU model, so the report shows two host classes).
# Prints the merge's wall time, the merged row counts and the integrity check.
# Target: 50 databases of 372 cells in under a minute on 2 cores.
#   Usage: scripts/bench-merge.sh [N] [CELLS] [SAMPLES]   (default 50 372 30)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
n=${1:-50} cells=${2:-372} samples=${3:-30}
bb=$BB_ROOT/build/blasbench
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
seed=$dir/seed.db

bb_say "one real run (ref backend, two tiny cells)"
"$bb" run --db "$seed" -b ref --workloads dgemm:n=32,ddot:n=1000 --threads 1 --budget 0.01 \
	--target 10 >/dev/null 2>&1
cols=$(sqlite3 "$seed" "SELECT group_concat(name, ', ') FROM pragma_table_info('cell')
	WHERE name NOT IN ('id', 'cell_key')")
bb_say "scaled to $cells cells of $samples samples"
sqlite3 "$seed" >/dev/null <<SQL
PRAGMA journal_mode = DELETE;
CREATE TEMP TABLE k (i INTEGER PRIMARY KEY);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < max($cells, $samples))
INSERT INTO k SELECT i FROM c;
INSERT INTO cell (cell_key, $cols)
  SELECT cell_key || '#' || k.i, $cols FROM cell, k
  WHERE cell.id = (SELECT min(id) FROM cell) AND k.i <= $cells - (SELECT count(*) FROM cell);
INSERT INTO sample (cell_id, seq, seconds, pass)
  SELECT c.id, k.i - 1, 1e-5 * (1 + 1e-3 * ((c.id * 7 + k.i * 13) % 97)), (k.i - 1) % 3
  FROM cell c, k WHERE k.i <= $samples
  AND NOT EXISTS (SELECT 1 FROM sample s WHERE s.cell_id = c.id AND s.seq = k.i - 1);
UPDATE cell SET n_samples = (SELECT count(*) FROM sample WHERE cell_id = cell.id);
SQL
bb_say "$n copies as $n hosts"
ins=()
for i in $(seq "$n"); do
	f=$dir/host$i.db
	cp "$seed" "$f"
	sqlite3 "$f" "UPDATE run SET uid = lower(hex(randomblob(16)));
		UPDATE host SET fingerprint = printf('sim%013d', $i),
		host_json = json_set(host_json, '$.hostname', 'node$i',
			'$.cpu_model', iif($i % 2, json_extract(host_json, '$.cpu_model'), 'Second CPU'))"
	ins+=("$f")
done
size=$(du -ch "${ins[@]}" | tail -1 | cut -f1)
bb_say "merging $n databases ($size)"
start=$(date +%s.%N)
"$bb" merge "$dir/out.db" "${ins[@]}" >"$dir/summary" 2>"$dir/progress"
end=$(date +%s.%N)
wall=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}')
again_start=$(date +%s.%N)
"$bb" merge "$dir/out.db" "${ins[@]}" >/dev/null 2>&1
again=$(awk -v a="$again_start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.2f", b - a}')
cat "$dir/summary"
q() { sqlite3 "$dir/out.db" "$1"; }
printf 'merged %d databases of %d cells x %d samples in %s s wall (%d cores); again (all skipped) %s s\n' \
	"$n" "$cells" "$samples" "$wall" "$(nproc)" "$again"
printf 'result: %s hosts, %s runs, %s backends, %s cells, %s samples, %s counters, %s; integrity_check %s, foreign_key_check %s rows\n' \
	"$(q 'SELECT count(*) FROM host')" "$(q 'SELECT count(*) FROM run')" \
	"$(q 'SELECT count(*) FROM backend')" "$(q 'SELECT count(*) FROM cell')" \
	"$(q 'SELECT count(*) FROM sample')" "$(q 'SELECT count(*) FROM counter')" \
	"$(du -h "$dir/out.db" | cut -f1)" "$(q 'PRAGMA integrity_check')" \
	"$(q 'PRAGMA foreign_key_check' | wc -l)"
