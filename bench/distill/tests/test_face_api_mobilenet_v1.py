"""face_api_mobilenet_v1.py on a small weights manifest the test writes: the converted graph computes what
face-api's mobileNetV1.ts computes (batch norm unfolded, numpy reference); a foreign manifest is refused."""
import json
import os
import sys

import numpy as np
import pytest

torch = pytest.importorskip('torch')
sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
sys.path.insert(0, os.path.dirname(__file__))
import face_api_mobilenet_v1 as fa  # noqa: E402
from graph_model import GraphModel  # noqa: E402
from test_graph_model import tf_conv  # noqa: E402

WIDTHS = [4, 5, 6, 6, 7, 7, 8, 8, 8, 8, 8, 8, 9, 9]   # pointwise outputs of pairs 0..13


def write_manifest(folder, seed=0, drop=None):
    rng = np.random.default_rng(seed)
    w, c = {}, 3
    for n, out in enumerate(WIDTHS):
        if n > 0:
            d = f'MobilenetV1/Conv2d_{n}_depthwise'
            w[f'{d}/depthwise_weights'] = rng.uniform(0, 0.3, (3, 3, c, 1))
            w[f'{d}/BatchNorm/gamma'] = rng.uniform(0.5, 1.5, c)
            w[f'{d}/BatchNorm/beta'] = rng.uniform(-0.1, 0.2, c)
            w[f'{d}/BatchNorm/moving_mean'] = rng.uniform(0, 0.5, c)
            w[f'{d}/BatchNorm/moving_variance'] = rng.uniform(0.5, 2, c)
        p = f'MobilenetV1/Conv2d_{n}_pointwise'
        w[f'{p}/weights'] = rng.uniform(-0.2, 0.5, (3, 3, 3, out) if n == 0 else (1, 1, c, out))
        w[f'{p}/convolution_bn_offset'] = rng.uniform(-0.1, 0.2, out)
        c = out
    w['Prediction/unused'] = rng.uniform(0, 1, 3)
    if drop:
        del w[drop]
    w = {k: np.asarray(v, np.float32) for k, v in w.items()}
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, 'm.bin'), 'wb') as f:
        for a in w.values():
            f.write(a.astype('<f4').tobytes())
    manifest = [{'paths': ['m.bin'], 'weights': [{'name': k, 'shape': list(a.shape), 'dtype': 'float32'} for k, a in w.items()]}]
    with open(os.path.join(folder, 'manifest.json'), 'w') as f:
        json.dump(manifest, f)
    return {k: a.astype(np.float64) for k, a in w.items()}


def reference(w, x, last):
    """mobileNetV1.ts in numpy: x [H, W, 3] in [-1, 1]; the output of pair `last`."""
    x = np.clip(tf_conv(x, w['MobilenetV1/Conv2d_0_pointwise/weights'], 2) + w['MobilenetV1/Conv2d_0_pointwise/convolution_bn_offset'], 0, 6)
    for n in range(1, last + 1):
        d, p = f'MobilenetV1/Conv2d_{n}_depthwise', f'MobilenetV1/Conv2d_{n}_pointwise'
        x = tf_conv(x, w[f'{d}/depthwise_weights'], 2 if n in (2, 4, 6, 12) else 1, depthwise=True)
        x = (x - w[f'{d}/BatchNorm/moving_mean']) / np.sqrt(w[f'{d}/BatchNorm/moving_variance'] + fa.EPSILON) \
            * w[f'{d}/BatchNorm/gamma'] + w[f'{d}/BatchNorm/beta']
        x = np.clip(x, 0, 6)
        x = np.clip(x @ w[f'{p}/weights'][0, 0] + w[f'{p}/convolution_bn_offset'], 0, 6)
    return x


@pytest.mark.parametrize('height, width', [(33, 40), (37, 30)])
def test_the_graph_computes_what_the_package_computes(tmp_path, height, width):
    w = write_manifest(tmp_path / 'pkg')
    assert fa.main([str(tmp_path / 'pkg' / 'manifest.json'), str(tmp_path / 'graph')]) == 0
    model = GraphModel(str(tmp_path / 'graph' / 'model.json'))
    x = np.random.default_rng(3).uniform(-1, 1, (height, width, 3))
    names = [f'MobilenetV1/Conv2d_{n}_pointwise' for n in (1, 5, 13)]
    got = model.run({fa.FEED: torch.from_numpy(x.transpose(2, 0, 1).astype(np.float32))[None]}, names)
    for n, name in zip((1, 5, 13), names):
        np.testing.assert_allclose(got[name].value[0].numpy().transpose(1, 2, 0), reference(w, x, n), atol=1e-5, err_msg=name)
    (_, step, rf), _ = got['MobilenetV1/Conv2d_5_pointwise'].geometry
    assert (step, rf) == (8, 43)


def test_a_manifest_without_the_backbone_is_refused(tmp_path, capsys):
    write_manifest(tmp_path / 'pkg', drop='MobilenetV1/Conv2d_3_depthwise/BatchNorm/gamma')
    assert fa.main([str(tmp_path / 'pkg' / 'manifest.json'), str(tmp_path / 'graph')]) == 1
    assert 'no tensor MobilenetV1/Conv2d_3_depthwise/BatchNorm/gamma' in capsys.readouterr().err
    (tmp_path / 'list.json').write_text('{"weightsManifest": []}')
    assert fa.main([str(tmp_path / 'list.json'), str(tmp_path / 'graph2')]) == 1
    assert 'not a weights manifest' in capsys.readouterr().err
