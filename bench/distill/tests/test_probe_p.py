"""probe_p.py on a stand-in P, a dump and images the tests write (needs torch and PIL; skipped where absent)."""
import os
import sys

import numpy as np
import pytest

torch = pytest.importorskip('torch')
Image = pytest.importorskip('PIL.Image')
sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
sys.path.insert(0, os.path.dirname(__file__))
import probe_p  # noqa: E402
import teacher_probe  # noqa: E402
from mobilenet_v2 import Geometry, MobileNetV2, feature_centres, pool  # noqa: E402
from synthetic_p import HIDDEN, weights_and_topology, write_p  # noqa: E402

LAYER, POOL = 'block_4_expand_relu', 'avg3'


@pytest.fixture()
def harness(tmp_path):
    """A stand-in P, a split.csv of two train and two test images (JPEG and PNG, as the harness's
    are JPEG) and a TeacherProbe-style dump with labelled grid points on them."""
    rng = np.random.default_rng(5)
    rows = ['image,mask,split,label']
    for n, (part, size, ext) in enumerate([('train', (70, 90), 'png'), ('train', (64, 80), 'jpg'),
                                           ('test', (72, 66), 'png'), ('test', (50, 61), 'png')]):
        path = tmp_path / f'im{n}.{ext}'
        Image.fromarray(rng.integers(0, 23, size, dtype=np.uint8), 'L').save(path)
        rows.append(f'{path.name},,{part},{"crack" if n == 3 else "good"}')
    (tmp_path / 'split.csv').write_text('\n'.join(rows) + '\n')
    dump = tmp_path / 'shipped-p33'
    dump.mkdir()
    (dump / 'meta.txt').write_text('name=shipped\np=33\nkind=teacher\nstride=4\n')
    for part, sizes in (('train', [(70, 90), (64, 80)]), ('test', [(72, 66), (50, 61)])):
        lab = []
        for i, (h, w) in enumerate(sizes):
            for y in range(h):        # every pixel a candidate, so some lie on feature centres
                for x in range(w):
                    if rng.random() < 0.05:
                        lab.append((int(rng.random() < 0.2), i, x, y))
        np.array(lab, probe_p.LAB).tofile(dump / f'{part}.lab')
    return {'p': write_p(str(tmp_path / 'p')), 'split': str(tmp_path / 'split.csv'), 'dump': str(dump), 'tmp': tmp_path}


def run(h, out, layer=LAYER, pooling=POOL, split=None):
    return probe_p.main(['--like', h['dump'], '--split', split or h['split'], '--layer', layer, '--pool', pooling,
                         '--source', h['p'], '--out', str(out)])


def test_rows_align_with_the_dump_and_are_p_at_the_grid_points(harness):
    out = harness['tmp'] / 'P-p33'
    assert run(harness, out) == 0
    weights, topology = weights_and_topology()
    net = MobileNetV2(weights, topology)
    paths = {part: probe_p.split_images(harness['split'], part) for part in ('train', 'test')}
    for part in ('train', 'test'):
        lab = teacher_probe.labels(harness['dump'], part)
        assert (teacher_probe.labels(str(out), part) == lab).all()
        f = np.fromfile(out / f'{part}.f32', dtype='>f4').reshape(len(lab), HIDDEN)
        for i, path in enumerate(paths[part]):
            rgb = probe_p.load_rgb(path)
            want = pool(net(torch.from_numpy(rgb)[None], [LAYER])[LAYER], POOL)[0].numpy()
            g = feature_centres(LAYER, POOL, 1.0, *rgb.shape[1:])
            rows = np.nonzero(lab['i'] == i)[0]
            # a grid point on a feature centre reads that feature exactly (offset 7, stride 8)
            on = [r for r in rows if (lab['x'][r] - 7) % 8 == 0 and (lab['y'][r] - 7) % 8 == 0
                  and lab['y'][r] <= g.centres_y()[-1] and lab['x'][r] <= g.centres_x()[-1]]
            assert on, 'the fixture has grid points on feature centres'
            for r in on:
                np.testing.assert_allclose(f[r], want[:, (lab['y'][r] - 7) // 8, (lab['x'][r] - 7) // 8], rtol=1e-6)
            # every row: the bilinear reading, by a direct loop over the four neighbours
            for r in rows[:40]:
                np.testing.assert_allclose(f[r], bilinear_by_hand(want, g, lab['x'][r], lab['y'][r]), rtol=1e-5, atol=1e-7)
    meta = teacher_probe.meta(str(out))
    assert (meta['p'], meta['stride'], meta['layer'], meta['pool']) == ('33', '4', LAYER, POOL)
    r = teacher_probe.probe(str(out))   # the probe reads it like a teacher's dump
    assert r['ntrain'] == len(teacher_probe.labels(harness['dump'], 'train')) and 0 <= r['nn'] <= 1


def bilinear_by_hand(f, g, x, y):
    c, h, w = f.shape
    fy = min(max((y - g.offset_y) / g.stride_y, 0), h - 1)
    fx = min(max((x - g.offset_x) / g.stride_x, 0), w - 1)
    total = np.zeros(c)
    for yy in range(h):
        for xx in range(w):
            weight = max(0, 1 - abs(fy - yy)) * max(0, 1 - abs(fx - xx))
            total += weight * f[:, yy, xx]
    return total


def test_bilinear_reads_between_and_beyond_the_feature_centres():
    f = np.arange(2 * 3 * 4, dtype=np.float32).reshape(2, 3, 4)
    g = Geometry(offset_y=1.5, offset_x=3.5, stride_y=2.0, stride_x=8.0, rf_y=1, rf_x=1, height=3, width=4)
    got = probe_p.bilinear(f, g, [3.5, 7.5, 0, 1000], [1.5, 2.5, 0, 1000])
    np.testing.assert_allclose(got[0], f[:, 0, 0])
    np.testing.assert_allclose(got[1], 0.25 * (f[:, 0, 0] + f[:, 0, 1] + f[:, 1, 0] + f[:, 1, 1]))
    np.testing.assert_allclose(got[2], f[:, 0, 0])           # before the first centre: the first feature
    np.testing.assert_allclose(got[3], f[:, 2, 3])           # beyond the last: the last


def test_format_round_trip_through_teacher_probe(tmp_path):
    rng = np.random.default_rng(2)
    d = rng.standard_normal((37, 5)).astype(np.float32)
    d.astype('>f4').tofile(tmp_path / 'train.f32')
    np.zeros(37, probe_p.LAB).tofile(tmp_path / 'train.lab')
    d.astype('>f4').tofile(tmp_path / 'test.f32')
    lab = np.zeros(37, probe_p.LAB)
    lab['l'] = np.arange(37) % 3 == 0
    lab.tofile(tmp_path / 'test.lab')
    tr, te, tel = teacher_probe.descriptors(str(tmp_path), rng)
    np.testing.assert_array_equal(tr, d)
    np.testing.assert_array_equal(te, d)
    assert (tel['l'] == lab['l']).all()


def test_bad_inputs_say_what_to_do_and_keep_what_is_there(harness, capsys):
    out = harness['tmp'] / 'taken'
    out.mkdir()
    (out / 'mine.txt').write_text('keep me')
    assert run(harness, out) == 1
    assert 'not empty' in capsys.readouterr().err and (out / 'mine.txt').read_text() == 'keep me'
    short = harness['tmp'] / 'short.csv'
    short.write_text('\n'.join(open(harness['split']).read().splitlines()[:2]) + '\n')
    assert run(harness, harness['tmp'] / 'o1', split=str(short)) == 1
    assert 'the split.csv the dump was made from' in capsys.readouterr().err
    assert run(harness, harness['tmp'] / 'o2', layer='block_99') == 1
    assert 'not a layer of P' in capsys.readouterr().err
    assert not os.path.exists(harness['tmp'] / 'o1') and not os.path.exists(harness['tmp'] / 'o2')


def test_per_type_column_is_the_per_type_probe(harness):
    out = harness['tmp'] / 'P-p33'
    assert run(harness, out) == 0
    row = teacher_probe.probe(str(out), harness['split'])
    assert row['types'] == teacher_probe.per_type(str(out), harness['split'])
    assert list(row['types']) == ['crack'] and 0 <= row['types']['crack'] <= 1
