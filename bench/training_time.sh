#!/usr/bin/env bash
# Default training time for 50 images of 256² (docs/benchmarks.md, "Memory"; docs/experiments.md): magnetic-tile train images
# resized to 256×256 (every 12th: 50 images; every 10th val: 10 images), default settings.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-bench/out/train256}"
bench/run_java.sh io.github.stad.bench.MagneticTileSubset ../shared/data/magnetic-tile/split.csv "$out/data" 256x256 12 10 1000
/usr/bin/time -v bin/stad train --normal "$out/data/split.csv:train" --validation "$out/data/split.csv:val" --out "$out/model.zip" --cpu \
  2> "$out/train.time" | tee "$out/train.log"
grep -E "Elapsed|Maximum resident" "$out/train.time"
