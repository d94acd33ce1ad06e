#!/usr/bin/env bash
# Standalone reproduction programs end to end (harness/diagnose/repro/): the repro_gen driver
# writes one for a scenario against the Debian libraries, it compiles with its own build line
# plus -Wall -Wextra -Werror, runs for a fraction of a second, exits 0 and ends with a result
# line that parses.
#   dual_pool .. kernel_selection   one scenario each (fork: with libgomp and with LLVM libomp)
#   ilp64      the 64-bit-INTEGER OpenBLAS, whose symbol is also dgemm_
#   quoted     a library path, environment and alias full of quotes, backslashes and "*/"
#   refusal    incomplete or wrong input is refused with a reason and writes nothing
# Usage: test_repro.sh REPRO_GEN CASE
set -u
gen=$1 case=$2
lib=/usr/lib/x86_64-linux-gnu
ob=$lib/openblas-pthread/libopenblas.so.0
ob64=$lib/openblas64-pthread/libopenblas64.so.0
gomp=$lib/libgomp.so.1
llvm=$lib/libomp.so.5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if ! eval "$1"; then echo "FAIL: $2"; fail=1; fi; }
for f in "$ob" "$ob64" "$gomp" "$llvm"; do
	[ -e "$f" ] || { echo "SKIP: $f missing"; exit 77; }
done
command -v cc >/dev/null || { echo "SKIP: no C compiler called cc"; exit 77; }

secs=0.3 # measurement time of each program, in all
blas=(--blas "$(realpath "$ob")" --set-threads openblas_set_num_threads --threads 2 --n 96
      --slowdown 2.5)

# repro "RUN_ENV" "RUN_ARGS" GEN_ARGS...: write a program, build it with its build line, run it.
# Sets path (the .c file), out (its output), rc (its exit code); returns 1 if it got no run.
repro() {
	local env=$1 args=$2
	shift 2
	out='' rc=''
	if ! "$gen" --dir "$tmp/out" "$@" >"$tmp/gen" 2>"$tmp/gen.err"; then
		echo "FAIL: repro_gen $*: $(cat "$tmp/gen.err")"
		fail=1
		return 1
	fi
	path=$(sed -n 1p "$tmp/gen")
	local build dir
	build=$(sed -n 2p "$tmp/gen")
	dir=$(dirname "$path")
	echo "build: $build"
	if ! (cd "$dir" && eval "$build -Wall -Wextra -Werror") >"$tmp/cc.err" 2>&1; then
		echo "FAIL: $(basename "$path") does not build warning-free:"
		cat "$tmp/cc.err"
		fail=1
		return 1
	fi
	out=$(cd "$dir" && env $env timeout 60 "./$(basename "${path%.c}")" $args 2>"$tmp/run.err")
	rc=$?
	sed 's/^/  | /' <<<"$out"
	sed 's/^/  ! /' "$tmp/run.err"
	return 0
}

# The last line is "result: baseline_ms=X pathology_ms=Y slowdown=Z" with positive numbers.
num='[0-9]+(\.[0-9]+)?'
result_ok() {
	tail -n 1 <<<"$out" |
		grep -Eq "^result: baseline_ms=$num pathology_ms=$num slowdown=$num$" &&
		! tail -n 1 <<<"$out" | grep -Eq '=0(\.0+)?( |$)'
}

# A program that ran: exit 0, a parsable result line (or a hang where one is allowed).
ran() {
	local name=$1 hang_ok=${2:-0}
	check '[ "$rc" = 0 ]' "$name exits 0 (got $rc)"
	if [ "$hang_ok" = 1 ] && [ "$(tail -n 1 <<<"$out")" = "result: hang" ]; then
		check 'grep -q "^HANG: " <<<"$out"' "$name says HANG before 'result: hang'"
	else
		check result_ok "$name ends with a parsable result line"
	fi
	check 'grep -q "^check: .*agree" <<<"$out"' "$name checked dgemm against a naive loop"
}

case $case in
dual_pool)
	mkdir "$tmp/copies"
	repro "OMP_WAIT_POLICY=active TMPDIR=$tmp/copies" "$secs" --scenario dual-pool --alias openblas "${blas[@]}" \
		--env "OMP_WAIT_POLICY=active" && ran dual-pool
	check '! grep -q "^warning" <<<"$out"' "no warning when the finding's environment is set"
	check '[ "$(grep -c "^check: " <<<"$out")" = 2 ]' "both copies checked"
	check 'grep -q "^ \* Reported:  scipy#15050" "$path"' "header names the public report"
	check 'grep -q "^ \* Build:     cc -O2 -o repro-dual-pool-openblas repro-dual-pool-openblas.c -ldl -lpthread$" "$path"' \
		"header has the build line"
	check 'grep -q "^ \* Run:       OMP_WAIT_POLICY=active ./repro-dual-pool-openblas" "$path"' \
		"header has the run line with the environment in front"
	check 'grep -q "2.50x slower" "$path"' "header says what blasbench measured"
	check '! grep -q "GOMP_parallel\|omp_path" "$path"' "no OpenMP part in a program that runs no region"
	check '[ -z "$(ls -A "$tmp/copies")" ]' \
		"the private copy is removed"
	;;
omp_handover)
	repro "" "$secs" --scenario omp-handover --alias openblas "${blas[@]}" --omp "$gomp" \
		--env "OMP_WAIT_POLICY=active" && ran omp-handover
	check 'grep -q "^warning: the finding was seen with OMP_WAIT_POLICY=active" <<<"$out"' \
		"a missing variable of the finding is pointed out"
	;;
nested)
	repro "" "$secs" --scenario nested --alias openblas "${blas[@]}" --omp "$llvm" && ran nested
	;;
mixed_omp)
	repro "" "$secs" --scenario mixed-omp --alias openblas "${blas[@]}" --omp "$gomp" \
		--omp2 "$llvm" && ran mixed-omp
	check 'grep -q "not built on OpenMP" <<<"$out"' "a pthread BLAS is told apart from an OpenMP one"
	;;
fork)
	# libgomp has no fork handler: its child may hang (the finding); LLVM libomp's does not
	for omp in "$gomp" "$llvm"; do
		repro "" "$secs 96 2" --scenario fork --alias "openblas-$(basename "$omp")" \
			"${blas[@]}" --omp "$omp" --hung && ran "fork with $(basename "$omp")" 1
	done
	;;
background_load)
	repro "" "$secs" --scenario background-load --alias openblas "${blas[@]}" && ran background-load
	;;
kernel_selection)
	repro "OPENBLAS_CORETYPE=Haswell" "$secs" --scenario kernel-selection --alias openblas \
		"${blas[@]}" --kernel OPENBLAS_CORETYPE=Nehalem && ran kernel-selection
	check 'grep -q "^baseline: with OPENBLAS_CORETYPE=Nehalem" <<<"$out"' "the override is named"
	;;
ilp64)
	repro "" "$secs" --scenario background-load --alias openblas64 --blas "$(realpath "$ob64")" \
		--bits 64 --set-threads openblas_set_num_threads --n 96 && ran ilp64
	check 'grep -q "^#define REPRO_BLAS_INT int64_t" "$path"' "64-bit INTEGER type"
	check 'grep -q "ILP64" "$path"' "header says ILP64"
	;;
quoted)
	q="$tmp/lib \"quoted\" it's \\back\\slash */ ??/ dir"
	mkdir -p "$q"
	cp "$(realpath "$ob")" "$q/libopenblas.so.0"
	repro "OMP_WAIT_POLICY=passive" "$secs" --scenario dual-pool --alias 'my "lib"/x*/' \
		--blas "$q/libopenblas.so.0" --set-threads openblas_set_num_threads --threads 2 \
		--n 64 --env "OMP_WAIT_POLICY=passive X_QUOTE=a\"b'c\\ X_END=*/??/" && ran quoted
	check '[ "$(basename "$path")" = "repro-dual-pool-my__lib__x__.c" ]' "alias sanitized in the file name ($(basename "$path"))"
	check 'grep -qF "two copies of $q/libopenblas.so.0" <<<"$out"' "the quoted path reaches the program intact"
	check 'grep -q "X_QUOTE=(see seen_env)" "$path"' "an unsafe value is not pasted into the comment"
	;;
refusal)
	no() { # no REASON GEN_ARGS...: refused with REASON, nothing written
		local reason=$1
		shift
		if "$gen" --dir "$tmp/none" "$@" >/dev/null 2>"$tmp/err"; then
			echo "FAIL: repro_gen $* was accepted"
			fail=1
		else
			check 'grep -q "$reason" "$tmp/err"' "refused with '$reason': $(cat "$tmp/err")"
		fi
	}
	no "unknown scenario 'dual-pol': did you mean 'dual-pool'" --scenario dual-pol "${blas[@]}"
	no "OpenMP runtime needs an absolute path" --scenario omp-handover "${blas[@]}"
	no "second one needs an absolute path" --scenario mixed-omp "${blas[@]}" --omp "$gomp"
	no "absolute path" --scenario dual-pool --blas libopenblas.so.0
	no "32 or 64" --scenario dual-pool "${blas[@]}" --bits 16
	no "kernel override" --scenario kernel-selection "${blas[@]}"
	no "'FOO' is not VAR=VALUE" --scenario dual-pool "${blas[@]}" --env "A=1 FOO"
	check '[ ! -e "$tmp/none" ]' "nothing written for refused input"
	;;
*)
	echo "unknown case $case"
	exit 2
	;;
esac
exit $fail
