package io.github.stad.engine.training;

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
	void aboveTheLimitEveryImageGivesOneWindowOfTheSameSizeAtARandomPlace() {
		List<FloatImage> many = images(10, 1024, 768);
		long limit = 10L * 200 * 200;
		List<CalibrationSample.Window> windows = CalibrationSample.choose(many, limit, 7);
		assertEquals(10, windows.size(), "one window per image: the calibration sees the whole set");
		Set<Integer> lefts = new HashSet<>();
		for (int i = 0; i < 10; i++) {
			CalibrationSample.Window w = windows.get(i);
			assertEquals(many.get(i), w.image());
			assertEquals(200, w.width());
			assertEquals(200, w.height());
			assertTrue(w.left() >= 0 && w.left() + w.width() <= 1024 && w.top() >= 0 && w.top() + w.height() <= 768, w.toString());
			lefts.add(w.left());
		}
		assertTrue(lefts.size() > 5, "the windows lie at different places: " + lefts);
		long pixels = CalibrationSample.pixels(windows);
		assertTrue(pixels >= limit && pixels < limit * 1.05, "about the limit: " + pixels);
		assertEquals(windows, CalibrationSample.choose(many, limit, 7), "the same seed gives the same windows");
		assertNotEquals(windows, CalibrationSample.choose(many, limit, 8));
	}

	@Test
	void narrowImagesGiveWindowsOfTheFullWidth() {
		List<FloatImage> strips = images(5, 50, 2000);
		for (CalibrationSample.Window w : CalibrationSample.choose(strips, 5L * 50 * 300, 3)) {
			assertEquals(50, w.width());
			assertEquals(300, w.height());
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
			assertEquals(CalibrationSample.MIN_SIDE, windows.get(k).width());
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
