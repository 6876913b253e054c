package io.github.stad.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The default threshold learnt from the validation maps, by either rule. */
class CalibrationTest {

	/** Two validation images at one scale, errors and variances drawn at random. */
	static List<List<ScaleModel.Maps>> maps() {
		SplittableRandom random = new SplittableRandom(3);
		List<ScaleModel.Maps> images = new java.util.ArrayList<>();
		for (int k = 0; k < 2; k++) {
			float[] e = new float[5000], v = new float[5000];
			for (int i = 0; i < e.length; i++) {
				e[i] = (float) (random.nextDouble() * random.nextDouble() * 10);
				v[i] = (float) random.nextDouble();
			}
			images.add(new ScaleModel.Maps(e, v));
		}
		return List.of(images);
	}

	static float[] allScores(Calibration c, List<List<ScaleModel.Maps>> maps) {
		float[] a = c.combine(List.of(maps.get(0).get(0))), b = c.combine(List.of(maps.get(0).get(1)));
		float[] all = new float[a.length + b.length];
		System.arraycopy(a, 0, all, 0, a.length);
		System.arraycopy(b, 0, all, a.length, b.length);
		return all;
	}

	@Test
	void rateZeroPutsTheThresholdAtTheHighestValidationScore() {
		List<List<ScaleModel.Maps>> maps = maps();
		Calibration c = Calibration.fit(maps, 0);
		float max = Float.NEGATIVE_INFINITY;
		for (float s : allScores(c, maps)) max = Math.max(max, s);
		assertEquals(max, c.threshold(), 1e-6, "no validation pixel lies above the default threshold");
		assertEquals(0, c.fprForThreshold(c.threshold()));
		assertEquals(c.threshold(), c.thresholdForFpr(0));
		assertTrue(c.describeThreshold().contains("highest"), c.describeThreshold());
		assertTrue(c.thresholdForFpr(0.01) < c.threshold(), "other rates still come from the table");
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
