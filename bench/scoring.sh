#!/usr/bin/env bash
# Scoring speed (docs/benchmarks.md, "Scoring speed").
#   bench/scoring.sh [PATCH_SIZES [CHANNELS]]        e.g. bench/scoring.sh 17,33,65
# In one JVM: the ceiling (best GFLOP/s of plain convolutions of the networks' dominant shapes on
# 1×C×CEILING_SIZE² and of the largest ones the dense passes run on a 256² tile, phase batches included,
# through DJL, the product's engine and thread count), then every full pass (teacher +
# 3 students, dense) per patch size and for the 3-scale model at each of SIZES; then, in a separate
# process after the JVM has ended, the same networks in PyTorch eager (dilated convolutions, the same
# thread count), with a check that both forms compute the same outputs. Writes bench/out/scoring/
# (java.tsv, torch.tsv, results.md) and prints the markdown table.
# Environment: SIZES (256,1024), REPS (best of, 3; at sizes ≤ 256 after a warm-up), LARGE_REPS (1, sizes
# above 256, no warm-up), CEILING_SIZE (256), THREADS (PyTorch intra-op threads, default: DJL's default,
# every core), TORCH (auto | off | on: on fails when python3-torch is missing), PYTHON (a python3 with
# torch; default: python3, else /usr/bin/python3), SINGLE=1 (also one dense network alone), NAIVE=1 (also
# the naive patch-by-patch computation on 32²), OUT (bench/out/scoring), LABEL (a line above the table).
set -euo pipefail
cd "$(dirname "$0")/.."
patches=${1:-17,33,65}
channels=${2:-1}
out=${OUT:-bench/out/scoring}
mkdir -p "$out"
rm -f "$out/java.tsv" "$out/torch.tsv" "$out/results.md"

torch_python=""
if [ "${TORCH:-auto}" != off ]; then
  for py in ${PYTHON:-python3 /usr/bin/python3}; do
    if "$py" -c 'import torch' 2>/dev/null; then torch_python=$py; break; fi
  done
  if [ -z "$torch_python" ]; then
    if [ "${TORCH:-auto}" = on ]; then echo "TORCH=on but no python3 with torch found (apt-get install -y python3-torch)" >&2; exit 1; fi
    echo "No python3 with torch found: the PyTorch side by side is left out (apt-get install -y python3-torch)" >&2
  fi
fi

threads_opt=()
if [ -n "${THREADS:-}" ]; then threads_opt=(-Dai.djl.pytorch.num_threads="$THREADS" -Dai.djl.pytorch.num_interop_threads=1); fi
bench/run_java.sh -Xmx8g "${threads_opt[@]}" \
  -Dstad.bench.sizes="${SIZES:-256,1024}" -Dstad.bench.reps="${REPS:-3}" -Dstad.bench.largeReps="${LARGE_REPS:-1}" \
  -Dstad.bench.ceilingSize="${CEILING_SIZE:-256}" -Dstad.bench.out="$out" \
  -Dstad.bench.single="$([ "${SINGLE:-0}" = 1 ] && echo true || echo false)" -Dstad.bench.naive="$([ "${NAIVE:-0}" = 1 ] && echo true || echo false)" \
  io.github.stad.bench.ScoringBenchmark "$patches" "$channels"

if [ -n "$torch_python" ]; then
  if [ "$channels" != 1 ]; then
    echo "The PyTorch side by side is written for grayscale input: left out for $channels channels" >&2
  else
    threads=$(awk -F'\t' '$1 == "# threads" { print $2 }' "$out/java.tsv")
    "$torch_python" bench/scoring_torch.py "$out" "$threads" "$patches" "${SIZES:-256,1024}" "${REPS:-3}" "${LARGE_REPS:-1}"
  fi
fi
python3 bench/scoring_report.py "$out" "${LABEL:-}"
