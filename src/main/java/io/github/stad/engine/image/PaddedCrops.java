package io.github.stad.engine.image;

/**
 * Cuts windows out of an image as if it had been reflection-padded (mirror without repeating
 * the edge pixel), so the dense network can run on any tile without padding the whole image.
 */
public final class PaddedCrops {

	private PaddedCrops() {}

	/** Mirrors an index into [0, n): −1 → 1, n → n − 2. Needs n ≥ 2 and |overshoot| < n. */
	public static int reflect(int i, int n) {
		if (n == 1) return 0;
		while (i < 0 || i >= n) i = i < 0 ? -i : 2 * n - 2 - i;
		return i;
	}

	/**
	 * Writes the window whose top-left corner is (x0, y0) in image coordinates (may be negative or
	 * reach past the image: reflected) and whose size is w×h into {@code out} at {@code offset},
	 * channel by channel ([C, h, w]).
	 */
	public static void window(FloatImage image, int x0, int y0, int w, int h, float[] out, int offset) {
		int iw = image.width(), ih = image.height();
		int[] cols = new int[w];
		for (int x = 0; x < w; x++) cols[x] = reflect(x0 + x, iw);
		int o = offset;
		for (int c = 0; c < image.channels(); c++) {
			float[] src = image.channel(c);
			for (int y = 0; y < h; y++) {
				int row = reflect(y0 + y, ih) * iw;
				for (int x = 0; x < w; x++) out[o++] = src[row + cols[x]];
			}
		}
	}
}
