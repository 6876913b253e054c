"""P's features at the grid points of a teacher probe dump, in the same dump format (bench/teacher_probe.py).

usage: python3 probe_p.py --like DUMP --split SPLIT_CSV --layer L --pool {none,avg3} --out DIR
                          [--scale S] [--source P_DIR] [--name NAME]

DUMP is a folder TeacherProbe.java wrote (e.g. bench/out/quality-probe/shipped-p33): its train.lab and
test.lab say which grid points of which image (the index into SPLIT_CSV's train or test rows, in
order) it sampled. P runs on each whole image (8-bit value / 255, gray copied to RGB, as targets.py;
area-resized first when S != 1) and its feature at each grid point is read bilinearly from the
feature map at the exact geometry of mobilenet_v2.feature_centres (beyond the outermost feature
centres: the outermost feature). Writes DIR/train.f32, test.f32 (big-endian float32 rows), copies of
the two .lab files (so the rows align with DUMP's) and meta.txt; a probe row then compares P with the
teacher of DUMP on exactly the same points.
"""
import argparse
import csv
import os
import shutil
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from mobilenet_v2 import feature_centres, pool  # noqa: E402
from targets import DEFAULT_SOURCE, InputError, P, resize  # noqa: E402

LAB = np.dtype([('l', 'u1'), ('i', '>u2'), ('x', '>u2'), ('y', '>u2')])   # TeacherProbe.dump's rows


def parse(argv):
    ap = argparse.ArgumentParser(description="P's features at a teacher probe dump's grid points")
    ap.add_argument('--like', required=True, help='a TeacherProbe dump whose grid points to use (train.lab, test.lab, meta.txt)')
    ap.add_argument('--split', required=True, help='the split.csv the dump was made from')
    ap.add_argument('--layer', required=True, help='a layer of P, e.g. block_4_expand_relu')
    ap.add_argument('--pool', required=True, choices=('none', 'avg3'), help='none, or avg3: 3x3 mean, stride 1, same size')
    ap.add_argument('--scale', type=float, default=1.0, help='processing scale (default 1: native resolution)')
    ap.add_argument('--out', required=True, help='output folder (new or empty)')
    ap.add_argument('--source', default=DEFAULT_SOURCE, help='P as bench/distill_source.sh builds it')
    ap.add_argument('--name', help='the row name in the probe table (default P-LAYER[-POOL])')
    return ap.parse_args(argv)


def read_meta(folder):
    path = os.path.join(folder, 'meta.txt')
    if not os.path.isfile(path):
        raise InputError(f'{folder}: no meta.txt; give a folder TeacherProbe wrote (bench/quality.sh probe)')
    with open(path) as f:
        return dict(line.split('=', 1) for line in f.read().split())


def read_labels(folder, part):
    path = os.path.join(folder, f'{part}.lab')
    if not os.path.isfile(path) or os.path.getsize(path) % LAB.itemsize:
        raise InputError(f'{path}: missing or not whole rows of {LAB.itemsize} bytes; redo that dump with bench/quality.sh probe')
    return np.fromfile(path, dtype=LAB)


def split_images(split_csv, part):
    """The image paths of split.csv's rows of this part, in file order (as ImageSets.fromCsv lists them)."""
    if not os.path.isfile(split_csv):
        raise InputError(f'{split_csv}: not a file; give the split.csv the dump was made from')
    with open(split_csv, newline='') as f:
        rows = [r for r in csv.DictReader(f) if (r.get('split') or '').strip().lower() == part]
    base = os.path.dirname(os.path.abspath(split_csv))
    return [os.path.join(base, r['image'].strip()) for r in rows]


def load_rgb(path):
    """[3, H, W] float32 in [0, 1] of an 8-bit gray or RGB image of any format PIL reads (the harness's are JPEG)."""
    from PIL import Image
    try:
        with Image.open(path) as im:
            if im.mode not in ('L', 'RGB'):
                raise InputError(f'{path}: mode {im.mode}; give 8-bit gray or RGB images')
            a = np.asarray(im, dtype=np.float32) / 255.0
    except OSError as e:
        raise InputError(f'{path}: not a readable image ({e})') from e
    return np.repeat(a[None], 3, 0) if a.ndim == 2 else a.transpose(2, 0, 1).copy()


def bilinear(features, geometry, x, y):
    """[len(x), C] of features [C, H', W'] read bilinearly at original pixels (x, y), geometry of
    feature_centres; clamped to the outermost feature centres."""
    c, h, w = features.shape
    fy = np.clip((np.asarray(y, np.float64) - geometry.offset_y) / geometry.stride_y, 0, h - 1)
    fx = np.clip((np.asarray(x, np.float64) - geometry.offset_x) / geometry.stride_x, 0, w - 1)
    y0, x0 = np.minimum(np.floor(fy).astype(int), h - 1), np.minimum(np.floor(fx).astype(int), w - 1)
    y1, x1 = np.minimum(y0 + 1, h - 1), np.minimum(x0 + 1, w - 1)
    ay, ax = (fy - y0)[:, None], (fx - x0)[:, None]
    f = features.transpose(1, 2, 0)
    top = f[y0, x0] * (1 - ax) + f[y0, x1] * ax
    bottom = f[y1, x0] * (1 - ax) + f[y1, x1] * ax
    return (top * (1 - ay) + bottom * ay).astype(np.float32)


def feature_map(p, rgb, layer, pooling):
    """float32 [C, H', W'] of one image: P's layer, pooled, at p.scale."""
    torch = p.torch
    with torch.no_grad():
        x = torch.from_numpy(resize(rgb, p.scale))[None]
        return pool(p.net(x, [layer])[layer], pooling)[0].numpy()


def descriptors(p, paths, lab, layer, pooling, scale):
    """float32 [len(lab), C]: row r is P's feature of image lab['i'][r] at (lab['x'][r], lab['y'][r])."""
    if len(lab) and lab['i'].max() >= len(paths):
        raise InputError(f'the dump has image index {lab["i"].max()} but the split lists {len(paths)} images: '
                         f'give the split.csv the dump was made from')
    out = None
    for i in np.unique(lab['i']):
        rows = np.nonzero(lab['i'] == i)[0]
        rgb = load_rgb(paths[i])
        h, w = rgb.shape[1:]
        x, y = lab['x'][rows].astype(int), lab['y'][rows].astype(int)
        if x.max() >= w or y.max() >= h:
            raise InputError(f'{paths[i]} is {w}x{h} but the dump has a grid point at ({x.max()}, {y.max()}): '
                             f'give the split.csv the dump was made from')
        try:
            g = feature_centres(layer, pooling, scale, h, w)
        except ValueError as e:
            raise InputError(f'{paths[i]} ({w}x{h}): {e}; use a larger --scale') from e
        f = feature_map(p, rgb, layer, pooling)
        if f.shape[1:] != (g.height, g.width):
            raise RuntimeError(f'{paths[i]}: P gave {f.shape[1:]}, the geometry says {(g.height, g.width)}')
        if out is None:
            out = np.empty((len(lab), f.shape[0]), np.float32)
        out[rows] = bilinear(f, g, x, y)
    return np.empty((0, 0), np.float32) if out is None else out


def check_out(out):
    if os.path.isdir(out) and os.listdir(out):
        raise InputError(f'{out} is not empty: choose a new or empty --out (nothing there is overwritten)')


def run(args):
    like = read_meta(args.like)
    labels = {part: read_labels(args.like, part) for part in ('train', 'test')}
    paths = {part: split_images(args.split, part) for part in ('train', 'test')}
    check_out(args.out)
    p = P(args.source, [args.layer], args.scale)
    name = args.name or f'P-{args.layer}' + ('' if args.pool == 'none' else f'-{args.pool}')
    tmp = args.out.rstrip('/') + '.tmp'
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    try:
        write_dump(tmp, p, paths, labels, like, name, args)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)   # a half-written dump would read as a whole one
        raise
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    if os.path.isdir(args.out):
        os.rmdir(args.out)   # empty, checked above
    os.replace(tmp, args.out)


def write_dump(folder, p, paths, labels, like, name, args):
    for part in ('train', 'test'):
        d = descriptors(p, paths[part], labels[part], args.layer, args.pool, args.scale)
        d.astype('>f4').tofile(os.path.join(folder, f'{part}.f32'))
        labels[part].tofile(os.path.join(folder, f'{part}.lab'))
        print(f'{part}: {len(labels[part])} grid points of {len(np.unique(labels[part]["i"]))} images, {d.shape[1]} values each',
              file=sys.stderr, flush=True)
    with open(os.path.join(folder, 'meta.txt'), 'w') as f:
        f.write(f'name={name}\np={like.get("p", "?")}\nkind=teacher\nstride={like.get("stride", "?")}\n'
                f'layer={args.layer}\npool={args.pool}\nscale={args.scale:g}\ngrid_of={os.path.abspath(args.like)}\n')


def main(argv):
    args = parse(argv)
    try:
        run(args)
    except InputError as e:
        print(f'probe_p.py: {e}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
