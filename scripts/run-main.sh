#!/usr/bin/env bash
# The README's first command: install what is missing, build, and run the main job,
# `blasbench suite --backends openblas,blis`, on the default database (./blasbench.db or
# $BLASBENCH_DB).  Arguments replace `--backends openblas,blis`.  These are the backends `suite`
# tells a newcomer to start with (BB_CAT_STARTER, backends/catalog.h); test_readme checks both agree.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bb_setup
bb_venv || [ $? -eq 2 ] # the wheel backends (scipy-openblas64, mkl...); the index may be out of reach
bb_build
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--backends openblas,blis)
bb_say "build/blasbench suite ${args[*]}"
exec "$BB_ROOT/build/blasbench" suite "${args[@]}"
