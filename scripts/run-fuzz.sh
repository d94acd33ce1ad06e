#!/usr/bin/env bash
# Bounded fuzzing of the parsers that take outside text (tests/fuzz): builds the libFuzzer
# targets with clang into build-fuzz/ (only they and the libraries they link), then runs each
# for SECONDS (default 20; $BB_FUZZ_SECONDS) on a scratch copy of its seed corpus plus its
# regression inputs, as many at once as there are cores.  Exit 1 on any crash, leak, timeout
# or out-of-memory, after printing the end of the target's log and the reproducer's path
# (replay it with `build-fuzz/tests/fuzz/fuzz_<target> FILE`; keep it under
# tests/fuzz/regressions/<target>/ once the parser is fixed).  Called by scripts/run-tests.sh.
#
#   scripts/run-fuzz.sh [SECONDS [TARGET...]]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
secs=${1:-${BB_FUZZ_SECONDS:-20}}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(backend_spec workload_spec json opts)
dir=$BB_ROOT/build-fuzz
cc=${BB_FUZZ_CC:-clang-14}
command -v "$cc" >/dev/null || { bb_say "fuzz: $cc not found (bb_setup test installs it)"; exit 1; }

CC=$cc cmake -S "$BB_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBB_FUZZ=ON >/dev/null &&
	cmake --build "$dir" -j "$(nproc)" --target bb_fuzz_targets -- --no-print-directory >/dev/null ||
	{ bb_say "fuzz build failed in $dir"; cmake --build "$dir" -j 1 --target bb_fuzz_targets 2>&1 | tail -40; exit 1; }

scratch=$(mktemp -d "${TMPDIR:-/tmp}/bb-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
artifacts=$dir/fuzz-artifacts # outlives the scratch folder: the reproducers are reported
mkdir -p "$artifacts"

# One target: libFuzzer writes new inputs into the scratch corpus (the first folder) and only
# reads the regressions.  Its exit status is left in $scratch/<target>.rc.
fuzz_one() {
	local t=$1 rc=0 mask=1
	# stdout closed; stderr too for opts, whose usage errors would fill the log (a crash
	# report still comes through: libFuzzer keeps a copy of stderr for the sanitizers)
	[ "$t" != opts ] || mask=3
	mkdir -p "$scratch/$t"
	cp -r "$BB_ROOT/tests/fuzz/corpus/$t/." "$scratch/$t/"
	UBSAN_OPTIONS=print_stacktrace=1 "$dir/tests/fuzz/fuzz_$t" "$scratch/$t" \
		"$BB_ROOT/tests/fuzz/regressions/$t" -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=2048 -close_fd_mask=$mask -print_final_stats=1 \
		-artifact_prefix="$artifacts/$t-" >"$scratch/$t.log" 2>&1 || rc=$?
	echo "$rc" >"$scratch/$t.rc"
}

bb_say "fuzz: ${targets[*]}, ${secs} s each, $(nproc) at a time"
running=0
for t in "${targets[@]}"; do
	[ -x "$dir/tests/fuzz/fuzz_$t" ] || { bb_say "fuzz: no target fuzz_$t"; exit 1; }
	if [ "$running" -ge "$(nproc)" ]; then
		wait -n || true
		running=$((running - 1))
	fi
	fuzz_one "$t" &
	running=$((running + 1))
done
wait

failed=0
for t in "${targets[@]}"; do
	rc=$(cat "$scratch/$t.rc" 2>/dev/null || echo "?")
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$scratch/$t.log")
	cov=$(grep -o 'cov: [0-9]*' "$scratch/$t.log" | tail -1 || true) # none: crashed at once
	if [ "$rc" = 0 ]; then
		printf '    %-14s ok: %s runs, %s\n' "$t" "${runs:-?}" "${cov:-cov: ?}" >&2
		continue
	fi
	failed=1
	printf '    %-14s FAILED (exit %s)\n' "$t" "$rc" >&2
	tail -40 "$scratch/$t.log" | sed 's/^/      /' >&2
	repro=$(sed -n "s/.*Test unit written to \(.*\)/\1/p" "$scratch/$t.log" | tail -1)
	[ -z "$repro" ] || bb_say "fuzz: $t reproducer: $repro (replay: $dir/tests/fuzz/fuzz_$t $repro)"
done
exit "$failed"
