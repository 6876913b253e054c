#!/usr/bin/env bash
# Builds P, the distillation source of the teachers (docs/teachers.md#the-distillation-source): the
# MobileNetV2 that the npm package nsfwjs ships inside its tarball. Fetches the package at a pinned
# version with `npm pack` (no install scripts), refuses it unless its sha512 is the pinned one,
# decodes the bundled weights to a tfjs model (model.json + weights.bin), loads them into PyTorch
# (bench/distill/mobilenet_v2.py) and checks P against the package's own runtime, TensorFlow.js
# (pinned, from npm, CPU backend), on test images of 224² and 157x203: at most 1e-4 apart or it fails.
# A build-time tool only: users never need P, Python or Node. Nothing here is committed.
#
# usage: bench/distill_source.sh [CACHE_DIR]     (default bench/out/distill)
# needs: node and npm (Node 20), /usr/bin/python3 with python3-numpy and python3-torch (PYTHON=... to change)
# writes: CACHE_DIR/nsfwjs-4.4.0.tgz, CACHE_DIR/p/{model.json,weights.bin,source.json,LICENSE} (P),
#         CACHE_DIR/node/ (tfjs), CACHE_DIR/check/ (tfjs's outputs per size, difference.txt)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
PACKAGE=nsfwjs
VERSION=4.4.0
INTEGRITY=sha512-krC1fgeTLXtZwgdpKJ0jm7hqv0gTSRQQRL+FhOaxaJ9Wj92t42BO3csO2odwgTAgZgf2RvkwPtp0R8Aa7dc+MA==
MODEL=mobilenet_v2
TFJS=4.22.0                  # the version nsfwjs 4.4.0 develops against (its peer range is ^4.0.0)
CHECK_LAYERS=(block_3_expand_relu block_4_expand_relu block_9_add)
PYTHON=${PYTHON:-/usr/bin/python3}

die() { echo "distill_source.sh: $*" >&2; exit 1; }
[ $# -le 1 ] || { echo "usage: bench/distill_source.sh [CACHE_DIR]" >&2; exit 2; }
command -v node >/dev/null && command -v npm >/dev/null || die "needs node and npm (apt-get install nodejs npm)"
"$PYTHON" -c 'import numpy, torch' 2>/dev/null || die "$PYTHON lacks numpy or torch (apt-get install python3-numpy python3-torch)"
mkdir -p "${1:-$HERE/out/distill}"
CACHE=$(cd "${1:-$HERE/out/distill}" && pwd)

# 1. The package, pinned by version and hash.
TGZ=$CACHE/$PACKAGE-$VERSION.tgz
if [ ! -f "$TGZ" ]; then
  echo "fetching $PACKAGE@$VERSION with npm pack ..." >&2
  (cd "$CACHE" && npm pack --ignore-scripts --silent "$PACKAGE@$VERSION" >/dev/null)
fi
ACTUAL=sha512-$(node -e 'const c=require("crypto"),f=require("fs");process.stdout.write(c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$TGZ")
[ "$ACTUAL" = "$INTEGRITY" ] || die "$TGZ has $ACTUAL, not the pinned $INTEGRITY: a corrupt download or a changed package; delete it and run again (change the pin only after checking the package)"
echo "$PACKAGE-$VERSION.tgz: integrity $INTEGRITY (pinned) ok" >&2

# 2. Decode the bundled model into a fresh folder; it replaces P only once it has passed the check.
BUILD=$CACHE/p.build
rm -rf "$BUILD" "$CACHE/package"
tar xzf "$TGZ" -C "$CACHE" package/LICENSE "package/dist/models/$MODEL"
node "$HERE/distill/decode_nsfwjs.js" "$CACHE/package/dist/models/$MODEL" "$BUILD"
cp "$CACHE/package/LICENSE" "$BUILD/LICENSE"
cat > "$BUILD/source.json" <<EOF
{
 "package": "$PACKAGE",
 "version": "$VERSION",
 "tarball_sha512": "$INTEGRITY",
 "model": "dist/models/$MODEL (model.min.js + group1-shard*.min.js, decoded)",
 "licence": "MIT, (c) 2019 Infinite Red, Inc. (LICENSE beside this file)",
 "network": "Keras 2.2.4 MobileNetV2, alpha 1.0, 224x224 RGB input in [0, 1], uint8-quantised weights",
 "trained_on": "ImageNet (Keras MobileNetV2 weights), then transfer-learned by the package's authors to nsfwjs's 5-class image classifier (Drawing, Hentai, Neutral, Porn, Sexy)"
}
EOF

# 3. The package's own runtime, pinned, in the cache (no install scripts).
if [ "$(node -p "try{require('$CACHE/node/node_modules/@tensorflow/tfjs/package.json').version}catch(e){''}")" != "$TFJS" ]; then
  echo "installing @tensorflow/tfjs@$TFJS into $CACHE/node ..." >&2
  npm install --prefix "$CACHE/node" --ignore-scripts --no-audit --no-fund --no-save --silent "@tensorflow/tfjs@$TFJS"
fi
rm -rf "$CACHE/check"
for SIZE in 224x224 157x203; do    # the model's own input size, and an odd one (photos come in any size)
  OUT=$CACHE/check/$SIZE
  NODE_PATH=$CACHE/node/node_modules node "$HERE/distill/tfjs_outputs.js" "$BUILD" "$OUT" ${SIZE/x/ } "${CHECK_LAYERS[@]}" 2>&1 \
    | grep -v -e '^=*$' -e 'running TensorFlow.js in Node.js' >&2 || true
  [ -f "$OUT/outputs.json" ] || die "tfjs did not run the decoded model (see above)"
  # 4. PyTorch against tfjs: fails above 1e-4.
  echo "$SIZE:" | tee -a "$CACHE/check/difference.txt"
  "$PYTHON" "$HERE/distill/check_tfjs.py" "$BUILD" "$OUT" 1e-4 | tee -a "$CACHE/check/difference.txt"
done
rm -rf "$CACHE/p" && mv "$BUILD" "$CACHE/p"
echo "P: $CACHE/p" >&2
