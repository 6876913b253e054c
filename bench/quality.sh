#!/usr/bin/env bash
# Quality harness (docs/benchmarks.md, "Quality harness"): one FIXED magnetic-tile protocol run
# through the product's own defaults, so every change to training, scoring or the teachers can be
# compared with the same command.
#
#   bench/quality.sh [OUT_DIR] [TRAIN_ARGS...]   train + evaluate, one row in OUT_DIR/results.md
#   bench/quality.sh probe [TEACHER...]          student-free probe table (bench/teacher_probe.py)
#
# Harness: `bin/stad train` with NO tuning flags (p = 17, 33, 65, full resolution, the default
# epochs/students/learning rate, the shipped teachers), then `bin/stad evaluate`, on the subset
# below. TRAIN_ARGS are passed to `train` unchanged (e.g. `--teacher a.zip,b.zip,c.zip`,
# `--random-teacher`, `--seed 2`, `--time-budget N` where the product has it), so a run can differ
# from the baseline in exactly what you name.
# OUT_DIR (default bench/out/quality) holds the subset (split.csv, shared by all runs) and
# runs/<RUN>/ per set of TRAIN_ARGS (RUN = "default" without args, else derived from them; override
# with RUN=name). Stages are skipped when their output exists: split.csv, runs/<RUN>/model.zip
# (written atomically by train), runs/<RUN>/eval/metrics.json; delete one to redo it. The report
# stage prints the metrics and replaces the run's row in OUT_DIR/results.md (markdown table).
#
# Subset (QualitySubset.java; deterministic, nothing random, the original files at FULL resolution,
# listed by absolute path; nothing is copied):
#   train: every 20th of the 600 train images = 30     val: every 20th of the 100 val images = 5
#   test:  4 per defect type (blowhole, break, crack, fray, uneven: 20 defective), evenly spread
#          over each type's rows, and 8 of the 252 defect-free ones = 28 images.
# Why these sizes: at full resolution (the subset's test images are 2.80 M pixels = 42.7 × 256²,
# mean 100 k per image) the product's full scoring pass (teacher + 3 students at 3 patch sizes)
# costs about 35.6 s per 256² on a quiet 2-core machine (docs/benchmarks.md, scoring speed), so
# evaluation takes about 25 min, and the 5 validation images (10 × 256²) about 6 min inside
# training. Default training is 4 epochs = N/2 = 15 student steps per patch size (≈ 22 s per step
# for the three p) plus the teacher statistics (≈ 5 s per image): about 9 min more. About 40 min in
# all, quiet. The test set gets most of the time because the measurement noise is there (even so,
# 4 images per type is thin: compare runs on the overall numbers, read per-type ones as coarse).
# Under load it stretches: the first baseline run (docs/experiments.md) shared the 2 cores with a load
# average of 4-17 and took 97 min (train 49, evaluate 48).
#
# Probe: bench/quality.sh probe [TEACHER...] (default "shipped random raw"; a teacher .zip, or
# "shipped"/"random"; "raw" = raw pixels: the p×p patch around each grid point reduced to 128
# dimensions by PCA on training patches) at P="17 33 65" on the same subset; rows = (descriptor, p),
# columns = participation ratio, 1-NN and Mahalanobis pixel AUROC on a fixed-seed sample of each
# teacher's stride grid (TeacherProbe.keep). Output under PROBE_OUT (default bench/out/quality-probe),
# each (teacher, p) skipped when its dump exists. Needs python3 with numpy.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${MT_DATA:-../shared/data/magnetic-tile}
TRAIN_EVERY=20 VAL_EVERY=20 TEST_PER_TYPE=4 TEST_GOOD=8

bench/run_java.sh --build

subset() { # $1 = split.csv to write
  [ -f "$1" ] && return 0
  bench/run_java.sh io.github.stad.bench.QualitySubset "$data/split.csv" "$1.tmp" \
    $TRAIN_EVERY $VAL_EVERY $TEST_PER_TYPE $TEST_GOOD >&2
  mv "$1.tmp" "$1"
}

if [ "${1:-}" = probe ]; then
  shift
  out="${PROBE_OUT:-bench/out/quality-probe}"; mkdir -p "$out"
  subset "$out/split.csv"
  teachers=("$@"); [ ${#teachers[@]} -eq 0 ] && teachers=(shipped random raw)
  dirs=()
  for p in ${P:-17 33 65}; do
    for t in "${teachers[@]}"; do
      d="$out/$(basename "$t" .zip)-p$p"
      if [ ! -f "$d/done" ]; then
        start=$(date +%s)
        bench/run_java.sh -Xmx6g io.github.stad.bench.TeacherProbe "$out/split.csv" "$p" "$t" "$d" >&2
        echo $(( $(date +%s) - start )) > "$d/done"
      fi
      dirs+=("$d")
    done
  done
  python3 bench/teacher_probe.py "${dirs[@]}" | tee "$out/probe.md"
  exit 0
fi

out="${1:-bench/out/quality}"; [ $# -gt 0 ] && shift
run="${RUN:-}"
if [ -z "$run" ]; then
  if [ $# -eq 0 ]; then run=default
  else run="$(printf '%s_' "$@" | sed 's#[^A-Za-z0-9.=,+-]#_#g; s#__*#_#g; s#^_##; s#_$##' | cut -c1-60)-$(printf '%s\n' "$@" | md5sum | cut -c1-6)"
  fi
fi
dir="$out/runs/$run"; mkdir -p "$dir"
subset "$out/split.csv"
split="$out/split.csv"
printf '%s\n' "$@" > "$dir/train-args.txt"

if [ ! -f "$dir/model.zip" ]; then
  start=$(date +%s)
  bin/stad train --normal "$split:train" --validation "$split:val" --out "$dir/model.zip" "$@" 2>&1 | tee "$dir/train.log"
  [ -f "$dir/model.zip" ] || { echo "quality.sh: training failed, see $dir/train.log" >&2; exit 1; }
  echo $(( $(date +%s) - start )) > "$dir/train.seconds"
fi
if [ ! -f "$dir/eval/metrics.json" ]; then
  start=$(date +%s)
  # The product's maps (AnomalyModel.score, as `stad evaluate` computes them) give metrics.json; the
  # per-scale maps kept beside them (eval/maps, resumable per image) give eval/variants.md: other
  # patch-size combinations, e or v alone, the map smoothed before the metrics.
  bench/run_java.sh -Xmx8g io.github.stad.bench.QualityVariants \
    "$dir/model.zip" "$split" "$dir/eval" 2>&1 | tee "$dir/eval.log"
  [ -f "$dir/eval/metrics.json" ] || { echo "quality.sh: evaluation failed, see $dir/eval.log" >&2; exit 1; }
  echo $(( $(date +%s) - start )) > "$dir/eval.seconds"
fi

python3 - "$out" "$run" "$dir" "$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo '+dirty')" <<'PY'
import json, os, sys
out, run, d, commit = sys.argv[1:]
m = json.load(open(f'{d}/eval/metrics.json'))
o = m['overall']
sec = lambda f: int(open(f'{d}/{f}').read()) if os.path.exists(f'{d}/{f}') else float('nan')
args = open(f'{d}/train-args.txt').read().split()
types = sorted(m['perDefectType'])
per = ', '.join(f"{t} {m['perDefectType'][t]['auPro']:.3f}/{m['perDefectType'][t]['pixelAuroc']:.3f}/{m['perDefectType'][t]['imageAuroc']:.3f}" for t in types)
print(f"\nquality harness, run {run} ({' '.join(args) or 'defaults'}; commit {commit}):")
print(f"  AU-PRO@{m['maxFpr']:.1f} {o['auPro']:.4f}   pixel AUROC {o['pixelAuroc']:.4f}   image AUROC {o['imageAuroc']:.4f}"
      f"   ({o['images']} images, {o['defectiveImages']} defective, {o['regions']} regions)")
for t in types:
    s = m['perDefectType'][t]
    print(f"  {t:9s} AU-PRO {s['auPro']:.3f}  pixel AUROC {s['pixelAuroc']:.3f}  image AUROC {s['imageAuroc']:.3f}  ({s['defectiveImages']} images, {s['regions']} regions)")
tr, ev = sec('train.seconds'), sec('eval.seconds')
print(f"  wall time: train {tr} s, evaluate {ev} s")
header = ('| run | train args | commit | AU-PRO@0.3 | pixel AUROC | image AUROC | per type: AU-PRO/pixel AUROC/image AUROC | train s | evaluate s |\n'
          '| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n')
row = f"| {run} | {' '.join(args) or '(defaults)'} | {commit} | {o['auPro']:.3f} | {o['pixelAuroc']:.3f} | {o['imageAuroc']:.3f} | {per} | {tr} | {ev} |\n"
path = f'{out}/results.md'
lines = open(path).readlines()[2:] if os.path.exists(path) else []
lines = [l for l in lines if not l.startswith(f'| {run} |')] + [row]
open(path, 'w').write(header + ''.join(lines))
print(f"  row written to {path}")
PY
