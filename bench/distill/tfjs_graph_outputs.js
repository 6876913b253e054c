// Runs a tfjs graph model in the package's own runtime (TensorFlow.js, CPU backend) on a test image,
// fed at a named node, and writes the named nodes' outputs, for check_graph.py (graph_model.py vs tfjs).
// Needs @tensorflow/tfjs on NODE_PATH. The weights are read from the paths model.json lists.
// usage: node tfjs_graph_outputs.js MODEL_JSON OUT_DIR HEIGHT WIDTH FEED LO,HI NODE...
// Writes OUT_DIR/input.f32 ([HEIGHT, WIDTH, 3] float32 little-endian, RGB in [0, 1], before the
// mapping to [LO, HI]), OUT_DIR/<i>.f32 (node i's output, [H', W', C]) and OUT_DIR/outputs.json.
'use strict';
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');

const { testImage } = require('./test_image');

async function main([modelJson, outDir, h, w, feed, range, ...nodes]) {
  if (!nodes.length) {
    console.error('usage: node tfjs_graph_outputs.js MODEL_JSON OUT_DIR HEIGHT WIDTH FEED LO,HI NODE...');
    process.exit(2);
  }
  await tf.setBackend('cpu');
  const json = JSON.parse(fs.readFileSync(modelJson, 'utf8'));
  // a free-size input (a detector's graph fixes it), as graph_model.py runs it
  for (const node of json.modelTopology.node) {
    if (node.op === 'Placeholder' && node.attr && node.attr.shape) delete node.attr.shape;
  }
  delete json.signature;
  const base = path.dirname(modelJson);
  const buffers = json.weightsManifest.flatMap((g) => g.paths.map((p) => fs.readFileSync(path.join(base, p))));
  const data = Buffer.concat(buffers);
  const model = await tf.loadGraphModel(tf.io.fromMemory({
    modelTopology: json.modelTopology, format: json.format, generatedBy: json.generatedBy,
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
    weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
  }));
  const height = Number(h), width = Number(w);
  const [lo, hi] = range.split(',').map(Number);
  const image = testImage(height, width);
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'input.f32'), Buffer.from(image.buffer));
  const x = tf.tensor4d(image, [1, height, width, 3]).mul(hi - lo).add(lo);
  const outs = model.execute({ [feed]: x }, nodes);
  const shapes = {};
  (Array.isArray(outs) ? outs : [outs]).forEach((t, i) => {
    fs.writeFileSync(path.join(outDir, `${i}.f32`), Buffer.from(t.dataSync().buffer));
    shapes[nodes[i]] = { file: `${i}.f32`, shape: t.shape.slice(1) };
  });
  fs.writeFileSync(path.join(outDir, 'outputs.json'), JSON.stringify({ height, width, feed, range: [lo, hi], nodes: shapes }, null, 1));
}

main(process.argv.slice(2)).catch((e) => { console.error(e.message || e); process.exit(1); });
