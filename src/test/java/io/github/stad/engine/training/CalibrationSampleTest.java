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
			assertEquals(new CalibrationSample.Window(few.get(i), 0, 0, 100, 80), windows.get(i));
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
			assertTrue(w.width() >= 1 && w.height() >= 1 && w.width() <= 1024 && w.height() <= 768, w.toString());
			assertTrue(w.left() >= 0 && w.left() + w.width() <= 1024 && w.top() >= 0 && w.top() + w.height() <= 768, w.toString());
			lefts.add(w.left());
		}
		assertTrue(lefts.size() > 5, "the windows lie at different places: " + lefts);
		assertEquals(windows, CalibrationSample.choose(many, limit, 7), "the same seed gives the same windows");
		assertNotEquals(windows, CalibrationSample.choose(many, limit, 8));
		double mean = 0;
		int runs = 400;
		for (int seed = 0; seed < runs; seed++) mean += CalibrationSample.pixels(CalibrationSample.choose(many, limit, seed)) / (double) runs;
		assertEquals(limit, mean, 0.05 * limit, "the limit on average");
	}

	@Test
	void everyPixelBorderOrCentreIsAsLikelyToBeSampled() {
		// A window kept inside the image covers its corners only when it lies in the corner: the
		// calibration would miss the borders, where normal images score highest.
		List<FloatImage> one = images(1, 400, 300);
		int runs = 20000;
		int[][] covered = new int[300][400];
		for (int seed = 0; seed < runs; seed++) {
			CalibrationSample.Window w = CalibrationSample.choose(one, 400 * 300 / 4, seed).get(0);
			for (int y = w.top(); y < w.top() + w.height(); y++) {
				for (int x = w.left(); x < w.left() + w.width(); x++) covered[y][x]++;
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
	void windowSidesAreUniformlyPlacedAndClippedToTheImage() {
		java.util.SplittableRandom random = new java.util.SplittableRandom(5);
		double mean = 0;
		for (int i = 0; i < 20000; i++) {
			int[] span = CalibrationSample.place(100, 30, random);
			assertTrue(span[0] >= 0 && span[1] >= 1 && span[0] + span[1] <= 100, java.util.Arrays.toString(span));
			mean += span[1] / 20000.0;
		}
		assertEquals(30, mean, 0.5, "30 pixels on average");
		assertArrayEquals(new int[] { 0, 100 }, CalibrationSample.place(100, 100, random), "a window as long as the side is the side");
	}

	@Test
	void narrowImagesGiveWindowsOfTheFullWidth() {
		List<FloatImage> strips = images(5, 50, 2000);
		for (CalibrationSample.Window w : CalibrationSample.choose(strips, 5L * 50 * 300, 3)) {
			assertEquals(50, w.width());
			assertEquals(0, w.left());
			assertTrue(w.height() >= 1 && w.top() + w.height() <= 2000, w.toString());
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
			assertTrue(windows.get(k).width() <= 2 * CalibrationSample.MIN_SIDE, windows.get(k).toString());
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
