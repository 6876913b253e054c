#!/usr/bin/env bash
# How well the students fit the normal data within a time budget, for student-training settings
# (docs/benchmarks.md, "Training time"; the sweeps: docs/experiments.md, "Student fit per minute"): trains ONE patch size on the quality harness's
# 30 training images (bench/quality.sh subset, full resolution) and reports the steps taken and
# the validation regression error e (‖mean student − normalised teacher‖², mean over the pixels of
# 2 validation images; 128 = predicting nothing) read from the model file. Lower e in the same
# time = students that have learnt more of the normal data.
#
#   bench/student_fit.sh OUT_DIR P MINUTES [TRAIN_ARGS...]     e.g. bench/student_fit.sh bench/out/fit 33 3 --batch 2
# One row per run appended to OUT_DIR/fit.md; a run whose model exists is not trained again.
set -euo pipefail
cd "$(dirname "$0")/.."
out="$1" p="$2" minutes="$3"; shift 3
mkdir -p "$out"
quality="${QUALITY_OUT:-bench/out/quality}"
[ -f "$quality/split.csv" ] || { echo "run bench/quality.sh once first (it writes $quality/split.csv)" >&2; exit 1; }
split="$out/split.csv"
if [ ! -f "$split" ]; then # the harness's train rows and its first 2 validation rows
  awk -F, 'NR==1 || $3=="train" || ($3=="val" && v++ < 2)' "$quality/split.csv" > "$split.tmp" && mv "$split.tmp" "$split"
fi
name="p$p-${minutes}min$(printf '_%s' "$@" | sed 's#[^A-Za-z0-9.=,+-]#_#g; s#__*#_#g')"
model="$out/$name.zip"
if [ ! -f "$model" ]; then
  bin/stad train --normal "$split:train" --validation "$split:val" --out "$model" --patch-sizes "$p" --time-budget "$minutes" "$@" > "$out/$name.log" 2>&1 \
    || { tail -5 "$out/$name.log" >&2; exit 1; }
fi
unzip -p "$model" model.json | python3 -c "
import json, sys
d = json.load(sys.stdin); s = d['scales'][0]; pv = d['provenance']
row = '| $p | $minutes | ${*:-(defaults)} | %s | %.1f | %.3f | %s |' % (pv['steps.p$p'], s['errorMean'], s['varianceMean'], pv['trainingSeconds'])
print(row)
open('$out/fit.md', 'a').write(row + '\n')"
