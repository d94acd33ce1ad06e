#!/usr/bin/env bash
# Repeatability: two consecutive runs of the same preset; the share of cells whose 95% CIs of
# the median overlap (target: >= 95% of the quick preset's cells), and the stricter share whose
# medians each fall inside the other run's CI.
#   Usage: scripts/bench-repeatability.sh [preset] [backends] [extra suite options, e.g. --passes 5]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
preset=${1:-quick} backends=${2:-openblas,blis}
shift $(( $# < 2 ? $# : 2 ))
bb=$BB_ROOT/build/blasbench
db=$(mktemp -d)/repeat.db
# the host's peak is measured on a database's first run: do that first, so neither compared
# run follows a burst of AVX-512 load
"$bb" run --db "$db" --backends "${backends%%,*}" --workloads ddot:n=1000 --threads 1 >/dev/null
sleep "${BB_SETTLE:-0}"
for label in rep-a rep-b; do
	"$bb" suite --db "$db" --preset "$preset" --backends "$backends" --label "$label" "$@" >/dev/null
done
sqlite3 -separator ' ' "$db" "
  with a as (select c.* from cell c join run r on r.id = c.run_id where r.label = 'rep-a' and c.status = 'ok'),
       b as (select c.* from cell c join run r on r.id = c.run_id where r.label = 'rep-b' and c.status = 'ok')
  select count(*),
         sum(a.ci_low_s <= b.ci_high_s and b.ci_low_s <= a.ci_high_s),
         sum(a.median_s between b.ci_low_s and b.ci_high_s and b.median_s between a.ci_low_s and a.ci_high_s)
  from a join b on a.cell_key = b.cell_key" |
while read -r n overlap inside; do
	awk -v n="$n" -v o="$overlap" -v i="$inside" -v p="$preset" -v b="$backends" 'BEGIN {
		printf "%s preset, %s: %d cells; CIs overlap in %d (%.1f%%); medians inside each other'\''s CI in %d (%.1f%%)\n",
			p, b, n, o, 100*o/n, i, 100*i/n }'
done
echo "database: $db"
