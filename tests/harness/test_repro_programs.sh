#!/usr/bin/env bash
# The reproduction programs as files (harness/diagnose/repro/programs/), so they cannot rot:
# one program compiles warning-free (-fsyntax-only -Wall -Wextra -Werror)
#   - on its own, with the defaults of programs/finding.h;
#   - with the other branches: ILP64, BLIS's 64-bit thread count, no thread function, C99;
#   - as blasbench writes it for a finding (repro_gen; made-up absolute paths, nothing loaded).
# Needs no BLAS, so it runs everywhere a C compiler does.
# Usage: test_repro_programs.sh CC REPRO_GEN PROGRAM.c
#        test_repro_programs.sh CC REPRO_GEN --parts PROGRAMS_DIR
#          every part (*.h) is included by some program, so the programs' check covers it
set -u
cc=$1 gen=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

if [ "$3" = --parts ]; then
	dir=$4
	parts=0
	for h in "$dir"/*.h; do
		parts=$((parts + 1))
		grep -qx "#include \"$(basename "$h")\"" "$dir"/*.c "$dir"/*.h ||
			{ echo "FAIL: $(basename "$h") is included by no program"; fail=1; }
	done
	[ "$parts" -gt 0 ] || { echo "FAIL: no part (*.h) in $dir"; fail=1; }
	exit $fail
fi

program=$3
name=$(basename "$program" .c)
flags=(-fsyntax-only -Wall -Wextra -Werror)
# syntax NAME CC_ARGS...: compile, say how it went
syntax() {
	local what=$1
	shift
	if "$cc" "${flags[@]}" "$@" >"$tmp/cc.err" 2>&1; then
		echo "ok: $name $what"
	else
		echo "FAIL: $name $what is not warning-free:"
		cat "$tmp/cc.err"
		fail=1
	fi
}

syntax "with the defaults" "$program"
syntax "with ILP64, a 64-bit thread count, no thread function, -std=c99" -std=c99 \
	-DREPRO_BLAS_INT=int64_t -DREPRO_SET_THREADS_SYMBOL=NULL -DREPRO_SET_THREADS_ARG=int64_t \
	"$program"

# as written for a finding: every input a program can take, the scenario named after the file
if "$gen" --dir "$tmp/out" --scenario "${name//_/-}" --alias test --blas /nonexistent/libblas.so \
	--set-threads openblas_set_num_threads --omp /nonexistent/libgomp.so.1 \
	--omp2 /nonexistent/libomp.so.5 --kernel OPENBLAS_CORETYPE=Haswell \
	--env "OMP_WAIT_POLICY=active" --slowdown 2 >"$tmp/gen" 2>"$tmp/gen.err"; then
	written=$(sed -n 1p "$tmp/gen")
	syntax "as written for a finding" "$written"
	check_finding() {
		grep -q '^#define REPRO_BLAS_PATH "/nonexistent/libblas.so"$' "$written" &&
			! grep -q '^#include "' "$written"
	}
	check_finding || { echo "FAIL: $name: the finding is not in place of finding.h"; fail=1; }
else
	echo "FAIL: repro_gen refused ${name//_/-}: $(cat "$tmp/gen.err")"
	fail=1
fi
exit $fail
