"""probe_graph.py on the small graph of test_graph_model and the harness of test_probe_p (needs torch and PIL)."""
import os
import sys

import numpy as np
import pytest

torch = pytest.importorskip('torch')
pytest.importorskip('PIL.Image')
sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
sys.path.insert(0, os.path.dirname(__file__))
import probe_graph  # noqa: E402
import probe_p  # noqa: E402
import teacher_probe  # noqa: E402
from graph_model import GraphModel, features  # noqa: E402
from test_graph_model import write_graph  # noqa: E402
from test_probe_p import harness  # noqa: E402,F401  (the fixture)


def run(h, out, value_range='0,255', pooling='avg3'):
    return probe_graph.main(['--model', str(h['tmp'] / 'graph' / 'model.json'), '--feed', 'input', '--range', value_range,
                             '--node', 'dw', '--pool', pooling, '--like', h['dump'], '--split', h['split'], '--out', str(out)])


def test_rows_align_with_the_dump_and_are_the_node_s_features_at_the_grid_points(harness):  # noqa: F811
    write_graph(harness['tmp'] / 'graph')
    out = harness['tmp'] / 'G-p33'
    assert run(harness, out) == 0
    model = GraphModel(str(harness['tmp'] / 'graph' / 'model.json'))
    for part in ('train', 'test'):
        lab = teacher_probe.labels(harness['dump'], part)
        assert (teacher_probe.labels(str(out), part) == lab).all()
        rows = np.fromfile(out / f'{part}.f32', dtype='>f4').reshape(len(lab), -1)
        for i, path in enumerate(probe_p.split_images(harness['split'], part)):
            sel = lab['i'] == i
            f, g = features(model, 'input', probe_p.load_rgb(path), 'dw', 'avg3', (0.0, 255.0))
            want = probe_p.bilinear(f, g, lab['x'][sel].astype(int), lab['y'][sel].astype(int))
            np.testing.assert_allclose(rows[sel], want, rtol=1e-6)
            # a grid point on a feature centre reads that feature
            on = np.nonzero(((lab['x'][sel] - g.offset_x) % g.stride_x == 0) & ((lab['y'][sel] - g.offset_y) % g.stride_y == 0)
                            & (lab['x'][sel] >= g.offset_x) & (lab['y'][sel] >= g.offset_y))[0]
            assert len(on) > 0
            r = on[0]
            fy = int((lab['y'][sel][r] - g.offset_y) // g.stride_y)
            fx = int((lab['x'][sel][r] - g.offset_x) // g.stride_x)
            if fy < g.height and fx < g.width:
                np.testing.assert_allclose(rows[sel][r], f[:, fy, fx], rtol=1e-6)
    meta = probe_p.read_meta(str(out))
    assert meta['p'] == '33' and meta['receptive_field'] == '15'


def test_bad_inputs_say_what_to_do(harness, capsys):  # noqa: F811
    write_graph(harness['tmp'] / 'graph')
    assert run(harness, harness['tmp'] / 'bad', value_range='0') == 1
    assert '--range' in capsys.readouterr().err
    out = harness['tmp'] / 'full'
    out.mkdir()
    (out / 'keep').write_text('x')
    assert run(harness, out) == 1
    assert 'not empty' in capsys.readouterr().err and (out / 'keep').read_text() == 'x'


def write_dump(folder, train, test, test_labels):
    os.makedirs(folder)
    with open(os.path.join(folder, 'meta.txt'), 'w') as f:
        f.write('name=x\np=65\nkind=teacher\nstride=8\n')
    for part, rows in (('train', train), ('test', test)):
        lab = np.zeros(len(rows), probe_p.LAB)
        lab['l'] = test_labels if part == 'test' else 0
        lab.tofile(os.path.join(folder, f'{part}.lab'))
        rows.astype('>f4').tofile(os.path.join(folder, f'{part}.f32'))


def test_a_constant_channel_leaves_every_probe_number_as_without_it(tmp_path):
    # pretrained networks have dead ReLU channels: zero on every image; their correlation is undefined
    rng = np.random.default_rng(4)
    train, test = rng.standard_normal((300, 6)), rng.standard_normal((200, 6))
    y = (rng.random(200) < 0.2).astype(int)
    test[y == 1] += 0.8
    write_dump(str(tmp_path / 'live'), train, test, y)
    dead = lambda a: np.concatenate([a[:, :3], np.zeros((len(a), 1)), a[:, 3:]], 1)  # noqa: E731
    write_dump(str(tmp_path / 'dead'), dead(train), dead(test), y)
    live, with_dead = teacher_probe.probe(str(tmp_path / 'live')), teacher_probe.probe(str(tmp_path / 'dead'))
    for key in ('pr_corr', 'pr_cov', 'nn', 'maha'):
        assert np.isfinite(with_dead[key]) and with_dead[key] == pytest.approx(live[key], rel=1e-4), key
