"""graph_model.py against TensorFlow.js: the largest absolute difference per node on tfjs_graph_outputs.js's
test image; exits 1 when one exceeds TOLERANCE.

usage: python3 check_graph.py MODEL_JSON TFJS_OUT_DIR TOLERANCE
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from graph_model import GraphModel  # noqa: E402


def main(argv):
    if len(argv) != 3:
        print('usage: python3 check_graph.py MODEL_JSON TFJS_OUT_DIR TOLERANCE', file=sys.stderr)
        return 2
    model_json, folder, tolerance = argv[0], argv[1], float(argv[2])
    with open(os.path.join(folder, 'outputs.json')) as f:
        meta = json.load(f)
    h, w = meta['height'], meta['width']
    lo, hi = meta['range']
    image = np.fromfile(os.path.join(folder, 'input.f32'), '<f4').reshape(h, w, 3).transpose(2, 0, 1)
    x = torch.from_numpy(np.ascontiguousarray(image))[None] * (hi - lo) + lo
    got = GraphModel(model_json).run({meta['feed']: x}, list(meta['nodes']))
    worst = 0.0
    for node, spec in meta['nodes'].items():
        want = np.fromfile(os.path.join(folder, spec['file']), '<f4').reshape(spec['shape'])
        mine = got[node].value[0].numpy().transpose(1, 2, 0)
        if mine.shape != want.shape:
            print(f'{node}: shape {mine.shape}, tfjs {want.shape}')
            return 1
        d = float(np.abs(mine - want).max())
        worst = max(worst, d)
        print(f'{node}: max |difference| {d:.2g} (values up to {float(np.abs(want).max()):.3g})')
    return 0 if worst <= tolerance else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
