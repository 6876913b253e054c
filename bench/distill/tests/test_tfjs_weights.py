"""The tfjs weight reader on small models these tests write themselves (numpy and pytest only)."""
import json
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
from tfjs_weights import TfjsFormatError, read_model  # noqa: E402

RNG = np.random.default_rng(7)


def write_model(folder, tensors, shards=1):
    """tensors: list of (name, array, quantisation or None). Writes model.json + its shard files
    the way tfjs's converter does; returns (model.json path, the values a reader must give)."""
    specs, blobs, expected = [], [], {}
    for name, a, q in tensors:
        spec = {'name': name, 'shape': list(a.shape), 'dtype': 'int32' if a.dtype.kind == 'i' else 'float32'}
        if q is None:
            blobs.append(a.astype('<i4' if a.dtype.kind == 'i' else '<f4').tobytes())
            expected[name] = a
        elif q == 'float16':
            spec['quantization'] = {'dtype': 'float16'}
            blobs.append(a.astype('<f2').tobytes())
            expected[name] = a.astype(np.float16).astype(np.float32)
        else:
            qd = np.dtype('u1' if q == 'uint8' else '<u2')
            lo, hi = float(a.min()), float(a.max())
            scale = (hi - lo) / np.iinfo(qd).max
            codes = np.round((a - lo) / scale).astype(qd)
            spec['quantization'] = {'dtype': q, 'scale': scale, 'min': lo}
            blobs.append(codes.tobytes())
            values = codes.astype(np.float64) * scale + lo
            expected[name] = np.floor(values + 0.5).astype(np.int32) if a.dtype.kind == 'i' else values.astype(np.float32)
        specs.append(spec)
    data = b''.join(blobs)
    cut = [len(data) * k // shards for k in range(shards + 1)]
    paths = [f'group1-shard{k + 1}of{shards}' for k in range(shards)]
    for k, p in enumerate(paths):
        with open(os.path.join(folder, p), 'wb') as f:
            f.write(data[cut[k]:cut[k + 1]])
    model = {'modelTopology': {}, 'weightsManifest': [{'paths': paths, 'weights': specs}]}
    path = os.path.join(folder, 'model.json')
    with open(path, 'w') as f:
        json.dump(model, f)
    return path, expected


def mixed_tensors():
    return [('Conv1/kernel', RNG.normal(size=(3, 3, 3, 4)).astype(np.float32), None),
            ('bn_Conv1/gamma', RNG.uniform(0.5, 2, size=4).astype(np.float32), 'uint8'),
            ('bn_Conv1/moving_variance', RNG.uniform(0.1, 9, size=4).astype(np.float32), 'uint16'),
            ('block_1_expand/kernel', RNG.normal(size=(1, 1, 4, 6)).astype(np.float32), 'float16'),
            ('counts', RNG.integers(-50, 50, size=(5,)).astype(np.int32), 'uint8'),
            ('empty', np.zeros((0, 3), np.float32), None)]


def test_names_shapes_and_values_of_plain_and_quantised_tensors(tmp_path):
    path, expected = write_model(str(tmp_path), mixed_tensors())
    _, weights = read_model(path)
    assert list(weights) == [t[0] for t in mixed_tensors()]
    for name, want in expected.items():
        assert weights[name].shape == want.shape, name
        assert weights[name].dtype == want.dtype, name
        np.testing.assert_array_equal(weights[name], want, err_msg=name)


def test_uint8_dequantisation_is_q_times_scale_plus_min(tmp_path):
    spec = {'name': 'w', 'shape': [3], 'dtype': 'float32', 'quantization': {'dtype': 'uint8', 'scale': 0.5, 'min': -1.0}}
    (tmp_path / 'weights.bin').write_bytes(bytes([0, 3, 255]))
    (tmp_path / 'model.json').write_text(json.dumps({'weightsManifest': [{'paths': ['weights.bin'], 'weights': [spec]}]}))
    _, weights = read_model(str(tmp_path / 'model.json'))
    np.testing.assert_array_equal(weights['w'], np.array([-1.0, 0.5, 126.5], np.float32))


def test_several_shards_and_one_concatenated_file_read_the_same(tmp_path):
    path, expected = write_model(str(tmp_path), mixed_tensors(), shards=3)
    joined = tmp_path / 'weights.bin'
    joined.write_bytes(b''.join((tmp_path / f'group1-shard{k}of3').read_bytes() for k in (1, 2, 3)))
    _, from_shards = read_model(path)
    _, from_file = read_model(path, str(joined))
    for name, want in expected.items():
        np.testing.assert_array_equal(from_shards[name], want)
        np.testing.assert_array_equal(from_file[name], want)


@pytest.mark.parametrize('change', [-1, +1])
def test_short_or_long_weights_are_refused(tmp_path, change):
    path, _ = write_model(str(tmp_path), mixed_tensors())
    shard = tmp_path / 'group1-shard1of1'
    data = shard.read_bytes()
    shard.write_bytes(data[:-1] if change < 0 else data + b'\0')
    with pytest.raises(TfjsFormatError, match='short' if change < 0 else 'too long'):
        read_model(path)


def test_missing_weights_file_is_refused_with_its_name(tmp_path):
    path, _ = write_model(str(tmp_path), mixed_tensors())
    os.remove(tmp_path / 'group1-shard1of1')
    with pytest.raises(TfjsFormatError, match='group1-shard1of1'):
        read_model(path)


def test_corrupt_model_json_is_refused(tmp_path):
    (tmp_path / 'model.json').write_text('{"weightsManifest": [')
    with pytest.raises(TfjsFormatError, match='not a readable model.json'):
        read_model(str(tmp_path / 'model.json'))


@pytest.mark.parametrize('spec, words', [
    ({'dtype': 'string'}, "dtype 'string'"),
    ({'quantization': {'dtype': 'int8', 'scale': 1, 'min': 0}}, "'int8'"),
    ({'quantization': {'dtype': 'uint8'}}, 'without scale and min'),
    ({'dtype': 'int32', 'quantization': {'dtype': 'float16'}}, 'float16 quantisation of a int32'),
])
def test_unsupported_storage_is_refused_by_name(tmp_path, spec, words):
    tensor = {'name': 'odd', 'shape': [2], 'dtype': 'float32', **spec}
    (tmp_path / 'weights.bin').write_bytes(bytes(8))
    (tmp_path / 'model.json').write_text(json.dumps({'weightsManifest': [{'paths': ['weights.bin'], 'weights': [tensor]}]}))
    with pytest.raises(TfjsFormatError, match=words):
        read_model(str(tmp_path / 'model.json'))
