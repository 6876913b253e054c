#!/usr/bin/env bash
# Other registry packages' networks as distillation sources, measured like P (bench/probe_p.sh,
# docs/teachers.md#the-distillation-source). Fetches two npm packages at pinned versions and hashes
# (`npm pack`, no install scripts) and probes the image backbones they ship inside the tarball:
# from @vladmandic/human the tfjs graph models MoveNet Lightning (a MobileNetV2 trained for body pose)
# and CenterNet (a MobileNetV3 trained for COCO object detection); from @vladmandic/face-api the
# MobileNetV1 of its SSD face detector (weights only: bench/distill/face_api_mobilenet_v1.py writes
# the package's network as a graph). Each runs in PyTorch (bench/distill/graph_model.py), is checked
# against TensorFlow.js (pinned, CPU backend) on two test images (fails above 1e-4), and is read at
# the grid points of the shipped teacher's p = 65 dump (bench/distill/probe_graph.py); then the probe
# table of shipped / raw / P / these, written to PROBE_OUT/probe-alternatives.md.
# usage: bench/probe_alternatives.sh     (PROBE_OUT default bench/out/quality-probe; CACHE default
#                                         bench/out/alternatives; P_SOURCE default bench/out/distill/p)
# Needs the dumps of `P=65 bench/quality.sh probe shipped raw`, node/npm, and /usr/bin/python3 with
# numpy, torch and PIL. Each dump is skipped when it exists; delete it to redo it. Nothing here is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${PROBE_OUT:-bench/out/quality-probe}
cache=${CACHE:-bench/out/alternatives}
source=${P_SOURCE:-bench/out/distill/p}
py=/usr/bin/python3
TFJS=4.22.0
# package@version sha512 (checked against the registry's dist.integrity, 2026-12-07)
PACKAGES=("@vladmandic/human@3.3.6 sha512-Nr5mPfq1gQ+uKeXY5uM3Fj8UxvF5CEh2s6txM5wRThqaW0mF9huooOuZSrT8hhGho0hGaXLFdAwfD/2+teCv6A=="
          "@vladmandic/face-api@1.7.15 sha512-WDMmK3CfNLo8jylWqMoQgf4nIst3M0fzx1dnac96wv/dvMTN4DxC/Pq1DGtduDk1lktCamQ3MIDXFnvrdHTXDw==")
die() { echo "probe_alternatives.sh: $*" >&2; exit 1; }
for t in shipped raw; do
  [ -f "$out/$t-p65/done" ] || die "$out/$t-p65 is missing; make it first: P=65 PROBE_OUT=$out bench/quality.sh probe shipped raw"
done
mkdir -p "$cache"
for entry in "${PACKAGES[@]}"; do
  set -- $entry
  spec=$1 integrity=$2
  dir=$cache/$(echo "${spec#@}" | tr '/@' '--')
  tgz=$dir.tgz
  [ -f "$tgz" ] || { tmp=$(mktemp -d "$cache/pack.XXXX"); (cd "$tmp" && npm pack --ignore-scripts --silent "$spec" >/dev/null); mv "$tmp"/*.tgz "$tgz"; rmdir "$tmp"; }
  actual=sha512-$(node -e 'const c=require("crypto"),f=require("fs");process.stdout.write(c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$tgz")
  [ "$actual" = "$integrity" ] || die "$tgz has $actual, not the pinned $integrity; delete it and run again"
  [ -f "$dir/done" ] || { rm -rf "$dir" && mkdir -p "$dir" && tar xzf "$tgz" -C "$dir" && touch "$dir/done"; }
done
human=$cache/vladmandic-human-3.3.6/package/models
faceapi=$cache/face-api-mobilenet-v1
manifest=$cache/vladmandic-face-api-1.7.15/package/model/ssd_mobilenetv1_model-weights_manifest.json
[ -f "$faceapi/model.json" ] || $py bench/distill/face_api_mobilenet_v1.py "$manifest" "$faceapi"

mv2=StatefulPartitionedCall/center_net_mobile_net_v2fpn_feature_extractor/model_1/model
mv3=tower_0/MobilenetV3
# name, model.json, fed node, value range the package feeds, node, pooling; receptive fields (pooled):
# 43, 203 | 51, 179 | 43, 59, 251
rows=("movenet-block_4_expand_relu-avg3 $human/movenet-lightning.json StatefulPartitionedCall/stack 0,255 $mv2/block_4_expand_relu/Relu6 avg3"
      "movenet-block_9_add-avg3 $human/movenet-lightning.json StatefulPartitionedCall/stack 0,255 $mv2/block_9_add/add avg3"
      "centernet-expanded_conv_4_expand-avg3 $human/centernet.json tower_0/images 0,255 $mv3/expanded_conv_4/expand/Relu avg3"
      "centernet-expanded_conv_7_add-avg3 $human/centernet.json tower_0/images 0,255 $mv3/expanded_conv_7/add avg3"
      "faceapi-Conv2d_4_pointwise-avg3 $faceapi/model.json input -1,1 MobilenetV1/Conv2d_4_pointwise avg3"
      "faceapi-Conv2d_5_pointwise-avg3 $faceapi/model.json input -1,1 MobilenetV1/Conv2d_5_pointwise avg3"
      "faceapi-Conv2d_11_pointwise-avg3 $faceapi/model.json input -1,1 MobilenetV1/Conv2d_11_pointwise avg3")

# Each network in PyTorch against the package's runtime, tfjs (pinned, in the cache), on two sizes.
node_modules=$cache/node/node_modules
if [ "$(node -p "try{require('$PWD/$node_modules/@tensorflow/tfjs/package.json').version}catch(e){''}")" != "$TFJS" ]; then
  npm install --prefix "$cache/node" --ignore-scripts --no-audit --no-fund --no-save --silent "@tensorflow/tfjs@$TFJS"
fi
rm -rf "$cache/check" && mkdir -p "$cache/check"
for size in 224x224 157x203; do
  echo "$size:" >> "$cache/check/difference.txt"
  declare -A nodes=()
  for row in "${rows[@]}"; do set -- $row; nodes[$2]="${nodes[$2]:-$3 $4} $5"; done
  for model in "${!nodes[@]}"; do
    check=$cache/check/$size/$(basename "$(dirname "$model")")-$(basename "$model" .json)
    NODE_PATH=$node_modules node bench/distill/tfjs_graph_outputs.js "$model" "$check" ${size/x/ } ${nodes[$model]} 2>&1 \
      | grep -v -e '^=*$' -e 'running TensorFlow.js in Node.js' >&2 || true
    [ -f "$check/outputs.json" ] || die "tfjs did not run $model (see above)"
    $py bench/distill/check_graph.py "$model" "$check" 1e-4 | tee -a "$cache/check/difference.txt" || die "$model: PyTorch and tfjs differ (above)"
  done
  # the converted face-api graph against the package's own ops (batch norm unfolded)
  NODE_PATH=$node_modules node bench/distill/tfjs_face_api_v1.js "$manifest" "$cache/check/$size/face-api-mobilenet-v1-model" \
    "$cache/check/$size/face-api-own" 4 5 11 2>&1 | grep -v -e '^=*$' -e 'running TensorFlow.js in Node.js' >&2 || true
  $py bench/distill/check_graph.py "$faceapi/model.json" "$cache/check/$size/face-api-own" 1e-4 | tee -a "$cache/check/difference.txt" \
    || die "face-api's MobileNetV1: the converted graph and the package's ops differ (above)"
  unset nodes
done

dirs=("$out/shipped-p65" "$out/raw-p65")
if [ -f "$source/model.json" ]; then
  d=$out/P-block_4_expand_relu-avg3-p65
  [ -d "$d" ] || $py bench/distill/probe_p.py --like "$out/shipped-p65" --split "$out/split.csv" \
    --layer block_4_expand_relu --pool avg3 --source "$source" --out "$d"
  dirs+=("$d")
else
  echo "probe_alternatives.sh: no P at $source (bench/distill_source.sh builds it): its row is left out" >&2
fi
for row in "${rows[@]}"; do
  set -- $row
  d=$out/$1-p65
  [ -d "$d" ] || $py bench/distill/probe_graph.py --model "$2" --feed "$3" --range="$4" \
    --node "$5" --pool "$6" --like "$out/shipped-p65" --split "$out/split.csv" --out "$d" --name "$1"
  dirs+=("$d")
done
$py bench/teacher_probe.py --with-types "$out/split.csv" "${dirs[@]}" | tee "$out/probe-alternatives.md"
