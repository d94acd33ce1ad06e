#!/usr/bin/env bash
# Nothing blasbench writes may cost the results (issue 14, "Data loss"), end to end through the
# blasbench executable on a small real database (ref backend, dgemm at two sizes):
#   refused  every output option (report --html, report --gnuplot DIR's files, compare --junit,
#            gate --junit/--markdown/$GITHUB_STEP_SUMMARY, diagnose --emit-repro DIR's files)
#            pointed at the database, at a symlink to it (./link.db), at another SQLite file and
#            at its -wal exits 2 with one line naming the file, before anything is measured;
#            the database stays byte-identical and passes PRAGMA integrity_check, and no
#            temporary file is left;
#   written  normal outputs still work: a page and its gnuplot files, JUnit, the step summary
#            appended to; a symlinked output keeps its link; a report that fails after its
#            output was opened (a refused gnuplot file) leaves the old page as it was; an
#            unwritable directory fails without leaving a temporary file;
#   dbpath   --db '', --db :memory:, --db file:... and an empty BLASBENCH_DB are refused with
#            exit 2 before anything is measured (no "run N complete", no database created).
# Usage: test_outputs.sh BLASBENCH refused|written|dbpath
set -u
bb=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") case=$2
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
chmod 755 "$tmp" # the unwritable-directory check runs as another user when run as root
fail=0
check() { if ! eval "$1"; then echo "FAIL: $2"; fail=1; fi; }
command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 missing"; exit 77; }
cd "$tmp" || exit 1
db=$tmp/r.db
measure="--backends ref --workloads dgemm:n=32 --threads 1 --passes 1 --budget 0.05"

# The database every case starts from, and a copy to compare it with.
make_db() {
	"$bb" run --db "$db" --backends ref --workloads dgemm:n=32..64 --threads 1 --passes 1 \
		--budget 0.05 >"$tmp/run.out" 2>&1 ||
		{ echo "FAIL: cannot build the database: $(tail -n 3 "$tmp/run.out")"; exit 1; }
	cp "$db" "$tmp/orig"
}
temps() { find "$tmp" -name '*.tmp' | head -n 3; }
intact() { cmp -s "$db" "$tmp/orig" && [ "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok ]; }

# refused WHAT CMD...: exit 2, one "refusing to write" line, the database untouched, no temp
refused() {
	local what=$1
	shift
	"$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	check "[ $rc -eq 2 ]" "$what: exit 2, got $rc: $(head -c 300 "$tmp/err")"
	check 'grep -q "^error: refusing to write" "$tmp/err"' "$what: says it refuses: $(head -n 1 "$tmp/err")"
	check 'intact' "$what: the database is byte-identical and intact"
	check '[ -z "$(temps)" ]' "$what: no temporary file left: $(temps)"
	check '! grep -q complete "$tmp/out" "$tmp/err"' "$what: nothing was measured"
	cp "$tmp/orig" "$db" # so one failure does not hide the next
}

case $case in
refused)
	make_db
	ln -s r.db link.db
	cp "$db" other.db
	for target in "$db" ./link.db other.db r.db-wal; do
		refused "report --html $target" "$bb" report 1 --db "$db" --html "$target"
		refused "compare --junit $target" "$bb" compare 1 1 --db "$db" --junit "$target"
		refused "gate --junit $target" "$bb" gate --baseline "$db" --candidate "$db:1" \
			--junit "$target" --markdown g.md
		refused "gate --markdown $target" "$bb" gate --baseline "$db" --candidate "$db:1" \
			--junit g.xml --markdown "$target"
		refused "gate, GITHUB_STEP_SUMMARY=$target" env GITHUB_STEP_SUMMARY="$target" \
			"$bb" gate --baseline "$db" --candidate "$db:1" --junit g.xml
	done
	check '[ "$(sqlite3 other.db "PRAGMA integrity_check")" = ok ] && cmp -s other.db orig' \
		"the other SQLite file is untouched"
	# a file of the database given by another name: FILE:RUN, --baseline only
	refused "compare FILE:RUN --junit" "$bb" compare "$db:1" "$db:1" --db other.db --junit ./r.db
	refused "gate --baseline only" "$bb" gate --baseline "./r.db:1" --candidate other.db:1 \
		--db other.db --junit "$db"
	# the database a measuring gate would create: refused before measuring, nothing created
	refused "gate --junit (its own --db, not yet created)" "$bb" gate --baseline "$db" \
		--db cand.db --junit cand.db --passes 1 --budget 0.05
	check '[ ! -e cand.db ]' "the refused gate created no database"
	# files written into a directory: each one checked (the names are the charts' and the
	# findings')
	"$bb" report 1 --db "$db" --html names.html --gnuplot names >/dev/null 2>&1
	check '[ -n "$(ls names/*.dat 2>/dev/null)" ]' "a report writes gnuplot files: $(ls names)"
	mkdir gp rp
	for f in $(cd names && ls *.dat *.gp); do ln -s ../r.db "gp/$f"; done
	refused "report --gnuplot DIR (a chart's file links to the database)" \
		"$bb" report 1 --db "$db" --html page.html --gnuplot gp
	check '[ ! -e page.html ]' "the refused report wrote no page"
	ln -s ../r.db rp/repro-dual-pool-ref.c
	refused "diagnose --emit-repro DIR (a program's file links to the database)" \
		"$bb" diagnose --db "$db" --backends ref --scenarios dual-pool --no-mitigations \
		--rounds 1 --block 0.2 --timeout 20 --emit-repro rp
	;;
written)
	make_db
	"$bb" report 1 --db "$db" --html page.html --gnuplot gp >out 2>err
	check '[ $? -eq 0 ] && grep -q "<html" page.html' "report writes its page: $(cat err)"
	check '[ -n "$(ls gp/*.dat 2>/dev/null)" ] && [ -n "$(ls gp/*.gp 2>/dev/null)" ]' \
		"report --gnuplot writes the charts' files: $(ls gp)"
	printf 'old page\n' >page.html
	"$bb" report 1 --db "$db" --html page.html >out 2>err
	check '[ $? -eq 0 ] && grep -q "<html" page.html' "report replaces an earlier page"
	printf 'real\n' >real.html
	ln -s real.html alias.html
	"$bb" report 1 --db "$db" --html alias.html >out 2>err
	check '[ $? -eq 0 ] && [ -L alias.html ] && grep -q "<html" real.html' \
		"a symlinked page keeps its link, the file it points to is replaced"
	"$bb" compare 1 1 --db "$db" --junit j.xml >out 2>err
	check '[ $? -eq 0 ] && grep -q "<testsuite" j.xml' "compare --junit writes JUnit: $(cat err)"
	printf 'earlier step\n' >summary.md
	# one pass of 0.05 s per cell: its CI may straddle the threshold, so an inconclusive cell
	# is let through (what is checked here is where the summary goes, not the verdict)
	GITHUB_STEP_SUMMARY=$tmp/summary.md "$bb" gate --baseline "$db" --candidate "$db:1" \
		--inconclusive=pass --junit g.xml >out 2>err
	check '[ $? -eq 0 ] && [ "$(head -n 1 summary.md)" = "earlier step" ] && grep -q "Gate: passed" summary.md' \
		"gate appends to the step summary: $(cat err)"
	check '[ -s g.xml ]' "gate writes its JUnit"
	# a report failing after its page was opened (a chart file refused) keeps the old page
	printf 'keep\n' >keep.html
	mkdir gp2
	for f in $(cd gp && ls *.dat); do ln -s ../r.db "gp2/$f"; done
	"$bb" report 1 --db "$db" --html keep.html --gnuplot gp2 >out 2>err
	rc=$?
	check '[ $rc -eq 2 ] && [ "$(cat keep.html)" = keep ]' \
		"a failed report leaves the old page as it was (rc $rc): $(cat err)"
	# a directory that cannot be written: an error, and no temporary file in it
	mkdir ro
	chmod 555 ro
	as=()
	[ "$(id -u)" = 0 ] && as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	"${as[@]}" "$bb" report 1 --db "$db" --html ro/x.html >out 2>err
	rc=$?
	check '[ $rc -ne 0 ] && [ -z "$(ls -A ro)" ] && grep -q "ro/x.html" err' \
		"an unwritable directory fails (rc $rc) and is left empty ($(ls -A ro)): $(cat err)"
	check 'intact' "the database is byte-identical and intact"
	check '[ -z "$(temps)" ]' "no temporary file left: $(temps)"
	;;
dbpath)
	# db_refused WHAT CMD...: exit 2 before measuring, no database created in the directory
	mkdir cwd && cd cwd || exit 1
	db_refused() {
		local what=$1
		shift
		"$@" >"$tmp/out" 2>"$tmp/err"
		local rc=$?
		check "[ $rc -eq 2 ]" "$what: exit 2, got $rc: $(head -c 300 "$tmp/err")"
		check '! grep -q "complete" "$tmp/out" "$tmp/err"' "$what: nothing measured"
		check '[ -z "$(ls -A)" ]' "$what: no file created: $(ls -A)"
		check '[ $(wc -l <"$tmp/err") -le 2 ] && grep -q "^error: " "$tmp/err"' \
			"$what: one error line: $(cat "$tmp/err")"
		rm -rf ./* ./.[!.]*
	}
	db_refused "run --db ''" "$bb" run --db '' $measure
	db_refused "run --db=" "$bb" run --db= $measure
	db_refused "run --db :memory:" "$bb" run --db :memory: $measure
	db_refused "run --db file:x.db" "$bb" run --db file:x.db $measure
	db_refused "run --db file::memory:" "$bb" run --db 'file::memory:' $measure
	db_refused "BLASBENCH_DB= run" env BLASBENCH_DB= "$bb" run $measure
	check 'grep -q BLASBENCH_DB "$tmp/err"' "an empty BLASBENCH_DB is named: $(cat "$tmp/err")"
	db_refused "BLASBENCH_DB=:memory: runs" env BLASBENCH_DB=:memory: "$bb" runs
	db_refused "runs --db ''" "$bb" runs --db ''
	db_refused "gate --baseline :memory:" "$bb" gate --baseline :memory: --db x.db --passes 1
	;;
*)
	echo "unknown case '$case'"
	exit 2
	;;
esac
[ $fail = 0 ] && echo "ok: $case"
exit $fail
