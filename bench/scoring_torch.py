#!/usr/bin/env python3
"""The straightforward PyTorch form of the product's networks, for bench/scoring.sh (docs/benchmarks.md).

Eager mode, dense form as dilated convolutions (filter rarefaction: every pooling with stride 1 and the
dilation so far, every later convolution and pooling dilated by the product of the strides before it),
the whole image in one pass, teacher + 3 students, e and v as the product computes them. Random weights
of the same shapes (speed does not depend on them).

  scoring_torch.py OUT_DIR THREADS PATCH_SIZES SIZES REPS LARGE_REPS

First proves the form is the same network: for each OUT_DIR/check-pP.bin written by ScoringBenchmark
(a Java teacher's weights, a padded input and the Java dense output) it prints the largest absolute
difference; then times the full passes and writes OUT_DIR/torch.tsv.
"""
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stad_layout import layout  # noqa: E402

LEAKY_SLOPE = 5e-3
STUDENTS = 3




def receptive_field(p):
    rf, jump = 1, 1
    for layer in layout(p):
        if layer[0] == "pool":
            rf += jump
            jump *= 2
        else:
            rf += (layer[1] - 1) * jump
    return rf


def random_weights(p, channels=1, generator=None):
    """PyTorch's default init (uniform ±1/√fan_in), in export order weight, bias, …"""
    params, cin = [], channels
    for layer in layout(p):
        if layer[0] == "pool":
            continue
        k, cout = layer[1], layer[2]
        bound = 1.0 / (cin * k * k) ** 0.5
        params.append((torch.rand(cout, cin, k, k, generator=generator) * 2 - 1) * bound)
        params.append((torch.rand(cout, generator=generator) * 2 - 1) * bound)
        cin = cout
    return params


def dense(p, params, x):
    """Dense form by dilation: [N, C, H + rf − 1, W + rf − 1] → [N, d, H, W]."""
    dil, i, convs = 1, 0, len(params) // 2
    for layer in layout(p):
        if layer[0] == "pool":
            x = F.max_pool2d(x, 2, stride=1, dilation=dil)
            dil *= 2
        else:
            x = F.conv2d(x, params[2 * i], params[2 * i + 1], dilation=dil)
            i += 1
            if i < convs:
                x = F.leaky_relu(x, LEAKY_SLOPE)
    return x


def full_pass(scales, image):
    """Teacher + students per scale on the reflection-padded image, e and v, the product's combination."""
    total = None
    for p, teacher, students, mu, sigma in scales:
        before = (p - 1) // 2
        after = receptive_field(p) - 1 - before
        x = F.pad(image, (before, after, before, after), mode="reflect")
        t = (dense(p, teacher, x) - mu) / sigma
        s = torch.stack([dense(p, w, x) for w in students])  # [S, 1, d, H, W]
        mean = s.mean(0)
        e = ((mean - t) ** 2).sum(1)
        v = (s ** 2).sum(2).mean(0) - (mean ** 2).sum(1)
        score = e + v  # calibration (e − ē)/σe + (v − v̄)/σv with ē = v̄ = 0, σ = 1, as in the Java benchmark
        total = score if total is None else total + score
    return total / len(scales)


def read_check(path):
    with open(path, "rb") as f:
        data = f.read()
    (count,), pos, out = struct.unpack_from("<i", data, 0), 4, []
    for _ in range(count):
        (rank,) = struct.unpack_from("<i", data, pos)
        pos += 4
        dims = struct.unpack_from("<%di" % rank, data, pos)
        pos += 4 * rank
        n = int(np.prod(dims))
        out.append(torch.from_numpy(np.frombuffer(data, dtype="<f4", count=n, offset=pos).copy()).reshape(dims))
        pos += 4 * n
    return out


def main():
    out_dir, threads = sys.argv[1], int(sys.argv[2])
    patch_sizes = [int(v) for v in sys.argv[3].split(",") if v]
    sizes = [int(v) for v in sys.argv[4].split(",") if v]
    reps, large_reps = int(sys.argv[5]), int(sys.argv[6])
    torch.set_num_threads(threads)
    print("# PyTorch %s eager, %d threads, oneDNN %s" % (torch.__version__, torch.get_num_threads(), torch.backends.mkldnn.is_available()), flush=True)
    rows = []
    worst = 0.0
    with torch.inference_mode():
        for p in patch_sizes:
            tensors = read_check("%s/check-p%d.bin" % (out_dir, p))
            params, padded, expected = tensors[:-2], tensors[-2], tensors[-1]
            h, w = expected.shape[2], expected.shape[3]
            rf = receptive_field(p)
            got = dense(p, params, padded[:, :, : h + rf - 1, : w + rf - 1])
            diff = (got - expected).abs().max().item()
            scale = expected.abs().max().item()
            worst = max(worst, diff / max(scale, 1e-12))
            print("check p=%d %dx%d: max |PyTorch dilated − Java dense| = %.3g (outputs up to %.3g)" % (p, h, w, diff, scale), flush=True)
            rows.append(("check", str(p), str(h), "%.6g" % diff, "%.6g" % scale))

        g = torch.Generator().manual_seed(1)
        scales = []
        for p in patch_sizes:
            scales.append((p, random_weights(p, generator=g), [random_weights(p, generator=g) for _ in range(STUDENTS)], torch.zeros(1, 128, 1, 1), torch.ones(1, 128, 1, 1)))
        passes = [[s] for s in scales] + ([scales] if len(scales) > 1 else [])
        for group in passes:
            label = str(group[0][0]) if len(group) == 1 else "all"
            for size in sizes:
                if size < max(s[0] for s in group):
                    continue  # smaller than a patch: the Java side skips it too
                image = torch.randn(1, 1, size, size, generator=g)
                runs = reps if size <= 256 else large_reps
                if size <= 256:
                    full_pass(group, image)  # warm-up
                best = float("inf")
                for _ in range(max(1, runs)):
                    t = time.perf_counter()
                    full_pass(group, image)
                    best = min(best, time.perf_counter() - t)
                print("PyTorch full pass p=%s %d²: %.2f s" % (label, size, best), flush=True)
                rows.append(("full", label, str(size), "%.4f" % best, "-"))
    with open("%s/torch.tsv" % out_dir, "w") as f:
        f.write("# torch\t%s\n# threads\t%d\n" % (torch.__version__, torch.get_num_threads()))
        f.write("kind\tp\tsize\tseconds\textra\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    if worst > 1e-3:
        print("ERROR: the PyTorch form differs from the Java networks (relative difference %.3g > 1e-3)" % worst, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
