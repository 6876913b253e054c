"""Compares P in PyTorch with the package's own runtime on tfjs_outputs.js's test image.

usage: python3 check_tfjs.py MODEL_DIR TFJS_OUT_DIR [TOLERANCE]
Prints the max abs difference per layer (and the layer's value range); exit 1 above TOLERANCE (1e-4).
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mobilenet_v2 import MobileNetV2  # noqa: E402
from tfjs_weights import read_model  # noqa: E402


def compare(model_dir, tfjs_dir):
    """{layer: (max abs difference, max abs value)} of PyTorch against tfjs."""
    with open(os.path.join(tfjs_dir, 'outputs.json')) as f:
        meta = json.load(f)
    model, weights = read_model(os.path.join(model_dir, 'model.json'), os.path.join(model_dir, 'weights.bin'))
    layers = list(meta['outputs'])
    net = MobileNetV2(weights, model['modelTopology'], last_layer=_deepest(layers))
    image = np.fromfile(os.path.join(tfjs_dir, 'input.f32'), '<f4').reshape(meta['input'])
    with torch.no_grad():
        ours = net(torch.from_numpy(image.transpose(2, 0, 1)[None].copy()), layers)
    result = {}
    for layer in layers:
        theirs = np.fromfile(os.path.join(tfjs_dir, f'{layer}.f32'), '<f4').reshape(meta['outputs'][layer])
        mine = ours[layer][0].numpy().transpose(1, 2, 0)
        if mine.shape != theirs.shape:
            raise SystemExit(f'{layer}: PyTorch gives {mine.shape}, tfjs {theirs.shape}')
        result[layer] = (float(np.abs(mine - theirs).max()), float(np.abs(theirs).max()))
    return meta['tfjs'], result


def _deepest(layers):
    from mobilenet_v2 import layer_plan
    order = [op[0] for op in layer_plan()]
    return max(layers, key=order.index)


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    tolerance = float(argv[2]) if len(argv) == 3 else 1e-4
    version, result = compare(argv[0], argv[1])
    worst = 0.0
    for layer, (diff, scale) in result.items():
        print(f'{layer}: max |PyTorch - tfjs {version}| = {diff:.2e} (values up to {scale:.3g})')
        worst = max(worst, diff)
    if worst > tolerance:
        print(f'P differs from the package runtime by {worst:.2e} > {tolerance:g}: do not use it', file=sys.stderr)
        return 1
    print(f'P matches tfjs {version} within {tolerance:g}')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
