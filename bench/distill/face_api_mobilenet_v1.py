"""The MobileNetV1 backbone of face-api's SSD face detector as a tfjs graph model that graph_model.py runs.

@vladmandic/face-api ships model/ssd_mobilenetv1_model-weights_manifest.json + .bin: weights only, the
network is the package's code (src/ssdMobilenetv1/mobileNetV1.ts): conv_0 = 3x3 convolution, stride 2,
plus bias, ReLU6; then 13 pairs of a 3x3 depthwise convolution (stride 2 at pairs 2, 4, 6, 12) with
batch norm (epsilon 0.0010000000474974513), ReLU6, and a 1x1 convolution plus bias, ReLU6; all 'same'
padding; input RGB mapped to [-1, 1]. This writes that network as graph nodes (batch norm folded into
the depthwise kernel and a bias, the same function) with float32 weights, so it is probed like any graph.

usage: python3 face_api_mobilenet_v1.py MANIFEST_JSON OUT_DIR     (writes OUT_DIR/model.json, weights.bin)
"""
import base64
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from tfjs_weights import TfjsFormatError, decode  # noqa: E402

EPSILON = 0.0010000000474974513     # mobileNetV1.ts
STRIDE_2_PAIRS = (2, 4, 6, 12)
PAIRS = 13
FEED = 'input'                      # fed with RGB in [-1, 1]


def read_manifest(manifest_json):
    """Named float arrays of a weights_manifest.json (a bare manifest list) and its shards beside it."""
    try:
        with open(manifest_json, encoding='utf-8') as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        raise TfjsFormatError(f'{manifest_json}: not a readable weights manifest ({e})') from e
    if not isinstance(manifest, list):
        raise TfjsFormatError(f'{manifest_json}: not a weights manifest (a list of groups)')
    base = os.path.dirname(os.path.abspath(manifest_json))
    data = b''
    for group in manifest:
        for path in group.get('paths', []):
            with open(os.path.join(base, path), 'rb') as f:
                data += f.read()
    return decode(manifest, data, manifest_json)


def _b64(s):
    return base64.b64encode(s.encode()).decode()


def _conv_node(name, x, depthwise, stride):
    return {'name': name, 'op': 'FusedDepthwiseConv2dNative' if depthwise else '_FusedConv2D',
            'input': [x, f'{name}/weights', f'{name}/bias'],
            'attr': {'strides': {'list': {'i': ['1', str(stride), str(stride), '1']}}, 'padding': {'s': _b64('SAME')},
                     'data_format': {'s': _b64('NHWC')}, 'fused_ops': {'list': {'s': [_b64('BiasAdd'), _b64('Relu6')]}},
                     'dilations': {'list': {'i': ['1', '1', '1', '1']}}, 'explicit_paddings': {'list': {}},
                     'num_args': {'i': '1'}, 'T': {'type': 'DT_FLOAT'}}}


def graph(weights):
    """(nodes, {const name: float32 array}) of the backbone; node MobilenetV1/Conv2d_N_pointwise is pair N's output."""
    def get(name):
        if name not in weights:
            raise TfjsFormatError(f'the manifest has no tensor {name}: not face-api\'s ssd_mobilenetv1 model')
        return np.asarray(weights[name], np.float64)

    free = {'dim': [{'size': '-1'}, {'size': '-1'}, {'size': '-1'}, {'size': '3'}]}
    consts, x = {}, FEED
    nodes = [{'name': FEED, 'op': 'Placeholder', 'attr': {'dtype': {'type': 'DT_FLOAT'}, 'shape': {'shape': free}}}]
    for n in range(PAIRS + 1):
        if n > 0:
            d = f'MobilenetV1/Conv2d_{n}_depthwise'
            factor = get(f'{d}/BatchNorm/gamma') / np.sqrt(get(f'{d}/BatchNorm/moving_variance') + EPSILON)
            consts[f'{d}/weights'] = get(f'{d}/depthwise_weights') * factor.reshape(1, 1, -1, 1)
            consts[f'{d}/bias'] = get(f'{d}/BatchNorm/beta') - get(f'{d}/BatchNorm/moving_mean') * factor
            nodes.append(_conv_node(d, x, True, 2 if n in STRIDE_2_PAIRS else 1))
            x = d
        p = f'MobilenetV1/Conv2d_{n}_pointwise'
        consts[f'{p}/weights'] = get(f'{p}/weights')
        consts[f'{p}/bias'] = get(f'{p}/convolution_bn_offset')
        nodes.append(_conv_node(p, x, False, 2 if n == 0 else 1))
        x = p
    nodes += [{'name': name, 'op': 'Const', 'attr': {'dtype': {'type': 'DT_FLOAT'}}} for name in consts]
    return nodes, {k: v.astype(np.float32) for k, v in consts.items()}


def write(manifest_json, out_dir):
    nodes, consts = graph(read_manifest(manifest_json))
    os.makedirs(out_dir, exist_ok=True)
    specs = [{'name': n, 'shape': list(a.shape), 'dtype': 'float32'} for n, a in consts.items()]
    with open(os.path.join(out_dir, 'weights.bin'), 'wb') as f:
        for a in consts.values():
            f.write(a.astype('<f4').tobytes())
    with open(os.path.join(out_dir, 'model.json'), 'w') as f:
        json.dump({'format': 'graph-model', 'generatedBy': 'bench/distill/face_api_mobilenet_v1.py',
                   'modelTopology': {'node': nodes, 'library': {}, 'versions': {}},
                   'weightsManifest': [{'paths': ['weights.bin'], 'weights': specs}]}, f)


def main(argv):
    if len(argv) != 2:
        print('usage: python3 face_api_mobilenet_v1.py MANIFEST_JSON OUT_DIR', file=sys.stderr)
        return 2
    try:
        write(*argv)
    except (OSError, TfjsFormatError) as e:
        print(f'face_api_mobilenet_v1.py: {e}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
