#!/usr/bin/env bash
# Scoring speed benchmark (docs/benchmarks.md). Usage: bench/scoring.sh [PATCH_SIZES] [CHANNELS]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt >&2
exec java -Xmx8g -Djava.awt.headless=true -Dai.djl.offline=true -cp "target/classes:target/test-classes:$(cat target/cp.txt)" io.github.stad.bench.ScoringBenchmark "$@"
