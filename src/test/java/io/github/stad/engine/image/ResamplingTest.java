package io.github.stad.engine.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ResamplingTest {

	@Test
	void areaResizeAveragesTheCoveredPixels() {
		float[] src = { 1, 3, 5, 7, //
				1, 3, 5, 7, //
				2, 2, 8, 8, //
				2, 2, 8, 8 };
		assertArrayEquals(new float[] { 2, 6, 2, 8 }, Resampling.areaResize(src, 4, 4, 2, 2), 1e-6f);
		// 3 → 2: each output covers 1.5 source pixels
		assertArrayEquals(new float[] { (0 + 0.5f * 3) / 1.5f, (0.5f * 3 + 6) / 1.5f }, Resampling.areaResize(new float[] { 0, 3, 6 }, 3, 1, 2, 1), 1e-6f);
	}

	@Test
	void bilinearKeepsConstantsAndInterpolatesBetweenCentres() {
		float[] constant = new float[9];
		java.util.Arrays.fill(constant, 4.5f);
		for (float v : Resampling.bilinear(constant, 3, 3, 7, 5)) assertEquals(4.5f, v, 1e-6f);
		// 2 pixels → 4: centres at 0.5 and 1.5 of the source; outputs at 0.25, 0.75, 1.25, 1.75 (edges clamped)
		assertArrayEquals(new float[] { 0, 2.5f, 7.5f, 10 }, Resampling.bilinear(new float[] { 0, 10 }, 2, 1, 4, 1), 1e-5f);
	}

	@Test
	void scaledSidesRoundAndNeverVanish() {
		assertEquals(64, Resampling.scaledSide(128, 0.5));
		assertEquals(43, Resampling.scaledSide(85, 0.5)); // 42.5 rounds up
		assertEquals(1, Resampling.scaledSide(1, 0.1));
	}
}
