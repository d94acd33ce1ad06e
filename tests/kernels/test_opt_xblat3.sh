#!/bin/sh
# test_opt_xblat3: netlib's Level 3 BLAS test programs (Debian libblas-test: xblat3d, xblat3s,
# xblat3c, xblat3z) run against libbbopt.so through LD_PRELOAD, so their ?GEMM calls reach
# blasbench's optimized GEMM while everything else stays netlib's.  Passes only when each
# program says ?GEMM "PASSED THE COMPUTATIONAL TESTS" and "PASSED THE TESTS OF ERROR-EXITS", no
# line says FAIL, and libbbopt announced itself on stderr (BLASBENCH_OPT_ANNOUNCE=1): a preload that did
# not take effect would otherwise test netlib's own GEMM and pass vacuously.
# usage: test_opt_xblat3.sh LIBBBOPT SANITIZE(ON/OFF)     exit 0 pass, 1 fail, 77 skipped
set -u
lib=$1
sanitize=${2:-OFF}
dir=/usr/lib/x86_64-linux-gnu/blas

if [ ! -x "$dir/xblat3d" ] || [ ! -x "$dir/xblat3z" ]; then
	echo "SKIP: $dir/xblat3d or xblat3z absent (Debian package libblas-test)"
	exit 77
fi
case "$sanitize" in
ON | on | 1 | TRUE | true)
	echo "SKIP: libbbopt.so built with sanitizers cannot be preloaded into xblat3"
	exit 77
	;;
esac
[ -f "$lib" ] || { echo "error: no library '$lib'" >&2; exit 1; }

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
status=0
for p in d s c z; do
	P=$(echo $p | tr dscz DSCZ)
	cp "$dir/${p}blat3.in" "$tmp/" || exit 1
	# the summary file is named on the first line of the input: 'dblat3.out'
	out=$(sed -n "1s/^'\([^']*\)'.*/\1/p" "$tmp/${p}blat3.in")
	(cd "$tmp" && BLASBENCH_OPT_ANNOUNCE=1 LD_PRELOAD="$lib" "$dir/xblat3$p" \
		<"${p}blat3.in" >stdout.txt 2>stderr.txt)
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "FAIL: xblat3$p exited with $rc"; cat "$tmp/stderr.txt"; status=1; continue
	fi
	if ! grep -q "^libbbopt: ${p}gemm_ called" "$tmp/stderr.txt"; then
		echo "FAIL: xblat3$p did not call libbbopt's ${p}gemm_ (preload not in effect)"
		cat "$tmp/stderr.txt"; status=1; continue
	fi
	sum="$tmp/$out"
	[ -f "$sum" ] || sum="$tmp/stdout.txt"
	ok=1
	grep -q "${P}GEMM  PASSED THE COMPUTATIONAL TESTS" "$sum" || ok=0
	grep -q "${P}GEMM  PASSED THE TESTS OF ERROR-EXITS" "$sum" || ok=0
	grep -qi "FAIL" "$sum" && ok=0
	if [ $ok -eq 1 ]; then
		echo "ok: xblat3$p: $(grep "${P}GEMM  PASSED THE COMPUTATIONAL" "$sum" | sed 's/^ *//')"
	else
		echo "FAIL: xblat3$p:"; grep -i "${P}GEMM\|FAIL" "$sum" | head -20; status=1
	fi
done
exit $status
