// Runs the decoded model in the package's own runtime (TensorFlow.js, CPU backend) on a test image
// this script makes, and writes the input and the named layers' outputs for check_tfjs.py.
// Needs @tensorflow/tfjs on NODE_PATH (bench/distill_source.sh installs it, pinned, in its cache).
// usage: node tfjs_outputs.js MODEL_DIR OUT_DIR HEIGHT WIDTH LAYER...
// The model is cut after the deepest LAYER and its input made free-size, so the check also covers
// image sizes other than 224² (odd ones included: Keras's fixed pads before stride-2 convolutions).
// Writes OUT_DIR/input.f32 ([HEIGHT, WIDTH, 3], float32 little-endian, RGB in [0, 1]),
// OUT_DIR/LAYER.f32 ([H', W', C], channels last as tfjs computes them) and OUT_DIR/outputs.json.
'use strict';
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');

const { testImage } = require('./test_image');

function bytes(floats) {
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength);
}

const BYTES = { uint8: 1, uint16: 2, float16: 2 };

function specBytes(spec) {
  const q = spec.quantization;
  return spec.shape.reduce((a, b) => a * b, 1) * (q ? BYTES[q.dtype] : 4);
}

// The layers up to the last of `layers` (Keras lists them in order), with a free-size input,
// and only their weights (tfjs refuses weights no layer takes).
function cutModel(json, weights, layers) {
  const topology = JSON.parse(JSON.stringify(json.modelTopology));
  const config = topology.model_config.config;
  const last = Math.max(...layers.map((name) => config.layers.findIndex((l) => l.name === name)));
  config.layers = config.layers.slice(0, last + 1);
  config.layers[0].config.batch_input_shape = [null, null, null, 3];
  config.output_layers = [[config.layers[last].name, 0, 0]];
  const kept = new Set(config.layers.map((l) => l.name));
  const specs = [], parts = [];
  let offset = 0;
  for (const spec of json.weightsManifest.flatMap((group) => group.weights)) {
    const n = specBytes(spec);
    if (kept.has(spec.name.split('/')[0])) {
      specs.push(spec);
      parts.push(weights.subarray(offset, offset + n));
    }
    offset += n;
  }
  if (offset !== weights.length) throw new Error(`weights.bin has ${weights.length} bytes, the manifest ${offset}`);
  const data = Buffer.concat(parts);
  return { modelTopology: topology, weightSpecs: specs, weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.length) };
}

async function main([modelDir, outDir, height, width, ...layers]) {
  const h = Number(height), w = Number(width);
  if (!modelDir || !outDir || !(h > 0) || !(w > 0) || layers.length === 0) {
    console.error('usage: node tfjs_outputs.js MODEL_DIR OUT_DIR HEIGHT WIDTH LAYER...');
    process.exit(2);
  }
  await tf.setBackend('cpu');
  const json = JSON.parse(fs.readFileSync(path.join(modelDir, 'model.json'), 'utf8'));
  const weights = fs.readFileSync(path.join(modelDir, 'weights.bin'));
  const model = await tf.loadLayersModel(tf.io.fromMemory(cutModel(json, weights, layers)));
  const probe = tf.model({ inputs: model.inputs, outputs: layers.map((name) => model.getLayer(name).output) });
  const image = testImage(h, w);
  const outputs = [].concat(probe.predict(tf.tensor4d(image, [1, h, w, 3])));
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'input.f32'), bytes(image));
  const shapes = {};
  for (let i = 0; i < layers.length; i++) {
    fs.writeFileSync(path.join(outDir, `${layers[i]}.f32`), bytes(outputs[i].dataSync()));
    shapes[layers[i]] = outputs[i].shape.slice(1);
  }
  const meta = { tfjs: tf.version.tfjs, backend: tf.getBackend(), input: [h, w, 3], outputs: shapes };
  fs.writeFileSync(path.join(outDir, 'outputs.json'), JSON.stringify(meta, null, 1));
  console.error(`tfjs ${tf.version.tfjs} (${tf.getBackend()}): wrote ${layers.join(', ')} -> ${outDir}`);
}

main(process.argv.slice(2)).catch((e) => {
  console.error(`tfjs_outputs.js: ${e.message}`);
  process.exit(1);
});
