"""A small stand-in for P that the tests write themselves: the MobileNetV2 layer plan with narrow
layers, random positive kernels that average (each output a convex combination of its inputs, so
activations stay inside ReLU6's linear range for inputs below 0.09) and identity batch norms."""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
from mobilenet_v2 import layer_plan  # noqa: E402

WIDTH, HIDDEN = 4, 8
KERAS = {'pad': 'ZeroPadding2D', 'conv': 'Conv2D', 'depthwise': 'DepthwiseConv2D',
         'bn': 'BatchNormalization', 'relu6': 'ReLU', 'add': 'Add'}


def weights_and_topology(seed=0):
    rng = np.random.default_rng(seed)
    weights, layers, previous, channels = {}, [], 'input_1', 3
    layers.append({'name': 'input_1', 'class_name': 'InputLayer', 'config': {}, 'inbound_nodes': []})
    for name, kind, detail in layer_plan():
        config, inbound = {'name': name}, [previous]
        if kind == 'pad':
            t, b, l, r = detail
            config['padding'] = [[t, b], [l, r]]
        elif kind in ('conv', 'depthwise'):
            k, s, padding = detail
            config.update(kernel_size=[k, k], strides=[s, s], padding=padding, use_bias=False,
                          activation='linear', dilation_rate=[1, 1])
            if kind == 'depthwise':
                w = rng.uniform(0.5, 1.5, (k, k, channels, 1))
                weights[f'{name}/depthwise_kernel'] = (w / w.sum((0, 1), keepdims=True)).astype(np.float32)
            else:
                out = HIDDEN if name.endswith('_expand') else WIDTH
                w = rng.uniform(0.5, 1.5, (k, k, channels, out))
                weights[f'{name}/kernel'] = (w / w.sum((0, 1, 2), keepdims=True)).astype(np.float32)
                channels = out
        elif kind == 'bn':
            config.update(epsilon=1e-3, center=True, scale=True)
            weights.update({f'{name}/gamma': np.ones(channels, np.float32), f'{name}/beta': np.zeros(channels, np.float32),
                            f'{name}/moving_mean': np.zeros(channels, np.float32),
                            f'{name}/moving_variance': np.full(channels, 1 - 1e-3, np.float32)})
        elif kind == 'relu6':
            config.update(max_value=6, negative_slope=0, threshold=0)
        elif kind == 'add':
            inbound = [detail, previous]
        layers.append({'name': name, 'class_name': KERAS[kind], 'config': config,
                       'inbound_nodes': [[[n, 0, 0, {}] for n in inbound]]})
        previous = name
    return weights, {'model_config': {'class_name': 'Model', 'config': {'layers': layers}}}


def write_p(folder, seed=0, topology_edit=None):
    """Writes model.json + weights.bin (float32) + source.json as bench/distill_source.sh lays P out."""
    weights, topology = weights_and_topology(seed)
    if topology_edit:
        topology_edit(topology)
    specs = [{'name': n, 'shape': list(a.shape), 'dtype': 'float32'} for n, a in weights.items()]
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, 'weights.bin'), 'wb') as f:
        f.write(b''.join(a.astype('<f4').tobytes() for a in weights.values()))
    with open(os.path.join(folder, 'model.json'), 'w') as f:
        json.dump({'modelTopology': topology, 'weightsManifest': [{'paths': ['weights.bin'], 'weights': specs}]}, f)
    with open(os.path.join(folder, 'source.json'), 'w') as f:
        json.dump({'package': 'synthetic', 'version': '0', 'tarball_sha512': f'sha512-test{seed}'}, f)
    return folder
