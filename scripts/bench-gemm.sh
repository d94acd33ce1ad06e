#!/usr/bin/env bash
# blasbench's optimized GEMM (`opt`) against the other backends: dgemm n=64, 128, 1000, 2000 and
# sgemm n=1000 on one thread (OpenBLAS and BLIS as they choose their kernels and forced to
# SkylakeX / BLIS_ARCH_TYPE=0), then opt on two threads and opt with the AVX2 kernels forced
# (BLASBENCH_KERNEL=avx2).  Each `run` measures its backends interleaved, so the figures of one
# run are comparable even on a busy host.  Ends with one table of everything: GFLOP/s, % of
# the measured peak of the ISA level the backend runs (AVX2 for avx2=..., else the best level;
# one core, or all cores for 2 threads), and opt's 2-thread speedup.
#   Usage: scripts/bench-gemm.sh [database]      (BB_BUILD=dir picks the build, default build;
#          BB_BENCH_OPTS="--passes 1 --budget 0.3" for a quick look)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bb=$BB_ROOT/${BB_BUILD:-build}/blasbench
db=${1:-$(mktemp -d)/bench-gemm.db}
tag=bench-gemm-$(date +%Y%m%d-%H%M%S)-$$
read -r -a opts <<<"${BB_BENCH_OPTS:-}"

"$bb" run --db "$db" --label "$tag-1t" "${opts[@]}" \
	--backends opt,openblas,skx=openblas+OPENBLAS_CORETYPE=SkylakeX,blis,blis0=blis+BLIS_ARCH_TYPE=0 \
	--workloads dgemm:n=64,dgemm:n=128,dgemm:n=1000,dgemm:n=2000,sgemm:n=1000 --threads 1
"$bb" run --db "$db" --label "$tag-2t" "${opts[@]}" \
	--backends opt,skx=openblas+OPENBLAS_CORETYPE=SkylakeX --workloads dgemm:n=2000 --threads 1,2
"$bb" run --db "$db" --label "$tag-avx2" "${opts[@]}" --backends avx2=opt+BLASBENCH_KERNEL=avx2 \
	--workloads dgemm:n=1000,dgemm:n=2000,sgemm:n=1000 --threads 1

command -v sqlite3 >/dev/null || { bb_say "sqlite3 not found: no summary table"; exit 0; }
echo
echo "== summary ($tag, database $db)"
sqlite3 -column -header "$db" <<SQL
WITH c AS (
  SELECT r.label, b.alias, b.spec, c.routine, c.n, c.threads, c.status, c.gflops, c.prec,
         h.peak_json,
         CASE WHEN b.spec LIKE '%BLASBENCH_KERNEL=avx2%' THEN 'avx2'
              WHEN json_extract(h.peak_json, '$.avx512') IS NOT NULL THEN 'avx512'
              ELSE 'avx2' END AS level
  FROM cell c JOIN backend b ON b.id = c.backend_id JOIN run r ON r.id = c.run_id
  JOIN host h ON h.id = r.host_id
  WHERE r.label LIKE '$tag-%')
SELECT substr(label, length('$tag') + 2) AS run, alias AS backend, routine, n, threads,
       status, printf('%.1f', gflops) AS gflops, level,
       printf('%.1f', json_extract(peak_json, '$.' || level || '.'
              || CASE prec WHEN 's' THEN 'single' ELSE 'double' END || '.'
              || CASE WHEN threads > 1 THEN 'all' ELSE 'core' END)) AS peak,
       printf('%.0f%%', 100.0 * gflops / json_extract(peak_json, '$.' || level || '.'
              || CASE prec WHEN 's' THEN 'single' ELSE 'double' END || '.'
              || CASE WHEN threads > 1 THEN 'all' ELSE 'core' END)) AS pct_level_peak
FROM c ORDER BY run, routine, n, threads, gflops DESC;
SELECT a.alias AS backend, a.routine, a.n,
       printf('%.2fx', b.gflops / a.gflops) AS speedup_2t_over_1t
FROM (SELECT * FROM cell JOIN backend ON backend.id = cell.backend_id JOIN run ON run.id = cell.run_id
      WHERE run.label = '$tag-2t' AND cell.threads = 1) a
JOIN (SELECT * FROM cell JOIN backend ON backend.id = cell.backend_id JOIN run ON run.id = cell.run_id
      WHERE run.label = '$tag-2t' AND cell.threads = 2) b
  ON a.alias = b.alias AND a.routine = b.routine AND a.n = b.n;
SQL
