#!/usr/bin/env bash
# Harness overhead: blasbench's median for dgemm n=64 and ddot n=1e5 against a minimal C loop
# calling the same library (tests/bench/minimal_loop.c), both single-threaded.  Each round runs
# the loop and then blasbench back to back; the figure is the median of the per-round ratios,
# which cancels the slow drift of a shared machine.  Target: within 3%.
#   Usage: scripts/bench-overhead.sh [backend] [rounds]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
backend=${1:-openblas} rounds=${2:-15}
bb=$BB_ROOT/build/blasbench loop=$BB_ROOT/build/bench/minimal_loop
lib=$("$bb" list --json -b "$backend" | sed -n 's/.*"realpath": "\(.*\)",/\1/p' | head -1)
db=$(mktemp -d)/overhead.db
field() { # field JSON ROUTINE: median_s of that routine's cell
	tr -d ' \n' <<<"$1" | grep -o "\"routine\":\"$2\"[^}]*\"median_s\":[0-9.e+-]*" | sed 's/.*"median_s"://'
}
rg=() rd=()
for r in $(seq "$rounds"); do
	# one thread, like blasbench --threads 1 (set before the library loads)
	out=$(OPENBLAS_NUM_THREADS=1 BLIS_NUM_THREADS=1 OMP_NUM_THREADS=1 "$loop" "$lib" 300)
	lg=$(awk '/dgemm64/ {print $2}' <<<"$out") ld=$(awk '/ddot1e5/ {print $2}' <<<"$out")
	js=$("$bb" run --db "$db" -b "$backend" --threads 1 --workloads dgemm:n=64,ddot:n=100000 \
		--budget 1 --target 0.5 --json 2>/dev/null)
	bg=$(field "$js" dgemm) bd=$(field "$js" ddot)
	rg+=("$(awk -v b="$bg" -v l="$lg" 'BEGIN {print b/l}')")
	rd+=("$(awk -v b="$bd" -v l="$ld" 'BEGIN {print b/l}')")
	printf 'round %2d: dgemm64 loop %.4g s blasbench %.4g s | ddot1e5 loop %.4g s blasbench %.4g s\n' \
		"$r" "$lg" "$bg" "$ld" "$bd"
done
med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
printf '%s %s: median of %d paired ratios blasbench/loop: dgemm n=64 %+.1f%%, ddot n=1e5 %+.1f%%\n' \
	"$backend" "$lib" "$rounds" "$(awk -v m="$(med "${rg[@]}")" 'BEGIN {print 100*(m-1)}')" \
	"$(awk -v m="$(med "${rd[@]}")" 'BEGIN {print 100*(m-1)}')"
