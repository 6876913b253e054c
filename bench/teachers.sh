#!/usr/bin/env bash
# Teacher benchmarks (docs/benchmarks.md): triplet accuracy on held-back photographs (shipped vs random
# teacher) and the Java trainer's throughput. Needs the photographs of bench/prepare_photos.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
photos="${1:-/work/photos}"
exec bench/run_java.sh -Xmx8g io.github.stad.bench.TeacherBenchmark "$photos/gray-heldout" "$photos/gray" 512
