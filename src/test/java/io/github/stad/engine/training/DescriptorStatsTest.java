package io.github.stad.engine.training;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.stad.engine.Progress;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.image.PaddedCrops;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.DescriptorNet;
import io.github.stad.engine.net.Djl;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

/** μ/σ are estimated on the strided grid at one offset per image; over all offsets that grid is every pixel. */
class DescriptorStatsTest {

	@ParameterizedTest
	@ValueSource(ints = { 33, 65 })
	void gridsAtAllOffsetsCoverExactlyTheDenseMap(int p) {
		Architecture arch = new Architecture(p, 1, 6, 8);
		int w = 83, h = 70, d = 8, s = arch.outputStride();
		Random random = new Random(3);
		float[] data = new float[w * h];
		for (int i = 0; i < data.length; i++) data[i] = (float) random.nextGaussian();
		FloatImage image = new FloatImage("noise", w, h, new float[][] { data });
		try (NDManager m = NDManager.newBaseManager(Device.cpu(), Djl.engine().getEngineName());
				DescriptorNet teacher = DescriptorNet.random(arch, m, Device.cpu(), 11)) {
			int inW = DescriptorNet.denseInputSize(arch, w), inH = DescriptorNet.denseInputSize(arch, h);
			float[] padded = new float[inW * inH];
			PaddedCrops.window(image, -arch.marginBefore(), -arch.marginBefore(), inW, inH, padded, 0);
			float[] dense = teacher.dense(m.create(padded, new Shape(1, 1, inH, inW)), h, w).toFloatArray();
			double[] expectedSum = new double[d];
			for (int k = 0; k < d; k++) for (int i = 0; i < w * h; i++) expectedSum[k] += dense[k * w * h + i];

			double[] sum = new double[d], sumSq = new double[d];
			long count = 0;
			// A small tile forces several blocks per image.
			for (int oy = 0; oy < s; oy++) for (int ox = 0; ox < s; ox++) count += DescriptorStatistics.accumulate(teacher, image, ox, oy, 40, sum, sumSq, Progress.NONE);
			assertEquals((long) w * h, count);
			for (int k = 0; k < d; k++) assertEquals(expectedSum[k], sum[k], 1e-3 * (1 + Math.abs(expectedSum[k])), "channel " + k);

			double[] oneSum = new double[d], oneSq = new double[d];
			long n = DescriptorStatistics.accumulate(teacher, image, 1, 2, 256, oneSum, oneSq, Progress.NONE);
			assertEquals((long) ((w - 2) / s + 1) * ((h - 3) / s + 1), n);
		}
	}

	@org.junit.jupiter.api.Test
	void aSampleOfBlocksGivesNearlyTheFullMeanAndSpread() {
		Architecture arch = new Architecture(17, 1, 6, 8);
		java.util.List<FloatImage> images = io.github.stad.testutil.Synthetic.textures("t", 2, 120, 100, 4);
		java.util.List<FloatImage> normalised = images.stream().map(io.github.stad.engine.image.InputNormalisation.fit(images)::apply).toList();
		try (NDManager m = NDManager.newBaseManager(Device.cpu(), Djl.engine().getEngineName());
				DescriptorNet teacher = DescriptorNet.random(arch, m, Device.cpu(), 5)) {
			// 12 000 grid points per image; a sample of 2 048 in all takes one 32×32 block of each.
			var full = DescriptorStatistics.fit(teacher, normalised, 1, 64, 1 << 20, Progress.NONE);
			var sampled = DescriptorStatistics.fit(teacher, normalised, 1, 64, 2048, Progress.NONE);
			for (int k = 0; k < 8; k++) {
				assertEquals(full.mu()[k], sampled.mu()[k], 0.1 * full.sigma()[k], "mean of channel " + k);
				assertEquals(full.sigma()[k], sampled.sigma()[k], 0.15 * full.sigma()[k], "spread of channel " + k);
				assertNotEquals(full.mu()[k], sampled.mu()[k], "the sample is not the full pass");
			}
		}
	}
}
