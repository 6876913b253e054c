#!/usr/bin/env bash
# Exact vs strided maps: seconds per megapixel of the whole model (docs/benchmarks.md, "Exact and strided maps").
#   bench/map_modes.sh [PATCH_SIZES [SIZES]]        defaults 17,33,65 and 256,2048
# Scores one noise image of each size with a model of random full-size networks (teacher + 3 students per
# patch size) in both map modes, in one JVM: best of REPS at sizes ≤ 256² after a warm-up, once above.
# Prints a markdown table (seconds, seconds per megapixel, speed-up, the strided map's distance from the
# exact one) and writes bench/out/map_modes/ (results.md, map_modes.tsv). A 2048² exact map of the full
# model takes about 13 minutes on 2 cores: run it on a quiet machine.
# Environment: WIDTH, DESCRIPTOR_DIM (128, 128; smaller only to check the program:
# WIDTH=8 DESCRIPTOR_DIM=16 bench/map_modes.sh 17,33,65 128,256), REPS (3), TILE (256), GPU=1 (score on the GPU), OUT (bench/out/map_modes), HEAP (8g).
set -euo pipefail
cd "$(dirname "$0")/.."
bench/run_java.sh -Xmx"${HEAP:-8g}" -Dstad.bench.width="${WIDTH:-128}" -Dstad.bench.descriptorDim="${DESCRIPTOR_DIM:-128}" \
  -Dstad.bench.reps="${REPS:-3}" -Dstad.bench.tile="${TILE:-256}" -Dstad.bench.gpu="$([ "${GPU:-0}" = 1 ] && echo true || echo false)" \
  -Dstad.bench.out="${OUT:-bench/out/map_modes}" \
  io.github.stad.bench.MapModeSpeed "${1:-17,33,65}" "${2:-256,2048}"
