#!/usr/bin/env bash
# Student-training speed (docs/benchmarks.md). Usage: [CROP=128] bench/student_steps.sh [BATCH] [STEPS] [PATCH_SIZES…]
set -euo pipefail
cd "$(dirname "$0")/.."
batch="${1:-8}"; steps="${2:-8}"; shift 2 || true
sizes=("$@"); [ ${#sizes[@]} -eq 0 ] && sizes=(65 33 17)
exec bench/run_java.sh -Xmx6g ${CROP:+-Dcrop=$CROP} io.github.stad.engine.training.StudentStepTiming "$batch" "$steps" "${sizes[@]}"
