#!/usr/bin/env bash
# P, the pretrained distillation source (bench/distill_source.sh, docs/teachers.md), in the
# student-free teacher probe (bench/quality.sh probe): P's features at exactly the grid points of
# the shipped teacher's dump of each p (bench/distill/probe_p.py), then the probe table, with a
# per-type 1-NN column, of shipped / raw / P at each p, written to PROBE_OUT/probe-p.md.
# usage: bench/probe_p.sh     (P="17 33 65"; PROBE_OUT default bench/out/quality-probe;
#                              P_SOURCE default bench/out/distill/p)
# Needs the dumps of `bench/quality.sh probe shipped raw` of each p, and /usr/bin/python3 with numpy,
# torch and PIL. Each P dump is skipped when it exists; delete it to redo it.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${PROBE_OUT:-bench/out/quality-probe}
source=${P_SOURCE:-bench/out/distill/p}
py=/usr/bin/python3
# p, layer, pooling: the distillation targets of the three teachers, and block_9_add for comparison
rows=("17 block_3_expand_relu none" "33 block_4_expand_relu none" "33 block_4_expand_relu avg3"
      "33 block_9_add avg3" "65 block_4_expand_relu avg3" "65 block_9_add avg3")
[ -f "$source/model.json" ] || { echo "probe_p.sh: $source: no P there; build it with bench/distill_source.sh or set P_SOURCE" >&2; exit 1; }
dirs=()
for p in ${P:-17 33 65}; do
  for t in shipped raw; do
    [ -f "$out/$t-p$p/done" ] || { echo "probe_p.sh: $out/$t-p$p is missing; make it first: P=$p PROBE_OUT=$out bench/quality.sh probe shipped raw" >&2; exit 1; }
    dirs+=("$out/$t-p$p")
  done
  for row in "${rows[@]}"; do
    set -- $row
    [ "$1" = "$p" ] || continue
    d="$out/P-$2-$3-p$p"
    [ -d "$d" ] || $py bench/distill/probe_p.py --like "$out/shipped-p$p" --split "$out/split.csv" \
      --layer "$2" --pool "$3" --source "$source" --out "$d"
    dirs+=("$d")
  done
done
$py bench/teacher_probe.py --with-types "$out/split.csv" "${dirs[@]}" | tee "$out/probe-p.md"
