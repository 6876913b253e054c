package io.github.stad.engine.image;

/**
 * Image resizing for the processing scale: a downscaled copy to score (area averaging, so no
 * detail is aliased into the copy), and maps brought back to the input's size (bilinear, so a
 * region's outline follows the map smoothly rather than in blocks).
 */
public final class Resampling {

	private Resampling() {}

	/** The side of an image of {@code side} pixels at {@code scale}: rounded, at least 1. */
	public static int scaledSide(int side, double scale) {
		return Math.max(1, (int) Math.round(side * scale));
	}

	/** Every channel resized to {@code width}×{@code height} by averaging the source area each output pixel covers. */
	public static FloatImage areaResize(FloatImage image, int width, int height) {
		float[][] out = new float[image.channels()][];
		for (int c = 0; c < image.channels(); c++) out[c] = areaResize(image.channel(c), image.width(), image.height(), width, height);
		return new FloatImage(image.name(), width, height, out);
	}

	static float[] areaResize(float[] src, int w, int h, int outW, int outH) {
		float[] out = new float[outW * outH];
		double sx = (double) w / outW, sy = (double) h / outH;
		for (int y = 0; y < outH; y++) {
			double y0 = y * sy, y1 = (y + 1) * sy;
			for (int x = 0; x < outW; x++) {
				double x0 = x * sx, x1 = (x + 1) * sx, sum = 0, weight = 0;
				for (int yy = (int) Math.floor(y0); yy < Math.min(h, (int) Math.ceil(y1)); yy++) {
					double wy = Math.min(y1, yy + 1) - Math.max(y0, yy);
					for (int xx = (int) Math.floor(x0); xx < Math.min(w, (int) Math.ceil(x1)); xx++) {
						double wx = Math.min(x1, xx + 1) - Math.max(x0, xx);
						sum += wx * wy * src[yy * w + xx];
						weight += wx * wy;
					}
				}
				out[y * outW + x] = (float) (sum / weight);
			}
		}
		return out;
	}

	/**
	 * A map of w×h resized to outW×outH by bilinear interpolation between pixel centres (edges
	 * clamped), so both grids cover the same area.
	 */
	public static float[] bilinear(float[] src, int w, int h, int outW, int outH) {
		float[] out = new float[outW * outH];
		double sx = (double) w / outW, sy = (double) h / outH;
		for (int y = 0; y < outH; y++) {
			double fy = Math.max(0, Math.min(h - 1, (y + 0.5) * sy - 0.5));
			int y0 = (int) Math.floor(fy), y1 = Math.min(h - 1, y0 + 1);
			double ty = fy - y0;
			for (int x = 0; x < outW; x++) {
				double fx = Math.max(0, Math.min(w - 1, (x + 0.5) * sx - 0.5));
				int x0 = (int) Math.floor(fx), x1 = Math.min(w - 1, x0 + 1);
				double tx = fx - x0;
				double top = src[y0 * w + x0] * (1 - tx) + src[y0 * w + x1] * tx;
				double bottom = src[y1 * w + x0] * (1 - tx) + src[y1 * w + x1] * tx;
				out[y * outW + x] = (float) (top * (1 - ty) + bottom * ty);
			}
		}
		return out;
	}
}
