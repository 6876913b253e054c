#!/usr/bin/env bash
# Colour benchmark: do the RGB teachers find colour defects that the gray path cannot, and do they keep
# finding the defects it can? On the sets of bench/colour_set.py (128² crops of four photographed colour
# textures that no shipped teacher saw, with planted hue, stain and scratch defects), per texture and
# variant: `stad train` (the product's defaults but the time budget), `stad evaluate`, and a table of the
# means over the textures, overall and per defect type.
#
# Usage: bench/colour.sh [OUT_DIR]                      (default bench/out/colour)
#   env VARIANTS="gray spread colour"   which teachers/images (default all three):
#       gray    the images converted to gray ((R+G+B)/3, rounded): what a user without colour support does
#       spread  RGB images, the shipped gray teachers spread over R, G, B (weights / 3): the RGB path
#               before the colour layers (ColourTeachers spread)
#       colour  RGB images, the default RGB teachers (with the shipped colour layers), or COLOUR_TEACHERS
#   env COLOUR_TEACHERS=a.zip,b.zip,c.zip   RGB teachers for the colour variant (default: the shipped ones)
#   env BUDGET=3        minutes of student training per model (the product's default is 20)
#   env PHOTOS=/work/photos/rgb-heldout   where colour_set.py finds the textures (bench/prepare_photos.sh)
# Stages are skipped when their output exists (OUT/runs/<variant>/<texture>/{model.zip,eval/metrics.json}).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench/out/colour}
variants=${VARIANTS:-gray spread colour}
budget=${BUDGET:-3}
photos=${PHOTOS:-/work/photos/rgb-heldout}
py=python3
/usr/bin/python3 -c 'import numpy, PIL' 2>/dev/null && py=/usr/bin/python3

if [ ! -d "$out/sets" ]; then "$py" bench/colour_set.py "$photos" "$out/sets.tmp" && mv "$out/sets.tmp" "$out/sets"; fi
bench/run_java.sh --build
if [ ! -f "$out/spread/teacher-p65-spread.zip" ]; then
  mkdir -p "$out/spread"
  bench/run_java.sh io.github.stad.bench.ColourTeachers spread "$out/spread"
fi
if [[ " $variants " == *" gray "* ]] && [ ! -d "$out/gray-sets" ]; then
  "$py" - "$out/sets" "$out/gray-sets.tmp" <<'PY'
import os, sys
import numpy as np
from PIL import Image
src, dst = sys.argv[1:]
for root, _, files in os.walk(src):
    for f in files:
        if not f.endswith('.png'):
            continue
        im = Image.open(os.path.join(root, f))
        d = os.path.join(dst, os.path.relpath(root, src))
        os.makedirs(d, exist_ok=True)
        if '/ground_truth' in root or im.mode == 'L':
            im.save(os.path.join(d, f))
        else:
            a = np.asarray(im.convert('RGB'), dtype=np.float64).mean(axis=2)
            Image.fromarray(np.rint(a).astype(np.uint8)).save(os.path.join(d, f))
PY
  mv "$out/gray-sets.tmp" "$out/gray-sets"
fi

for v in $variants; do
  for set in "$out"/sets/*/; do
    t=$(basename "$set"); d="$out/runs/$v/$t"; mkdir -p "$d"
    s="$out/sets/$t"; teacher=()
    case $v in
      gray) s="$out/gray-sets/$t" ;;
      spread) teacher=(--teacher "$out/spread/teacher-p17-spread.zip,$out/spread/teacher-p33-spread.zip,$out/spread/teacher-p65-spread.zip") ;;
      colour) [ -n "${COLOUR_TEACHERS:-}" ] && teacher=(--teacher "$COLOUR_TEACHERS") ;;
      *) echo "colour.sh: unknown variant $v" >&2; exit 2 ;;
    esac
    if [ ! -f "$d/model.zip" ]; then
      bin/stad train --normal "$s/train" --validation "$s/validation" --out "$d/model.zip" --time-budget "$budget" "${teacher[@]}" > "$d/train.log" 2>&1 \
        || { echo "colour.sh: training failed, see $d/train.log" >&2; exit 1; }
    fi
    if [ ! -f "$d/eval/metrics.json" ]; then
      bin/stad evaluate --model "$d/model.zip" --test "$s/test" --masks "$s/ground_truth" --out "$d/eval" > "$d/eval.log" 2>&1 \
        || { echo "colour.sh: evaluation failed, see $d/eval.log" >&2; exit 1; }
    fi
  done
done

"$py" - "$out" $variants <<'PY'
import glob, json, os, sys
out, variants = sys.argv[1], sys.argv[2:]
types = ['hue', 'stain', 'scratch']
print('| variant | textures | overall AU-PRO / pixel AUROC / image AUROC | ' + ' | '.join(types) + ' |')
print('| --- | --- | --- | ' + ' | '.join('---' for _ in types) + ' |')
for v in variants:
    ms = [json.load(open(f)) for f in sorted(glob.glob(f'{out}/runs/{v}/*/eval/metrics.json'))]
    if not ms:
        continue
    def mean(get):
        return sum(get(m) for m in ms) / len(ms)
    cell = lambda g: ' / '.join(f"{mean(lambda m: g(m)[k]):.3f}" for k in ('auPro', 'pixelAuroc', 'imageAuroc'))
    print(f"| {v} | {len(ms)} | {cell(lambda m: m['overall'])} | " + ' | '.join(cell(lambda m, t=t: m['perDefectType'][t]) for t in types) + ' |')
for v in variants:
    for f in sorted(glob.glob(f'{out}/runs/{v}/*/eval/metrics.json')):
        m = json.load(open(f)); t = f.split('/')[-3]
        print(f"  {v:7s} {t:45s} " + '  '.join(f"{k} {m['perDefectType'][k]['auPro']:.3f}/{m['perDefectType'][k]['pixelAuroc']:.3f}/{m['perDefectType'][k]['imageAuroc']:.3f}" for k in types)
        + f"  overall {m['overall']['auPro']:.3f}/{m['overall']['pixelAuroc']:.3f}/{m['overall']['imageAuroc']:.3f}")
PY
