#!/usr/bin/env bash
# The README's second command: install what is missing, build, run every test (CTest), then
# build with AddressSanitizer + UndefinedBehaviorSanitizer and run the unit, probe and worker
# tests there too; last, fuzz each parser that takes outside text for a bounded time
# (scripts/run-fuzz.sh, clang + libFuzzer; $BB_FUZZ_SECONDS per target, default 20).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bb_setup
# the project-local Python environment with ReFrame (.venv/); without the package index its
# tests skip, anything else is an error
bb_venv || [ $? -eq 2 ]
jobs=$(nproc)

bb_say "build (RelWithDebInfo, warnings as errors)"
bb_build "$BB_ROOT/build" -DBB_WERROR=ON
bb_say "tests"
(cd "$BB_ROOT/build" && ctest --output-on-failure -j "$jobs")

bb_say "sanitizer build (ASan + UBSan): unit tests, probes and workers"
bb_build "$BB_ROOT/build-asan" -DBB_SANITIZE=ON -DBB_WERROR=ON
(cd "$BB_ROOT/build-asan" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	ctest --output-on-failure -j "$jobs" -L 'unit|sanitize')

bb_say "fuzzing (libFuzzer): the parsers of backend specs, workload specs, JSON and options"
bash "$BB_ROOT/scripts/run-fuzz.sh"
