#!/usr/bin/env bash
# Pretext tasks beside the dense trainer's losses (docs/experiments.md, "Pretext tasks beside the triplet loss";
# measured, not kept): adapts the shipped teacher of patch size P to IMAGES with a small head (relative
# position or window intensity) trained beside it and thrown away. Also the example of a bench-side teacher
# objective: PretextAdaptation.WithHead extends DenseObjective by one loss term.
# Usage: bench/pretext_adaptation.sh IMAGES P ITERATIONS position|intensity WEIGHT OUT.zip [OFFSET_CELLS] [GRID] [SYNTHETIC_DEFECTS]
#   e.g. bench/pretext_adaptation.sh bench/out/quality/split.csv:train 33 300 position 1 bench/out/pos/pos1.zip
# WEIGHT 0 is the plain adaptation. Then the probe: P=33 bench/quality.sh probe shipped bench/out/pos/pos1.zip
set -euo pipefail
cd "$(dirname "$0")/.."
exec bench/run_java.sh io.github.stad.bench.PretextAdaptation "$@"
