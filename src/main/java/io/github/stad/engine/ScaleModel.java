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
		int inW = DescriptorNet.denseInputSize(arch, tw), inH = DescriptorNet.denseInputSize(arch, th);
		int c = arch.inputChannels();
		int n = imageIndex.length;
		float[] buffer = new float[n * c * inW * inH];
		for (int i = 0; i < n; i++) {
			PaddedCrops.window(images.get(imageIndex[i]), x0[i] - arch.marginBefore(), y0[i] - arch.marginBefore(), inW, inH, buffer, i * c * inW * inH);
		}
		return manager.create(buffer, new Shape(n, c, inH, inW));
	}

	/**
	 * Adds the teacher's descriptors of a normalised image to per-channel sums (for μ/σ).
	 * @return the number of pixels added
	 */
	public static long accumulateDescriptorStats(DescriptorNet teacher, FloatImage image, int tileSize, double[] sum, double[] sumSq, Progress progress) {
		int w = image.width(), h = image.height();
		int d = teacher.architecture().descriptorDim();
		for (int y0 = 0; y0 < h; y0 += tileSize) {
			for (int x0 = 0; x0 < w; x0 += tileSize) {
				progress.checkCancelled();
				int tw = Math.min(tileSize, w - x0), th = Math.min(tileSize, h - y0);
				try (NDManager sub = teacher.manager().newSubManager()) {
					NDArray x = denseInput(sub, teacher.architecture(), List.of(image), new int[] { 0 }, new int[] { x0 }, new int[] { y0 }, tw, th);
					NDArray t = teacher.dense(x, th, tw).reshape(d, (long) tw * th);
					float[] s = t.sum(new int[] { 1 }).toFloatArray();
					float[] s2 = t.square().sum(new int[] { 1 }).toFloatArray();
					for (int k = 0; k < d; k++) {
						sum[k] += s[k];
						sumSq[k] += s2[k];
					}
				}
			}
		}
		return (long) w * h;
	}

	@Override
	public void close() {
		teacher.close();
		for (DescriptorNet s : students) s.close();
	}
}
