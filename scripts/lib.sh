# Shared steps of the README's two commands: install what is missing, then build.
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
# (libclang_rt.fuzzer, in libclang-rt-14-dev).  Installed by the test command
# (scripts/run-tests.sh) or `bb_setup test`.
BB_PACKAGES_TEST="chromium python3 clang-14 libclang-rt-14-dev"

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
