package io.github.stad.engine.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.stad.testutil.Synthetic;
import org.junit.jupiter.api.Test;

import java.util.List;

/** Finite but extreme pixel values (issue 34): refused before training, ordinary images of every kind are not. */
class ImageChecksTest {

	private static FloatImage gray(String name, int w, int h, java.util.function.IntFunction<Float> pixel) {
		float[] data = new float[w * h];
		for (int i = 0; i < data.length; i++) data[i] = pixel.apply(i);
		return new FloatImage(name, w, h, new float[][] { data });
	}

	@Test
	void markersNearTheFloatLimitAreRefusedNamingTheImageAndItsValues() {
		List<FloatImage> normal = Synthetic.textures("n", 2, 64, 64, 1);
		FloatImage marked = gray("marked.tif", 64, 64, i -> i % 97 == 0 ? (i % 2 == 0 ? 3e38f : -3e38f) : (i * 37) % 251);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
				() -> ImageChecks.requireOrdinaryValues(List.of(normal.get(0), marked, normal.get(1)), normal));
		assertTrue(e.getMessage().startsWith("marked.tif has pixel values from -3.00e+38 to 3.00e+38") && e.getMessage().contains("clip or rescale"), e.getMessage());
		// in a validation image too: its maps would overflow
		e = assertThrows(IllegalArgumentException.class, () -> ImageChecks.requireOrdinaryValues(normal, List.of(marked)));
		assertTrue(e.getMessage().startsWith("marked.tif"), e.getMessage());
	}

	@Test
	void ordinaryImagesOfEveryKindPass() {
		List<FloatImage> textures = Synthetic.textures("n", 3, 64, 64, 1);
		assertDoesNotThrow(() -> ImageChecks.requireOrdinaryValues(textures, textures));
		// a black background with a few saturated 16-bit spots: the central half is one value, the central 80 % is not
		FloatImage sparse = gray("spots.tif", 100, 100, i -> i % 500 == 0 ? 65535f : i % 10 < 6 ? 0f : (float) (i % 7));
		assertDoesNotThrow(() -> ImageChecks.requireOrdinaryValues(List.of(sparse), List.of(sparse)));
		// 32-bit data on a tiny scale with a far but ordinary bright tail
		FloatImage small = gray("small.tif", 100, 100, i -> 1e-6f * (i % 13) + (i % 1000 == 0 ? 1e-2f : 0));
		assertDoesNotThrow(() -> ImageChecks.requireOrdinaryValues(List.of(small), List.of(small)));
		// constant images cannot be judged and are left to the other checks
		FloatImage constant = gray("flat.tif", 40, 40, i -> 5f);
		assertDoesNotThrow(() -> ImageChecks.requireOrdinaryValues(List.of(constant), List.of(constant)));
	}

	@Test
	void theOrdinaryRangeIsTheNarrowestCentralShareThatIsNotOneValue() {
		FloatImage sparse = gray("spots", 100, 100, i -> i % 10 < 8 ? 0f : (float) (i % 10));
		// 80 % zeros, then 10 % 8 and 10 % 9: the central half is all 0, the central 80 % reaches from 0 to 9
		assertArrayEquals(new double[] { 0, 9 }, ImageChecks.ordinaryRange(List.of(sparse), 0));
	}
}
