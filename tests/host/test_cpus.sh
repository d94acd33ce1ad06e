#!/bin/bash
# test_cpus.sh BLASBENCH CASE: the CPUs a process may use, seen by list, run and compare.
#   taskset  `taskset -c 0 list --json` says 1 CPU allowed (affinity "0") and each backend's
#            threads_started; OpenBLAS 0.3.21 sizes its pool from the affinity mask, so a
#            flag appears only if it starts more than 1 thread, and then names
#            OPENBLAS_NUM_THREADS=1 (on this machine it starts 1); OMP_NUM_THREADS=2 for
#            openblas-openmp and BLIS_NUM_THREADS=2 for blis, given per command, are flagged
#            with the variable of their layer; `run` under taskset prints the header, and
#            `-t all` means the 1 CPU allowed.
#   cgroup   a cgroup with a CPU quota of 0.5 CPU (v2 if the cpu controller is enabled in the
#            parent's cgroup.subtree_control, else the v1 cpu controller): OpenBLAS starts 2
#            threads on this 2-CPU host, list and the run header flag it with
#            OPENBLAS_NUM_THREADS=1.  Skips (77) when no cgroup is writable.
#   compare  a run under `taskset -c 0` against a normal run: compare names the affinity.
# Needs at least 2 online CPUs (else 77).  Each check fails before the limits were recorded.
set -u
B=$1
CASE=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
check() { # check WHAT COMMAND...: fail with WHAT unless the command succeeds
	local what=$1
	shift
	if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fail=1; fi
}
json() { python3 -c "import json,sys; d=json.load(open('$1')); sys.exit(0 if ($2) else 1)"; }
[ "$(nproc --all)" -ge 2 ] || { echo "SKIP: needs 2 CPUs"; exit 77; }
RUN="-w dgemm:n=64 -b openblas -t 1 --passes 1 --budget 0.05"

case $CASE in
taskset)
	taskset -c 0 "$B" list --backends openblas --json >"$T/l.json" || fail=1
	check "list --json: 1 CPU allowed, affinity 0" json "$T/l.json" \
		"d['limits']['cpus_allowed']==1 and d['limits']['affinity']['list']=='0'"
	check "list --json: the backend record has threads_started and cpus_allowed 1" json \
		"$T/l.json" "d['backends'][0]['threads_started']>=1 and d['backends'][0]['cpus_allowed']==1"
	check "list --json: a flag exactly when more threads than CPUs, naming OPENBLAS_NUM_THREADS=1" \
		json "$T/l.json" "(d['backends'][0]['threads_started']>1) == \
		('OPENBLAS_NUM_THREADS=1' in (d['backends'][0]['threads_flag'] or ''))"
	# a thread variable given per command asks for more threads than the CPU: the fix
	# names the variable of the backend's threading layer, and says the variable is set
	OMP_NUM_THREADS=2 taskset -c 0 "$B" list --backends openblas-openmp --json >"$T/o.json" ||
		fail=1
	check "openblas-openmp with OMP_NUM_THREADS=2 on 1 CPU: flagged, fix OMP_NUM_THREADS=1" \
		json "$T/o.json" "d['backends'][0]['threads_started']==2 and \
		'(OMP_NUM_THREADS=2 is set' in d['backends'][0]['threads_flag'] and \
		d['backends'][0]['threads_flag'].endswith('set OMP_NUM_THREADS=1')"
	BLIS_NUM_THREADS=2 taskset -c 0 "$B" list --backends blis >"$T/b.txt" || fail=1
	check "blis with BLIS_NUM_THREADS=2 on 1 CPU (threads joined inside the call): flagged" \
		grep -q "^warning: blis starts 2 threads .*set BLIS_NUM_THREADS=1$" "$T/b.txt"
	taskset -c 0 "$B" list --backends openblas >"$T/l.txt" || fail=1
	check "list: CPUs this process may use: 1" grep -q "^CPUs this process may use: 1 of" "$T/l.txt"
	taskset -c 0 "$B" run $RUN --db "$T/r.db" >"$T/r.out" 2>"$T/r.err" || fail=1
	check "run header: 1 CPU allowed (affinity 0)" \
		grep -q "^CPUs this process may use: 1 of .*(affinity 0;" "$T/r.err"
	taskset -c 0 "$B" run $RUN --db "$T/r.db" --json >"$T/r.json" 2>/dev/null || fail=1
	check "run --json: limits with 1 CPU allowed" json "$T/r.json" \
		"d['limits']['cpus_allowed']==1"
	taskset -c 0 "$B" run -w dgemm:n=64 -b openblas -t all --passes 1 --budget 0.05 \
		--db "$T/r.db" --json >"$T/a.json" 2>/dev/null || fail=1
	check "run -t all under taskset -c 0: 1 thread" json "$T/a.json" \
		"all(c['threads']==1 for c in d['cells'])"
	;;
cgroup)
	v2=$(awk '$9=="cgroup2"{print $5; exit}' /proc/self/mountinfo)
	v1=$(awk '$9=="cgroup" && $NF ~ /(^|,)cpu(,|$)/{print $5; exit}' /proc/self/mountinfo)
	cg=
	if [ -n "$v2" ] && grep -qw cpu "$v2/cgroup.subtree_control" 2>/dev/null &&
		mkdir "$v2/bbtest-$$" 2>/dev/null; then
		cg=$v2/bbtest-$$
		echo "50000 100000" >"$cg/cpu.max" || { rmdir "$cg"; cg=; }
	fi
	if [ -z "$cg" ] && [ -n "$v1" ] && mkdir "$v1/bbtest-$$" 2>/dev/null; then
		cg=$v1/bbtest-$$
		echo 50000 >"$cg/cpu.cfs_quota_us" || { rmdir "$cg"; cg=; }
	fi
	if [ -z "$cg" ]; then
		echo "SKIP: cannot make a cgroup with a CPU quota (not root, cgroup fs read-only, or" \
			"no cpu controller in the v2 parent's cgroup.subtree_control nor a v1 cpu hierarchy)"
		exit 77
	fi
	echo "cgroup $cg"
	# only the commands run inside the group; the test's own shell stays outside
	inside() { sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$cg" "$@"; }
	inside "$B" list --backends openblas --json >"$T/l.json"
	inside "$B" list --backends openblas >"$T/l.txt"
	inside "$B" run $RUN --db "$T/r.db" >"$T/r.out" 2>"$T/r.err"
	rmdir "$cg"
	check "list --json: quota 0.5, 1 CPU allowed" json "$T/l.json" \
		"d['limits']['cpu_quota']==0.5 and d['limits']['cpus_allowed']==1"
	check "list --json: openblas starts 2 threads, flagged with OPENBLAS_NUM_THREADS=1" json \
		"$T/l.json" "d['backends'][0]['threads_started']==2 and \
		'OPENBLAS_NUM_THREADS=1' in d['backends'][0]['threads_flag']"
	check "list: the warning" grep -q "^warning: openblas starts 2 threads .*OPENBLAS_NUM_THREADS=1" \
		"$T/l.txt"
	check "run header: quota and the warning" sh -c \
		"grep -q 'CPU quota 0.5' '$T/r.err' && grep -q 'OPENBLAS_NUM_THREADS=1' '$T/r.err'"
	;;
compare)
	taskset -c 0 "$B" run $RUN --db "$T/c.db" -l pinned >/dev/null 2>&1 || fail=1
	"$B" run $RUN --db "$T/c.db" -l free >/dev/null 2>&1 || fail=1
	"$B" compare pinned free --db "$T/c.db" >"$T/c.out" 2>&1
	cat "$T/c.out"
	check "compare names the affinity and the CPUs allowed, whatever the verdict" grep -q \
		"^the process could use different CPUs or memory: cpus_allowed 1 -> 2; affinity 0 -> 0-1" \
		"$T/c.out"
	"$B" compare pinned free --db "$T/c.db" --json >"$T/c.json" 2>/dev/null
	check "compare --json: limits_differ and the cell's differs" json "$T/c.json" \
		"d['limits_differ']=='cpus_allowed 1 -> 2; affinity 0 -> 0-1' and \
		all('affinity 0 -> 0-1' in c['differs'] for c in d['cells'])"
	;;
*)
	echo "unknown case $CASE"
	exit 2
	;;
esac
exit $fail
