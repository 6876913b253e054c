package io.github.stad.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The default threshold learnt from the validation maps, by either rule. */
class CalibrationTest {

	/** Validation images at one scale, errors and variances drawn at random; image k's errors scaled by 1 + k. */
	static List<List<ScaleModel.Maps>> maps(int count) {
		SplittableRandom random = new SplittableRandom(3);
		List<ScaleModel.Maps> images = new java.util.ArrayList<>();
		for (int k = 0; k < count; k++) {
			float[] e = new float[5000], v = new float[5000];
			for (int i = 0; i < e.length; i++) {
				e[i] = (float) (random.nextDouble() * random.nextDouble() * 10 * (1 + k));
				v[i] = (float) random.nextDouble();
			}
			images.add(new ScaleModel.Maps(e, v));
		}
		return List.of(images);
	}

	static List<List<ScaleModel.Maps>> maps() { return maps(2); }

	static float max(float[] a) {
		float m = Float.NEGATIVE_INFINITY;
		for (float v : a) m = Math.max(m, v);
		return m;
	}

	static float[] allScores(Calibration c, List<List<ScaleModel.Maps>> maps) {
		float[] all = new float[0];
		for (ScaleModel.Maps m : maps.get(0)) {
			float[] a = c.combine(List.of(m)), joined = java.util.Arrays.copyOf(all, all.length + a.length);
			System.arraycopy(a, 0, joined, all.length, a.length);
			all = joined;
		}
		return all;
	}

	@Test
	void rateZeroWithFewImagesPutsTheThresholdAtTheHighestValidationScore() {
		List<List<ScaleModel.Maps>> maps = maps(Calibration.IMAGES_TO_DISCOUNT_ONE - 1);
		Calibration c = Calibration.fit(maps, 0);
		assertEquals(max(allScores(c, maps)), c.threshold(), 1e-6, "no validation image gets a region");
		assertEquals(c.threshold(), c.thresholdForFpr(0));
		assertTrue(c.describeThreshold().contains("second-highest image score"), c.describeThreshold());
		assertTrue(c.thresholdForFpr(0.01) < c.threshold(), "other rates still come from the table");
	}

	@Test
	void rateZeroDiscountsTheHighestScoringOfManyValidationImages() {
		// One unusual normal image (here the last, with the largest errors) must not lift the threshold above every defect.
		List<List<ScaleModel.Maps>> maps = maps(5);
		Calibration c = Calibration.fit(maps, 0);
		float[] imageScores = new float[5];
		for (int k = 0; k < 5; k++) imageScores[k] = max(c.combine(List.of(maps.get(0).get(k))));
		java.util.Arrays.sort(imageScores);
		assertTrue(imageScores[4] > imageScores[3], java.util.Arrays.toString(imageScores));
		assertEquals(imageScores[3], c.threshold(), 1e-6, "the second-highest image score");
	}

	@Test
	void aRateLetsThatFractionOfValidationPixelsThrough() {
		List<List<ScaleModel.Maps>> maps = maps();
		Calibration c = Calibration.fit(maps, 0.01);
		int above = 0;
		float[] scores = allScores(c, maps);
		for (float s : scores) if (s > c.threshold()) above++;
		assertEquals(0.01, above / (double) scores.length, 0.001);
		assertEquals("exceeded by 1 % of the normal validation pixels", c.describeThreshold());
	}
}
