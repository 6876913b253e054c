"""Reads a TensorFlow.js model (model.json + its binary weights) into named numpy arrays.

Build-time tool of bench/distill_source.sh (numpy only). The weightsManifest lists groups; each
group's shard files, concatenated, hold its tensors back to back in manifest order, little-endian.
A tensor is float32 or int32, stored as is or quantised: uint8/uint16 with a per-tensor scale and
min (value = q * scale + min, computed in double as tfjs does; int32 rounded), or float16 (float32 only).

usage: python3 tfjs_weights.py MODEL_JSON [WEIGHTS_BIN]   (lists names, shapes and value ranges)
"""
import json
import os
import sys
from collections import OrderedDict

import numpy as np

STORED = {'float32': '<f4', 'int32': '<i4', 'bool': 'u1'}   # unquantised storage, by dtype
QUANTISED = {'uint8': 'u1', 'uint16': '<u2', 'float16': '<f2'}
REBUILD = 'rebuild it with bench/distill_source.sh'


class TfjsFormatError(ValueError):
    """A model.json or weights file that cannot be read as a tfjs model: the message says why."""


def read_model(model_json, weights_bin=None):
    """(model.json as a dict, OrderedDict name -> array). weights_bin: one file holding all
    groups' shards concatenated in manifest order; default: each group's paths beside model.json."""
    try:
        with open(model_json, encoding='utf-8') as f:
            model = json.load(f)
    except (OSError, ValueError) as e:
        raise TfjsFormatError(f'{model_json}: not a readable model.json ({e}); {REBUILD}') from e
    manifest = model.get('weightsManifest') if isinstance(model, dict) else None
    if not isinstance(manifest, list) or not manifest:
        raise TfjsFormatError(f'{model_json}: no weightsManifest; this is not a tfjs model.json')
    if weights_bin is not None:
        data = _read(weights_bin)
        where = weights_bin
    else:
        base = os.path.dirname(os.path.abspath(model_json))
        data = b''.join(_read(os.path.join(base, p)) for g in manifest for p in g.get('paths', []))
        where = f'the shards named in {model_json}'
    return model, decode(manifest, data, where)


def decode(manifest, data, where='weights'):
    """Named arrays from the bytes of all groups' shards, concatenated in manifest order."""
    specs = [w for group in manifest for w in group.get('weights', [])]
    need = sum(_nbytes(s) for s in specs)
    if len(data) != need:
        raise TfjsFormatError(f'{where}: {len(data)} bytes, but the weightsManifest needs {need}: '
                              f'the file is {"short" if len(data) < need else "too long"} or corrupt; {REBUILD}')
    out, offset = OrderedDict(), 0
    for spec in specs:
        n = _nbytes(spec)
        name = spec['name']
        if name in out:
            raise TfjsFormatError(f'{where}: tensor {name} appears twice in the weightsManifest')
        out[name] = _tensor(spec, data[offset:offset + n])
        offset += n
    return out


def _read(path):
    try:
        with open(path, 'rb') as f:
            return f.read()
    except OSError as e:
        raise TfjsFormatError(f'{path}: cannot read the weights ({e.strerror}); {REBUILD}') from e


def _storage(spec):
    """numpy dtype the tensor is stored as; refuses what this reader does not know."""
    name, dtype, q = spec.get('name'), spec.get('dtype'), spec.get('quantization')
    if dtype not in STORED:
        raise TfjsFormatError(f'tensor {name}: dtype {dtype!r} is not supported (float32, int32, bool)')
    if q is None:
        return np.dtype(STORED[dtype])
    qd = q.get('dtype')
    if qd not in QUANTISED:
        raise TfjsFormatError(f'tensor {name}: quantisation dtype {qd!r} is not supported (uint8, uint16, float16)')
    if qd != 'float16' and not ('scale' in q and 'min' in q):
        raise TfjsFormatError(f'tensor {name}: {qd} quantisation without scale and min')
    if dtype == 'bool' or (qd == 'float16' and dtype != 'float32'):
        raise TfjsFormatError(f'tensor {name}: {qd} quantisation of a {dtype} tensor is not supported')
    return np.dtype(QUANTISED[qd])


def _nbytes(spec):
    shape = spec.get('shape')
    if not isinstance(shape, list) or any(not isinstance(d, int) or d < 0 for d in shape):
        raise TfjsFormatError(f'tensor {spec.get("name")}: bad shape {shape!r}')
    return int(np.prod(shape, dtype=np.int64)) * _storage(spec).itemsize


def _tensor(spec, raw):
    stored = np.frombuffer(raw, dtype=_storage(spec)).reshape(spec['shape'])
    q, dtype = spec.get('quantization'), spec['dtype']
    if q is None:
        return stored.astype(bool) if dtype == 'bool' else stored.astype(STORED[dtype]).copy()
    if q['dtype'] == 'float16':
        return stored.astype(np.float32)
    values = stored.astype(np.float64) * float(q['scale']) + float(q['min'])   # as tfjs: in double, then stored
    return np.floor(values + 0.5).astype(np.int32) if dtype == 'int32' else values.astype(np.float32)


def main(argv):
    if len(argv) not in (1, 2):
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    try:
        _, weights = read_model(*argv)
    except TfjsFormatError as e:
        print(e, file=sys.stderr)
        return 1
    for name, a in weights.items():
        print(f'{name}\t{list(a.shape)}\t{a.dtype}\t{a.min() if a.size else "-"}..{a.max() if a.size else "-"}')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
