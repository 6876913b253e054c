package io.github.stad.engine.net;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.image.PaddedCrops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

/** The dense network must give, for every pixel, exactly the patch network's descriptor of the patch centred there. */
class DescriptorNetTest {

	@Test
	void receptiveFieldsAndMargins() {
		assertEquals(17, Architecture.standard(17, 1).receptiveField());
		assertEquals(32, Architecture.standard(33, 1).receptiveField());
		assertEquals(60, Architecture.standard(65, 1).receptiveField());
		assertEquals(32, Architecture.standard(65, 1).marginBefore());
		assertEquals(27, Architecture.standard(65, 1).marginAfter());
		assertThrows(IllegalArgumentException.class, () -> Architecture.standard(31, 1));
	}

	@ParameterizedTest
	@CsvSource({ "17,1", "33,3", "65,1" })
	void denseEqualsPatchNetworkEverywhereIncludingBorders(int p, int channels) {
		Architecture arch = new Architecture(p, channels, 8, 16);
		int w = p + 9, h = p + 4;
		Random random = new Random(p);
		float[][] data = new float[channels][w * h];
		for (float[] ch : data) for (int i = 0; i < ch.length; i++) ch[i] = (float) random.nextGaussian();
		FloatImage image = new FloatImage("noise", w, h, data);
		try (NDManager m = NDManager.newBaseManager(Device.cpu(), Djl.engine().getEngineName());
				DescriptorNet net = DescriptorNet.random(arch, m, Device.cpu(), 42)) {
						int inW = DescriptorNet.denseInputSize(arch, w), inH = DescriptorNet.denseInputSize(arch, h);
			float[] padded = new float[channels * inW * inH];
			PaddedCrops.window(image, -arch.marginBefore(), -arch.marginBefore(), inW, inH, padded, 0);
			NDArray dense = net.dense(m.create(padded, new Shape(1, channels, inH, inW)), h, w);
			assertEquals(new Shape(1, 16, h, w), dense.getShape());
			float[] denseValues = dense.toFloatArray();

			int[][] positions = { { 0, 0 }, { w - 1, 0 }, { 0, h - 1 }, { w - 1, h - 1 }, { w / 2, h / 2 },
					{ random.nextInt(w), random.nextInt(h) }, { random.nextInt(w), random.nextInt(h) }, { random.nextInt(w), random.nextInt(h) } };
			float[] patches = new float[positions.length * channels * p * p];
			for (int i = 0; i < positions.length; i++) {
				// The p×p patch centred on the pixel, from the reflection-padded image.
				PaddedCrops.window(image, positions[i][0] - (p - 1) / 2, positions[i][1] - (p - 1) / 2, p, p, patches, i * channels * p * p);
			}
			float[] patchValues = net.patch(m.create(patches, new Shape(positions.length, channels, p, p))).toFloatArray();
			double maxAbs = 0;
			for (float v : patchValues) maxAbs = Math.max(maxAbs, Math.abs(v));
			assertTrue(maxAbs > 1e-4, "descriptors should not vanish");
			for (int i = 0; i < positions.length; i++) {
				int x = positions[i][0], y = positions[i][1];
				for (int k = 0; k < 16; k++) {
					float expected = patchValues[i * 16 + k];
					float actual = denseValues[(k * h + y) * w + x];
					assertEquals(expected, actual, 1e-5 + 1e-4 * Math.abs(expected), "p=" + p + " pixel (" + x + "," + y + ") channel " + k);
				}
			}
		}
	}

	@ParameterizedTest
	@CsvSource({ "17,1", "33,1", "65,3" })
	void stridedFormEqualsDenseMapOnItsGrid(int p, int channels) {
		Architecture arch = new Architecture(p, channels, 8, 16);
		int s = arch.outputStride();
		assertEquals(p == 17 ? 1 : p == 33 ? 4 : 8, s);
		int w = p + 40, h = p + 31, grid = 3, x0 = 5, y0 = 2;
		Random random = new Random(p + 1);
		float[][] data = new float[channels][w * h];
		for (float[] ch : data) for (int i = 0; i < ch.length; i++) ch[i] = (float) random.nextGaussian();
		FloatImage image = new FloatImage("noise", w, h, data);
		try (NDManager m = NDManager.newBaseManager(Device.cpu(), Djl.engine().getEngineName());
				DescriptorNet net = DescriptorNet.random(arch, m, Device.cpu(), 7)) {
			int inW = DescriptorNet.denseInputSize(arch, w), inH = DescriptorNet.denseInputSize(arch, h);
			float[] padded = new float[channels * inW * inH];
			PaddedCrops.window(image, -arch.marginBefore(), -arch.marginBefore(), inW, inH, padded, 0);
			float[] dense = net.dense(m.create(padded, new Shape(1, channels, inH, inW)), h, w).toFloatArray();

			int in = DescriptorNet.stridedInputSize(arch, grid);
			float[] window = new float[channels * in * in];
			PaddedCrops.window(image, x0 - arch.marginBefore(), y0 - arch.marginBefore(), in, in, window, 0);
			NDArray strided = net.strided(m.create(window, new Shape(1, channels, in, in)));
			assertEquals(new Shape(1, 16, grid, grid), strided.getShape());
			float[] values = strided.toFloatArray();
			for (int k = 0; k < 16; k++) {
				for (int i = 0; i < grid; i++) {
					for (int j = 0; j < grid; j++) {
						float expected = dense[k * w * h + (y0 + s * i) * w + x0 + s * j];
						assertEquals(expected, values[(k * grid + i) * grid + j], 1e-4f + 1e-4f * Math.abs(expected), "k=" + k + " i=" + i + " j=" + j);
					}
				}
			}
		}
	}

	@Test
	void stride1PoolingEqualsMaxPool2dExactly() {
		try (NDManager m = NDManager.newBaseManager(Device.cpu(), Djl.engine().getEngineName())) {
			NDArray x = m.randomNormal(new Shape(2, 3, 9, 6));
			NDArray expected = Pool.maxPool2d(x, new Shape(2, 2), new Shape(1, 1), new Shape(0, 0), false);
			NDArray actual = DescriptorNet.maxPool2x2Stride1(x);
			assertEquals(new Shape(2, 3, 8, 5), actual.getShape());
			assertArrayEquals(expected.toFloatArray(), actual.toFloatArray());
			// Not the identity or one shifted copy: the maximum of four neighbours.
			float[] in = x.toFloatArray(), out = actual.toFloatArray();
			assertEquals(Math.max(Math.max(in[0], in[1]), Math.max(in[6], in[7])), out[0]);
		}
	}

	@Test
	void weightsRoundTrip() {
		Architecture arch = new Architecture(17, 1, 4, 8);
		try (NDManager m = NDManager.newBaseManager(Device.cpu(), Djl.engine().getEngineName());
				DescriptorNet a = DescriptorNet.random(arch, m, Device.cpu(), 1);
				DescriptorNet b = DescriptorNet.fromWeights(arch, a.exportWeights(), m, Device.cpu());
				DescriptorNet c = DescriptorNet.random(arch, m, Device.cpu(), 2)) {
			NDArray x = m.randomNormal(new Shape(2, 1, 17, 17));
			assertArrayEquals(a.patch(x).toFloatArray(), b.patch(x).toFloatArray());
			assertFalse(java.util.Arrays.equals(a.patch(x).toFloatArray(), c.patch(x).toFloatArray()), "different seeds give different networks");
		}
	}
}
