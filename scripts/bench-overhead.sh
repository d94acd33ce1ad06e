#!/usr/bin/env bash
# Harness overhead: blasbench's median for dgemm n=64 and ddot n=1e5 against a minimal C loop
# calling the same library (tests/bench/minimal_loop.c), interleaved A/B/A/B so drift hits both.
# Target: agreement within 3%.   Usage: scripts/bench-overhead.sh [backend] [rounds]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
backend=${1:-openblas} rounds=${2:-3}
bb=$BB_ROOT/build/blasbench loop=$BB_ROOT/build/bench/minimal_loop
lib=$("$bb" list --json -b "$backend" | sed -n 's/.*"realpath": "\(.*\)",/\1/p' | head -1)
db=$(mktemp -d)/overhead.db
declare -a L_GEMM L_DOT B_GEMM B_DOT
for r in $(seq "$rounds"); do
	read -r _ g < <("$loop" "$lib" 300 | grep dgemm64); read -r _ d < <("$loop" "$lib" 300 | grep ddot1e5)
	L_GEMM+=("$g"); L_DOT+=("$d")
	out=$("$bb" run --db "$db" -b "$backend" --threads 1 --workloads dgemm:n=64,ddot:n=100000 --budget 2 --target 0.5 --json)
	B_GEMM+=("$(echo "$out" | tr -d ' \n' | grep -o '"routine":"dgemm"[^}]*"median_s":[0-9.e-]*' | sed 's/.*"median_s"://')")
	B_DOT+=("$(echo "$out" | tr -d ' \n' | grep -o '"routine":"ddot"[^}]*"median_s":[0-9.e-]*' | sed 's/.*"median_s"://')")
done
med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for w in GEMM DOT; do
	l=$(eval med "\${L_$w[@]}"); b=$(eval med "\${B_$w[@]}")
	awk -v w="$w" -v l="$l" -v b="$b" -v lib="$lib" 'BEGIN { printf "%-5s %s: minimal loop %.4g s, blasbench %.4g s, difference %+.2f%%\n", w, lib, l, b, 100*(b-l)/l }'
done
