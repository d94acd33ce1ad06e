#!/bin/sh
# The command line: help generated from the command table, typos answered with the closest
# name and exit code 2, and the executable linking no BLAS and no OpenMP runtime.
bb="$1"
fail=0
check() { # check DESCRIPTION EXPECTED_RC COMMAND... ; output in $out
	desc=$1 want=$2; shift 2
	out=$("$@" 2>&1); rc=$?
	if [ "$rc" -ne "$want" ]; then echo "FAIL: $desc: exit $rc, expected $want"; echo "$out"; fail=1; fi
}
contains() { case "$out" in *"$1"*) ;; *) echo "FAIL: output lacks '$1':"; echo "$out"; fail=1;; esac; }

check "help" 0 "$bb" help;                 contains "list"; contains "info"
case "$out" in *__worker*) echo "FAIL: hidden command shown in help"; fail=1;; esac
check "help list" 0 "$bb" help list;       contains "--backends"; contains "--json"
check "list --help" 0 "$bb" list --help;   contains "usage: blasbench list"
check "no command" 2 "$bb"
check "typo command" 2 "$bb" lsit;         contains "did you mean 'list'"
check "typo option" 2 "$bb" list --jsn;    contains "did you mean '--json'"
check "typo backend" 2 "$bb" list -b openblass; contains "did you mean 'openblas'"
check "help typo" 2 "$bb" help lst;        contains "did you mean 'list'"
check "stray argument" 2 "$bb" list extra; contains "takes no arguments"
check "missing value" 2 "$bb" list --backends; contains "needs a value"
check "bad number" 2 "$bb" list --threads=x; contains "whole number"
# whole-number options are refused with exit 2 before anything runs, in every command
check "bad passes" 2 "$bb" run --backends ref --workloads dgemm:n=8 --passes 0
contains "error: option '--passes' takes a whole number from 1 to"
# a bad item after good ones (found by fuzzing: the thread list was freed twice, abort, 134)
check "bad thread item" 2 "$bb" run --backends ref --workloads dgemm:n=8 --threads 1,all,2xall.
contains "error: --threads takes counts from 1 to 256, 'all' or '2xall', not '2xall.'"
# an item longer than the parser's buffer was cut to 31 bytes and "000...0001x" ran 1 thread
check "long thread item" 2 "$bb" run --backends ref --workloads dgemm:n=8 --threads 0000000000000000000000000000001x
contains "not '000000000000000000000000...'"
check "bad omp item" 2 "$bb" run --backends ref --workloads dgemm:n=8 --omp none,gnu
contains "unknown OpenMP runtime 'gnu'"
check "bad rounds" 2 "$bb" diagnose --backends ref --rounds 51 --db /nonexistent/dir/x.db
contains "error: option '--rounds' takes a whole number from 1 to 50, not '51'"
# --db comes from the command table's flag: on the commands that read the database only
check "runs --help" 0 "$bb" runs --help;   contains "--db FILE"; contains "./blasbench.db"
check "info --help" 0 "$bb" info --help
case "$out" in *--db*) echo "FAIL: info offers --db"; fail=1;; esac
# generated help: the tables, not prose
check "suite --help" 0 "$bb" suite --help; contains "presets:"; contains "  quick "; contains "netlib"
check "diagnose --help" 0 "$bb" diagnose --help; contains "  dual-pool "; contains "  one-core-free "
check "synopsis" 0 "$bb" help --synopsis;  contains "blasbench run --workloads W --backends B ["
check "synopsis arg" 2 "$bb" help --synopsis list

# blasbench must not become one more BLAS or OpenMP runtime in the stacks it measures
deps=$(ldd "$bb")
case "$deps" in *blas*|*lapack*|*gomp*|*libomp*|*iomp*|*blis*|*flame*)
	echo "FAIL: blasbench links a BLAS or OpenMP runtime:"; echo "$deps"; fail=1;;
esac
[ $fail -eq 0 ] && echo "cli: all checks passed"
exit $fail
