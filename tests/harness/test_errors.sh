#!/bin/sh
# Clear errors everywhere (issue 14), end to end: one exit code per kind of failure in every
# command, databases on read-only media, backend aliases, counts in messages and labels.
# usage: test_errors.sh BLASBENCH CASE   (CASE: exit_codes, readonly, alias, label, plural)
bb="$1" case="$2"
tmp=$(mktemp -d) || exit 1
trap 'cd /; umount "$tmp/ro" 2>/dev/null; chattr -i -R "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fail=0
check() { # check DESCRIPTION EXPECTED_RC COMMAND... ; output (stdout and stderr) in $out
	desc=$1 want=$2; shift 2
	out=$("$@" 2>&1); rc=$?
	if [ "$rc" -ne "$want" ]; then echo "FAIL: $desc: exit $rc, expected $want"; echo "$out"; fail=1; fi
}
contains() { case "$out" in *"$1"*) ;; *) echo "FAIL: output lacks '$1':"; echo "$out"; fail=1;; esac; }
lacks() { case "$out" in *"$1"*) echo "FAIL: output has '$1':"; echo "$out"; fail=1;; esac; }
# a small real run: the ref backend, one tiny cell
tiny() { "$bb" run --backends ref --workloads dgemm:n=8 --budget 0.01 --passes 1 --threads 1 "$@"; }

case "$case" in
exit_codes)
	# a database that cannot be opened is exit 2 in every command that reads or writes one
	echo "not a database, just text" >text.db
	mkdir dir.db
	for db in text.db dir.db missing/x.db; do
		check "run --db $db" 2 tiny --db "$db";                contains "error: cannot"
		check "runs --db $db" 2 "$bb" runs --db "$db";         contains "error: cannot"
		check "compare --db $db" 2 "$bb" compare --db "$db" 1 2; contains "error: cannot"
		check "report --db $db" 2 "$bb" report --db "$db" --html r.html; contains "error: cannot"
		check "gate --baseline $db" 2 "$bb" gate --baseline "$db" --candidate "$db"
		check "diagnose --db $db" 2 "$bb" diagnose --backends ref --scenarios none --db "$db"
		contains "error: cannot"
	done
	# a command line that is fine naming a run that does not exist: 2, no usage hint
	tiny --db ok.db >/dev/null 2>&1 || { echo "FAIL: a tiny run"; fail=1; }
	check "runs" 0 "$bb" runs --db ok.db
	check "compare unknown run" 2 "$bb" compare --db ok.db 1 nope; contains "no run 'nope'"
	lacks "see 'blasbench help"
	# an output file that cannot be created is a path the user gave: 2 as well, in every command
	check "compare --junit nodir/" 2 "$bb" compare --db ok.db 1 1 --junit nodir/x.xml
	contains "error: cannot write 'nodir/x.xml'"
	check "gate --junit nodir/" 2 "$bb" gate --baseline ok.db:1 --candidate ok.db:1 --junit nodir/x.xml --markdown x.md
	contains "error: cannot write 'nodir/x.xml'"
	check "report --html nodir/" 2 "$bb" report --db ok.db --html nodir/x.html
	# the table is in the overview, once
	check "help" 0 "$bb" help; contains "exit codes (the same in every command):"
	contains "  130  interrupted"
	;;
*) echo "unknown case '$case'"; exit 2;;
esac
[ $fail -eq 0 ] && echo "$case: all checks passed"
exit $fail
