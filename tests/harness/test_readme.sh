#!/bin/sh
# The README's lists are copies of what blasbench prints from its tables; this fails when a copy
# drifts: the command synopsis (`help --synopsis`, from the command table), the scenarios and
# mitigations (`diagnose --help`, from scenarios.def and mitigations.def), the presets and the
# default backends (`suite --help`, from presets.c and the catalog), and the main job's backends
# (scripts/run-main.sh against the hint `suite` prints), and the exit code table (`help`, from
# bb_exit_codes[]).  On a failure, the diff says what to
# paste where.
# usage: test_readme.sh BLASBENCH SOURCE_DIR
bb="$1" src="$2"
readme="$src/README.md"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0

# The fenced block of the README that follows the line equal to $1.
block_after() {
	awk -v h="$1" '$0 == h {s = 1; next} s == 1 && /^```/ {s = 2; next} s == 2 && /^```/ {exit} s == 2' "$readme"
}
# The fenced block of the README whose first line starts with $1.
block_starting() {
	awk -v f="$1" '/^```/ {if (b) {if (keep) exit; b = 0; n = 0} else b = 1; next}
		b && n++ == 0 && index($0, f) == 1 {keep = 1} b && keep' "$readme"
}
# The lines of stdin from the one starting with $1 to the one before "options:", trailing blank
# lines removed.
help_section() {
	awk -v f="$1" 'index($0, f) == 1 {s = 1} /^options:/ {s = 0} s' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}
compare() { # compare WHAT EXPECTED_FILE README_FILE
	if [ ! -s "$2" ]; then echo "FAIL: $1: blasbench printed nothing"; fail=1; return; fi
	if ! diff -u "$2" "$3" >"$tmp/diff"; then
		echo "FAIL: README's $1 differs from blasbench's (- blasbench, + README):"
		cat "$tmp/diff"
		fail=1
	fi
}

"$bb" help --synopsis >"$tmp/synopsis.bb" || { echo "FAIL: help --synopsis"; fail=1; }
block_after "## Commands available now" >"$tmp/synopsis.md"
compare "command synopsis" "$tmp/synopsis.bb" "$tmp/synopsis.md"

"$bb" diagnose --help | help_section "scenarios" >"$tmp/diagnose.bb"
block_starting "scenarios" >"$tmp/diagnose.md"
compare "scenario and mitigation lists" "$tmp/diagnose.bb" "$tmp/diagnose.md"

"$bb" suite --help | help_section "presets:" >"$tmp/presets.bb"
block_starting "presets:" >"$tmp/presets.md"
compare "presets and default backends" "$tmp/presets.bb" "$tmp/presets.md"

"$bb" help | help_section "exit codes" >"$tmp/exit.bb"
block_starting "exit codes" >"$tmp/exit.md"
compare "exit code table" "$tmp/exit.bb" "$tmp/exit.md"

# the main job: run-main.sh's default backends are the ones `suite` tells a newcomer to start with
starter=$("$bb" help | sed -n 's/.*start here: suite --backends \([^)]*\)).*/\1/p')
if [ -z "$starter" ]; then
	echo "FAIL: 'blasbench help' names no starting backends"; fail=1
elif ! grep -q "^\[ \${#args\[@\]} -gt 0 \] || args=(--backends $starter)\$" "$src/scripts/run-main.sh"; then
	echo "FAIL: scripts/run-main.sh does not default to --backends $starter"; fail=1
elif ! grep -q "The main job is \`blasbench suite --backends $starter\`" "$readme"; then
	echo "FAIL: README's main job is not 'blasbench suite --backends $starter'"; fail=1
fi

[ "$fail" -eq 0 ] && echo "README agrees with blasbench"
exit "$fail"
