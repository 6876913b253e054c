package io.github.stad.engine.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.stad.engine.image.FloatImage;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Which validation pixels calibrate a model, and how many a time budget affords. */
class CalibrationSampleTest {

	static List<FloatImage> images(int n, int w, int h) {
		List<FloatImage> list = new ArrayList<>();
		for (int i = 0; i < n; i++) list.add(FloatImage.of("v" + i, w, h, new float[w * h]));
		return list;
	}

	@Test
	void upToTheLimitEveryWholeImageCounts() {
		List<FloatImage> few = images(4, 100, 80);
		List<CalibrationSample.Window> windows = CalibrationSample.choose(few, 4 * 100 * 80, 1);
		assertEquals(4, windows.size());
		for (int i = 0; i < 4; i++) {
			assertEquals(new CalibrationSample.Window(few.get(i), List.of(new CalibrationSample.Rect(0, 0, 100, 80))), windows.get(i));
		}
	}

	@Test
	void aboveTheLimitEveryImageGivesOneWindowOfAboutTheSameSizeAtARandomPlace() {
		List<FloatImage> many = images(10, 1024, 768);
		long limit = 10L * 200 * 200;
		List<CalibrationSample.Window> windows = CalibrationSample.choose(many, limit, 7);
		assertEquals(10, windows.size(), "one window per image: the calibration sees the whole set");
		Set<Integer> lefts = new HashSet<>();
		for (int i = 0; i < 10; i++) {
			CalibrationSample.Window w = windows.get(i);
			assertEquals(many.get(i), w.image());
			assertTrue(w.parts().size() == 1 || w.parts().size() == 2 || w.parts().size() == 4, w.toString());
			for (CalibrationSample.Rect r : w.parts()) {
				assertTrue(r.width() >= 1 && r.height() >= 1 && r.left() >= 0 && r.left() + r.width() <= 1024 && r.top() >= 0 && r.top() + r.height() <= 768, w.toString());
			}
			assertEquals(200 * 200, w.pixels(), 200 * 2, "each window about the same size: " + w);
			lefts.add(w.parts().get(0).left());
		}
		assertTrue(lefts.size() > 5, "the windows lie at different places: " + lefts);
		assertEquals(windows, CalibrationSample.choose(many, limit, 7), "the same seed gives the same windows");
		assertNotEquals(windows, CalibrationSample.choose(many, limit, 8));
		for (int seed = 0; seed < 50; seed++) {
			long pixels = CalibrationSample.pixels(CalibrationSample.choose(many, limit, seed));
			assertTrue(pixels <= limit && pixels > 0.98 * limit, "the limit, whatever the draw (seed " + seed + "): " + pixels);
		}
	}

	@Test
	void imagesOfMixedSizesStillTakeNoMoreThanTheLimit() {
		// The quality harness's five validation images; clipped windows took 1.8 times the limit with its seed.
		int[][] sizes = { { 240, 289 }, { 254, 354 }, { 536, 305 }, { 490, 374 }, { 596, 253 } };
		List<FloatImage> mixed = new ArrayList<>();
		for (int[] s : sizes) mixed.add(FloatImage.of("m" + s[0], s[0], s[1], new float[s[0] * s[1]]));
		long limit = 342_000;
		for (int seed = 0; seed < 200; seed++) {
			long pixels = CalibrationSample.pixels(CalibrationSample.choose(mixed, limit, seed));
			assertTrue(pixels <= 1.01 * limit && pixels > 0.97 * limit, "seed " + seed + ": " + pixels + " pixels for a limit of " + limit);
		}
	}

	@Test
	void everyPixelBorderOrCentreIsAsLikelyToBeSampled() {
		// A window kept inside the image covers its corners only when it lies in the corner: the
		// calibration would miss the borders, where normal images score highest.
		List<FloatImage> one = images(1, 400, 300);
		int runs = 20000;
		int[][] covered = new int[300][400];
		for (int seed = 0; seed < runs; seed++) {
			for (CalibrationSample.Rect r : CalibrationSample.choose(one, 400 * 300 / 4, seed).get(0).parts()) {
				for (int y = r.top(); y < r.top() + r.height(); y++) {
					for (int x = r.left(); x < r.left() + r.width(); x++) covered[y][x]++;
				}
			}
		}
		double centre = covered[150][200] / (double) runs;
		assertEquals(0.25, centre, 0.03, "a quarter of the pixels on average");
		for (int[] corner : new int[][] { { 0, 0 }, { 0, 399 }, { 299, 0 }, { 299, 399 }, { 0, 200 }, { 150, 0 } }) {
			double rate = covered[corner[0]][corner[1]] / (double) runs;
			assertEquals(centre, rate, 0.03, "pixel " + corner[1] + "," + corner[0] + " as likely as the centre");
		}
	}

	@Test
	void windowSidesStartUniformlyAndWrapAroundTheEnd() {
		java.util.SplittableRandom random = new java.util.SplittableRandom(5);
		int[] covered = new int[100];
		int wrapped = 0, runs = 20000;
		for (int i = 0; i < runs; i++) {
			int[][] spans = CalibrationSample.place(100, 30, random);
			int total = 0;
			for (int[] span : spans) {
				assertTrue(span[0] >= 0 && span[1] >= 1 && span[0] + span[1] <= 100, java.util.Arrays.deepToString(spans));
				total += span[1];
				for (int x = span[0]; x < span[0] + span[1]; x++) covered[x]++;
			}
			assertEquals(30, total, "always 30 pixels");
			if (spans.length == 2) {
				wrapped++;
				assertEquals(0, spans[1][0], "the second piece starts at the beginning");
				assertEquals(100, spans[0][0] + spans[0][1], "the first runs to the end");
			}
		}
		for (int x : new int[] { 0, 1, 50, 98, 99 }) assertEquals(0.3, covered[x] / (double) runs, 0.02, "pixel " + x);
		assertEquals(29 / 100.0, wrapped / (double) runs, 0.02, "29 of the 100 starts wrap");
		assertArrayEquals(new int[][] { { 0, 100 } }, CalibrationSample.place(100, 100, random), "a window as long as the side is the side");
	}

	@Test
	void narrowImagesGiveWindowsOfTheFullWidth() {
		List<FloatImage> strips = images(5, 50, 2000);
		for (CalibrationSample.Window w : CalibrationSample.choose(strips, 5L * 50 * 300, 3)) {
			for (CalibrationSample.Rect r : w.parts()) {
				assertEquals(50, r.width());
				assertEquals(0, r.left());
				assertTrue(r.height() >= 1 && r.top() + r.height() <= 2000, w.toString());
			}
			assertEquals(50 * 300, w.pixels());
		}
	}

	@Test
	void veryManyImagesGiveMinimumSizeWindowsInEvenlySpreadImages() {
		List<FloatImage> many = images(100, 512, 512);
		long limit = 10L * CalibrationSample.MIN_SIDE * CalibrationSample.MIN_SIDE;
		List<CalibrationSample.Window> windows = CalibrationSample.choose(many, limit, 1);
		assertEquals(10, windows.size());
		for (int k = 0; k < 10; k++) {
			assertEquals("v" + (10 * k), windows.get(k).image().name());
			assertEquals((long) CalibrationSample.MIN_SIDE * CalibrationSample.MIN_SIDE, windows.get(k).pixels(), windows.get(k).toString());
		}
	}

	@Test
	void theTimeBudgetAffordsItsShareWithinBounds() {
		// 1 ms per pixel, 20 min: 15 % = 180 s = 180 000 pixels, below the minimum.
		assertEquals(ModelTrainer.MIN_VALIDATION_PIXELS, ModelTrainer.validationPixelLimit(1200, 1e-3));
		assertEquals((long) (0.15 * 1200 / 1e-4), ModelTrainer.validationPixelLimit(1200, 1e-4));
		assertEquals(ModelTrainer.MAX_VALIDATION_PIXELS, ModelTrainer.validationPixelLimit(1200, 1e-9));
		assertEquals(ModelTrainer.MAX_VALIDATION_PIXELS, ModelTrainer.validationPixelLimit(1200, 0), "no estimate: the fixed limit");
	}
}
