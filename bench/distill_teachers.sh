#!/usr/bin/env bash
# Distils the default teachers from P (docs/teachers.md#distillation): builds P and checks it against its own
# runtime (bench/distill_source.sh), computes P's features on the teacher photographs once
# (bench/distill/targets.py), then trains one teacher per patch size with `stad train-teacher --mode distil`.
# Every stage skips or resumes what is done: run it again after a stop and it continues from the last
# checkpoint (every CHECKPOINT_EVERY steps), exactly as if it had not stopped. Nice-friendly; one training at a time.
#
# usage: bench/distill_teachers.sh [P...]          (default: 65 33 17)
# env:   PHOTOS (default /work/photos/gray: bench/prepare_photos.sh), TARGETS (default bench/out/distill-targets),
#        RUNS (default bench/out/distill-runs), ITERATIONS (default 3000), LR (default 1e-3), INIT (default: random weights;
#        a teacher file or "default" for the shipped one), CHECKPOINT_EVERY (default 50)
# writes: RUNS/teacher-pP-distil.zip (a checkpoint that is also a teacher file), RUNS/pP.log
#
# Targets per p (receptive field of P's feature ≤ p where it can be; docs/teachers.md lists the probe behind them):
#   p = 17: block_3_expand_relu (stride 4, 19 px)   p = 33: block_4_expand_relu + 3×3 mean (stride 8, 43 px; on the 33² patch alone it probes 0.821 against 0.768 without the mean)
#   p = 65: block_4_expand_relu + 3×3 mean (stride 8, 43 px)
set -euo pipefail
cd "$(dirname "$0")/.."
photos=${PHOTOS:-/work/photos/gray}
targets=${TARGETS:-bench/out/distill-targets}
runs=${RUNS:-bench/out/distill-runs}
sizes=("$@"); [ ${#sizes[@]} -eq 0 ] && sizes=(65 33 17)
[ -d "$photos" ] || { echo "distill_teachers.sh: no photographs in $photos: run bench/prepare_photos.sh first" >&2; exit 1; }
mkdir -p "$runs"

bash bench/distill_source.sh
# P's layer and pooling per p; only the sizes asked for are computed (one pass of P gives them all).
declare -A layer=([17]=block_3_expand_relu [33]=block_4_expand_relu [65]=block_4_expand_relu) pooling=([17]=none [33]=avg3 [65]=avg3)
layers=(); pools=(); outs=()
for p in "${sizes[@]}"; do
  [ -n "${layer[$p]:-}" ] || { echo "distill_teachers.sh: p = $p: give 17, 33 or 65" >&2; exit 1; }
  layers+=("${layer[$p]}"); pools+=("${pooling[$p]}"); outs+=("$targets/p$p")
done
join() { local IFS=,; echo "$*"; }
/usr/bin/python3 bench/distill/targets.py --layer "$(join "${layers[@]}")" --pool "$(join "${pools[@]}")" --scale 1 \
  --out "$(join "${outs[@]}")" "$photos"

# A frozen copy of the application: rebuilding target/ during a long run must not change the running code.
bash bench/run_java.sh --build
app="$runs/app"
rm -rf "$app.new" && mkdir -p "$app.new/lib"
cp target/student-teacher-anomaly-detection-*[0-9T].jar "$app.new/" 2>/dev/null || cp $(ls target/student-teacher-anomaly-detection-*.jar | grep -v -e sources -e tests) "$app.new/"
cp target/lib/*.jar "$app.new/lib/"
rm -rf "$app" && mv "$app.new" "$app"

# Crops per step and grid side per p: about the same pixels a step, 1 000–9 000 grid points.
declare -A grid=([17]=48 [33]=24 [65]=16)
for p in "${sizes[@]}"; do
  out="$runs/teacher-p$p-distil.zip"
  resume=(); [ -f "$out" ] && resume=(--resume "$out")
  init=(); [ -n "${INIT:-}" ] && [ ! -f "$out" ] && init=(--init "$INIT")
  echo "p=$p: distilling into $out ${resume[*]:-(fresh)}" >&2
  java -Xmx8g -Djava.awt.headless=true -Dai.djl.offline=true -cp "$app/*:$app/lib/*" io.github.stad.cli.Main train-teacher \
    --images "$photos" --patch-size "$p" --out "$out" --mode distil --targets "$targets/p$p" \
    --grid "${grid[$p]}" --crops 4 --iterations "${ITERATIONS:-3000}" --learning-rate "${LR:-1e-3}" --checkpoint-every "${CHECKPOINT_EVERY:-50}" --cpu \
    "${resume[@]}" "${init[@]}" 2>&1 | tee -a "$runs/p$p.log"
done
