"""graph_model.py on a small tfjs graph model the tests write themselves (needs torch; skipped where absent):
values against a numpy reference of TensorFlow's ops, geometry against the impulse response, refusals."""
import base64
import json
import os
import sys

import numpy as np
import pytest

torch = pytest.importorskip('torch')
sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
from graph_model import GraphModel, GraphModelError, Spatial, features  # noqa: E402


def b64(s):
    return {'s': base64.b64encode(s.encode()).decode()}


def conv(name, x, w, b, op='_FusedConv2D', stride=1, padding='SAME', fused=('BiasAdd',)):
    inputs = [x, w] + ([b] if b else [])
    attr = {'strides': {'list': {'i': ['1', str(stride), str(stride), '1']}}, 'padding': b64(padding),
            'data_format': b64('NHWC'), 'fused_ops': {'list': {'s': [base64.b64encode(f.encode()).decode() for f in fused]}}}
    return {'name': name, 'op': op, 'input': inputs, 'attr': attr}


def node(name, op, *inputs, **attr):
    return {'name': name, 'op': op, 'input': list(inputs), 'attr': attr}


def write_graph(folder, seed=0):
    """input -> scale -> conv 3x3 s2 (bias, relu6) -> depthwise 3x3 s2 (bias, relu) -> squeeze-excite
    (mean, 1x1 relu, 1x1, sigmoid, mul) -> 1x1 project, plus a 1x1 shortcut of the depthwise output, added;
    a head with an op the executor lacks. Positive weights, so nothing is clipped at zero."""
    rng = np.random.default_rng(seed)
    w = {'scale': np.float32(0.5).reshape(()),
         'c1/w': rng.uniform(0.0, 0.2, (3, 3, 3, 4)), 'c1/b': rng.uniform(0, 0.1, 4),
         'dw/w': rng.uniform(0.0, 0.3, (3, 3, 4, 2)), 'dw/b': rng.uniform(0, 0.1, 8),
         'se1/w': rng.uniform(-0.5, 0.5, (1, 1, 8, 3)), 'se1/b': rng.uniform(0, 0.1, 3),
         'se2/w': rng.uniform(-0.5, 0.5, (1, 1, 3, 8)), 'se2/b': rng.uniform(0, 0.1, 8),
         'pr/w': rng.uniform(0.0, 0.3, (1, 1, 8, 5)), 'pr/b': rng.uniform(0, 0.1, 5),
         'sc/w': rng.uniform(0.0, 0.3, (1, 1, 8, 5)), 'sc/b': rng.uniform(0, 0.1, 5),
         'axes': np.array([1, 2], np.int32), 'k': np.array(3, np.int32)}
    nodes = [node(n, 'Const') for n in w] + [
        node('input', 'Placeholder'),
        node('scaled', 'Mul', 'input', 'scale'),
        conv('c1', 'scaled', 'c1/w', 'c1/b', stride=2, fused=('BiasAdd', 'Relu6')),
        conv('dw', 'c1', 'dw/w', 'dw/b', op='FusedDepthwiseConv2dNative', stride=2, fused=('BiasAdd', 'Relu')),
        node('se/mean', 'Mean', 'dw', 'axes', keep_dims={'b': True}),
        conv('se1', 'se/mean', 'se1/w', 'se1/b', fused=('BiasAdd', 'Relu')),
        conv('se2', 'se1', 'se2/w', 'se2/b'),
        node('se/gate', 'Sigmoid', 'se2'),
        node('se/out', 'Mul', 'se/gate', 'dw'),
        conv('pr', 'se/out', 'pr/w', 'pr/b'),
        conv('sc', 'dw', 'sc/w', 'sc/b'),
        node('sum', 'AddV2', 'pr', 'sc'),
        node('head', 'TopKV2', 'sum', 'k')]
    specs, data = [], b''
    for name, a in w.items():
        a = np.asarray(a, np.int32 if a.dtype == np.int32 else np.float32)
        specs.append({'name': name, 'shape': list(a.shape), 'dtype': 'int32' if a.dtype == np.int32 else 'float32'})
        data += a.astype('<i4' if a.dtype == np.int32 else '<f4').tobytes()
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, 'model.json'), 'w') as f:
        json.dump({'format': 'graph-model', 'modelTopology': {'node': nodes},
                   'weightsManifest': [{'paths': ['weights.bin'], 'weights': specs}]}, f)
    with open(os.path.join(folder, 'weights.bin'), 'wb') as f:
        f.write(data)
    return {k: np.asarray(v, np.float64) for k, v in w.items()}


def tf_conv(x, k, stride, depthwise=False):
    """TensorFlow's SAME convolution of x [H, W, C] in plain loops (the reference)."""
    kh = k.shape[0]
    h, w = x.shape[:2]
    oh, ow = -(-h // stride), -(-w // stride)
    top = max((oh - 1) * stride + kh - h, 0) // 2
    left = max((ow - 1) * stride + kh - w, 0) // 2
    pad = np.zeros((h + 2 * kh, w + 2 * kh, x.shape[2]))
    pad[top:top + h, left:left + w] = x
    out = []
    for i in range(oh):
        row = []
        for j in range(ow):
            patch = pad[i * stride:i * stride + kh, j * stride:j * stride + kh]
            if depthwise:
                row.append(np.einsum('abc,abcm->cm', patch, k).reshape(-1))
            else:
                row.append(np.einsum('abc,abco->o', patch, k))
        out.append(row)
    return np.array(out)


def reference(w, image):
    x = image.transpose(1, 2, 0) * w['scale']
    c1 = np.clip(tf_conv(x, w['c1/w'], 2) + w['c1/b'], 0, 6)
    dw = np.maximum(tf_conv(c1, w['dw/w'], 2, depthwise=True) + w['dw/b'], 0)
    se1 = np.maximum(dw.mean((0, 1)) @ w['se1/w'][0, 0] + w['se1/b'], 0)
    gate = 1 / (1 + np.exp(-(se1 @ w['se2/w'][0, 0] + w['se2/b'])))
    out = (dw * gate) @ w['pr/w'][0, 0] + w['pr/b'] + dw @ w['sc/w'][0, 0] + w['sc/b']
    return {'c1': c1, 'dw': dw, 'sum': out}


@pytest.mark.parametrize('height, width', [(13, 16), (20, 11)])
def test_values_are_tensorflow_s_ops(tmp_path, height, width):
    w = write_graph(tmp_path)
    image = np.random.default_rng(1).uniform(0, 1, (3, height, width))
    x = torch.from_numpy(image.astype(np.float32))[None]
    got = GraphModel(str(tmp_path / 'model.json')).run({'input': x}, ['c1', 'dw', 'sum'])
    for name, want in reference(w, image).items():
        np.testing.assert_allclose(got[name].value[0].numpy().transpose(1, 2, 0), want, atol=1e-5, err_msg=name)


@pytest.mark.parametrize('height, width', [(21, 24), (23, 26)])
def test_centre_and_receptive_field_are_those_of_the_impulse_response(tmp_path, height, width):
    write_graph(tmp_path)
    model = GraphModel(str(tmp_path / 'model.json'))
    x = torch.full((1, 3, height, width), 0.2, requires_grad=True)
    # the gradient of one interior feature of a spatial-only path (squeeze-excite sees the whole image);
    # _eval, as run() evaluates without gradients
    out = model._eval('sc', {'input': Spatial(x, ((0.0, 1.0, 1.0), (0.0, 1.0, 1.0)))})
    i, j = out.value.shape[2] // 2, out.value.shape[3] // 2
    out.value[0, 0, i, j].backward()
    g = x.grad[0].abs().sum(0).numpy()
    rows, cols = np.nonzero(g.sum(1))[0], np.nonzero(g.sum(0))[0]
    (oy, sy, ry), (ox, sx, rx) = out.geometry
    assert oy + sy * i == pytest.approx((rows.min() + rows.max()) / 2)
    assert ox + sx * j == pytest.approx((cols.min() + cols.max()) / 2)
    assert (ry, rx) == (rows.max() - rows.min() + 1, cols.max() - cols.min() + 1)


def test_features_map_the_value_range_and_pool(tmp_path):
    write_graph(tmp_path)
    model = GraphModel(str(tmp_path / 'model.json'))
    image = np.random.default_rng(2).uniform(0, 1, (3, 19, 22)).astype(np.float32)
    f, g = features(model, 'input', image, 'dw', 'none', (-1.0, 1.0))
    direct = model.run({'input': torch.from_numpy(image * 2 - 1)[None]}, ['dw'])['dw'].value[0].numpy()
    np.testing.assert_allclose(f, direct)
    pooled, gp = features(model, 'input', image, 'dw', 'avg3', (-1.0, 1.0))
    assert pooled[:, 2, 3] == pytest.approx(direct[:, 1:4, 2:5].mean((1, 2)))
    assert (gp.rf_y, gp.stride_y, gp.height, gp.width) == (g.rf_y + 2 * g.stride_y, 4, 5, 6)


def test_what_it_cannot_run_is_refused_by_name(tmp_path):
    write_graph(tmp_path)
    model = GraphModel(str(tmp_path / 'model.json'))
    x = torch.zeros(1, 3, 8, 8)
    with pytest.raises(GraphModelError, match='TopKV2'):
        model.run({'input': x}, ['head'])
    with pytest.raises(GraphModelError, match='feed it'):
        model.run({}, ['c1'])
    with pytest.raises(GraphModelError, match="'nope' is not in the graph"):
        model.run({'input': x}, ['nope'])
    with pytest.raises(GraphModelError, match='not an image-shaped'):
        features(model, 'input', np.zeros((3, 8, 8), np.float32), 'se1', 'none')


def test_a_layers_model_is_refused(tmp_path):
    (tmp_path / 'model.json').write_text(json.dumps({'modelTopology': {'model_config': {}},
                                                     'weightsManifest': [{'paths': [], 'weights': []}]}))
    with pytest.raises(GraphModelError, match='not a tfjs graph model'):
        GraphModel(str(tmp_path / 'model.json'))
