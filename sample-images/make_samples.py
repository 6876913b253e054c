#!/usr/bin/env python3
"""Regenerate the demo image set in this folder from scikit-image's CC0 "gravel" texture.

Needs only Python 3 and numpy; PNG reading and writing are done here with zlib so the
result does not depend on an imaging library. No random numbers are used: every crop
position and defect shape is fixed below, so a rerun gives the same pixels.

    python3 sample-images/make_samples.py [--source PATH/gravel.png] [--out sample-images]
"""

import argparse
import hashlib
import pathlib
import shutil
import struct
import sys
import zlib

import numpy as np

# gravel.png as shipped in Debian bookworm's python3-skimage 0.19.3-8
SOURCE_SHA256 = "c48615b451bf1e606fbd72c0aa9f8cc0f068ab7111ef7d93bb9b0f2586440c12"
SOURCE_CANDIDATES = [
	"/usr/lib/python3/dist-packages/skimage/data/gravel.png",
]
TILE = 128

# Grid cell (row, column) of each 128x128 crop in the 512x512 source; the 16 cells do not
# overlap and the splits are interleaved so that no split sees only one part of the image.
NORMAL = [(0, 0), (0, 2), (1, 1), (1, 3), (2, 0), (2, 2), (3, 1)]
VALIDATION = [(0, 1), (2, 3), (3, 2)]
TEST_GOOD = [(1, 0), (3, 3)]
TEST_DEFECT = {"scratch": (0, 3), "bright_spot": (1, 2), "smudge": (2, 1), "foreign_patch": (3, 0)}


# ---------------------------------------------------------------- PNG input and output

def read_png_gray8(path):
	"""Decodes a non-interlaced 8-bit grayscale PNG (the only kind this script needs)."""
	data = pathlib.Path(path).read_bytes()
	if data[:8] != b"\x89PNG\r\n\x1a\n":
		raise SystemExit(f"{path} is not a PNG file")
	pos, idat, header = 8, [], None
	while pos < len(data):
		length, kind = struct.unpack(">I4s", data[pos:pos + 8])
		body = data[pos + 8:pos + 8 + length]
		pos += 12 + length
		if kind == b"IHDR":
			header = struct.unpack(">IIBBBBB", body)
		elif kind == b"IDAT":
			idat.append(body)
		elif kind == b"IEND":
			break
	width, height, depth, color, _, _, interlace = header
	if depth != 8 or color != 0 or interlace != 0:
		raise SystemExit(f"{path}: expected 8-bit grayscale non-interlaced PNG, got depth {depth}, colour type {color}, interlace {interlace}")
	raw = zlib.decompress(b"".join(idat))
	out = np.zeros((height, width), dtype=np.uint8)
	prev = bytearray(width)
	for y in range(height):
		start = y * (width + 1)
		ftype = raw[start]
		row = bytearray(raw[start + 1:start + 1 + width])
		if ftype == 1:
			for x in range(1, width):
				row[x] = (row[x] + row[x - 1]) & 255
		elif ftype == 2:
			for x in range(width):
				row[x] = (row[x] + prev[x]) & 255
		elif ftype == 3:
			for x in range(width):
				left = row[x - 1] if x else 0
				row[x] = (row[x] + ((left + prev[x]) >> 1)) & 255
		elif ftype == 4:
			for x in range(width):
				a = row[x - 1] if x else 0
				b = prev[x]
				c = prev[x - 1] if x else 0
				p = a + b - c
				pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
				pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
				row[x] = (row[x] + pred) & 255
		elif ftype != 0:
			raise SystemExit(f"{path}: bad PNG filter type {ftype} in row {y}")
		out[y] = np.frombuffer(bytes(row), dtype=np.uint8)
		prev = row
	return out


def write_png_gray8(path, pixels):
	pixels = np.ascontiguousarray(pixels, dtype=np.uint8)
	height, width = pixels.shape

	def chunk(kind, body):
		return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

	# filter type 0 on every row keeps the output simple and byte-for-byte repeatable
	raw = b"".join(b"\x00" + pixels[y].tobytes() for y in range(height))
	png = (b"\x89PNG\r\n\x1a\n"
		+ chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
		+ chunk(b"IDAT", zlib.compress(raw, 9))
		+ chunk(b"IEND", b""))
	path.parent.mkdir(parents=True, exist_ok=True)
	path.write_bytes(png)


# ---------------------------------------------------------------- synthetic defects

def coords():
	y, x = np.mgrid[0:TILE, 0:TILE]
	return x.astype(np.float64), y.astype(np.float64)


def box_blur(img, radius):
	"""Separable mean filter with edge padding (two passes of it approximate a Gaussian)."""
	k = 2 * radius + 1
	p = np.pad(img, radius, mode="edge")
	c = np.cumsum(np.pad(p, ((0, 0), (1, 0))), axis=1)
	p = (c[:, k:] - c[:, :-k]) / k
	c = np.cumsum(np.pad(p, ((1, 0), (0, 0))), axis=0)
	return (c[k:, :] - c[:-k, :]) / k


def scratch(img):
	# a thin, slightly curved dark line: like a tool mark across the surface
	x, y = coords()
	t = np.linspace(0.0, 1.0, 400)
	px = 16 + 96 * t
	py = 22 + 70 * t + 14 * np.sin(np.pi * t)
	d = np.full(img.shape, 1e9)
	for cx, cy in zip(px, py):
		d = np.minimum(d, np.hypot(x - cx, y - cy))
	w = np.clip(1.6 - d, 0.0, 1.0)  # 1 in a ~2.2 px core, anti-aliased edge
	out = img * (1.0 - 0.75 * w)
	return out, w >= 0.5


def bright_spot(img):
	# a small flat bright blob (a reflection or a drop of paint): no texture inside
	x, y = coords()
	d = np.hypot(x - 82, y - 46)
	w = np.clip((8.0 - d) / 2.0, 0.0, 1.0)
	out = img * (1.0 - w) + 238.0 * w
	return out, w >= 0.5


def smudge(img):
	# an elliptical region where the texture is washed out and lifted, like a greasy smear
	x, y = coords()
	r = np.hypot((x - 60) / 22.0, (y - 72) / 14.0)
	w = np.clip((1.0 - r) / 0.25, 0.0, 1.0)
	blurred = box_blur(box_blur(img, 4), 4)
	out = img * (1.0 - w) + (blurred + 18.0) * w
	return out, w >= 0.5


def foreign_patch(img):
	# a square of regular diagonal stripes with the texture's own mean and contrast:
	# the grey level alone does not give it away, only the structure does
	x, y = coords()
	x0, y0, size = 74, 28, 26
	inside = (x >= x0) & (x < x0 + size) & (y >= y0) & (y < y0 + size)
	stripes = np.sin(2 * np.pi * (x + y) / 7.0)
	pattern = img.mean() + 1.2 * img.std() * stripes
	out = np.where(inside, pattern, img)
	return out, inside


DEFECTS = {"scratch": scratch, "bright_spot": bright_spot, "smudge": smudge, "foreign_patch": foreign_patch}


# ---------------------------------------------------------------- main

def find_source(given):
	if given:
		return pathlib.Path(given)
	for candidate in SOURCE_CANDIDATES:
		if pathlib.Path(candidate).is_file():
			return pathlib.Path(candidate)
	raise SystemExit("gravel.png not found; install Debian's python3-skimage (apt-get install python3-skimage) "
		"or pass --source PATH/TO/skimage/data/gravel.png")


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--source", help="path to scikit-image's data/gravel.png")
	parser.add_argument("--out", default=str(pathlib.Path(__file__).resolve().parent), help="output folder (default: this script's folder)")
	args = parser.parse_args()

	source = find_source(args.source)
	digest = hashlib.sha256(source.read_bytes()).hexdigest()
	if digest != SOURCE_SHA256:
		print(f"warning: {source} has SHA-256 {digest}, expected {SOURCE_SHA256}; the crops will differ from the committed set", file=sys.stderr)
	gravel = read_png_gray8(source).astype(np.float64)
	if gravel.shape != (4 * TILE, 4 * TILE):
		raise SystemExit(f"{source}: expected 512x512, got {gravel.shape[1]}x{gravel.shape[0]}")

	out = pathlib.Path(args.out)
	# only the generated folders are replaced; README and this script stay
	for sub in ("normal", "validation", "test", "ground_truth"):
		shutil.rmtree(out / sub, ignore_errors=True)

	def crop(cell):
		r, c = cell
		return gravel[r * TILE:(r + 1) * TILE, c * TILE:(c + 1) * TILE].copy()

	def save(rel, pixels):
		write_png_gray8(out / rel, np.clip(np.rint(pixels), 0, 255).astype(np.uint8))

	for i, cell in enumerate(NORMAL):
		save(f"normal/{i:03d}.png", crop(cell))
	for i, cell in enumerate(VALIDATION):
		save(f"validation/{i:03d}.png", crop(cell))
	for i, cell in enumerate(TEST_GOOD):
		save(f"test/good/{i:03d}.png", crop(cell))
	for name, cell in TEST_DEFECT.items():
		pixels, mask = DEFECTS[name](crop(cell))
		save(f"test/defect/{name}.png", pixels)
		save(f"ground_truth/defect/{name}_mask.png", np.where(mask, 255, 0))
		print(f"{name}: {int(mask.sum())} defect pixels ({100.0 * mask.mean():.1f} %)")
	print(f"wrote {len(NORMAL)} normal, {len(VALIDATION)} validation, {len(TEST_GOOD)} good and {len(TEST_DEFECT)} defective crops to {out}")


if __name__ == "__main__":
	main()
