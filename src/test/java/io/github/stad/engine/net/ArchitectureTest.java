package io.github.stad.engine.net;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArchitectureTest {

	@Test
	void tileWorkCountsTheReceptiveFieldMarginsLayerByLayer() {
		// p = 65 on a 256² output reads 315² (receptive field 60): conv 5×5 1→128 gives 311², pooling (dilation 1)
		// 310², conv 5×5 at dilation 2 302², pooling 300², conv 5×5 at dilation 4 284², pooling 280², conv 4×4 at
		// dilation 8 256², the 1×1 conv 256².
		long p65 = 25L * 128 * 311 * 311 + 25L * 128 * 128 * 302 * 302 + 25L * 128 * 128 * 284 * 284
				+ 16L * 128 * 256 * 256 * 256 + 256L * 128 * 256 * 256;
		assertEquals(p65, Architecture.standard(65, 1).multiplyAddsForTile(256));
		// p = 17 (no pooling) on 10²: input 26², then 21², 17², 13², 10².
		long p17 = 36L * 128 * 21 * 21 + 25L * 128 * 256 * 17 * 17 + 25L * 256 * 256 * 13 * 13 + 16L * 256 * 128 * 10 * 10;
		assertEquals(p17, Architecture.standard(17, 1).multiplyAddsForTile(10));
	}

	@Test
	void marginsCostLessOnLargerTilesAndNeverLessThanTheUsefulWork() {
		for (int p : Architecture.SUPPORTED_PATCH_SIZES) {
			Architecture a = Architecture.standard(p, 1);
			double previous = Double.MAX_VALUE;
			for (int side : new int[] { 64, 256, 1024, 4096 }) {
				double perPixel = (double) a.multiplyAddsForTile(side) / ((double) side * side * a.multiplyAddsPerPixel());
				assertTrue(perPixel > 1 && perPixel < previous, "p=" + p + " side " + side + ": " + perPixel);
				previous = perPixel;
			}
			assertTrue(previous < 1.05, "p=" + p + ": margins on a 4096² tile should be small, got " + previous);
		}
	}
}
