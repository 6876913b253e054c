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

	@org.junit.jupiter.api.Test
	void aTimeBudgetSizesTheSampleFromTheMeasuredRateWithinAFloorAndTheFullSample() {
		// 1 ms per descriptor: 30 s afford 30 000 descriptors
		assertEquals(30_000, DescriptorStatistics.sampleWithin(30, 1e-3));
		assertEquals(DescriptorStatistics.MIN_SAMPLE, DescriptorStatistics.sampleWithin(1, 1e-3), "never under the floor");
		assertEquals(DescriptorStatistics.SAMPLE, DescriptorStatistics.sampleWithin(1e6, 1e-3), "never over today's sample");
		assertEquals(DescriptorStatistics.SAMPLE, DescriptorStatistics.sampleWithin(Double.POSITIVE_INFINITY, 1e-3), "no budget: today's sample");
		assertTrue(DescriptorStatistics.MIN_SAMPLE < DescriptorStatistics.SAMPLE);
	}

	@org.junit.jupiter.api.Test
	void aShareOfTimeIsRoundedDownToWholeBlocksOfEachImageButNotUnderTheFloor() {
		java.util.List<FloatImage> three = io.github.stad.testutil.Synthetic.textures("t", 3, 8, 8, 1);
		int round = 3 * DescriptorStatistics.BLOCK * DescriptorStatistics.BLOCK;
		// 1 ms per descriptor: 30 s afford 30 000 descriptors, 9 whole blocks of each of the 3 images
		DescriptorStatistics.Share share = DescriptorStatistics.within(three, 30, 1e-3);
		assertEquals(three, share.images());
		assertEquals(30_000 / round * round, share.sample());
		assertTrue(share.sample() <= 30_000);
		// 1 s affords less than the floor: the floor, rounded up to whole blocks of each image
		int floor = DescriptorStatistics.within(three, 1, 1e-3).sample();
		assertTrue(floor >= DescriptorStatistics.MIN_SAMPLE && floor < DescriptorStatistics.MIN_SAMPLE + round && floor % round == 0, "" + floor);
	}

	@org.junit.jupiter.api.Test
	void aSampleTooSmallForABlockOfEveryImageReadsImagesSpreadOverTheSet() {
		java.util.List<FloatImage> images = new java.util.ArrayList<>();
		for (int i = 0; i < 100; i++) images.add(new FloatImage("i" + i, 8, 8, new float[][] { new float[64] }));
		int blocks = 20;
		java.util.List<FloatImage> chosen = DescriptorStatistics.imagesFor(images, blocks * DescriptorStatistics.BLOCK * DescriptorStatistics.BLOCK);
		assertEquals(blocks, chosen.size());
		assertEquals(blocks, new java.util.HashSet<>(chosen).size(), "no image twice");
		assertSame(images.get(0), chosen.get(0));
		assertTrue(images.indexOf(chosen.get(blocks - 1)) >= 90, "spread to the end of the set, not its first images");
		assertSame(images, DescriptorStatistics.imagesFor(images, DescriptorStatistics.SAMPLE), "room for all: all");
	}

	@org.junit.jupiter.api.Test
	void theRateIsTimedOnABlockAndTheSampleReadsAsManyDescriptorsAsEstimated() {
		Architecture arch = new Architecture(17, 1, 6, 8); // stride 1: the grid at any offset is the estimate's
		java.util.List<FloatImage> images = io.github.stad.testutil.Synthetic.textures("t", 3, 96, 80, 4);
		try (NDManager m = NDManager.newBaseManager(Device.cpu(), Djl.engine().getEngineName());
				DescriptorNet teacher = DescriptorNet.random(arch, m, Device.cpu(), 5)) {
			long[] now = { 0 };
			double perDescriptor = DescriptorStatistics.secondsPerDescriptor(teacher, images.get(0), () -> now[0] += 1_000_000_000L);
			assertEquals(1.0 / (32 * 32), perDescriptor, 1e-12, "a clock that moves 1 s per read: 1 s per 32x32 block");
			for (int sample : new int[] { DescriptorStatistics.MIN_SAMPLE, 20_000, DescriptorStatistics.SAMPLE }) {
				DescriptorStatistics.Sampled s = DescriptorStatistics.sample(teacher, images, 1, 64, sample, Progress.NONE);
				assertEquals(DescriptorStatistics.descriptors(images, 1, sample), s.descriptors(), "sample " + sample);
				assertTrue(s.descriptors() <= Math.max(sample + 3L * 32 * 32, 3L * 96 * 80), s.descriptors() + " for " + sample);
			}
		}
	}
}
