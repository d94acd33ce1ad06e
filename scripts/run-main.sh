#!/usr/bin/env bash
# The README's first command: install what is missing, build, and run the main job on the
# default database.  Extra arguments go to blasbench.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bb_setup
bb_build
bb_say "build/blasbench list $*"
exec "$BB_ROOT/build/blasbench" list "$@"
