// Decodes one of nsfwjs's bundled models into a standard tfjs layers model: model.json + weights.bin.
// The package ships each model as browserify modules: model.min.js returns the model.json object,
// each group1-shard*.min.js returns one base64 string; the decoded shards, concatenated in the
// manifest's order, are the weights. The modules run in an empty vm context (no require, no
// process, no file system): they only build a value.
// usage: node decode_nsfwjs.js MODEL_DIR OUT_DIR    (MODEL_DIR: package/dist/models/mobilenet_v2)
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');

function fail(message) {
  console.error(message);
  process.exit(1);
}

function moduleValue(file) {
  if (!fs.existsSync(file)) fail(`${file}: missing; is this an nsfwjs model folder (dist/models/NAME)?`);
  const sandbox = { module: { exports: {} } };
  sandbox.exports = sandbox.module.exports;
  vm.runInNewContext(fs.readFileSync(file, 'utf8'), sandbox, { filename: file, timeout: 60000 });
  return sandbox.module.exports;
}

function writeAtomic(file, data) {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

function main([modelDir, outDir]) {
  if (!modelDir || !outDir) fail('usage: node decode_nsfwjs.js MODEL_DIR OUT_DIR');
  const model = moduleValue(path.join(modelDir, 'model.min.js'));
  if (!model || !model.modelTopology || !Array.isArray(model.weightsManifest)) {
    fail(`${modelDir}/model.min.js did not return a tfjs model.json (modelTopology, weightsManifest)`);
  }
  const shards = [];
  for (const group of model.weightsManifest) {
    for (const shard of group.paths) {
      const b64 = moduleValue(path.join(modelDir, `${shard}.min.js`));
      if (typeof b64 !== 'string') fail(`${modelDir}/${shard}.min.js did not return a base64 string`);
      shards.push(Buffer.from(b64, 'base64'));
    }
  }
  const weights = Buffer.concat(shards);
  model.weightsManifest = [{
    paths: ['weights.bin'],
    weights: model.weightsManifest.flatMap((group) => group.weights),
  }];
  fs.mkdirSync(outDir, { recursive: true });
  writeAtomic(path.join(outDir, 'weights.bin'), weights);
  writeAtomic(path.join(outDir, 'model.json'), JSON.stringify(model));
  console.error(`decoded ${model.weightsManifest[0].weights.length} tensors, ${weights.length} bytes -> ${outDir}`);
}

main(process.argv.slice(2));
