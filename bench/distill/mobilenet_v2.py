"""MobileNetV2 (Keras layer names) in PyTorch from decoded tfjs weights, and the exact geometry of its features.

Build-time tool of bench/distill_source.sh: P, the distillation source. The network is Keras's
MobileNetV2 up to block_16: Conv1, expanded_conv, block_1 ... block_16 (expand 1x1, depthwise 3x3,
project 1x1, each with batch norm; ReLU6 after expand and depthwise; a residual add where a block
keeps stride and width). Before each stride-2 convolution Keras pads explicitly (ZeroPadding2D,
'correct_pad') and convolves 'valid'; the pads are read from model.json, so the network computes
what the tfjs model computes. Input: RGB in [0, 1], [N, 3, H, W]; gray is copied to 3 channels.
"""
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

STRIDE_2_BLOCKS = (1, 3, 6, 13)
RESIDUAL_BLOCKS = (2, 4, 5, 7, 8, 9, 11, 12, 14, 15)   # stride 1, same width in and out: block_N_add
LAST_BLOCK = 16
BN_EPSILON = 1e-3             # Keras MobileNetV2's, checked against model.json
KERAS_PAD = (0, 1, 0, 1)       # correct_pad for the even sizes of a 224² input: ((0, 1), (0, 1))


def layer_plan(last_block=LAST_BLOCK):
    """The ops in order, as (name, kind, detail): pad (top, bottom, left, right), conv/depthwise
    (kernel, stride, 'same'|'valid'), bn, relu6, add (name of the shortcut's layer)."""
    plan = [('Conv1_pad', 'pad', KERAS_PAD), ('Conv1', 'conv', (3, 2, 'valid')),
            ('bn_Conv1', 'bn', None), ('Conv1_relu', 'relu6', None)]
    plan += _block('expanded_conv', expand=False, stride=1, shortcut=None)
    block_input = 'expanded_conv_project_BN'
    for n in range(1, last_block + 1):
        stride = 2 if n in STRIDE_2_BLOCKS else 1
        shortcut = block_input if n in RESIDUAL_BLOCKS else None
        plan += _block(f'block_{n}', expand=True, stride=stride, shortcut=shortcut)
        block_input = plan[-1][0]
    return plan


def _block(prefix, expand, stride, shortcut):
    ops = []
    if expand:
        ops += [(f'{prefix}_expand', 'conv', (1, 1, 'same')), (f'{prefix}_expand_BN', 'bn', None),
                (f'{prefix}_expand_relu', 'relu6', None)]
    if stride == 2:
        ops.append((f'{prefix}_pad', 'pad', KERAS_PAD))
    ops += [(f'{prefix}_depthwise', 'depthwise', (3, stride, 'valid' if stride == 2 else 'same')),
            (f'{prefix}_depthwise_BN', 'bn', None), (f'{prefix}_depthwise_relu', 'relu6', None),
            (f'{prefix}_project', 'conv', (1, 1, 'same')), (f'{prefix}_project_BN', 'bn', None)]
    if shortcut is not None:
        ops.append((f'{prefix}_add', 'add', shortcut))
    return ops


class MobileNetV2(torch.nn.Module):
    """P up to the deepest layer asked for; forward(x, names) returns {name: feature [N, C, H', W']}."""

    def __init__(self, weights, topology=None, last_layer='block_16_project_BN'):
        super().__init__()
        plan = layer_plan()
        names = [op[0] for op in plan]
        if last_layer not in names:
            raise ValueError(f'unknown layer {last_layer!r}; P has: {", ".join(names)}')
        plan = plan[:names.index(last_layer) + 1]
        keras = _keras_layers(topology)
        self.plan, self.shortcuts = [], set()
        previous = None
        for name, kind, detail in plan:
            if keras:
                _check_against_keras(keras, name, kind, detail)
                _check_inputs(keras, name, [previous, detail] if kind == 'add' else [previous])
            previous = name
            self.plan.append((name, kind, detail))
            if kind == 'add':
                self.shortcuts.add(detail)
            self._load(weights, name, kind)
        self._fold_batch_norms()

    def _fold_batch_norms(self):
        """Each convolution followed by batch norm becomes one convolution with a bias (the same function,
        several times faster on the CPU: the elementwise passes of batch norm took half the time), its
        weights channels-last, which PyTorch's CPU convolutions (depthwise above all) run faster."""
        self.folded, self.folded_away = {}, set()
        for (name, kind, _), following in zip(self.plan, self.plan[1:] + [(None, None, None)]):
            if kind not in ('conv', 'depthwise'):
                continue
            w, bias = getattr(self, name), None
            if following[1] == 'bn':
                g, b, m, v = (getattr(self, f'{following[0]}__{p}') for p in ('gamma', 'beta', 'moving_mean', 'moving_variance'))
                factor = g / torch.sqrt(v + BN_EPSILON)
                w, bias = w * factor.view(-1, 1, 1, 1), b - m * factor
                self.folded_away.add(following[0])
            self.folded[name] = (w.contiguous(memory_format=torch.channels_last), bias)

    def _load(self, weights, name, kind):
        if kind == 'conv':        # Keras [kh, kw, in, out] -> torch [out, in, kh, kw]
            w = _weight(weights, f'{name}/kernel').transpose(3, 2, 0, 1)
        elif kind == 'depthwise':  # Keras [kh, kw, in, mult] -> torch [in * mult, 1, kh, kw]
            k = _weight(weights, f'{name}/depthwise_kernel')
            w = k.reshape(k.shape[0], k.shape[1], -1, 1).transpose(2, 3, 0, 1)
        elif kind == 'bn':
            for part in ('gamma', 'beta', 'moving_mean', 'moving_variance'):
                self.register_buffer(f'{name}__{part}', torch.from_numpy(_weight(weights, f'{name}/{part}').copy()))
            return
        else:
            return
        self.register_buffer(name, torch.from_numpy(np.ascontiguousarray(w, dtype=np.float32)))

    def layer_names(self):
        return [op[0] for op in self.plan]

    def forward(self, x, names):
        missing = [n for n in names if n not in self.layer_names()]
        if missing:
            raise ValueError(f'layers {missing} are not in this network (up to {self.plan[-1][0]})')
        want, out, saved = set(names), {}, {}
        x = x.contiguous(memory_format=torch.channels_last)
        for name, kind, detail in self.plan:
            if name not in self.folded_away:
                x = self._layer(x, name, kind, detail, saved)
            if name in self.shortcuts:
                saved[name] = x
            if name in want:
                out[name] = x.contiguous()  # back to the usual layout for callers
                if len(out) == len(want):
                    break
        return out

    def _layer(self, x, name, kind, detail, saved):
        if kind == 'pad':
            top, bottom, left, right = detail
            return F.pad(x, (left, right, top, bottom))
        if kind in ('conv', 'depthwise'):
            k, stride, padding = detail
            x = _tf_same_pad(x, k, stride) if padding == 'same' else x
            weight, bias = self.folded[name]
            return F.conv2d(x, weight, bias, stride=stride, groups=x.shape[1] if kind == 'depthwise' else 1)
        if kind == 'bn':
            g, b, m, v = (getattr(self, f'{name}__{p}').view(1, -1, 1, 1)
                          for p in ('gamma', 'beta', 'moving_mean', 'moving_variance'))
            return (x - m) * (g / torch.sqrt(v + BN_EPSILON)) + b
        if kind == 'relu6':
            return x.clamp(0.0, 6.0)
        return x + saved[detail]   # add


def pool(features, pooling):
    """'none', or 'avg3': 3x3 mean, stride 1, padding that keeps the size, border means over the pixels inside."""
    if pooling == 'none':
        return features
    if pooling == 'avg3':
        return F.avg_pool2d(features, 3, stride=1, padding=1, count_include_pad=False)
    raise ValueError(f'pooling {pooling!r}: use none or avg3')


def _tf_same_pad(x, k, stride):
    """TensorFlow's 'same': total padding max((ceil(n/s) - 1) s + k - n, 0), the smaller half before."""
    pads = []
    for n in (x.shape[3], x.shape[2]):
        total = max((-(-n // stride) - 1) * stride + k - n, 0)
        pads += [total // 2, total - total // 2]
    return F.pad(x, pads) if any(pads) else x


def _weight(weights, name):
    if name not in weights:
        raise ValueError(f'the weights have no tensor {name}: not a Keras MobileNetV2 (rebuild P with bench/distill_source.sh)')
    return weights[name]


def _keras_layers(topology):
    if topology is None:
        return {}
    layers = topology.get('model_config', {}).get('config', {}).get('layers', [])
    return {layer['name']: layer for layer in layers}


def _check_inputs(keras, name, expected):
    inbound = sorted(node[0] for node in keras[name]['inbound_nodes'][0])
    if expected[0] is not None and inbound != sorted(expected):
        raise ValueError(f'model.json: layer {name} takes {inbound}, expected {sorted(expected)}')


KERAS_CLASS = {'pad': 'ZeroPadding2D', 'conv': 'Conv2D', 'depthwise': 'DepthwiseConv2D',
               'bn': 'BatchNormalization', 'relu6': 'ReLU', 'add': 'Add'}


def _check_against_keras(keras, name, kind, detail):
    """Refuses a model.json whose layer differs from the plan (the network would compute something else)."""
    layer = keras.get(name)
    if layer is None or layer['class_name'] != KERAS_CLASS[kind]:
        raise ValueError(f'model.json: layer {name} is {layer and layer["class_name"]}, expected {KERAS_CLASS[kind]}')
    c = layer['config']
    wrong = []
    if kind == 'pad':
        (top, bottom), (left, right) = c['padding']
        if (top, bottom, left, right) != detail:
            wrong.append(f'padding {c["padding"]}')
    elif kind in ('conv', 'depthwise'):
        k, stride, padding = detail
        if c['kernel_size'] != [k, k] or c['strides'] != [stride, stride] or c['padding'] != padding \
                or c.get('use_bias') or c.get('activation') != 'linear' or c.get('dilation_rate', [1, 1]) != [1, 1]:
            wrong.append(f'kernel {c["kernel_size"]}, strides {c["strides"]}, padding {c["padding"]}')
    elif kind == 'bn' and (c.get('epsilon') != BN_EPSILON or not c.get('center', True) or not c.get('scale', True)):
        wrong.append(f'epsilon {c.get("epsilon")}')
    elif kind == 'relu6' and (c.get('max_value') != 6 or c.get('negative_slope', 0) or c.get('threshold', 0)):
        wrong.append(f'max_value {c.get("max_value")}')
    if wrong:
        raise ValueError(f'model.json: layer {name} has {wrong[0]}; this is not the MobileNetV2 P is built as')


@dataclass(frozen=True)
class Geometry:
    """Where the features of a layer lie in the ORIGINAL image, per axis: feature (i, j) is centred
    on pixel (offset_y + stride_y i, offset_x + stride_x j); rf_* is its receptive field in pixels."""
    offset_y: float
    offset_x: float
    stride_y: float
    stride_x: float
    rf_y: float
    rf_x: float
    height: int       # feature rows
    width: int        # feature columns

    def centres_y(self):
        return self.offset_y + self.stride_y * np.arange(self.height)

    def centres_x(self):
        return self.offset_x + self.stride_x * np.arange(self.width)


def scaled_side(side, scale):
    """The side at the processing scale, as the plugin's Resampling.scaledSide: rounded, at least 1."""
    return max(1, int(np.floor(side * scale + 0.5)))


def feature_centres(layer, pooling, scale, height, width):
    """Geometry of `layer`'s features (pooling 'none' or 'avg3': 3x3 mean, stride 1, same size) on an
    image of height x width pixels, processed at `scale` (area-resized to scaled_side first)."""
    if pooling not in ('none', 'avg3'):
        raise ValueError(f'pooling {pooling!r}: use none or avg3')
    per_axis = []
    for side in (height, width):
        resized = scaled_side(side, scale)
        offset, step, rf, n = _axis_geometry(layer, resized)
        if pooling == 'avg3':
            rf += 2 * step
        f = side / resized          # resized pixel u covers original [u f, (u + 1) f)
        per_axis.append(((offset + 0.5) * f - 0.5, step * f, rf * f, n))
    (oy, sy, ry, ny), (ox, sx, rx, nx) = per_axis
    return Geometry(oy, ox, sy, sx, ry, rx, ny, nx)


def _axis_geometry(layer, n):
    """(offset, step, receptive field, count) of `layer` along one axis of n input pixels. Output i
    of a convolution (kernel k, stride s, padding p before) is centred on input s i - p + (k - 1)/2."""
    names = [op[0] for op in layer_plan()]
    if layer not in names:
        raise ValueError(f'unknown layer {layer!r}')
    offset, step, rf, pending = 0.0, 1.0, 1.0, 0
    for name, kind, detail in layer_plan()[:names.index(layer) + 1]:
        if kind == 'pad':
            before, after = detail[0], detail[1]   # the same pads on both axes
            pending, n = before, n + before + after
        elif kind in ('conv', 'depthwise'):
            k, s, padding = detail
            if padding == 'same':
                if s != 1:
                    raise ValueError(f'{name}: strided same padding depends on the size; not in MobileNetV2')
                pending = (k - 1) // 2
            else:
                if n < k:
                    raise ValueError(f'the image is too small for {layer}: {name} gets {n} pixels, fewer than its kernel')
                n = (n - k) // s + 1
            offset += step * ((k - 1) / 2 - pending)
            rf += (k - 1) * step
            step *= s
            pending = 0
    return offset, step, rf, n
