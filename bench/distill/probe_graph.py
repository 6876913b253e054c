"""A tfjs graph model's features at the grid points of a teacher probe dump, like probe_p.py does for P:
for comparing other packages' networks as distillation sources (docs/teachers.md#the-distillation-source).

usage: python3 probe_graph.py --model MODEL_JSON --feed NODE --range LO,HI --node NODE --pool {none,avg3}
                              --like DUMP --split SPLIT_CSV --out DIR [--scale S] [--name NAME]

The graph (graph_model.py) is fed at --feed with each whole image (8-bit value / 255, gray copied to
RGB, mapped linearly to [LO, HI] as the package feeds it), and --node's feature map, pooled, is read
bilinearly at the dump's grid points at the node's exact geometry. Output: the dump format of probe_p.py.
"""
import argparse
import os
import shutil
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from graph_model import GraphModel, GraphModelError, features  # noqa: E402
from probe_p import bilinear, check_out, load_rgb, read_labels, read_meta, split_images  # noqa: E402
from targets import InputError  # noqa: E402


def parse(argv):
    ap = argparse.ArgumentParser(description="a tfjs graph model's features at a teacher probe dump's grid points")
    ap.add_argument('--model', required=True, help='the model.json of a tfjs graph model (weights beside it)')
    ap.add_argument('--feed', required=True, help='the node fed with the image (NHWC in the graph)')
    ap.add_argument('--range', required=True, help='LO,HI: the values black and white map to, as the package feeds them (write --range=-1,1 when LO is negative)')
    ap.add_argument('--node', required=True, help='the node whose features to read')
    ap.add_argument('--pool', required=True, choices=('none', 'avg3'))
    ap.add_argument('--like', required=True, help='a TeacherProbe dump whose grid points to use')
    ap.add_argument('--split', required=True, help='the split.csv the dump was made from')
    ap.add_argument('--out', required=True, help='output folder (new or empty)')
    ap.add_argument('--scale', type=float, default=1.0, help='processing scale (default 1)')
    ap.add_argument('--name', help='the row name in the probe table')
    return ap.parse_args(argv)


def descriptors(model, args, value_range, paths, lab):
    out, rf = None, None
    for i in np.unique(lab['i']):
        rows = np.nonzero(lab['i'] == i)[0]
        rgb = load_rgb(paths[i])
        f, g = features(model, args.feed, rgb, args.node, args.pool, value_range, args.scale)
        if out is None:
            out = np.empty((len(lab), f.shape[0]), np.float32)
        out[rows] = bilinear(f, g, lab['x'][rows].astype(int), lab['y'][rows].astype(int))
        rf = (g.rf_y, g.stride_y)
    return (np.empty((0, 0), np.float32) if out is None else out), rf


def run(args):
    try:
        lo, hi = (float(v) for v in args.range.split(','))
    except ValueError:
        raise InputError(f'--range {args.range!r}: give two numbers, e.g. 0,255 or -1,1')
    like = read_meta(args.like)
    check_out(args.out)
    model = GraphModel(args.model)
    tmp = args.out.rstrip('/') + '.tmp'
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    try:
        write_dump(tmp, model, args, (lo, hi), like)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)   # a half-written dump would read as a whole one
        raise
    if os.path.isdir(args.out):
        os.rmdir(args.out)
    os.replace(tmp, args.out)


def write_dump(folder, model, args, value_range, like):
    rf = (float('nan'), float('nan'))
    for part in ('train', 'test'):
        lab = read_labels(args.like, part)
        d, seen = descriptors(model, args, value_range, split_images(args.split, part), lab)
        rf = seen or rf
        d.astype('>f4').tofile(os.path.join(folder, f'{part}.f32'))
        lab.tofile(os.path.join(folder, f'{part}.lab'))
        print(f'{part}: {len(lab)} grid points, {d.shape[1]} values each', file=sys.stderr, flush=True)
    name = args.name or args.node.replace('/', '.')
    with open(os.path.join(folder, 'meta.txt'), 'w') as f:
        f.write(f'name={name}\np={like.get("p", "?")}\nkind=teacher\nstride={like.get("stride", "?")}\n'
                f'model={os.path.abspath(args.model)}\nnode={args.node}\npool={args.pool}\nscale={args.scale:g}\n'
                f'receptive_field={rf[0]:g}\nfeature_stride={rf[1]:g}\n')


def main(argv):
    args = parse(argv)
    try:
        run(args)
    except (InputError, GraphModelError) as e:
        print(f'probe_graph.py: {e}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
