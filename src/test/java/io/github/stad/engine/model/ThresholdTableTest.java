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
	void theFalsePositiveRateOfAThresholdIsTheInverseLookup() {
		float[] scores = new float[100_000];
		for (int i = 0; i < scores.length; i++) scores[i] = i;
		ThresholdTable t = ThresholdTable.fromScores(scores);
		for (double f : new double[] { 0.001, 0.01, 0.037, 0.2, 0.5 }) {
			assertEquals(f, t.fprFor(t.thresholdFor(f)), f * 0.02, "round trip at " + f);
		}
		assertEquals(0.01, t.fprFor(99_000), 0.0005, "1 % of the uniform scores reach 99 000");
		assertTrue(t.fprFor(50_000) > t.fprFor(90_000), "a lower threshold lets more normal pixels through");
		assertEquals(1e-6, t.fprFor(1e9), 1e-12, "above the table: its lowest rate");
		assertEquals(1, t.fprFor(-5), 1e-12, "below every validation score: all of them");
		assertThrows(IllegalArgumentException.class, () -> t.fprFor(Double.NaN));
	}

	@Test
	void aPlateauOfEqualScoresGivesOneRateAboveAndAnotherBelow() {
		ThresholdTable t = new ThresholdTable(new double[] { 0.001, 0.01, 0.1, 1 }, new double[] { 5, 2, 2, 0 });
		assertEquals(0.01, t.fprFor(2.0000001), 1e-6, "just above the plateau: its low end");
		assertTrue(t.fprFor(1.999) > 0.1, "just below it: beyond its high end");
	}

	@Test
	void aDamagedTableIsRefused() {
		assertThrows(IllegalArgumentException.class, () -> new ThresholdTable(new double[] { 0.1, 0.01 }, new double[] { 1, 2 }));
		assertThrows(IllegalArgumentException.class, () -> new ThresholdTable(new double[] { 0.01, 0.1 }, new double[] { 1, 2 }));
	}
}
