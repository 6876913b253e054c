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
