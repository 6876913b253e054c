package io.github.stad.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ThresholdTableTest {

	@Test
	void thresholdsAreTheUpperQuantilesOfTheValidationScores() {
		float[] scores = new float[100_000];
		for (int i = 0; i < scores.length; i++) scores[i] = i; // uniform: FPR f lies at (1 - f) * n
		ThresholdTable t = ThresholdTable.fromScores(scores);
		assertEquals(99_000, t.thresholdFor(0.01), 1);
		assertEquals(99_900, t.thresholdFor(0.001), 1);
		assertEquals(80_000, t.thresholdFor(0.2), 2000, "between table points the interpolation is in log(FPR)");
		assertTrue(t.thresholdFor(1e-9) >= t.thresholdFor(1e-6), "rates below the table take its end");
		assertEquals(0, scores[0], "the scores are not modified");
	}

	@Test
	void aDamagedTableIsRefused() {
		assertThrows(IllegalArgumentException.class, () -> new ThresholdTable(new double[] { 0.1, 0.01 }, new double[] { 1, 2 }));
		assertThrows(IllegalArgumentException.class, () -> new ThresholdTable(new double[] { 0.01, 0.1 }, new double[] { 1, 2 }));
	}
}
