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
	# an older database: compare refuses it with a hint, and the hint (runs) upgrades it
	sqlite3 old.db "PRAGMA application_id = 1112293971; CREATE TABLE t (a); DROP TABLE t;"
	check "compare on an older database" 2 "$bb" compare --db old.db 1 2
	contains "run \`blasbench runs --db old.db\` once to upgrade it"
	check "runs upgrades it" 0 "$bb" runs --db old.db;  contains "no runs in 'old.db' yet"
	check "then compare reads it" 2 "$bb" compare --db old.db 1 2;  contains "no run '1'"
	# the table is in the overview, once
	check "help" 0 "$bb" help; contains "exit codes (the same in every command):"
	contains "  130  interrupted"
	;;
readonly)
	# A database on read-only media (or without write permission): runs, compare and report
	# read it (no -wal/-shm can be created next to it), and a write says "read-only".
	mkdir src out && chmod 777 out
	tiny --db src/r.db --label base >/dev/null 2>&1 || { echo "FAIL: a tiny run"; exit 1; }
	[ ! -e src/r.db-wal ] || { echo "FAIL: the run left its -wal file"; exit 1; }
	ro_checks() { # ro_checks DIR [RUNNER...]: DIR holds r.db and cannot be written
		d=$1; shift
		check "runs ($d)" 0 "$@" "$bb" runs --db "$d/r.db";     contains "base"
		check "compare ($d)" 0 "$@" "$bb" compare --db "$d/r.db" base 1
		check "report ($d)" 0 "$@" "$bb" report --db "$d/r.db" --html out/r.html
		check "compare FILE:RUN ($d)" 0 "$@" "$bb" compare --db out/none.db "$d/r.db:1" "$d/r.db:base"
		check "run into ($d)" 2 "$@" "$bb" run --backends ref --workloads dgemm:n=8 --db "$d/r.db"
		contains "error: cannot write to '$d/r.db': the database is read-only"
		lacks "unable to open database file"
		check "diagnose into ($d)" 2 "$@" "$bb" diagnose --backends ref --scenarios none --db "$d/r.db"
		contains "the database is read-only"
		check "run creating in ($d)" 2 "$@" "$bb" run --backends ref --workloads dgemm:n=8 --db "$d/new.db"
		contains "error: cannot create database '$d/new.db': directory '$d' is read-only"
		[ ! -e "$d/new.db" ] && [ ! -e "$d/r.db-shm" ] || { echo "FAIL: files created in $d"; fail=1; }
	}
	tried=0
	if [ "$(id -u)" -ne 0 ]; then
		chmod a-w src src/r.db && tried=1 && ro_checks src
		chmod u+w src src/r.db
	else
		# root writes through permissions: a read-only bind mount, and permissions as nobody
		mkdir ro
		if mount --bind src ro 2>/dev/null && mount -o remount,bind,ro ro 2>/dev/null; then
			tried=1
			ro_checks ro
			umount ro
		else
			umount ro 2>/dev/null
			echo "note: no read-only bind mount here (not permitted)"
		fi
		if command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups "$bb" help >/dev/null 2>&1; then
			tried=1
			cp -r src perm && chmod 755 . && chmod 555 perm && chmod 444 perm/r.db
			ro_checks perm setpriv --reuid=65534 --regid=65534 --clear-groups
		else
			echo "note: cannot run as nobody (setpriv)"
		fi
	fi
	[ $tried -eq 1 ] || { echo "skipped: no way to make a read-only database here"; exit 77; }
	;;
alias)
	# the characters an alias may use are in the error and in every --backends help
	allowed="an alias may use only ASCII letters, digits, '_', '-' and '.'"
	for cmd in list run diagnose; do
		case $cmd in
		run) extra="--workloads dgemm:n=8 --db x.db";;
		diagnose) extra="--db x.db";;
		*) extra=;;
		esac
		check "$cmd été=" 2 "$bb" $cmd --backends 'été=openblas' $extra
		contains "error: bad alias 'été' in backend spec 'été=openblas': $allowed"
		lacks "unknown backend"
		check "$cmd <b>x</b>=" 2 "$bb" $cmd --backends '<b>x</b>=openblas' $extra
		contains "error: bad alias '<b>x</b>'"
		lacks "No such file"
		check "$cmd --help" 0 "$bb" $cmd --help
		contains "an alias is ASCII letters, digits, '_', '-' and '.'"
	done
	[ ! -e x.db ] || { echo "FAIL: a refused spec created the database"; fail=1; }
	;;
plural)
	# a count agrees with its noun: "1 cell", not "1 cells"
	check "one cell" 0 tiny --db p.db;  contains "run 1 complete in p.db: 1 cell, 0 failed"
	lacks "1 cells"
	check "report of one cell" 0 "$bb" report --db p.db --html p.html
	contains "run 1, 1 cell (0 failed)"
	grep -q "<p>1 cell on 1 backend:" p.html || { echo "FAIL: the page says '1 cells'"; fail=1; }
	check "report --compare of one cell" 0 "$bb" report --db p.db --html pc.html --compare 1
	grep -q "<p>1 cell: 0 regressions" pc.html || { echo "FAIL: the comparison says '1 cells'"; fail=1; }
	check "compare of one cell" 0 "$bb" compare --db p.db 1 1
	contains "1 cell: 0 regressions"
	lacks "1 cells"
	check "two cells" 0 "$bb" run --backends ref --workloads dgemm:n=8,ddot:n=8 --budget 0.01 --passes 1 --threads 1 --db p.db
	contains ": 2 cells, 0 failed"
	;;
label)
	# a label names one run: a second run cannot take it (exit 2, naming the run that has it),
	# and nothing is measured or recorded
	tiny --db l.db --label base >/dev/null 2>&1 || { echo "FAIL: a tiny run"; exit 1; }
	check "duplicate label" 2 tiny --db l.db --label base
	contains "label 'base' is taken by run 1"
	lacks "measuring"
	check "duplicate label, diagnose" 2 "$bb" diagnose --backends ref --scenarios none --db l.db --label base
	contains "label 'base' is taken by run 1"
	check "a label read as a run id" 2 tiny --db l.db --label 42; contains "would read as a run reference"
	check "one run recorded" 0 "$bb" runs --db l.db --json; contains '"id": 1'; lacks '"id": 2'
	check "another label" 0 tiny --db l.db --label next
	# what a label resolves to is in the help of the commands that take one
	for cmd in runs compare; do
		check "$cmd --help" 0 "$bb" $cmd --help;  contains "A label names one"
	done
	check "run --help" 0 "$bb" run --help;  contains "not used by another run in the database"
	;;
*) echo "unknown case '$case'"; exit 2;;
esac
[ $fail -eq 0 ] && echo "$case: all checks passed"
exit $fail
