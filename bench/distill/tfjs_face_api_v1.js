// face-api's MobileNetV1 as the package computes it (src/ssdMobilenetv1/mobileNetV1.ts: tfjs ops with
// the batch norm unfolded), from its own weights manifest, on the test image that tfjs_graph_outputs.js
// wrote to GRAPH_OUT_DIR; writes OUT_DIR in that script's format, for check_graph.py against the
// converted graph (face_api_mobilenet_v1.py).
// usage: node tfjs_face_api_v1.js MANIFEST_JSON GRAPH_OUT_DIR OUT_DIR PAIR...   (PAIR: 1..13, the pointwise output)
'use strict';
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');

const EPSILON = 0.0010000000474974513;

async function main([manifestJson, graphDir, outDir, ...pairs]) {
  if (!pairs.length) {
    console.error('usage: node tfjs_face_api_v1.js MANIFEST_JSON GRAPH_OUT_DIR OUT_DIR PAIR...');
    process.exit(2);
  }
  await tf.setBackend('cpu');
  const manifest = JSON.parse(fs.readFileSync(manifestJson, 'utf8'));
  const base = path.dirname(manifestJson);
  const weights = {};
  for (const group of manifest) {
    const data = Buffer.concat(group.paths.map((p) => fs.readFileSync(path.join(base, p))));
    Object.assign(weights, tf.io.decodeWeights(new Uint8Array(data).buffer, group.weights));
  }
  const meta = JSON.parse(fs.readFileSync(path.join(graphDir, 'outputs.json'), 'utf8'));
  const input = fs.readFileSync(path.join(graphDir, 'input.f32'));
  const image = new Float32Array(new Uint8Array(input).buffer);
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'input.f32'), input);
  let x = tf.tensor4d(image, [1, meta.height, meta.width, 3]).mul(2).sub(1);   // /127.5 - 1 of 0..255
  const pointwise = (t, n, stride) => tf.clipByValue(tf.add(tf.conv2d(t, weights[`MobilenetV1/Conv2d_${n}_pointwise/weights`], stride, 'same'),
    weights[`MobilenetV1/Conv2d_${n}_pointwise/convolution_bn_offset`]), 0, 6);
  x = pointwise(x, 0, 2);
  const want = new Set(pairs.map(Number));
  const outs = {};
  for (let n = 1; n <= 13; n++) {
    const d = `MobilenetV1/Conv2d_${n}_depthwise`;
    x = tf.depthwiseConv2d(x, weights[`${d}/depthwise_weights`], [2, 4, 6, 12].includes(n) ? 2 : 1, 'same');
    x = tf.clipByValue(tf.batchNorm(x, weights[`${d}/BatchNorm/moving_mean`], weights[`${d}/BatchNorm/moving_variance`],
      weights[`${d}/BatchNorm/beta`], weights[`${d}/BatchNorm/gamma`], EPSILON), 0, 6);
    x = pointwise(x, n, 1);
    if (want.has(n)) {
      const file = `${n}.f32`;
      fs.writeFileSync(path.join(outDir, file), Buffer.from(x.dataSync().buffer));
      outs[`MobilenetV1/Conv2d_${n}_pointwise`] = { file, shape: x.shape.slice(1) };
    }
  }
  fs.writeFileSync(path.join(outDir, 'outputs.json'), JSON.stringify({ ...meta, nodes: outs }, null, 1));
}

main(process.argv.slice(2)).catch((e) => { console.error(e.message || e); process.exit(1); });
