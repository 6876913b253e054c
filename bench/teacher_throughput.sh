#!/usr/bin/env bash
# Patch vs dense teacher training on this CPU (docs/benchmarks.md), full-size networks (width 128, d 128):
#   bench/teacher_throughput.sh throughput PHOTOS [17,33,65]        triplets per second of both trainers
#   bench/teacher_throughput.sh compare PHOTOS P SECONDS VARIANT...  equal wall time, then held-out quality
# PHOTOS holds gray/ (training) and gray-heldout/ (bench/prepare_photos.sh). VARIANT: patch or
# dense:MINING[:geometric][:lr=R][:crops=B], MINING one of hardest, semi-hard, subset.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="$1"; photos="$2"; shift 2
if [ "$mode" = throughput ]; then
  exec nice -n 10 bench/run_java.sh -Xmx8g io.github.stad.bench.TeacherThroughput throughput "$photos/gray" "$@"
fi
exec nice -n 10 bench/run_java.sh -Xmx8g io.github.stad.bench.TeacherThroughput compare "$photos/gray" "$photos/gray-heldout" "$@"
