"""P's network and the geometry of its features, on a small stand-in the tests write (needs torch;
skipped where it is absent)."""
import os
import sys

import numpy as np
import pytest

torch = pytest.importorskip('torch')
sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
sys.path.insert(0, os.path.dirname(__file__))
from mobilenet_v2 import MobileNetV2, feature_centres, pool  # noqa: E402
from synthetic_p import weights_and_topology  # noqa: E402
from targets import area_matrix  # noqa: E402
from mobilenet_v2 import scaled_side  # noqa: E402


@pytest.fixture(scope='module')
def net():
    weights, topology = weights_and_topology()
    return MobileNetV2(weights, topology)


def impulse_support(net, layer, pooling, scale, height, width):
    """Rows and columns of the original image that one interior feature depends on, and the map's size."""
    rng = np.random.default_rng(1)
    x = torch.tensor(rng.uniform(0.05, 0.09, (1, 3, height, width)), dtype=torch.float64, requires_grad=True)
    my = torch.tensor(area_matrix(height, scaled_side(height, scale)))
    mx = torch.tensor(area_matrix(width, scaled_side(width, scale)))
    resized = torch.einsum('uy,ncyx,vx->ncuv', my, x, mx).float()
    f = pool(net(resized, [layer])[layer], pooling)
    i, j = f.shape[2] // 2, f.shape[3] // 2
    f[0, 0, i, j].backward()
    g = x.grad[0].abs().sum(0).numpy()
    rows, cols = np.nonzero(g.sum(1))[0], np.nonzero(g.sum(0))[0]
    return (i, j), (rows.min(), rows.max()), (cols.min(), cols.max()), f.shape[2:]


@pytest.mark.parametrize('layer, pooling, scale, height, width', [
    ('block_3_expand_relu', 'none', 1, 60, 72),
    ('block_4_expand_relu', 'none', 1, 90, 75),
    ('block_4_expand_relu', 'avg3', 1, 120, 104),
    ('block_4_expand_relu', 'avg3', 0.5, 200, 176),
    ('block_9_add', 'none', 1, 240, 256),
])
def test_centre_and_receptive_field_are_those_of_the_impulse_response(net, layer, pooling, scale, height, width):
    (i, j), (y0, y1), (x0, x1), size = impulse_support(net, layer, pooling, scale, height, width)
    g = feature_centres(layer, pooling, scale, height, width)
    assert (g.height, g.width) == tuple(size)
    assert 0 < y0 and y1 < height - 1 and 0 < x0 and x1 < width - 1, 'the feature must be interior'
    assert g.offset_y + g.stride_y * i == pytest.approx((y0 + y1) / 2)
    assert g.offset_x + g.stride_x * j == pytest.approx((x0 + x1) / 2)
    assert g.rf_y == pytest.approx(y1 - y0 + 1)
    assert g.rf_x == pytest.approx(x1 - x0 + 1)


@pytest.mark.parametrize('height, width', [(97, 130), (224, 224), (121, 89), (250, 173)])
@pytest.mark.parametrize('scale', [1, 0.5, 0.37])
def test_feature_counts_are_the_network_s_for_any_size(net, height, width, scale):
    layers = ['block_3_expand_relu', 'block_4_expand_relu', 'block_6_expand_relu', 'block_9_add']
    x = torch.full((1, 3, scaled_side(height, scale), scaled_side(width, scale)), 0.07)
    out = net(x, layers)
    for layer in layers:
        g = feature_centres(layer, 'avg3', scale, height, width)
        assert (g.height, g.width) == tuple(out[layer].shape[2:]), layer


def test_known_geometry_of_the_chosen_layers():
    # Conv1 (pad 0 before, stride 2) puts feature 0 on pixel 1; each later stride-2 step adds half its stride.
    g3 = feature_centres('block_3_expand_relu', 'none', 1, 224, 224)
    g4 = feature_centres('block_4_expand_relu', 'avg3', 1, 224, 224)
    assert (g3.offset_y, g3.stride_y, g3.rf_y) == (3, 4, 19)
    assert (g4.offset_x, g4.stride_x, g4.rf_x) == (7, 8, 43)


def test_gray_and_its_rgb_copy_give_the_same_features(net):
    gray = torch.rand(1, 1, 40, 40) * 0.08
    a = net(gray.repeat(1, 3, 1, 1), ['block_4_expand_relu'])['block_4_expand_relu']
    b = net(torch.cat([gray, gray, gray], 1), ['block_4_expand_relu'])['block_4_expand_relu']
    assert torch.equal(a, b)


@pytest.mark.parametrize('layer, key, value, words', [
    ('block_3_pad', 'padding', [[1, 1], [1, 1]], 'block_3_pad has padding'),
    ('block_6_depthwise', 'strides', [1, 1], 'block_6_depthwise has kernel'),
    ('block_2_expand_relu', 'max_value', None, 'block_2_expand_relu has max_value'),
])
def test_a_model_json_that_differs_from_the_plan_is_refused(layer, key, value, words):
    weights, topology = weights_and_topology()
    for entry in topology['model_config']['config']['layers']:
        if entry['name'] == layer:
            entry['config'][key] = value
    with pytest.raises(ValueError, match=words):
        MobileNetV2(weights, topology)


def test_a_missing_tensor_is_named():
    weights, topology = weights_and_topology()
    del weights['block_2_project/kernel']
    with pytest.raises(ValueError, match='block_2_project/kernel'):
        MobileNetV2(weights, topology)


def test_an_image_too_small_for_the_layer_is_refused():
    with pytest.raises(ValueError, match='too small for block_9_add'):
        feature_centres('block_9_add', 'none', 1, 8, 300)
