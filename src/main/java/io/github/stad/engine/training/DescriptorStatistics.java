package io.github.stad.engine.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.stad.engine.Progress;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.model.TeacherTarget;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.DescriptorNet;
import io.github.stad.engine.net.NetInputs;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * The per-channel mean μ and standard deviation σ of a teacher's descriptors over the training
 * images, which turn the teacher into the students' {@link TeacherTarget}.
 */
final class DescriptorStatistics {

	private DescriptorStatistics() {}

	/** About this many descriptors in all are enough for a per-channel mean and standard deviation. */
	static final int SAMPLE = 1 << 18;
	/** Side of a sampled block of grid points: large enough that the strided pass is efficient. */
	static final int BLOCK = 32;
	/**
	 * Under a time budget never fewer descriptors than this (16 blocks): the per-channel mean and spread of
	 * 16 blocks from across the images are within a few per cent of σ of the full pass, which the students'
	 * target tolerates; fewer would let a short budget save seconds at the price of a skewed target.
	 */
	static final int MIN_SAMPLE = 16 * BLOCK * BLOCK;

	/** μ/σ, and the descriptors and images they came from (for the log). */
	record Sampled(TeacherTarget target, long descriptors, int images) {}

	/**
	 * μ/σ from a uniform sample of the training pixels: per image, the teacher's stride-s grid at a
	 * random offset, all of it when the images together have few enough grid points, otherwise random
	 * blocks of it, about {@link #SAMPLE} descriptors in all. A dense pass over every pixel (what
	 * p = 17 would need) buys no accuracy that the students could use and costs minutes of the budget.
	 */
	static TeacherTarget fit(DescriptorNet teacher, List<FloatImage> images, long seed, int tileSize, Progress progress) {
		return fit(teacher, images, seed, tileSize, SAMPLE, progress);
	}

	/** {@link #fit} with about {@code sample} descriptors in all. */
	static TeacherTarget fit(DescriptorNet teacher, List<FloatImage> images, long seed, int tileSize, int sample, Progress progress) {
		return sample(teacher, images, seed, tileSize, sample, progress).target();
	}

	/** {@link #fit} with about {@code sample} descriptors in all, and how many it took. */
	static Sampled sample(DescriptorNet teacher, List<FloatImage> images, long seed, int tileSize, int sample, Progress progress) {
		Architecture arch = teacher.architecture();
		int d = arch.descriptorDim(), stride = arch.outputStride();
		double[] sum = new double[d], sumSq = new double[d];
		long count = 0;
		SplittableRandom random = new SplittableRandom(seed);
		long perImage = Math.max(BLOCK * BLOCK, sample / images.size());
		for (int i = 0; i < images.size(); i++) {
			progress.update("p=" + arch.patchSize() + ": teacher descriptors of image " + (i + 1) + "/" + images.size(), (double) i / images.size());
			FloatImage image = images.get(i);
			int ox = random.nextInt(stride), oy = random.nextInt(stride);
			int gridW = (image.width() - 1 - ox) / stride + 1, gridH = (image.height() - 1 - oy) / stride + 1;
			if ((long) gridW * gridH <= perImage) {
				count += accumulate(teacher, image, ox, oy, tileSize, sum, sumSq, progress);
				continue;
			}
			int bw = Math.min(BLOCK, gridW), bh = Math.min(BLOCK, gridH);
			long blocks = (perImage + (long) bw * bh - 1) / ((long) bw * bh);
			for (long k = 0; k < blocks; k++) {
				progress.checkCancelled();
				int gx = random.nextInt(gridW - bw + 1), gy = random.nextInt(gridH - bh + 1);
				count += accumulateBlock(teacher, image, ox + stride * gx, oy + stride * gy, bw, bh, sum, sumSq);
			}
		}
		float[] mu = new float[d], sigma = new float[d];
		for (int k = 0; k < d; k++) {
			double m = sum[k] / count;
			mu[k] = (float) m;
			sigma[k] = (float) Math.sqrt(Math.max(sumSq[k] / count - m * m, 1e-12));
		}
		return new Sampled(new TeacherTarget(teacher, mu, sigma), count, images.size());
	}

	/**
	 * The sample that {@code seconds} afford at {@code secondsPerDescriptor}: at most {@link #SAMPLE}, and
	 * never under {@link #MIN_SAMPLE}, even if the statistics then take longer than the seconds given.
	 */
	static int sampleWithin(double seconds, double secondsPerDescriptor) {
		double affordable = secondsPerDescriptor > 0 ? seconds / secondsPerDescriptor : SAMPLE;
		return (int) Math.max(MIN_SAMPLE, Math.min(SAMPLE, affordable));
	}

	/** A sample sized to a time: the images it reads and its size, whole blocks of each (see {@link #within}). */
	record Share(List<FloatImage> images, int sample) {}

	/**
	 * The sample that {@code seconds} afford at {@code secondsPerDescriptor} ({@link #sampleWithin}), the images it
	 * reads ({@link #imagesFor}), and its size rounded to whole blocks of each image: down, so that the time holds,
	 * unless that falls under {@link #MIN_SAMPLE}.
	 */
	static Share within(List<FloatImage> images, double seconds, double secondsPerDescriptor) {
		int sample = sampleWithin(seconds, secondsPerDescriptor);
		List<FloatImage> chosen = imagesFor(images, sample);
		int round = chosen.size() * BLOCK * BLOCK;
		int blocks = Math.max(1, sample / round);
		if ((long) blocks * round < MIN_SAMPLE) blocks = (MIN_SAMPLE + round - 1) / round;
		return new Share(chosen, blocks * round);
	}

	/**
	 * The images a sample of {@code sample} descriptors reads: all of them, or, when the sample is too small
	 * for one block of each, as many as it has blocks, evenly spread over the list (so a budget holds with
	 * thousands of images too).
	 */
	static List<FloatImage> imagesFor(List<FloatImage> images, int sample) {
		int room = Math.max(1, sample / (BLOCK * BLOCK));
		if (images.size() <= room) return images;
		List<FloatImage> chosen = new ArrayList<>(room);
		for (int i = 0; i < room; i++) chosen.add(images.get((int) ((long) i * images.size() / room)));
		return chosen;
	}

	/** About how many descriptors {@link #sample} reads from these images (at offset 0 of each grid): what to time. */
	static long descriptors(List<FloatImage> images, int stride, int sample) {
		long perImage = Math.max(BLOCK * BLOCK, sample / images.size()), total = 0;
		for (FloatImage image : images) {
			int gridW = (image.width() - 1) / stride + 1, gridH = (image.height() - 1) / stride + 1;
			long block = (long) Math.min(BLOCK, gridW) * Math.min(BLOCK, gridH);
			long grid = (long) gridW * gridH;
			total += grid <= perImage ? grid : (perImage + block - 1) / block * block;
		}
		return total;
	}

	/**
	 * Seconds per descriptor of this teacher: the faster of two timed {@link #BLOCK}² blocks of the image
	 * (the first pass of a network also pays for its warm-up). Costs two blocks, not the statistics.
	 */
	static double secondsPerDescriptor(DescriptorNet teacher, FloatImage image, LongSupplier clock) {
		int stride = teacher.architecture().outputStride(), d = teacher.architecture().descriptorDim();
		int bw = Math.min(BLOCK, (image.width() - 1) / stride + 1), bh = Math.min(BLOCK, (image.height() - 1) / stride + 1);
		double[] sum = new double[d], sumSq = new double[d];
		long fastest = Long.MAX_VALUE;
		for (int k = 0; k < 2; k++) {
			long t0 = clock.getAsLong();
			accumulateBlock(teacher, image, 0, 0, bw, bh, sum, sumSq);
			fastest = Math.min(fastest, clock.getAsLong() - t0);
		}
		return fastest / 1e9 / ((long) bw * bh);
	}

	/**
	 * Adds the teacher's descriptors on the stride-s grid of a normalised image that starts at
	 * (ox, oy), 0 ≤ ox, oy &lt; s, to per-channel sums.
	 * @return the number of descriptors added
	 */
	static long accumulate(DescriptorNet teacher, FloatImage image, int ox, int oy, int tileSize, double[] sum, double[] sumSq, Progress progress) {
		Architecture arch = teacher.architecture();
		int s = arch.outputStride(), d = arch.descriptorDim();
		int gridW = (image.width() - 1 - ox) / s + 1, gridH = (image.height() - 1 - oy) / s + 1;
		int block = Math.max(1, tileSize / s);
		for (int gy = 0; gy < gridH; gy += block) {
			for (int gx = 0; gx < gridW; gx += block) {
				progress.checkCancelled();
				int bw = Math.min(block, gridW - gx), bh = Math.min(block, gridH - gy);
				accumulateBlock(teacher, image, ox + s * gx, oy + s * gy, bw, bh, sum, sumSq);
			}
		}
		return (long) gridW * gridH;
	}

	/** Adds the bw×bh grid points whose first is the pixel (x0, y0); returns their number. */
	private static long accumulateBlock(DescriptorNet teacher, FloatImage image, int x0, int y0, int bw, int bh, double[] sum, double[] sumSq) {
		Architecture arch = teacher.architecture();
		int d = arch.descriptorDim();
		try (NDManager sub = teacher.manager().newSubManager()) {
			NDArray x = NetInputs.strided(sub, arch, List.of(image), new int[] { 0 }, new int[] { x0 }, new int[] { y0 }, bw, bh);
			NDArray t = teacher.strided(x).reshape(d, (long) bw * bh);
			float[] sums = t.sum(new int[] { 1 }).toFloatArray();
			float[] squares = t.square().sum(new int[] { 1 }).toFloatArray();
			for (int k = 0; k < d; k++) {
				sum[k] += sums[k];
				sumSq[k] += squares[k];
			}
		}
		return (long) bw * bh;
	}
}
