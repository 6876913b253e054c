"""targets.py end to end on a stand-in P and images the tests write (needs torch and PIL; skipped where absent)."""
import json
import os
import sys

import numpy as np
import pytest

torch = pytest.importorskip('torch')
Image = pytest.importorskip('PIL.Image')
sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
sys.path.insert(0, os.path.dirname(__file__))
import targets  # noqa: E402
from mobilenet_v2 import MobileNetV2, pool  # noqa: E402
from synthetic_p import HIDDEN, weights_and_topology, write_p  # noqa: E402


@pytest.fixture()
def p_dir(tmp_path):
    return write_p(str(tmp_path / 'p'))


@pytest.fixture()
def images(tmp_path):
    folder = tmp_path / 'images'
    folder.mkdir()
    rng = np.random.default_rng(3)
    Image.fromarray(rng.integers(0, 23, (70, 90), dtype=np.uint8), 'L').save(folder / 'gray.png')
    Image.fromarray(rng.integers(0, 23, (64, 64, 3), dtype=np.uint8), 'RGB').save(folder / 'colour.png')
    return folder


def run(p_dir, out, inputs, layer='block_4_expand_relu', pooling='avg3', scale='1'):
    return targets.main(['--layer', layer, '--pool', pooling, '--scale', scale, '--out', str(out),
                         '--source', p_dir, '--keep-free', '0', *map(str, inputs)])


def test_files_geometry_and_statistics(p_dir, images, tmp_path):
    out = tmp_path / 'out'
    assert run(p_dir, out, [images]) == 0
    meta = json.loads((out / 'targets.json').read_text())
    assert meta['complete'] and meta['image_count'] == 2 and meta['channels'] == HIDDEN
    assert (meta['layer'], meta['pool'], meta['scale']) == ('block_4_expand_relu', 'avg3', 1.0)
    assert meta['stride_px'] == [8, 8] and meta['offset_px'] == [7, 7] and meta['receptive_field_px'] == [43, 43]
    assert meta['source']['tarball_sha512'] == 'sha512-test0'
    weights, topology = weights_and_topology()
    net = MobileNetV2(weights, topology)
    maps = []
    for row in meta['images']:
        f = np.load(out / f'{row["name"]}.npy')
        assert f.dtype == np.dtype('<f2') and f.shape == (HIDDEN, row['feature_height'], row['feature_width'])
        rgb = targets.load_rgb(str(images / row['file']))
        want = pool(net(torch.from_numpy(rgb)[None], ['block_4_expand_relu'])['block_4_expand_relu'], 'avg3')[0]
        np.testing.assert_allclose(f.astype(np.float32), want.numpy(), rtol=2e-3, atol=1e-6)
        maps.append(f.astype(np.float64).reshape(HIDDEN, -1))
    every = np.concatenate(maps, 1)
    np.testing.assert_allclose(meta['mean'], every.mean(1), rtol=1e-9)
    np.testing.assert_allclose(meta['std'], every.std(1), rtol=1e-6)
    assert meta['feature_count'] == every.shape[1]


def test_gray_is_copied_to_three_channels(images):
    rgb = targets.load_rgb(str(images / 'gray.png'))
    assert rgb.shape == (3, 70, 90)
    assert np.array_equal(rgb[0], rgb[2]) and rgb.max() <= 22 / 255 + 1e-7


def test_deterministic_and_resumable(p_dir, images, tmp_path):
    first, second = tmp_path / 'a', tmp_path / 'b'
    assert run(p_dir, first, [images]) == 0
    assert run(p_dir, second, [images / 'colour.png', images / 'gray.png']) == 0
    for name in ('gray.npy', 'colour.npy'):
        assert (first / name).read_bytes() == (second / name).read_bytes()
    kept = (first / 'colour.npy').stat().st_mtime_ns
    whole = (first / 'gray.npy').read_bytes()
    (first / 'gray.npy').write_bytes(whole[:len(whole) // 2])   # as if stopped while writing
    assert run(p_dir, first, [images]) == 0
    assert (first / 'colour.npy').stat().st_mtime_ns == kept
    assert (first / 'gray.npy').read_bytes() == whole
    assert json.loads((first / 'targets.json').read_text())['mean'] == json.loads((second / 'targets.json').read_text())['mean']


def test_other_settings_do_not_touch_a_previous_run(p_dir, images, tmp_path, capsys):
    out = tmp_path / 'out'
    assert run(p_dir, out, [images]) == 0
    before = {f: (out / f).read_bytes() for f in os.listdir(out)}
    assert run(p_dir, out, [images], pooling='none') == 1
    assert 'other settings' in capsys.readouterr().err
    assert {f: (out / f).read_bytes() for f in os.listdir(out)} == before


def test_a_folder_of_other_files_is_refused(p_dir, images, tmp_path, capsys):
    out = tmp_path / 'out'
    out.mkdir()
    (out / 'notes.txt').write_text('mine')
    assert run(p_dir, out, [images]) == 1
    assert 'no targets.json' in capsys.readouterr().err
    assert os.listdir(out) == ['notes.txt']


@pytest.mark.parametrize('mode', ['I;16', 'P', 'RGBA'])
def test_images_that_are_not_8_bit_gray_or_rgb_are_refused(p_dir, tmp_path, capsys, mode):
    bad = tmp_path / 'bad.png'
    Image.new(mode, (64, 64)).save(bad)
    assert run(p_dir, tmp_path / 'out', [bad]) == 1
    err = capsys.readouterr().err
    assert 'bad.png' in err and '8-bit gray or RGB PNG' in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / 'out').exists()


def test_missing_p_says_how_to_build_it(images, tmp_path, capsys):
    assert run(str(tmp_path / 'nowhere'), tmp_path / 'out', [images]) == 1
    assert 'bench/distill_source.sh' in capsys.readouterr().err


def test_two_images_of_one_name_are_refused(p_dir, images, tmp_path, capsys):
    other = tmp_path / 'other'
    other.mkdir()
    (other / 'gray.png').write_bytes((images / 'gray.png').read_bytes())
    assert run(p_dir, tmp_path / 'out', [images / 'gray.png', other / 'gray.png']) == 1
    assert 'rename one' in capsys.readouterr().err


def test_several_target_sets_in_one_pass_equal_separate_runs(p_dir, images, tmp_path):
    together = [tmp_path / 'p65', tmp_path / 'p17']
    assert targets.main(['--layer', 'block_4_expand_relu,block_3_expand_relu', '--pool', 'avg3,none', '--scale', '1',
                         '--out', ','.join(map(str, together)), '--source', p_dir, '--keep-free', '0', str(images)]) == 0
    assert run(p_dir, tmp_path / 'alone65', [images]) == 0
    assert run(p_dir, tmp_path / 'alone17', [images], layer='block_3_expand_relu', pooling='none') == 0
    for one, alone in zip(together, [tmp_path / 'alone65', tmp_path / 'alone17']):
        assert sorted(os.listdir(one)) == sorted(os.listdir(alone))
        for f in os.listdir(one):
            assert (one / f).read_bytes() == (alone / f).read_bytes(), f


def test_lists_of_different_lengths_are_refused(p_dir, images, tmp_path, capsys):
    assert targets.main(['--layer', 'block_4_expand_relu,block_3_expand_relu', '--pool', 'avg3', '--scale', '1',
                         '--out', str(tmp_path / 'a'), '--source', p_dir, str(images)]) == 1
    assert 'give as many of each' in capsys.readouterr().err
