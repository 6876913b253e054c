package io.github.stad.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.stad.engine.model.ThresholdTable;
import io.github.stad.jobs.ThresholdChoice;
import org.junit.jupiter.api.Test;

import java.util.List;

/** The logic behind the live threshold of Segment Anomalies…, on a map with known regions. */
class ThresholdPreviewTest {

	static final int W = 40, H = 30;

	/** Two blobs: 5×5 at score 8 and 3×3 at score 4, on a background of 0. */
	static float[] map() {
		float[] m = new float[W * H];
		for (int y = 2; y < 7; y++) for (int x = 2; x < 7; x++) m[y * W + x] = 8;
		for (int y = 20; y < 23; y++) for (int x = 30; x < 33; x++) m[y * W + x] = 4;
		return m;
	}

	/** A model whose validation scores are uniform on [0, 10): a threshold t lets (10 - t)/10 through. */
	static ThresholdPreview preview(int minArea) {
		float[] validation = new float[100_000];
		for (int i = 0; i < validation.length; i++) validation[i] = i / 10_000f;
		ThresholdTable table = ThresholdTable.fromScores(validation);
		return new ThresholdPreview(List.of(map()), W, H, minArea, table::thresholdFor, table::fprFor);
	}

	@Test
	void theRegionCountFollowsTheThreshold() {
		ThresholdPreview p = preview(1);
		assertEquals(2, p.atThreshold(3).regionCount());
		assertEquals(1, p.atThreshold(5).regionCount(), "only the brighter blob reaches 5");
		assertEquals(0, p.atThreshold(9).regionCount());
		assertEquals(25, p.atThreshold(5).regions().get(0).get(0).area());
		assertEquals(1, preview(10).atThreshold(3).regionCount(), "the minimum region size applies as in the command");
	}

	@Test
	void movingTheThresholdShowsItsValidationFalsePositiveRate() {
		ThresholdPreview.State s = preview(1).atThreshold(9);
		assertEquals(ThresholdChoice.VALUE, s.mode(), "a moved threshold is recorded as threshold_mode=value");
		assertEquals(0.1, s.fpr(), 0.005);
		assertTrue(s.describe().startsWith("0 region(s) at threshold 9.000; validation false-positive rate 10"), s.describe());
	}

	@Test
	void typingARateUsesTheModelsThresholdForIt() {
		ThresholdPreview.State s = preview(1).atFpr(0.5);
		assertEquals(ThresholdChoice.FPR, s.mode(), "a typed rate is recorded as threshold_mode=fpr");
		assertEquals(5, s.threshold(), 0.05);
		assertEquals(0.5, s.fpr(), "the rate shown is the one typed");
		assertEquals(1, s.regionCount());
		assertThrows(IllegalArgumentException.class, () -> preview(1).atFpr(0));
		assertThrows(IllegalArgumentException.class, () -> preview(1).atThreshold(Double.NaN));
	}

	@Test
	void anOldModelWithoutATableShowsThatTheRateIsUnknown() {
		ThresholdPreview p = new ThresholdPreview(List.of(map()), W, H, 1, f -> { throw new IllegalArgumentException("only 1 %"); }, t -> Double.NaN);
		assertTrue(p.atThreshold(3).describe().contains("not recorded"), p.atThreshold(3).describe());
		assertThrows(IllegalArgumentException.class, () -> p.atFpr(0.1));
	}

	@Test
	void theSliderRangeHoldsTheMapAndTheStartingThreshold() {
		double[] r = preview(1).range(12);
		assertEquals(0, r[0]);
		assertEquals(12, r[1]);
	}
}
