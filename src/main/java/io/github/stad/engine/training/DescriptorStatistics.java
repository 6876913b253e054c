package io.github.stad.engine.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.stad.engine.Progress;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.model.TeacherTarget;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.DescriptorNet;
import io.github.stad.engine.net.NetInputs;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The per-channel mean μ and standard deviation σ of a teacher's descriptors over the training
 * images, which turn the teacher into the students' {@link TeacherTarget}.
 */
final class DescriptorStatistics {

	private DescriptorStatistics() {}

	/**
	 * μ/σ from the teacher's stride-s grid of every image at a random offset per image: a uniform
	 * sample of 1/s² of the training pixels (all of them for p = 17), enough for a per-channel mean and
	 * standard deviation at a fraction of the dense pass's cost.
	 */
	static TeacherTarget fit(DescriptorNet teacher, List<FloatImage> images, long seed, int tileSize, Progress progress) {
		Architecture arch = teacher.architecture();
		int d = arch.descriptorDim(), stride = arch.outputStride();
		double[] sum = new double[d], sumSq = new double[d];
		long count = 0;
		SplittableRandom offsets = new SplittableRandom(seed);
		for (int i = 0; i < images.size(); i++) {
			progress.update("p=" + arch.patchSize() + ": teacher descriptors of image " + (i + 1) + "/" + images.size(), (double) i / images.size());
			count += accumulate(teacher, images.get(i), offsets.nextInt(stride), offsets.nextInt(stride), tileSize, sum, sumSq, progress);
		}
		float[] mu = new float[d], sigma = new float[d];
		for (int k = 0; k < d; k++) {
			double m = sum[k] / count;
			mu[k] = (float) m;
			sigma[k] = (float) Math.sqrt(Math.max(sumSq[k] / count - m * m, 1e-12));
		}
		return new TeacherTarget(teacher, mu, sigma);
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
				try (NDManager sub = teacher.manager().newSubManager()) {
					NDArray x = NetInputs.strided(sub, arch, List.of(image), new int[] { 0 }, new int[] { ox + s * gx }, new int[] { oy + s * gy }, bw, bh);
					NDArray t = teacher.strided(x).reshape(d, (long) bw * bh);
					float[] sums = t.sum(new int[] { 1 }).toFloatArray();
					float[] squares = t.square().sum(new int[] { 1 }).toFloatArray();
					for (int k = 0; k < d; k++) {
						sum[k] += sums[k];
						sumSq[k] += squares[k];
					}
				}
			}
		}
		return (long) gridW * gridH;
	}
}
