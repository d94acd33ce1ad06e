#!/usr/bin/env bash
# `blasbench merge` through the executable (issue 20), on a real run of the ref backend copied
# as a second host with sqlite3:
#   refused   a corrupt file, a SQLite database that is not blasbench's, a newer schema
#             (user_version 99), a missing file and OUT among the inputs (by name and by another
#             path) are each refused with exit code 2, the bad input named, and OUT byte for
#             byte as it was -- also when good inputs come before the bad one
#   hosts     merging twice adds nothing (--json says skipped); `runs` shows each run's host
#             once there are two; `compare` across them warns about the hosts and matches the
#             same backends' cells; `report` has a Hosts section with the host class
#   progress  many inputs: a progress line per input on stderr, counts in --json add up
# Usage: test_merge.sh BLASBENCH CASE
set -u
bb=$1 case=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fail=0
check() { if ! eval "$1"; then echo "FAIL: $2"; fail=1; fi; }
command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 missing"; exit 77; }

# a.db: one real run; b.db: the same run as if measured on another host
"$bb" run --db a.db -b ref --workloads dgemm:n=24 --threads 1 --budget 0.01 --target 10 \
	>run.out 2>&1 || { cat run.out; echo "FAIL: the run"; exit 1; }
cp a.db b.db
sqlite3 b.db "UPDATE run SET uid = lower(hex(randomblob(16)));
	UPDATE host SET fingerprint = 'feedfacecafe0002',
	host_json = json_set(host_json, '$.hostname', 'node2')" || exit 1

case $case in
refused)
	"$bb" merge out.db a.db >/dev/null 2>&1
	rc=$?
	check '[ $rc -eq 0 ]' "a first merge"
	cp out.db out.before
	cp a.db corrupt.db
	# every page after the second overwritten: the header still says SQLite
	size=$(stat -c %s corrupt.db)
	python3 -c "
import sys
with open('corrupt.db', 'r+b') as f:
    f.seek(8192); f.write(b'\x5a' * ($size - 8192))"
	sqlite3 foreign.db "CREATE TABLE t (x); INSERT INTO t VALUES (1)"
	cp a.db newer.db
	sqlite3 newer.db "PRAGMA user_version = 99"
	for bad in corrupt.db foreign.db newer.db missing.db out.db ./out.db; do
		"$bb" merge out.db b.db "$bad" >stdout 2>stderr
		rc=$?
		check "[ $rc -eq 2 ]" "$bad refused with exit code 2 (got $rc)"
		check "grep -qF \"'$bad'\" stderr" "the refusal names $bad: $(cat stderr)"
		check 'cmp -s out.db out.before' "OUT untouched after $bad"
		check '[ ! -s stdout ]' "nothing on stdout after refusing $bad"
	done
	# OUT itself not blasbench's: refused, untouched
	cp foreign.db fout.db
	"$bb" merge fout.db a.db >stdout 2>stderr
	rc=$?
	check '[ $rc -eq 2 ] && grep -qF "fout.db" stderr' "a foreign OUT refused: $(cat stderr)"
	check 'cmp -s fout.db foreign.db' "a foreign OUT untouched"
	check '[ -z "$(ls | grep merge-)" ]' "no temporary file left"
	grep -h error stderr | head -1
	sqlite3 out.db .dump >dump.before
	"$bb" merge out.db a.db a.db >/dev/null 2>&1
	sqlite3 out.db .dump >dump.after
	check 'cmp -s dump.before dump.after' "a merge that skips everything changes no row"
	;;
hosts)
	"$bb" merge out.db a.db b.db >/dev/null 2>err || { cat err; fail=1; }
	"$bb" merge --json out.db b.db a.db >json 2>err || { cat err; fail=1; }
	check 'grep -q "\"runs_skipped\": 1" json && ! grep -q "\"runs_added\": 1" json' \
		"merging again skips every run: $(cat json)"
	check '[ "$(sqlite3 out.db "PRAGMA integrity_check")" = ok ]' "integrity_check"
	check '[ -z "$(sqlite3 out.db "PRAGMA foreign_key_check")" ]' "foreign_key_check"
	"$bb" runs --db out.db >runs
	check 'grep -q "HOST" runs && grep -q "node2/feedface" runs' "runs shows hosts: $(cat runs)"
	"$bb" runs --db a.db >runs1
	check '! grep -q HOST runs1' "a database of one host shows no HOST column"
	"$bb" compare --db out.db 1 2 >cmp 2>cmperr
	check 'grep -q "different hosts" cmperr' "compare across hosts warns"
	check 'grep -q "^1 cell" cmp' "compare matches the same backend's cell: $(cat cmp)"
	"$bb" report 2 --db out.db --html r.html >/dev/null 2>&1
	check 'grep -q "<section id=\"hosts\">" r.html' "report has a Hosts section"
	check 'grep -q "(2 hosts)</h3>" r.html' "one host class of two hosts"
	check 'grep -q "node2 (this run)" r.html' "the run's host is marked"
	"$bb" report 1 --db a.db --html r1.html >/dev/null 2>&1
	check '! grep -q "id=\"hosts\"" r1.html' "no Hosts section for one host"
	;;
progress)
	ins=
	for i in 1 2 3 4 5 6; do
		cp a.db "h$i.db"
		sqlite3 "h$i.db" "UPDATE run SET uid = lower(hex(randomblob(16)));
			UPDATE host SET fingerprint = 'host$i'"
		ins="$ins h$i.db"
	done
	"$bb" merge --json out.db $ins >json 2>err
	rc=$?
	check '[ $rc -eq 0 ]' "merge of six"
	check '[ "$(grep -c "^merge: [1-6]/6" err)" -eq 6 ]' "a progress line per input: $(cat err)"
	check '[ "$(sqlite3 out.db "SELECT count(*) FROM run")" -eq 6 ]' "six runs"
	cells=$(sqlite3 a.db "SELECT count(*) FROM cell") samples=$(sqlite3 a.db "SELECT count(*) FROM sample")
	check "grep -q '\"cells\": $((6 * cells))' json && grep -q '\"samples\": $((6 * samples))' json" \
		"totals add up: $(tail -8 json)"
	;;
*)
	echo "unknown case $case"
	exit 1
	;;
esac
exit $fail
