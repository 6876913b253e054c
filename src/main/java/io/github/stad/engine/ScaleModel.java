package io.github.stad.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.List;

/**
 * Everything that belongs to one patch size: the teacher, its students, the teacher's descriptor
 * statistics μ/σ (which define the students' regression target) and the validation statistics
 * of regression error e and predictive variance v (which normalise the scores).
 */
public final class ScaleModel implements AutoCloseable {

	/** Mean and standard deviation of e and v over the validation pixels. */
	public record ScoreStats(double errorMean, double errorStd, double varianceMean, double varianceStd) {}

	/** Per-pixel regression error and predictive variance of one image at one scale. */
	public record Maps(float[] error, float[] variance) {}

	private final DescriptorNet teacher;
	private final List<DescriptorNet> students;
	private final float[] mu;
	private final float[] sigma;
	private ScoreStats stats;
	private final String teacherSource;

	public ScaleModel(DescriptorNet teacher, List<DescriptorNet> students, float[] mu, float[] sigma, ScoreStats stats, String teacherSource) {
		int d = teacher.architecture().descriptorDim();
		if (mu.length != d || sigma.length != d) throw new IllegalArgumentException("μ/σ need " + d + " values");
		for (DescriptorNet s : students) {
			if (!s.architecture().equals(teacher.architecture())) throw new IllegalArgumentException("Students must have the teacher's architecture");
		}
		this.teacher = teacher;
		this.students = List.copyOf(students);
		this.mu = mu;
		this.sigma = sigma;
		this.stats = stats;
		this.teacherSource = teacherSource;
	}

	public Architecture architecture() { return teacher.architecture(); }
	public DescriptorNet teacher() { return teacher; }
	public List<DescriptorNet> students() { return students; }
	public float[] mu() { return mu; }
	public float[] sigma() { return sigma; }
	public ScoreStats stats() { return stats; }
	void setStats(ScoreStats stats) { this.stats = stats; }
	/** Where the teacher came from (a file, the shipped default, or "random"): provenance. */
	public String teacherSource() { return teacherSource; }

	/**
	 * e and v for every pixel of a normalised image, computed tile by tile so that memory is bounded
	 * by the tile size; each tile reads its whole receptive field, so the result does not depend on
	 * the tiling.
	 */
	public Maps errorAndVariance(FloatImage image, int tileSize, Progress progress) {
		int w = image.width(), h = image.height();
		float[] error = new float[w * h], variance = new float[w * h];
		Architecture arch = architecture();
		int d = arch.descriptorDim();
		int m = students.size();
		for (int y0 = 0; y0 < h; y0 += tileSize) {
			for (int x0 = 0; x0 < w; x0 += tileSize) {
				progress.checkCancelled();
				int tw = Math.min(tileSize, w - x0), th = Math.min(tileSize, h - y0);
				try (NDManager sub = teacher.manager().newSubManager()) {
					NDArray x = denseInput(sub, image, x0, y0, tw, th);
					NDArray target = normalisedTeacher(sub, x, tw, th);
					NDArray sumPred = null, sumNormSq = null;
					for (DescriptorNet student : students) {
						NDArray pred = student.dense(x, th, tw);
						try (NDArray squared = pred.square()) {
							NDArray normSq = squared.sum(new int[] { 1 });
							sumNormSq = sumNormSq == null ? normSq : sumNormSq.addi(normSq);
						}
						if (sumPred == null) {
							sumPred = pred;
						} else {
							sumPred.addi(pred);
							pred.close();
						}
					}
					NDArray mean = sumPred.div(m);
					float[] e = mean.sub(target).square().sum(new int[] { 1 }).toFloatArray();
					float[] v = m > 1 ? sumNormSq.div(m).sub(mean.square().sum(new int[] { 1 })).maximum(0f).toFloatArray() : new float[tw * th];
					for (int y = 0; y < th; y++) {
						System.arraycopy(e, y * tw, error, (y0 + y) * w + x0, tw);
						System.arraycopy(v, y * tw, variance, (y0 + y) * w + x0, tw);
					}
				}
			}
		}
		return new Maps(error, variance);
	}

	/** The teacher's descriptors of a dense input, normalised with μ/σ: the students' target. */
	NDArray normalisedTeacher(NDManager manager, NDArray x, int tw, int th) {
		return normalise(manager, teacher.dense(x, th, tw));
	}

	/** (t − μ) ⊘ σ for teacher descriptors [N, d, H, W]. */
	NDArray normalise(NDManager manager, NDArray t) {
		int d = architecture().descriptorDim();
		NDArray muArray = manager.create(mu, new Shape(1, d, 1, 1));
		NDArray sigmaArray = manager.create(sigma, new Shape(1, d, 1, 1));
		return t.sub(muArray).div(sigmaArray);
	}

	/** The reflection-padded window that the dense networks need for the output tile (x0, y0, tw, th). */
	NDArray denseInput(NDManager manager, FloatImage image, int x0, int y0, int tw, int th) {
		return denseInput(manager, architecture(), List.of(image), new int[] { 0 }, new int[] { x0 }, new int[] { y0 }, tw, th);
	}

	/** A batch of dense inputs, one per (image, x0, y0), all for output tiles of tw×th. */
	static NDArray denseInput(NDManager manager, Architecture arch, List<FloatImage> images, int[] imageIndex, int[] x0, int[] y0, int tw, int th) {
		return windows(manager, arch, images, imageIndex, x0, y0, DescriptorNet.denseInputSize(arch, tw), DescriptorNet.denseInputSize(arch, th));
	}

	/**
	 * The reflection-padded windows whose strided outputs are the grid points
	 * (x0 + s·j, y0 + s·i), 0 ≤ j &lt; gridW, 0 ≤ i &lt; gridH, s = {@link Architecture#outputStride()}.
	 */
	public static NDArray stridedInput(NDManager manager, Architecture arch, List<FloatImage> images, int[] imageIndex, int[] x0, int[] y0, int gridW, int gridH) {
		return windows(manager, arch, images, imageIndex, x0, y0, DescriptorNet.stridedInputSize(arch, gridW), DescriptorNet.stridedInputSize(arch, gridH));
	}

	/** [N, C, inH, inW] windows starting marginBefore before (x0, y0) of each image, reflected past its borders. */
	private static NDArray windows(NDManager manager, Architecture arch, List<FloatImage> images, int[] imageIndex, int[] x0, int[] y0, int inW, int inH) {
		int c = arch.inputChannels();
		int size = c * inW * inH;
		float[] buffer = new float[imageIndex.length * size];
		for (int i = 0; i < imageIndex.length; i++) {
			PaddedCrops.window(images.get(imageIndex[i]), x0[i] - arch.marginBefore(), y0[i] - arch.marginBefore(), inW, inH, buffer, i * size);
		}
		return manager.create(buffer, new Shape(imageIndex.length, c, inH, inW));
	}

	/**
	 * Adds the teacher's descriptors on the stride-s grid of a normalised image that starts at
	 * (ox, oy), 0 ≤ ox, oy &lt; s, to per-channel sums (for μ/σ). With a random offset per image this is a
	 * uniform sample of 1/s² of the training pixels (all of them for p = 17), enough for a per-channel
	 * mean and standard deviation, at a fraction of the dense pass's cost.
	 * @return the number of descriptors added
	 */
	public static long accumulateDescriptorStats(DescriptorNet teacher, FloatImage image, int ox, int oy, int tileSize, double[] sum, double[] sumSq, Progress progress) {
		Architecture arch = teacher.architecture();
		int s = arch.outputStride(), d = arch.descriptorDim();
		int gridW = (image.width() - 1 - ox) / s + 1, gridH = (image.height() - 1 - oy) / s + 1;
		int block = Math.max(1, tileSize / s);
		for (int gy = 0; gy < gridH; gy += block) {
			for (int gx = 0; gx < gridW; gx += block) {
				progress.checkCancelled();
				int bw = Math.min(block, gridW - gx), bh = Math.min(block, gridH - gy);
				try (NDManager sub = teacher.manager().newSubManager()) {
					NDArray x = stridedInput(sub, arch, List.of(image), new int[] { 0 }, new int[] { ox + s * gx }, new int[] { oy + s * gy }, bw, bh);
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

	@Override
	public void close() {
		teacher.close();
		for (DescriptorNet s : students) s.close();
	}
}
