#!/usr/bin/env bash
# Refining against false alarms (docs/benchmarks.md): trains a model on a magnetic-tile subset, scores a fixed
# evaluation pool of defect-free and defective test images, refines the model (`stad refine`) with a handful of
# flagged defect-free test images from OUTSIDE the pool, and scores the same pool again.
# Usage: bench/refine.sh [OUT_DIR] [HANDFUL] [TRAIN_MINUTES] [REFINE_MINUTES] ["TRAIN_ARGS"]
# Defaults: bench/out/refine, 5 images, 6-minute training, 3-minute refinement, TRAIN_ARGS "--patch-sizes 33 --map-mode
# strided" (one patch size, as in bench/magnetic_tile.sh's reduced protocol: p = 65 covers half a half-size tile; strided
# maps: what scoring about 100 images three times on a loaded 2-core machine affords).
# Settings (environment): SCALE (0.5), TRAIN_EVERY (10: 60 train images), VAL_EVERY (5: 20), FREE_EVERY (4: every
# 4th defect-free test image is in the pool), CANDIDATE_EVERY (12: every 12th defect-free test image, from the 3rd,
# never in the pool, is a refine candidate), DEFECT_EVERY (10: every 10th defective test image is in the pool),
# MIN_SIDE (33: the patch size), SEED (1), CONTROL (0; 1: also refine with HANDFUL of the model's own training images, the same
# budget and nothing new, and score the pool with that model: what the extra steps and new calibration do alone).
# Stages whose output exists are skipped, so a run resumes: give other settings a new OUT_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-bench/out/refine}"; handful="${2:-5}"; train_min="${3:-6}"; refine_min="${4:-3}"; train_args="${5:---patch-sizes 33 --map-mode strided}"
scale="${SCALE:-0.5}"; seed="${SEED:-1}"
data=../shared/data/magnetic-tile
mkdir -p "$out"
log() { echo "refine.sh: $*" | tee -a "$out/summary.txt"; }
# wall seconds of a command, appended to $out/times.txt as "NAME SECONDS"
timed() { local name="$1" t0; shift; t0=$(date +%s); "$@"; echo "$name $(( $(date +%s) - t0 ))" >> "$out/times.txt"; }
seconds() { awk -v n="$1" '$1 == n { s = $2 } END { print (s == "" ? "-" : s) }' "$out/times.txt" 2>/dev/null || echo -; }

# 1. the subset (every test image, so the pool and the candidates can be drawn from it) and the sets
[ -f "$out/data/split.csv" ] || bench/run_java.sh io.github.stad.bench.MagneticTileSubset "$data/split.csv" "$out/data" "$scale" \
  "${TRAIN_EVERY:-10}" "${VAL_EVERY:-5}" 1
sets="$out/sets.csv"
# images with a side under MIN_SIDE pixels (the largest patch) can be neither trained on nor scored: left out
awk -F, -v fe="${FREE_EVERY:-4}" -v ce="${CANDIDATE_EVERY:-12}" -v de="${DEFECT_EVERY:-10}" -v min="${MIN_SIDE:-33}" 'BEGIN { OFS = "," }
  NR == 1 { print; next }
  { cmd = "file -b \"" $1 "\""; cmd | getline info; close(cmd); split(info, f, ", "); split(f[2], wh, " x ")
    small = (wh[1] + 0 < min || wh[2] + 0 < min); if (small) smalls[$3]++ }
  $3 != "test" { if (!small) print; next }
  tolower($4) == "good" { g = free++; if (small) next; if (g % fe == 0) $3 = "pool"; else if (g % ce == 2) $3 = "candidates"; else next; print; next }
  { if (defect++ % de == 0 && !small) { $3 = "pool"; print } }
  END { for (k in smalls) printf "%s: %d images under %d pixels a side left out\n", k, smalls[k], min > "/dev/stderr" }' "$out/data/split.csv" > "$sets"
for s in train val pool candidates; do log "$s: $(awk -F, -v s=$s '$3 == s' "$sets" | wc -l) images"; done

# 2. the model
if [ ! -f "$out/model.zip" ]; then
  timed train bin/stad train --normal "$sets:train" --validation "$sets:val" --out "$out/model.zip" --time-budget "$train_min" \
    --seed "$seed" --cpu $train_args 2>&1 | tee "$out/train.log"
fi

# scores NAME MODEL SET: scores.csv of the set in $out/NAME; then, for the pool, metrics.json in $out/NAME-eval
scores() {
  [ -f "$out/$1/scores.csv" ] || timed "score-$1" bin/stad score --model "$2" --input "$3" --out "$out/$1" --cpu --overwrite 2>&1 | tee "$out/$1.log"
  if [ "$3" = "$sets:pool" ] && [ ! -f "$out/$1-eval/metrics.json" ]; then
    timed "evaluate-$1" bin/stad evaluate --maps "$out/$1" --test "$3" --out "$out/$1-eval" --cpu --overwrite 2>&1 | tee "$out/$1-eval.log"
  fi
}
# 3. before: the pool, and the candidates to pick the handful from
scores before "$out/model.zip" "$sets:pool"
scores candidates "$out/model.zip" "$sets:candidates"
# the handful: flagged candidates, highest image score first; if too few are flagged, the highest-scoring others
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
  { n = split($c["image"], p, "/"); print ($c["anomalous"] == "yes"), $c["image_score"], p[n] }' "$out/candidates/scores.csv" \
  | sort -k1,1nr -k2,2gr | head -n "$handful" > "$out/handful.txt"
{ head -n 1 "$sets"
  while read -r _ _ name; do awk -F, -v n="/$name" 'BEGIN { OFS = "," } $3 == "candidates" && substr($1, length($1) - length(n) + 1) == n { $3 = "refine"; print }' "$sets"; done < "$out/handful.txt"
} > "$out/refine.csv"
flagged_picks=$(awk '$1 == 1' "$out/handful.txt" | wc -l)
log "refine images: $(( $(wc -l < "$out/refine.csv") - 1 )), of them $flagged_picks flagged by the model (of $(grep -c ',yes,' "$out/candidates/scores.csv" || true) flagged candidates)"

# 4. refine, and the pool again
if [ ! -f "$out/refined.zip" ]; then
  timed refine bin/stad refine --model "$out/model.zip" --normal "$out/refine.csv:refine" --out "$out/refined.zip" \
    --time-budget "$refine_min" --seed "$seed" --cpu 2>&1 | tee "$out/refine.log"
fi
scores after "$out/refined.zip" "$sets:pool"
scores handful-after "$out/refined.zip" "$out/refine.csv:refine"   # the refine images themselves, with the refined model

# the control: the same refinement with images the model already trains on
if [ "${CONTROL:-0}" = 1 ]; then
  { head -n 1 "$sets"; awk -F, 'BEGIN { OFS = "," } $3 == "train" { $3 = "refine"; print }' "$sets" | awk -v n="$handful" 'NR % 11 == 1 && k++ < n'; } > "$out/control.csv"
  if [ ! -f "$out/control.zip" ]; then
    timed control bin/stad refine --model "$out/model.zip" --normal "$out/control.csv:refine" --out "$out/control.zip" \
      --time-budget "$refine_min" --seed "$seed" --cpu 2>&1 | tee "$out/control-refine.log"
  fi
  scores control "$out/control.zip" "$sets:pool"
fi

# 5. the table
# flagged NAME LABEL_TEST: "k of n" images of the pool whose label passes the test (good / not good) that are flagged
flagged() {
  awk -F, -v want="$2" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { good = ($c["image"] ~ /^good\//); if (good == want) { n++; k += ($c["anomalous"] == "yes") } } END { printf "%d of %d", k, n }' "$out/$1/scores.csv"
}
threshold() { bin/stad info --model "$out/$1.zip" | awk '$1 == "threshold" { print $2 }'; }
metric() { python3 -c 'import json, sys; v = json.load(open(sys.argv[1]))["overall"][sys.argv[2]]; print("-" if v is None else "%.3f" % v)' "$out/$1-eval/metrics.json" "$2"; }
{ echo "| model | false alarms (defect-free flagged) | defective flagged | AU-PRO@0.3 | pixel AUROC | image AUROC | threshold | train / refine time |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
  for m in before after control; do
    [ -f "$out/$m/scores.csv" ] || continue
    case $m in before) step=train; model=model ;; after) step=refine; model=refined ;; *) step=control; model=control ;; esac
    t="$(seconds $step) s"
    echo "| $m | $(flagged $m 1) | $(flagged $m 0) | $(metric $m auPro) | $(metric $m pixelAuroc) | $(metric $m imageAuroc) | $(threshold $model) | $t |"
  done
} | tee "$out/table.md"
log "the $handful refine images themselves: flagged by the model $(awk '$1 == 1' "$out/handful.txt" | wc -l), by the refined model $(flagged handful-after 1 | cut -d' ' -f1)"
