#!/usr/bin/env bash
# Teacher benchmarks (docs/benchmarks.md): triplet accuracy on held-back photographs (shipped vs random
# teacher) and the Java trainer's throughput. Needs the photographs of bench/prepare_photos.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
photos="${1:-/work/photos}"
mvn -q -B -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt >&2
exec java -Xmx8g -Djava.awt.headless=true -Dai.djl.offline=true -cp "target/classes:target/test-classes:$(cat target/cp.txt)" io.github.stad.bench.TeacherBenchmark "$photos/gray-heldout" "$photos/gray" 512
