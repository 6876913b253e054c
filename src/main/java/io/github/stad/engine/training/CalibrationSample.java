package io.github.stad.engine.training;

import io.github.stad.engine.image.FloatImage;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Which validation pixels calibrate the model (e/v statistics and the threshold table). Every
 * pixel's score costs a full pass of all networks, so a large validation set (dozens of
 * megapixel images) could take more time than the students get. Above a pixel limit the sample is
 * one window per image, all of the same area, at a random place in each image (borders included),
 * so the calibration still sees the variety of the whole set rather than a few whole images. The
 * window's scores are those of the whole image's map (ScaleModel reads the image around it).
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
	 * image (or, when that is below {@link #MIN_SIDE}², MIN_SIDE² windows in evenly spread images).
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
			int left = random.nextInt(w - ww + 1), top = random.nextInt(h - wh + 1);
			windows.add(new Window(image, left, top, ww, wh));
		}
		return windows;
	}

	static long pixels(List<Window> windows) {
		return windows.stream().mapToLong(Window::pixels).sum();
	}
}
