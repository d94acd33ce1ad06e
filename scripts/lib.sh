# Shared steps of the README's two commands: install what is missing (Debian packages, the
# project-local Python environment), then build.
# Sourced by scripts/run-main.sh and scripts/run-tests.sh; both are idempotent and fast when
# nothing is missing.

BB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Debian packages, one list: build tools and libraries, the backends, tools the tests use.
BB_PACKAGES_BUILD="cmake make gcc pkg-config libsqlite3-dev sqlite3 libhwloc-dev hwloc libpapi-dev papi-tools"
BB_PACKAGES_BACKENDS="libopenblas0-pthread libopenblas0-openmp libopenblas0-serial libopenblas64-0-pthread
  libblis4-pthread libblis4-openmp libblis4-serial libflame1 libatlas3-base libblas3 liblapack3
  libgomp1 libomp5"
BB_PACKAGES_TOOLS="gnuplot-nox libblas-test"
# Only the tests need these: the report test opens the HTML page in headless Chromium and reads
# JSON with python3; the fuzz step (scripts/run-fuzz.sh) builds with clang and links libFuzzer
# (libclang_rt.fuzzer, in libclang-rt-14-dev); python3-venv makes the project-local .venv/
# (bb_venv, scripts/requirements.txt: the wheels and ReFrame); the Slurm test starts its own slurmctld and slurmd (slurm-wlm)
# authenticated by munge.  Installed by the test command (scripts/run-tests.sh) or `bb_setup test`.
BB_PACKAGES_TEST="chromium python3 clang-14 libclang-rt-14-dev python3-venv slurm-wlm munge"

bb_say() { printf '==> %s\n' "$*" >&2; }

# Install the Debian packages that are not installed yet (apt-get update only if needed).
# The test packages too when asked (`bb_setup test`) or when the caller is run-tests.sh.
bb_setup() {
	local missing=() lists="$BB_PACKAGES_BUILD $BB_PACKAGES_BACKENDS $BB_PACKAGES_TOOLS"
	if [ "${1:-}" = test ] || [ "$(basename -- "$0")" = run-tests.sh ]; then
		lists="$lists $BB_PACKAGES_TEST"
	fi
	for p in $lists; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		bb_say "all Debian packages present"
		return 0
	fi
	bb_say "installing: ${missing[*]}"
	local sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
		$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
		{ bb_say "apt-get failed"; return 1; }
}

# Configure and build into $1 (default build/) with extra CMake arguments after it.
bb_build() {
	local dir=${1:-$BB_ROOT/build}
	shift || true
	cmake -S "$BB_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null &&
		cmake --build "$dir" -j "$(nproc)" -- --no-print-directory >/dev/null ||
		{ bb_say "build failed in $dir"; cmake --build "$dir" -j 1 2>&1 | tail -40; return 1; }
}

# The project-local Python environment ($BB_ROOT/.venv, git-ignored) with the pinned packages of
# scripts/requirements.txt.  Quick when present: pip runs only when the file's hash differs
# from the one stamped after the last successful install (or the venv is missing).  Writes the
# installed versions to .venv/versions.txt and prints them.  Serialised with flock, since
# concurrent tests may call it.  Returns 0 when ready, 2 when the package index cannot be
# reached (callers that only need it for a test skip), 1 on any other failure.
bb_venv() {
	local venv=$BB_ROOT/.venv req=$BB_ROOT/scripts/requirements.txt
	local want
	want="$(sha256sum <"$req" | cut -d' ' -f1) $(python3 -c 'import sys; print(sys.version.split()[0])')"
	if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.bb-stamp" 2>/dev/null)" = "$want" ]; then
		return 0
	fi
	mkdir -p "$venv" && exec {lock}>"$BB_ROOT/.venv.lock" && flock "$lock" || return 1
	local rc=0
	# another caller may have finished it while this one waited for the lock
	if [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv/.bb-stamp" 2>/dev/null)" != "$want" ]; then
		rc=1
		bb_say "Python environment: $venv (from ${req#"$BB_ROOT"/})"
		rm -f "$venv/.bb-stamp"
		if [ ! -x "$venv/bin/python" ] && ! python3 -m venv "$venv" >&2; then
			bb_say "python3 -m venv failed (Debian: apt-get install python3-venv)"
		elif ! "$venv/bin/python" -m pip install -q -r "$req" >&2; then
			if ! "$venv/bin/python" -m pip index versions pip >/dev/null 2>&1; then
				bb_say "the Python package index cannot be reached: $venv is not ready"
				rc=2
			else
				bb_say "pip install -r $req failed"
			fi
		else
			"$venv/bin/python" -m pip freeze >"$venv/versions.txt" &&
				echo "$want" >"$venv/.bb-stamp" && rc=0
			bb_say "installed: $(tr '\n' ' ' <"$venv/versions.txt")"
		fi
	fi
	exec {lock}>&-
	return $rc
}

# For a test that needs the wheels of .venv/: make it (bb_venv) and set BB_PY to its python, or
# exit the test, 77 (skipped) when the package index cannot be reached, 1 otherwise.
bb_venv_for_test() {
	bb_venv
	local rc=$?
	[ $rc -eq 2 ] && { echo "SKIP: the Python package index cannot be reached to make .venv/"; exit 77; }
	[ $rc -eq 0 ] || { echo "FAIL: the project's Python environment (.venv/) could not be made"; exit 1; }
	BB_PY=$BB_ROOT/.venv/bin/python
}
