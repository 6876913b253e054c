#!/usr/bin/env bash
# Fine-tunes the GPU-pretrained teachers of commit 66c5d31 (trained with the signed compactness loss,
# which collapsed them) with the squared compactness loss, on this CPU, and writes the shipped files
# (docs/teachers.md). Usage: bench/finetune_teachers.sh [PHOTOS_DIR] [OUT_DIR] ["P:ITERATIONS …"]
# Defaults: /work/photos/gray (bench/prepare_photos.sh), bench/out/finetune, "33:400 17:300 65:150".
set -euo pipefail
cd "$(dirname "$0")/.."
photos="${1:-/work/photos/gray}"; out="${2:-bench/out/finetune}"; plan="${3:-33:400 17:300 65:150}"
bench/run_java.sh --build
mkdir -p "$out"
for item in $plan; do
  p="${item%%:*}"; n="${item##*:}"
  git show "66c5d31:src/main/resources/teachers/teacher-p$p-gray.zip" > "$out/gpu-p$p.zip"
  start=$(date +%s)
  bin/stad train-teacher --images "$photos" --patch-size "$p" --out "$out/checkpoint-p$p.zip" --iterations "$n" \
    --lambda-c 0.01 --init "$out/gpu-p$p.zip" --checkpoint-every 50 --cpu | tee "$out/finetune-p$p.log"
  wall=$(( $(date +%s) - start ))
  bench/run_java.sh io.github.stad.bench.ReleaseTeacher "$out/checkpoint-p$p.zip" "$out/teacher-p$p-gray.zip" \
    "fineTunedWith=bench/finetune_teachers.sh (Java/DJL trainer, CPU, lambda_c=0.01 on the squared compactness)" \
    "fineTuneIterations=$n" "fineTuneWallSeconds=$wall" \
    "pretrainedWith=bench/pretrain_teachers_gpu.py at 66c5d31 (H100, signed compactness, see docs/teachers.md)"
done
echo "Copy $out/teacher-p*-gray.zip to src/main/resources/teachers/ to ship them."
