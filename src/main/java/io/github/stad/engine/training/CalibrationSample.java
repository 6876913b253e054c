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
 * 11.5 in windows placed uniformly; bench/window_bias.py). A window is placed at a uniform offset and
 * wraps around the image's edges (so it may be 1, 2 or 4 rectangles): every pixel is covered with the
 * same probability and the sample holds exactly the pixels the limit allows. (Clipping an enlarged
 * window at the edges instead made the sample's size a lottery: on the quality harness's five
 * validation images 1.8 times the limit, which took minutes from the students.)
 * The window's scores are those of the whole image's map (ScaleModel reads the image around it).
 */
final class CalibrationSample {

	/** A rectangle of an image. */
	record Rect(int left, int top, int width, int height) {
		long pixels() { return (long) width * height; }
	}

	/** The part of one validation image whose map pixels are used: one rectangle, or the 2 or 4 pieces of a window that wraps around. */
	record Window(FloatImage image, List<Rect> parts) {
		Window {
			parts = List.copyOf(parts);
		}

		long pixels() { return parts.stream().mapToLong(Rect::pixels).sum(); }
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
			for (FloatImage image : validation) windows.add(new Window(image, List.of(new Rect(0, 0, image.width(), image.height()))));
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
			int[][] xs = place(w, ww, random), ys = place(h, wh, random);
			List<Rect> parts = new ArrayList<>();
			for (int[] y : ys) for (int[] x : xs) parts.add(new Rect(x[0], y[0], x[1], y[1]));
			windows.add(new Window(image, parts));
		}
		return windows;
	}

	/**
	 * Where a window of {@code side} pixels lies along an image side of {@code length}: its segments {from, size}.
	 * It starts at an offset uniform over the side and wraps around its end (a second segment from 0), so every
	 * position is covered with probability side / length and the segments always hold {@code side} pixels.
	 */
	static int[][] place(int length, int side, SplittableRandom random) {
		if (side >= length) return new int[][] { { 0, length } };
		int offset = random.nextInt(length);
		int first = Math.min(side, length - offset);
		return first == side ? new int[][] { { offset, side } } : new int[][] { { offset, first }, { 0, side - first } };
	}

	static long pixels(List<Window> windows) {
		return windows.stream().mapToLong(Window::pixels).sum();
	}
}
