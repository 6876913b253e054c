package io.github.stad.engine.training;

import io.github.stad.engine.image.FloatImage;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Which validation pixels calibrate the model (e/v statistics and the threshold table). Every
 * pixel's score costs a full pass of all networks, so a large validation set (dozens of
 * megapixel images) could take more time than the students get. Above a pixel limit the sample is
 * one window per image, all of about the same area on average, so the calibration still sees the
 * variety of the whole set rather than a few whole images. Every pixel of an image, border or
 * centre, is equally likely to fall in its window: a window kept inside the image would seldom see
 * the borders, where normal images score highest, and set the threshold too low (measured on
 * magnetic tile: the 99th percentile of normal scores 7.0 in such windows, 12.0 in whole images,
 * 11.5 in windows placed as here; bench/window_bias.py).
 * The window's scores are those of the whole image's map (ScaleModel reads the image around it).
 */
final class CalibrationSample {

	/** The part of one validation image whose map pixels are used. */
	record Window(FloatImage image, int left, int top, int width, int height) {
		long pixels() { return (long) width * height; }
	}

	/** Windows smaller than this many pixels per side would be mostly receptive-field margin. */
	static final int MIN_SIDE = 64;

	private CalibrationSample() {}

	/**
	 * Whole images while they hold at most maxPixels, else one window of about maxPixels / n pixels per
	 * image on average (or, when that is below {@link #MIN_SIDE}², windows of about MIN_SIDE² in evenly
	 * spread images).
	 */
	static List<Window> choose(List<FloatImage> validation, long maxPixels, long seed) {
		long total = validation.stream().mapToLong(i -> (long) i.width() * i.height()).sum();
		List<Window> windows = new ArrayList<>();
		if (total <= maxPixels) {
			for (FloatImage image : validation) windows.add(new Window(image, 0, 0, image.width(), image.height()));
			return windows;
		}
		long area = Math.max((long) MIN_SIDE * MIN_SIDE, maxPixels / validation.size());
		int count = (int) Math.max(1, Math.min(validation.size(), maxPixels / area));
		SplittableRandom random = new SplittableRandom(seed);
		for (int k = 0; k < count; k++) {
			FloatImage image = validation.get((int) ((long) k * validation.size() / count));
			int w = image.width(), h = image.height();
			int ww = (int) Math.min(w, Math.max(Math.ceil(Math.sqrt(area)), Math.ceil((double) area / h)));
			int wh = (int) Math.min(h, Math.ceil((double) area / ww));
			int[] x = place(w, ww, random), y = place(h, wh, random);
			windows.add(new Window(image, x[0], y[0], x[1], y[1]));
		}
		return windows;
	}

	/**
	 * Where a window of on average {@code side} pixels lies along an image side of {@code length}: {from, size}.
	 * It is enlarged to s and placed at an offset uniform over all s + length − 1 places that overlap the
	 * image, then clipped to it, so every position is covered with the same probability s / (s + length − 1)
	 * and the clipped size is {@code side} on average.
	 */
	static int[] place(int length, int side, SplittableRandom random) {
		if (side >= length) return new int[] { 0, length };
		int s = (int) Math.ceil((double) side * (length - 1) / (length - side));
		int offset = random.nextInt(length + s - 1) - (s - 1);
		int from = Math.max(0, offset), to = Math.min(length, offset + s);
		return new int[] { from, to - from };
	}

	static long pixels(List<Window> windows) {
		return windows.stream().mapToLong(Window::pixels).sum();
	}
}
