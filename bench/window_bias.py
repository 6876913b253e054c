#!/usr/bin/env python3
"""How much a calibration window kept inside the image underestimates normal scores (docs/experiments.md, "Calibration windows").

    python3 bench/window_bias.py bench/out/quality/runs/RUN [SPLIT_CSV] [THRESHOLD]

Reads the combined anomaly maps that the harness's evaluate stage cached (RUN/eval/maps/NNN.bin, in
test-set order of SPLIT_CSV, default bench/out/quality/split.csv) of the defect-free test images and
compares score quantiles over whole images with those over one window per image of 62 % of its area
(the share the 20-minute default sampled on the harness), placed (a) uniformly inside the image, as
CalibrationSample did first, (b) with the offset uniform over every overlapping place, clipped (its
second form), and (c) at a uniform offset, wrapping around the image's edges (CalibrationSample now:
always the same number of pixels), 20 draws each. Also the share of map pixels above the 99 % whole-image
quantile within 24 px of the border against the rest, and how far a window's maximum (its image
score) falls below its image's. With THRESHOLD (the model's, `stad info`): per
defect-free image, its regions of at least 10 pixels (8-connected, as the product finds them) and the
share of its pixels above THRESHOLD, and how many defective images get a region.
"""
import csv, struct, sys
import numpy as np

run = sys.argv[1]
split = sys.argv[2] if len(sys.argv) > 2 else 'bench/out/quality/split.csv'
threshold = float(sys.argv[3]) if len(sys.argv) > 3 else None
rows = [r for r in csv.DictReader(open(split)) if r['split'] == 'test']

def jpeg_size(path):
    d = open(path, 'rb').read(); i = 2
    while i < len(d):
        marker, length = d[i + 1], struct.unpack('>H', d[i + 2:i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            h, w = struct.unpack('>HH', d[i + 5:i + 9]); return w, h
        i += 2 + length
    raise ValueError(path)

maps = []
for i, r in enumerate(rows):
    if r['label'] != 'good': continue
    a = np.fromfile(f'{run}/eval/maps/{i:03d}.bin', dtype='>f4')
    w, h = jpeg_size(r['image']); n = w * h
    maps.append(a[-n:].reshape(h, w))  # the combined map is the last of the 2·scales + 1 arrays

def inside(L, side, rng): return rng.integers(0, L - side + 1), side
def clipped(L, side, rng):
    if side >= L: return 0, L
    s = int(np.ceil(side * (L - 1) / (L - side))); o = rng.integers(0, L + s - 1) - (s - 1)
    return max(0, o), min(L, o + s) - max(0, o)

def wrapped(L, side, rng):  # index arrays: a window that wraps around the end
    if side >= L: return np.arange(L)
    return (rng.integers(0, L) + np.arange(side)) % L

def window(m, place, rng, f):
    h, w = m.shape; ww, wh = int(w * np.sqrt(f)), int(h * np.sqrt(f))
    if place is wrapped: return m[np.ix_(wrapped(h, wh, rng), wrapped(w, ww, rng))]
    x, sx = place(w, ww, rng); y, sy = place(h, wh, rng)
    return m[y:y + sy, x:x + sx]

whole = np.concatenate([m.ravel() for m in maps])
print(f'{len(maps)} defect-free test images, {whole.size} pixels')
print('| quantile | whole images | windows inside the image | windows clipped | windows wrapped (now) |')
print('| --- | --- | --- | --- | --- |')
rng = np.random.default_rng(0); f = 0.62; res = {}
kinds = (('inside', inside), ('clipped', clipped), ('wrapped', wrapped))
for name, place in kinds:
    res[name] = [np.concatenate([window(m, place, rng, f).ravel() for m in maps]) for _ in range(20)]
for q in (0.9, 0.99, 0.999):
    cells = [f'{np.mean([np.quantile(d, q) for d in res[k]]):.2f}' for k, _ in kinds]
    print(f'| {q} | {np.quantile(whole, q):.2f} | ' + ' | '.join(cells) + ' |')
print('pixels per draw (share of all): ' + ', '.join(f'{k} {np.mean([d.size for d in res[k]]) / whole.size:.3f} ± {np.std([d.size for d in res[k]]) / whole.size:.3f}' for k, _ in kinds))
# the image score (map maximum) of a window against that of its whole image
for name, place in kinds[1:]:
    diff = np.array([window(m, place, rng, f).max() - m.max() for _ in range(20) for m in maps])
    print(f'window maximum - image maximum ({name} windows): median {np.median(diff):.2f}, mean {diff.mean():.2f}, '
          f'{np.mean(diff < -1):.2f} of the windows more than 1 below')
t = np.quantile(whole, 0.99); border = inner = bn = inn = 0
for m in maps:
    b = np.zeros(m.shape, bool); b[:24] = b[-24:] = True; b[:, :24] = b[:, -24:] = True
    border += (m[b] > t).sum(); bn += b.sum(); inner += (m[~b] > t).sum(); inn += (~b).sum()
print(f'\nabove the whole-image 99 % quantile {t:.2f}: {border / bn:.3f} of the pixels within 24 px of the border, {inner / inn:.4f} of the others')
if threshold is not None:
    from scipy import ndimage
    print(f'\nat threshold {threshold}: regions of >= 10 px / share of pixels above, per defect-free image')
    for m in maps:
        labels, k = ndimage.label(m >= threshold, structure=np.ones((3, 3)))
        sizes = np.bincount(labels.ravel())[1:]
        print(f'  {m.shape[1]}x{m.shape[0]}: {int((sizes >= 10).sum())} regions, {np.mean(m >= threshold):.3f}')
    flagged = 0; defective = 0
    for i, r in enumerate(rows):
        if r['label'] == 'good': continue
        a = np.fromfile(f'{run}/eval/maps/{i:03d}.bin', dtype='>f4'); w, h = jpeg_size(r['image'])
        labels, k = ndimage.label(a[-w * h:].reshape(h, w) >= threshold, structure=np.ones((3, 3)))
        defective += 1; flagged += int((np.bincount(labels.ravel())[1:] >= 10).any())
    print(f'  defective images with a region: {flagged} of {defective}')
