#!/usr/bin/env bash
# blasbench's optimized GEMM (`opt`) against the other backends: one table of dgemm n=64, 128,
# 1000, 2000 and sgemm n=1000 on one thread (OpenBLAS and BLIS as they choose their kernels and
# forced to SkylakeX / BLIS_ARCH_TYPE=0), then opt on two threads and opt with the AVX2 kernels
# forced (BLASBENCH_KERNEL=avx2).  Compare GFLOP/s with the peak blasbench measures (%PEAK).
#   Usage: scripts/bench-gemm.sh [database]      (BB_BUILD=dir picks the build, default build)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bb=$BB_ROOT/${BB_BUILD:-build}/blasbench
db=${1:-$(mktemp -d)/bench-gemm.db}

"$bb" run --db "$db" --label bench-gemm-1t \
	--backends opt,openblas,skx=openblas+OPENBLAS_CORETYPE=SkylakeX,blis,blis0=blis+BLIS_ARCH_TYPE=0 \
	--workloads dgemm:n=64,dgemm:n=128,dgemm:n=1000,dgemm:n=2000,sgemm:n=1000 --threads 1
"$bb" run --db "$db" --label bench-gemm-2t --backends opt,skx=openblas+OPENBLAS_CORETYPE=SkylakeX \
	--workloads dgemm:n=2000 --threads 1,2
"$bb" run --db "$db" --label bench-gemm-avx2 --backends avx2=opt+BLASBENCH_KERNEL=avx2 \
	--workloads dgemm:n=1000,dgemm:n=2000,sgemm:n=1000 --threads 1
