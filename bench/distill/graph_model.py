"""Runs part of a TensorFlow.js graph model (model.json, format graph-model) in PyTorch, with the exact
geometry of each feature: for probing other packages' networks as distillation sources (docs/teachers.md).

Build-time tool, like mobilenet_v2.py, but generic: the graph's nodes are evaluated on demand, from the
asked-for node back to the fed ones, so a detector's or pose model's head is never run. Activations
are NCHW (the graph's are NHWC: per-channel constants and reduction axes are mapped). Supported ops:
the convolution family the tfjs converter emits (_FusedConv2D with BiasAdd and Relu/Relu6,
FusedDepthwiseConv2dNative, Conv2D, DepthwiseConv2dNative; SAME/VALID padding, no dilation),
elementwise Add/AddV2/Sub/Mul/RealDiv/Relu/Relu6/Sigmoid, Mean over the spatial axes (squeeze-excite),
Identity and Cast. Anything else is refused by name.

Geometry: along each axis a spatial tensor carries (offset, step, rf): its element i is centred on
input pixel offset + step i and sees rf pixels. A convolution of kernel k, stride s, padding `before`
maps it to (offset + step ((k - 1)/2 - before), step s, rf + (k - 1) step); TensorFlow's SAME pads
max((ceil(n/s) - 1) s + k - n, 0) in total, the smaller half before (so it depends on the size).
"""
import base64

import numpy as np
import torch
import torch.nn.functional as F

from mobilenet_v2 import Geometry, pool, scaled_side
from tfjs_weights import read_model

CONVS = ('_FusedConv2D', 'Conv2D', 'FusedDepthwiseConv2dNative', 'DepthwiseConv2dNative')
ELEMENTWISE = {'Add': torch.add, 'AddV2': torch.add, 'Sub': torch.sub, 'Mul': torch.mul, 'RealDiv': torch.div}
UNARY = {'Relu': torch.relu, 'Relu6': lambda x: x.clamp(0.0, 6.0), 'Sigmoid': torch.sigmoid,
         'Identity': lambda x: x, 'Cast': lambda x: x.float()}
ACTIVATIONS = {'BiasAdd': None, 'Relu': torch.relu, 'Relu6': lambda x: x.clamp(0.0, 6.0)}


class GraphModelError(ValueError):
    """A graph the executor cannot run as asked: the message says which node and why."""


class Spatial:
    """An activation [N, C, H, W] with its per-axis geometry ((offset, step, rf) for y, then x)."""

    def __init__(self, value, geometry):
        self.value, self.geometry = value, geometry


class GraphModel:
    """nodes of a tfjs graph model; run(feeds, names) evaluates only what the named nodes need."""

    def __init__(self, model_json, weights_bin=None):
        model, weights = read_model(model_json, weights_bin)
        topology = model.get('modelTopology') or {}
        if not isinstance(topology.get('node'), list):
            raise GraphModelError(f'{model_json}: no modelTopology.node list; not a tfjs graph model')
        self.nodes = {n['name']: n for n in topology['node']}
        self.consts = {name: torch.from_numpy(np.asarray(a, dtype=np.float32)) for name, a in weights.items()}

    def run(self, feeds, names):
        """feeds: {node name: float tensor [N, C, H, W]} (a fed node's own inputs are never read);
        returns {name: Spatial} of the named nodes."""
        cache = {name: Spatial(x, _identity_geometry(x)) for name, x in feeds.items()}
        with torch.no_grad():
            return {name: self._eval(name, cache) for name in names}

    def _eval(self, name, cache):
        # iterative post-order walk: the graphs are deeper than Python's recursion limit allows
        stack = [name]
        while stack:
            top = stack[-1]
            if top in cache:
                stack.pop()
                continue
            missing = [i for i in self._inputs(top) if i not in cache]
            if missing:
                stack.extend(missing)
                continue
            cache[top] = self._op(self.nodes[top], [cache[i] for i in self._inputs(top)])
            stack.pop()
        return cache[name]

    def _inputs(self, name):
        if name not in self.nodes:
            raise GraphModelError(f'node {name!r} is not in the graph')
        node = self.nodes[name]
        if node['op'] == 'Const':
            return []
        return [i.split(':')[0] for i in node.get('input', []) if not i.startswith('^')]

    def _op(self, node, args):
        op, name = node['op'], node['name']
        if op == 'Const':
            if name not in self.consts:
                raise GraphModelError(f'Const {name} has no tensor in the weights')
            return self.consts[name]
        if op == 'Placeholder':
            raise GraphModelError(f'the graph needs input {name}: feed it (or a node between it and the one asked for)')
        if op in CONVS:
            return _conv(node, args)
        if op in UNARY:
            return _map(UNARY[op], args[0])
        if op in ELEMENTWISE:
            return _elementwise(ELEMENTWISE[op], args[0], args[1], name)
        if op == 'Mean':
            return _mean(node, args)
        raise GraphModelError(f'node {name}: op {op} is not supported by this executor')


def _identity_geometry(x):
    return ((0.0, 1.0, 1.0), (0.0, 1.0, 1.0)) if x.dim() == 4 else None


def _attr(node, key, kind, default=None):
    value = node.get('attr', {}).get(key, {})
    if kind == 's':
        return base64.b64decode(value['s']).decode() if 's' in value else default
    if kind == 'ints':
        return [int(i) for i in value.get('list', {}).get('i', [])] or default
    return default


def _conv(node, args):
    x, weight = args[0], args[1]
    if not isinstance(x, Spatial):
        raise GraphModelError(f'node {node["name"]}: its input is not an image-shaped activation')
    if _attr(node, 'data_format', 's', 'NHWC') != 'NHWC' or any(d != 1 for d in _attr(node, 'dilations', 'ints', [1])):
        raise GraphModelError(f'node {node["name"]}: only NHWC without dilation is supported')
    strides = _attr(node, 'strides', 'ints', [1, 1, 1, 1])
    s = strides[1]
    if strides[2] != s:
        raise GraphModelError(f'node {node["name"]}: unequal strides {strides}')
    depthwise = 'Depthwise' in node['op']
    k = weight.shape[0]
    if weight.dim() != 4 or weight.shape[1] != k:
        raise GraphModelError(f'node {node["name"]}: kernel of shape {tuple(weight.shape)}; only square 2-D kernels are supported')
    if depthwise:   # [kh, kw, in, mult] -> [in * mult, 1, kh, kw]
        w = weight.reshape(k, weight.shape[1], -1, 1).permute(2, 3, 0, 1)
    else:           # [kh, kw, in, out] -> [out, in, kh, kw]
        w = weight.permute(3, 2, 0, 1)
    padding = _attr(node, 'padding', 's', 'VALID')
    if padding not in ('SAME', 'VALID'):
        raise GraphModelError(f'node {node["name"]}: padding {padding} is not supported')
    value, geometry = x.value, []
    pads = []
    for axis, n in ((0, value.shape[2]), (1, value.shape[3])):
        total = max((-(-n // s) - 1) * s + k - n, 0) if padding == 'SAME' else 0
        before = total // 2
        pads.append((before, total - before))
        if x.geometry is not None:
            offset, step, rf = x.geometry[axis]
            geometry.append((offset + step * ((k - 1) / 2 - before), step * s, rf + (k - 1) * step))
    (top, bottom), (left, right) = pads
    value = F.pad(value, (left, right, top, bottom)) if top or bottom or left or right else value
    out = F.conv2d(value, w.contiguous(), stride=s, groups=value.shape[1] if depthwise else 1)
    for i, f in enumerate(_fused_ops(node)):
        if f == 'BiasAdd':
            out = out + args[2 + i].view(1, -1, 1, 1)
        elif f in ACTIVATIONS:
            out = ACTIVATIONS[f](out)
        else:
            raise GraphModelError(f'node {node["name"]}: fused op {f} is not supported')
    return Spatial(out, tuple(geometry) if geometry else None)


def _fused_ops(node):
    return [base64.b64decode(s).decode() for s in node.get('attr', {}).get('fused_ops', {}).get('list', {}).get('s', [])]


def _map(fn, a):
    return Spatial(fn(a.value), a.geometry) if isinstance(a, Spatial) else fn(a)


def _as_nchw(c):
    """A constant of the NHWC graph, broadcastable against NCHW activations."""
    if c.dim() == 1:
        return c.view(1, -1, 1, 1)
    if c.dim() == 4:
        return c.permute(0, 3, 1, 2)
    if c.dim() == 0:
        return c
    raise GraphModelError(f'a constant of shape {tuple(c.shape)} cannot be broadcast against an image')


def _elementwise(fn, a, b, name):
    sa, sb = isinstance(a, Spatial), isinstance(b, Spatial)
    if not (sa or sb):
        return fn(a, b)
    if not sb:
        return Spatial(fn(a.value, _as_nchw(b)), a.geometry)
    if not sa:
        return Spatial(fn(_as_nchw(a), b.value), b.geometry)
    if a.geometry is None or b.geometry is None:   # squeeze-excite: a global vector scales a map
        return Spatial(fn(a.value, b.value), a.geometry or b.geometry)
    if a.value.shape[2:] != b.value.shape[2:]:
        raise GraphModelError(f'node {name}: operands of spatial sizes {tuple(a.value.shape[2:])} and {tuple(b.value.shape[2:])}')
    if any(abs(p[0] - q[0]) > 1e-9 or p[1] != q[1] for p, q in zip(a.geometry, b.geometry)):
        raise GraphModelError(f'node {name}: combines features of different centres')
    # a residual add of two paths with equal centres: the receptive field is the larger one
    return Spatial(fn(a.value, b.value), tuple((p[0], p[1], max(p[2], q[2])) for p, q in zip(a.geometry, b.geometry)))


def _mean(node, args):
    x, axes = args
    if not isinstance(x, Spatial) or x.geometry is None or sorted(int(a) for a in axes.flatten().tolist()) != [1, 2]:
        raise GraphModelError(f'node {node["name"]}: only a spatial mean (axes 1, 2) is supported')
    if not node.get('attr', {}).get('keep_dims', {}).get('b'):
        raise GraphModelError(f'node {node["name"]}: only keep_dims=True is supported')
    # a global mean sees the whole image: no geometry (its products keep the other operand's)
    return Spatial(x.value.mean(dim=(2, 3), keepdim=True), None)


def geometry_of(spatial, pooling, side_scale=(1.0, 1.0)):
    """mobilenet_v2.Geometry of a Spatial (pooling 'none' or 'avg3'), in pixels of the original image
    when the network ran on an image resized by side_scale = (resized / original) per axis."""
    per_axis = []
    for (offset, step, rf), f in zip(spatial.geometry, (1 / side_scale[0], 1 / side_scale[1])):
        if pooling == 'avg3':
            rf += 2 * step
        per_axis.append(((offset + 0.5) * f - 0.5, step * f, rf * f))
    (oy, sy, ry), (ox, sx, rx) = per_axis
    return Geometry(oy, ox, sy, sx, ry, rx, spatial.value.shape[2], spatial.value.shape[3])


def features(model, feed_node, image, node, pooling, value_range=(0.0, 1.0), scale=1.0):
    """(feature map [C, H', W'] float32 numpy, Geometry) of one image [3, H, W] in [0, 1]:
    the graph fed at feed_node with the image mapped linearly to value_range, area-resized by scale."""
    h, w = image.shape[1:]
    x = torch.from_numpy(np.ascontiguousarray(image, dtype=np.float32))[None]
    if scale != 1.0:
        x = F.interpolate(x, size=(scaled_side(h, scale), scaled_side(w, scale)), mode='area')
    lo, hi = value_range
    out = model.run({feed_node: x * (hi - lo) + lo}, [node])[node]
    if not isinstance(out, Spatial) or out.geometry is None:
        raise GraphModelError(f'node {node} is not an image-shaped activation')
    g = geometry_of(out, pooling, (x.shape[2] / h, x.shape[3] / w))
    return pool(out.value, pooling)[0].numpy(), g
