"""README picture (docs/images/readme-result.png) from a finished `bin/stad demo`:
per test image a row: the image, its anomaly map (inferno-like colours, 1st-99.9th percentile of that map)
and the overlay. IMAGE_STEMS is one defect name or several separated by commas (one row each).
Usage: python3 bench/readme_picture.py [DEMO_OUT] [IMAGE_STEMS] [OUT_PNG]  (needs Pillow)"""
import sys
from PIL import Image

demo = sys.argv[1] if len(sys.argv) > 1 else "demo-output"
stem = sys.argv[2] if len(sys.argv) > 2 else "bright_spot"
out = sys.argv[3] if len(sys.argv) > 3 else "docs/images/readme-result.png"
ANCHORS = [(0.0, (0, 0, 4)), (0.25, (87, 16, 110)), (0.5, (188, 55, 84)), (0.75, (249, 142, 9)), (1.0, (252, 255, 164))]


def colour(t):
    for (t0, c0), (t1, c1) in zip(ANCHORS, ANCHORS[1:]):
        if t <= t1:
            f = (t - t0) / (t1 - t0)
            return tuple(round(a + f * (b - a)) for a, b in zip(c0, c1))
    return ANCHORS[-1][1]


def row(stem):
    image = Image.open(f"sample-images/test/defect/{stem}.png").convert("RGB")
    scores = Image.open(f"{demo}/maps/defect/{stem}.tif")
    values = sorted(scores.getdata())
    lo, hi = values[int(0.01 * (len(values) - 1))], values[int(0.999 * (len(values) - 1))]
    lut = [colour(i / 255) for i in range(256)]
    heat = Image.new("RGB", scores.size)
    heat.putdata([lut[max(0, min(255, int(255 * (v - lo) / (hi - lo + 1e-12))))] for v in scores.getdata()])
    overlay = Image.open(f"{demo}/maps/defect/{stem}_overlay.png").convert("RGB")
    return [image, heat, overlay]


stems = stem.split(",")
side, gap = 256, 16
canvas = Image.new("RGB", (3 * side + 2 * gap, len(stems) * side + (len(stems) - 1) * gap), "white")
for r, name in enumerate(stems):
    for i, im in enumerate(row(name)):
        canvas.paste(im.resize((side, side), Image.NEAREST), (i * (side + gap), r * (side + gap)))
canvas.save(out)
print("wrote", out)
