#!/bin/bash
# Submit blasbench over a Slurm cluster: one job array per partition (node type), TASKS tasks
# each (one whole node per task), and a merge job that runs when all of them have ended.
#   submit.sh [-n TASKS] [-p PART1,PART2...] [-o SBATCH_OPTION]... RESULTS_DIR BLASBENCH_ARGS...
#   submit.sh -n 4 -p icelake,zen4 /shared/blas/results suite --preset standard --backends openblas,blis
# Without -p the cluster's default partition.  -o passes an option to every sbatch (e.g.
# -o --account=hpc -o --time=02:00:00).  Prints the job ids; the merged database is
# RESULTS_DIR/merged.db.  RESULTS_DIR must be on a filesystem that every node and the merge job
# see.  $BLASBENCH (exported to the jobs) names the executable.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tasks=1 parts="" opts=()
while getopts n:p:o: o; do
	case $o in
	n) tasks=$OPTARG ;;
	p) parts=$OPTARG ;;
	o) opts+=("$OPTARG") ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] || { sed -n '3,4p' "$0" >&2; exit 2; }
results=$(mkdir -p "$1" && cd "$1" && pwd)
shift
ids=()
for part in ${parts//,/ }; do
	ids+=("$(sbatch --parsable "${opts[@]}" --partition="$part" --array=0-$((tasks - 1)) \
		--chdir="$results" "$here/blasbench-array.sbatch" "$results" "$@")")
done
if [ -z "$parts" ]; then
	ids+=("$(sbatch --parsable "${opts[@]}" --array=0-$((tasks - 1)) --chdir="$results" \
		"$here/blasbench-array.sbatch" "$results" "$@")")
fi
deps=$(IFS=:; echo "${ids[*]%%;*}")
merge=$(sbatch --parsable "${opts[@]}" --dependency="afterany:$deps" --chdir="$results" \
	"$here/blasbench-merge.sbatch" "$results")
echo "arrays: ${ids[*]}"
echo "merge: $merge (writes $results/merged.db)"
