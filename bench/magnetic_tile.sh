#!/usr/bin/env bash
# Magnetic-tile benchmark (docs/benchmarks.md): trains with the shipped teachers and with random
# teachers of the same architecture, same students and budget, then evaluates both on the test split.
# Usage: bench/magnetic_tile.sh [OUT_DIR] [PATCH_SIZES] [SCALE] [TRAIN_EVERY VAL_EVERY TEST_EVERY] [EPOCHS] ["TEACHERS"] ["TRAIN_ARGS"]
# Defaults: bench/out/magnetic-tile, 65, images at half size, every 6th train, 3rd val, 6th test image, 1 epoch,
# teachers "shipped random" (a teacher .zip in the list is used with --teacher; its name labels the run),
# TRAIN_ARGS: further options for `stad train`, the same for every teacher (e.g. "--learning-rate 1e-3").
# The training seed is 1, or $SEED.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-bench/out/magnetic-tile}"; sizes="${2:-65}"; scale="${3:-0.5}"
te="${4:-6}"; ve="${5:-3}"; se="${6:-6}"; epochs="${7:-1}"; teachers="${8:-shipped random}"; train_args="${9:-}"
data=../shared/data/magnetic-tile
mkdir -p "$out"
bench/run_java.sh io.github.stad.bench.MagneticTileSubset "$data/split.csv" "$out/data" "$scale" "$te" "$ve" "$se"
split="$out/data/split.csv"
for t in $teachers; do
  teacher="$(basename "$t" .zip)"; extra=()
  [ "$t" = random ] && extra=(--random-teacher)
  [ -f "$t" ] && extra=(--teacher "$t")
  /usr/bin/time -v bin/stad train --normal "$split:train" --validation "$split:val" --out "$out/model-$teacher.zip" \
    --patch-sizes "$sizes" --epochs "$epochs" --seed "${SEED:-1}" --cpu $train_args "${extra[@]}" 2> "$out/train-$teacher.time" | tee "$out/train-$teacher.log"
  /usr/bin/time -v bin/stad evaluate --model "$out/model-$teacher.zip" --test "$split:test" --out "$out/eval-$teacher" --cpu \
    2> "$out/eval-$teacher.time" | tee "$out/eval-$teacher.log"
done
grep -h "AU-PRO" "$out"/eval-*.log
