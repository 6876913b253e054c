// Runs the decoded model in the package's own runtime (TensorFlow.js, CPU backend) on a test image
// this script makes, and writes the input and the named layers' outputs for check_tfjs.py.
// Needs @tensorflow/tfjs on NODE_PATH (bench/distill_source.sh installs it, pinned, in its cache).
// usage: node tfjs_outputs.js MODEL_DIR OUT_DIR LAYER...
// Writes OUT_DIR/input.f32 ([224, 224, 3], float32 little-endian, RGB in [0, 1]),
// OUT_DIR/LAYER.f32 ([H', W', C], channels last as tfjs computes them) and OUT_DIR/outputs.json.
'use strict';
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');

const SIDE = 224;

// A smooth colour pattern with some structure at every scale P looks at; deterministic.
function testImage() {
  const data = new Float32Array(SIDE * SIDE * 3);
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const u = x / SIDE, v = y / SIDE;
      const rgb = [
        0.5 + 0.3 * Math.sin(2 * Math.PI * (3 * u + 1.5 * v)) + 0.2 * Math.cos(40 * u * v),
        0.5 + 0.4 * Math.cos(2 * Math.PI * (5 * v - 2 * u * u)),
        0.5 + 0.25 * Math.sin(2 * Math.PI * 9 * Math.hypot(u - 0.4, v - 0.6)) + 0.2 * (u - v),
      ];
      for (let c = 0; c < 3; c++) data[(y * SIDE + x) * 3 + c] = Math.min(1, Math.max(0, rgb[c]));
    }
  }
  return data;
}

function bytes(floats) {
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength);
}

async function main([modelDir, outDir, ...layers]) {
  if (!modelDir || !outDir || layers.length === 0) {
    console.error('usage: node tfjs_outputs.js MODEL_DIR OUT_DIR LAYER...');
    process.exit(2);
  }
  await tf.setBackend('cpu');
  const json = JSON.parse(fs.readFileSync(path.join(modelDir, 'model.json'), 'utf8'));
  const weights = fs.readFileSync(path.join(modelDir, 'weights.bin'));
  const model = await tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
  }));
  const probe = tf.model({ inputs: model.inputs, outputs: layers.map((name) => model.getLayer(name).output) });
  const image = testImage();
  const outputs = [].concat(probe.predict(tf.tensor4d(image, [1, SIDE, SIDE, 3])));
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'input.f32'), bytes(image));
  const shapes = {};
  for (let i = 0; i < layers.length; i++) {
    fs.writeFileSync(path.join(outDir, `${layers[i]}.f32`), bytes(outputs[i].dataSync()));
    shapes[layers[i]] = outputs[i].shape.slice(1);
  }
  const meta = { tfjs: tf.version.tfjs, backend: tf.getBackend(), input: [SIDE, SIDE, 3], outputs: shapes };
  fs.writeFileSync(path.join(outDir, 'outputs.json'), JSON.stringify(meta, null, 1));
  console.error(`tfjs ${tf.version.tfjs} (${tf.getBackend()}): wrote ${layers.join(', ')} -> ${outDir}`);
}

main(process.argv.slice(2)).catch((e) => {
  console.error(`tfjs_outputs.js: ${e.message}`);
  process.exit(1);
});
