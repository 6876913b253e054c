#!/usr/bin/env python3
"""Colour benchmark sets: 128x128 crops of photographed colour textures with planted defects.

Usage: python3 bench/colour_set.py PHOTOS_DIR OUT_DIR
  PHOTOS_DIR: the held-out RGB folder of bench/prepare_photos.sh (e.g. /work/photos/rgb-heldout; the shipped
  teachers never saw these images). Needs numpy and Pillow (Debian: python3-numpy python3-pil).

Per texture (TEXTURES below) OUT_DIR/<texture>/ in the MVTec layout: train/ (up to 20 crops), validation/ (4),
test/good (4) and three defect types of 4 crops each, with masks in ground_truth/<type>/<name>_mask.png:
  hue     a soft-edged ellipse whose chroma is turned by 120-180 degrees; (R+G+B)/3 kept (up to clipping at 0 and 255)
  stain   a soft-edged ellipse with a colour cast of 25-40 grey levels in a random direction; (R+G+B)/3 kept likewise
  scratch a dark line (intensity x 0.5), 2-3 px wide: a defect the gray path sees
hue and stain are invisible to a teacher that sees only (R+G+B)/3. Deterministic (seed per texture).
"""
import os
import sys

import numpy as np
from PIL import Image

TEXTURES = [
    "0ad-data__terrain-tropic_cliff_b",
    "0ad-data__terrain-medit_rocks_shrubs",
    "0ad-data__terrain-desert_plants_a",
    "0ad-data__terrain-medit_grass_wild",
]
CROP = 128
A = np.array([1, -1, 0]) / np.sqrt(2)
B = np.array([1, 1, -2]) / np.sqrt(6)


def ellipse_weight(rng):
    cy, cx = rng.uniform(30, CROP - 30, 2)
    ry, rx = rng.uniform(10, 22, 2)
    t = rng.uniform(0, np.pi)
    y, x = np.mgrid[0:CROP, 0:CROP].astype(np.float64)
    u = ((x - cx) * np.cos(t) + (y - cy) * np.sin(t)) / rx
    v = (-(x - cx) * np.sin(t) + (y - cy) * np.cos(t)) / ry
    r = np.sqrt(u * u + v * v)
    # 1 inside, 0 outside, a smooth edge over about 3 px
    edge = 3.0 / min(rx, ry)
    return np.clip((1 + edge / 2 - r) / edge, 0, 1)


def recolour(img, weight, turn=None, cast=None):
    f = img.astype(np.float64)
    mean = f.mean(axis=2, keepdims=True)
    u, v = f @ A, f @ B
    if turn is not None:
        u, v = np.cos(turn) * u - np.sin(turn) * v, np.sin(turn) * u + np.cos(turn) * v
    if cast is not None:
        u, v = u + cast[0], v + cast[1]
    changed = mean + u[..., None] * A + v[..., None] * B
    w = weight[..., None]
    return np.clip(np.rint(w * changed + (1 - w) * f), 0, 255).astype(np.uint8)


def scratch(img, rng):
    y, x = np.mgrid[0:CROP, 0:CROP].astype(np.float64)
    cy, cx = rng.uniform(30, CROP - 30, 2)
    t = rng.uniform(0, np.pi)
    half = rng.uniform(15, 30)
    width = rng.uniform(1.0, 1.5)
    along = (x - cx) * np.cos(t) + (y - cy) * np.sin(t)
    across = -(x - cx) * np.sin(t) + (y - cy) * np.cos(t)
    line = (np.abs(across) <= width) & (np.abs(along) <= half)
    out = img.astype(np.float64)
    out[line] *= 0.5
    return np.clip(np.rint(out), 0, 255).astype(np.uint8), line


def save(arr, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    Image.fromarray(arr).save(path)


def main():
    src, out = sys.argv[1], sys.argv[2]
    for k, name in enumerate(TEXTURES):
        rng = np.random.default_rng(1000 + k)
        img = np.asarray(Image.open(os.path.join(src, name + ".png")).convert("RGB"))
        h, w, _ = img.shape
        crops = [img[y:y + CROP, x:x + CROP] for y in range(0, h - CROP + 1, CROP) for x in range(0, w - CROP + 1, CROP)]
        order = rng.permutation(len(crops))
        test, val, train = order[:16], order[16:20], order[20:40]
        d = os.path.join(out, name)
        for i, c in enumerate(train):
            save(crops[c], os.path.join(d, "train", "%03d.png" % i))
        for i, c in enumerate(val):
            save(crops[c], os.path.join(d, "validation", "%03d.png" % i))
        for i, c in enumerate(test):
            kind = ["good", "hue", "stain", "scratch"][i // 4]
            crop, stem = crops[c], "%s_%d" % (kind, i % 4)
            if kind == "good":
                save(crop, os.path.join(d, "test", "good", stem + ".png"))
                continue
            if kind == "scratch":
                defect, mask = scratch(crop, rng)
            else:
                weight = ellipse_weight(rng)
                if kind == "hue":
                    defect = recolour(crop, weight, turn=rng.uniform(2 * np.pi / 3, np.pi) * rng.choice([-1, 1]))
                else:
                    a = rng.uniform(-np.pi, np.pi)
                    defect = recolour(crop, weight, cast=rng.uniform(25, 40) * np.array([np.cos(a), np.sin(a)]))
                mask = weight >= 0.5
            save(defect, os.path.join(d, "test", kind, stem + ".png"))
            save((mask * 255).astype(np.uint8), os.path.join(d, "ground_truth", kind, stem + "_mask.png"))
        print("%s: %d crops, train %d, validation %d, test 16" % (name, len(crops), len(train), len(val)))


if __name__ == "__main__":
    main()
