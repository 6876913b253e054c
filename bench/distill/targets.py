"""P's feature maps of a set of images: the cached targets the distillation trainer reads.

usage: python3 targets.py --layer L --pool {none,avg3} --scale S --out DIR [--source P_DIR] [--keep-free GB] IMAGES...|FOLDER
       --layer L1,L2 --pool A,B --out DIR1,DIR2: several target sets from one pass of P per image

For every 8-bit PNG (gray or RGB; gray -> [0, 1] copied to RGB; value / 255) writes DIR/NAME.npy
(NAME: the file name without extension; float16 '<f2', shape (C, H', W'), C order) and
DIR/targets.json: the settings, the exact geometry of the features in original pixels, P's source,
and once all images are done ("complete": true) per-channel mean and std over all images' features
and the list of images. Deterministic;
resumable: run it again with the same settings and it skips the images whose .npy is complete.
P_DIR: P as bench/distill_source.sh builds it (default bench/out/distill/p).
"""
import argparse
import json
import os
import shutil
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from mobilenet_v2 import MobileNetV2, feature_centres, layer_plan, pool, scaled_side  # noqa: E402
from tfjs_weights import TfjsFormatError, read_model  # noqa: E402

DEFAULT_SOURCE = os.path.join(HERE, '..', 'out', 'distill', 'p')
FORMAT = 1


class InputError(Exception):
    """Bad input: the message is the one line that says what to do."""


def parse(argv):
    ap = argparse.ArgumentParser(description="P's feature maps per image, for distillation")
    ap.add_argument('--layer', required=True, help='a layer of P, e.g. block_4_expand_relu (or a comma list)')
    ap.add_argument('--pool', required=True, help='none, or avg3: 3x3 mean, stride 1, same size (or a comma list)')
    ap.add_argument('--scale', required=True, type=float, help='processing scale (1: native resolution)')
    ap.add_argument('--out', required=True, help='output folder (new, empty, or a previous run of the same settings; or a comma list)')
    ap.add_argument('--source', default=DEFAULT_SOURCE, help='P as bench/distill_source.sh builds it')
    ap.add_argument('--keep-free', type=float, default=20.0, help='GB the disk must keep free after writing (default 20)')
    ap.add_argument('images', nargs='+', help='PNG files or one folder of them')
    return ap.parse_args(argv)


def image_list(paths):
    """(name, path) of the inputs, sorted by name; a folder gives its PNG files."""
    if len(paths) == 1 and os.path.isdir(paths[0]):
        files = sorted(os.path.join(paths[0], f) for f in os.listdir(paths[0]) if f.lower().endswith('.png'))
        if not files:
            raise InputError(f'{paths[0]}: no PNG files in this folder')
    else:
        files = list(paths)
    named = {}
    for f in files:
        if not os.path.isfile(f):
            raise InputError(f'{f}: not a file (give PNG files or one folder)')
        name = os.path.splitext(os.path.basename(f))[0]
        if name in named:
            raise InputError(f'{named[name]} and {f} would both write {name}.npy: rename one')
        named[name] = f
    return sorted(named.items())


def load_rgb(path):
    """[3, H, W] float32 in [0, 1]: 8-bit gray copied to three channels, or 8-bit RGB."""
    from PIL import Image
    try:
        with Image.open(path) as im:
            if im.format != 'PNG' or im.mode not in ('L', 'RGB'):
                raise InputError(f'{path}: {im.format} {im.mode}; give 8-bit gray or RGB PNG (convert it first)')
            a = np.asarray(im, dtype=np.float32) / 255.0
    except OSError as e:
        raise InputError(f'{path}: not a readable image ({e})') from e
    return np.repeat(a[None], 3, 0) if a.ndim == 2 else a.transpose(2, 0, 1).copy()


def geometry(args, layer, pooling, name, h, w):
    try:
        return feature_centres(layer, pooling, args.scale, h, w)
    except ValueError as e:
        raise InputError(f'{name} ({h}x{w}): {e}; use larger images or a larger --scale') from e


def image_size(path):
    """(height, width) from the header, refusing what load_rgb would refuse: checked before any work."""
    from PIL import Image
    try:
        with Image.open(path) as im:
            if im.format != 'PNG' or im.mode not in ('L', 'RGB'):
                raise InputError(f'{path}: {im.format} {im.mode}; give 8-bit gray or RGB PNG (convert it first)')
            return im.height, im.width
    except OSError as e:
        raise InputError(f'{path}: not a readable image ({e})') from e


def area_matrix(side, new_side):
    """[new_side, side] weights of an area-averaging resize (as the plugin's Resampling.areaResize):
    output u averages the input interval [u f, (u + 1) f), f = side / new_side."""
    f = side / new_side
    m = np.zeros((new_side, side), np.float64)
    for u in range(new_side):
        a, b = u * f, (u + 1) * f
        for x in range(int(np.floor(a)), min(side, int(np.ceil(b)))):
            m[u, x] = min(b, x + 1) - max(a, x)
    return m / f


def resize(rgb, scale):
    h, w = rgb.shape[1:]
    nh, nw = scaled_side(h, scale), scaled_side(w, scale)
    if (nh, nw) == (h, w):
        return rgb
    my, mx = area_matrix(h, nh), area_matrix(w, nw)
    return np.einsum('uy,cyx,vx->cuv', my, rgb.astype(np.float64), mx).astype(np.float32)


class P:
    """P up to the deepest of the layers asked for; one forward pass gives them all."""

    def __init__(self, source, layers, scale):
        import torch
        self.torch = torch
        torch.set_num_threads(os.cpu_count() or 1)  # Debian's torch started with one thread here
        plan = [op[0] for op in layer_plan()]
        for layer in layers:
            if layer not in plan:
                raise InputError(f'--layer {layer}: not a layer of P (e.g. block_3_expand_relu, block_4_expand_relu, block_9_add)')
        if not 0 < scale <= 4:
            raise InputError(f'--scale {scale}: give a processing scale in (0, 4]')
        model_json, weights_bin = (os.path.join(source, f) for f in ('model.json', 'weights.bin'))
        if not os.path.isfile(model_json):
            raise InputError(f'{source}: P is not there; build it with bench/distill_source.sh (or give --source)')
        try:
            model, weights = read_model(model_json, weights_bin)
            self.net = MobileNetV2(weights, model['modelTopology'], last_layer=max(layers, key=plan.index))
        except (TfjsFormatError, ValueError) as e:
            raise InputError(f'{source}: {e}') from e
        self.scale = scale

    def features(self, rgb, wanted):
        """{(layer, pool): float16 [C, H', W']} of one image [3, H, W] for each (layer, pool) wanted."""
        torch = self.torch
        with torch.no_grad():
            x = torch.from_numpy(resize(rgb, self.scale))[None]
            maps = self.net(x, sorted({layer for layer, _ in wanted}))
            return {(layer, how): pool(maps[layer], how)[0].numpy().astype('<f2') for layer, how in wanted}

    def channels(self, layer):
        with self.torch.no_grad():
            return int(self.net(self.torch.zeros(1, 3, 64, 64), [layer])[layer].shape[1])


class Output:
    """One target set: a layer and pooling written to one folder, with its running statistics."""

    def __init__(self, layer, pooling, folder, channels):
        self.layer, self.pool, self.folder, self.channels = layer, pooling, folder, channels
        self.total = np.zeros(channels, np.float64)
        self.total_sq = np.zeros(channels, np.float64)
        self.count, self.rows = 0, []

    def file(self, name):
        return os.path.join(self.folder, name + '.npy')

    def add(self, name, path, h, w, g, f):
        x = f.astype(np.float64).reshape(self.channels, -1)
        self.total += x.sum(1)
        self.total_sq += (x * x).sum(1)
        self.count += x.shape[1]
        self.rows.append({'name': name, 'file': os.path.basename(path), 'height': h, 'width': w,
                          'feature_height': g.height, 'feature_width': g.width,
                          'offset_px': [g.offset_y, g.offset_x], 'stride_px': [g.stride_y, g.stride_x]})

    def summary(self):
        mean = self.total / self.count
        std = np.sqrt(np.maximum(self.total_sq / self.count - mean * mean, 0.0))
        return {'complete': True, 'channels': self.channels, 'image_count': len(self.rows),
                'feature_count': int(self.count), 'mean': mean.tolist(), 'std': std.tolist(), 'images': self.rows}


def complete(path, shape):
    """True if path is a whole .npy of float16 with this shape."""
    try:
        a = np.load(path, mmap_mode='r')
        return a.dtype == np.dtype('<f2') and a.shape == tuple(shape) and a.flags.c_contiguous
    except (OSError, ValueError):
        return False


def save_atomic(path, array):
    tmp = path + '.tmp'
    with open(tmp, 'wb') as f:
        np.save(f, array)
    os.replace(tmp, path)


def write_json(path, data):
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(data, f, indent=1)
        f.write('\n')
    os.replace(tmp, path)


def source_info(source):
    try:
        with open(os.path.join(source, 'source.json')) as f:
            return json.load(f)
    except (OSError, ValueError):
        raise InputError(f'{source}/source.json: missing or unreadable; rebuild P with bench/distill_source.sh')


def settings(layer, pooling, scale, info):
    g = feature_centres(layer, pooling, scale, 1000, 1000)   # nominal: exact for scale 1
    return {'format': FORMAT, 'layer': layer, 'pool': pooling, 'scale': scale,
            'stride_px': [g.stride_y, g.stride_x], 'offset_px': [g.offset_y, g.offset_x],
            'receptive_field_px': [g.rf_y, g.rf_x],
            'geometry': 'feature (i, j) of an image is centred on its pixel (offset_px[0] + stride_px[0] i, '
                        'offset_px[1] + stride_px[1] j), pixel indices of the original image; at scale != 1 '
                        'the exact per-image values are in images[]',
            'input': 'RGB in [0, 1] = 8-bit value / 255; gray copied to the three channels; area-resized to '
                     'round(side * scale) pixels first when scale != 1',
            'files': 'NAME.npy per image: float16 <f2, shape (channels, H\', W\'), C order',
            'source': info}


def check_out(out, wanted, names):
    """The output folder: new, empty, or a previous run of exactly these settings (if it finished,
    of these images too: its statistics are over them)."""
    meta = os.path.join(out, 'targets.json')
    if os.path.isfile(meta):
        with open(meta) as f:
            old = json.load(f)
        key = ('format', 'layer', 'pool', 'scale')
        same = all(old.get(k) == wanted[k] for k in key) and \
            old.get('source', {}).get('tarball_sha512') == wanted['source'].get('tarball_sha512')
        if not same:
            raise InputError(f'{out} holds targets of other settings (layer {old.get("layer")}, pool {old.get("pool")}, '
                             f'scale {old.get("scale")}, source {old.get("source", {}).get("tarball_sha512")}): '
                             f'choose another --out')
        done = {row['name'] for row in old.get('images', [])} if old.get('complete') else set(names)
        if done != set(names):
            raise InputError(f'{out} holds finished targets of another image set ({len(done)} images, statistics over them): '
                             f'choose another --out')
    elif os.path.isdir(out) and os.listdir(out):
        raise InputError(f'{out} holds files but no targets.json: choose a new or empty --out')


def outputs_of(args, p):
    """The target sets: --layer, --pool and --out may each list several, comma-separated, one pass for all."""
    layers, pools, outs = (v.split(',') for v in (args.layer, args.pool, args.out))
    if not len(layers) == len(pools) == len(outs):
        raise InputError(f'--layer, --pool and --out list {len(layers)}, {len(pools)} and {len(outs)} entries: give as many of each')
    for how in pools:
        if how not in ('none', 'avg3'):
            raise InputError(f'--pool {how}: use none or avg3')
    if len(set(outs)) != len(outs):
        raise InputError('--out names one folder twice: give each target set its own')
    return [Output(layer, how, out, p.channels(layer)) for layer, how, out in zip(layers, pools, outs)]


def disk_check(outputs, images, args):
    need = 0
    for name, path in images:
        h, w = image_size(path)
        for o in outputs:
            g = geometry(args, o.layer, o.pool, name, h, w)
            if not os.path.exists(o.file(name)):
                need += o.channels * g.height * g.width * 2
    existing = os.path.abspath(outputs[0].folder)
    while not os.path.isdir(existing):
        existing = os.path.dirname(existing)
    free = shutil.disk_usage(existing).free
    if free - need < args.keep_free * 1e9:
        raise InputError(f'the targets need {need / 1e9:.1f} GB and {free / 1e9:.1f} GB are free; '
                         f'keep {args.keep_free:g} GB free (--keep-free) or free some space')
    return need


def run(args):
    images = image_list(args.images)
    p = P(args.source, args.layer.split(','), args.scale)
    info = source_info(args.source)
    outputs = outputs_of(args, p)
    wanted = {o.folder: settings(o.layer, o.pool, args.scale, info) for o in outputs}
    for o in outputs:
        check_out(o.folder, wanted[o.folder], [name for name, _ in images])
    need = disk_check(outputs, images, args)
    print(f'{len(images)} images, {len(outputs)} target sets, {need / 1e9:.2f} GB to write', file=sys.stderr)
    for o in outputs:
        os.makedirs(o.folder, exist_ok=True)
        write_json(os.path.join(o.folder, 'targets.json'), {**wanted[o.folder], 'complete': False})
    started = time.time()
    for k, (name, path) in enumerate(images, 1):
        h, w = image_size(path)
        shapes = {}
        for o in outputs:
            g = geometry(args, o.layer, o.pool, name, h, w)
            shapes[o.folder] = (g, (o.channels, g.height, g.width))
        todo = [o for o in outputs if not complete(o.file(name), shapes[o.folder][1])]
        computed = p.features(load_rgb(path), [(o.layer, o.pool) for o in todo]) if todo else {}
        for o in outputs:
            g, shape = shapes[o.folder]
            if o in todo:
                f = computed[(o.layer, o.pool)]
                if f.shape != shape:
                    raise RuntimeError(f'{name}: P gave {f.shape}, the geometry says {shape}')
                save_atomic(o.file(name), f)
            else:
                f = np.load(o.file(name))
            o.add(name, path, h, w, g, f)
        print(f'[{k}/{len(images)}] {name} {h}x{w}: {len(todo)} computed, {len(outputs) - len(todo)} kept '
              f'({time.time() - started:.0f} s)', file=sys.stderr, flush=True)
    for o in outputs:
        write_json(os.path.join(o.folder, 'targets.json'), {**wanted[o.folder], **o.summary()})
        print(f'{len(o.rows)} images -> {o.folder} ({o.layer}, {o.pool}: {o.channels} channels, {o.count} features)',
              file=sys.stderr)


def main(argv):
    args = parse(argv)
    try:
        run(args)
    except InputError as e:
        print(f'targets.py: {e}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
