package io.github.stad.engine.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

/** The students' training crops visit every pixel equally often, the image borders included. */
class StudentSamplingTest {

	@Test
	void cropOriginsCoverTheWholeRangeAndNothingElse() {
		int n = 40, span = 13;
		SplittableRandom random = new SplittableRandom(3);
		int min = Integer.MAX_VALUE, max = Integer.MIN_VALUE;
		for (int k = 0; k < 20000; k++) {
			int o = StudentTrainer.cropOrigin(random, n, span);
			min = Math.min(min, o);
			max = Math.max(max, o);
		}
		assertEquals(-(span - 1), min);
		assertEquals(n - 1, max);
	}

	@Test
	void everyPixelIsAGridPointForTheSameNumberOfOrigins() {
		for (int stride : new int[] { 1, 4, 8 }) {
			int grid = 5, span = (grid - 1) * stride + 1, n = 23;
			int[] coverage = new int[n];
			float[] mask = new float[grid * grid];
			for (int o = -(span - 1); o <= n - 1; o++) {
				StudentTrainer.insideMask(o, 0, grid, stride, n, 1, mask, 0);
				for (int i = 0; i < grid; i++) {
					if (mask[i] == 1f) coverage[o + i * stride]++;
				}
			}
			for (int x = 0; x < n; x++) assertEquals(grid, coverage[x], "stride " + stride + ", pixel " + x);
		}
	}

	@Test
	void maskKeepsOnlyGridPointsInsideTheImage() {
		float[] mask = new float[2 + 9];
		int inside = StudentTrainer.insideMask(-4, 2, 3, 4, 6, 7, mask, 2);
		// columns −4, 0, 4 (0 and 4 inside a width of 6); rows 2, 6, 10 (2 and 6 inside a height of 7)
		float[] expected = { 0, 0, /* row 2 */ 0, 1, 1, /* row 6 */ 0, 1, 1, /* row 10 */ 0, 0, 0 };
		for (int k = 0; k < expected.length; k++) assertEquals(expected[k], mask[k], "entry " + k);
		assertEquals(4, inside);
	}
}
