package io.github.stad.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Trains students to regress the normalised teacher output at every pixel (METHOD.md):
 * L = (1/wh) Σ ‖S(I)(r,c) − (T(I)(r,c) − μ) ⊘ σ‖², with Adam.
 * <p>
 * Each step evaluates this loss on a random sample of pixels: the grid of stride s
 * ({@link Architecture#outputStride()}) inside a random crop, computed exactly with the strided
 * form of teacher and students. Crops fall anywhere, so over the steps every pixel is sampled and
 * the expected loss is the METHOD.md objective; neighbouring pixels would add little new gradient,
 * and the strided form costs a fraction of the dense one (p = 65: about 1/12 per crop), which buys
 * many more optimisation steps for the same time.
 */
final class StudentTrainer {

	/** The trained students and the loss of each of their optimisation steps. */
	record Result(List<DescriptorNet> students, List<float[]> losses) {}

	private StudentTrainer() {}

	/** At most this many descriptors per side of a crop, so that a step costs about the same at every p. */
	static final int MAX_GRID = 32;

	/**
	 * Descriptors per side of one training crop: the grid of stride s that fits into
	 * min(cropSize, smallest image side) pixels, at most {@link #MAX_GRID}.
	 */
	static int gridSize(Architecture arch, int cropSize, int minImageSide) {
		int span = Math.min(cropSize, minImageSide);
		return Math.max(1, Math.min(MAX_GRID, (span - 1) / arch.outputStride() + 1));
	}

	/**
	 * Optimisation steps for a number of epochs. One epoch takes one random crop from every
	 * training image, so the budget grows with the number of images, not with their size.
	 */
	static int stepsFor(int imageCount, int batch, int epochs) {
		return (int) Math.max(1, ((long) epochs * imageCount + batch - 1) / batch);
	}

	/**
	 * Trains the students together on the same batches, so each batch costs one teacher pass for all
	 * of them. Each student has its own random initialisation (its seed) and its own optimiser.
	 */
	static Result train(ScaleModel scale, List<FloatImage> images, TrainingSettings settings, long[] seeds, Progress progress) {
		DescriptorNet teacher = scale.teacher();
		Architecture arch = teacher.architecture();
		int minSide = images.stream().mapToInt(i -> Math.min(i.width(), i.height())).min().orElseThrow();
		int grid = gridSize(arch, settings.cropSize(), minSide);
		int span = (grid - 1) * arch.outputStride() + 1; // pixels from the first to the last grid point
		int batch = settings.batchSize();
		int steps = stepsFor(images.size(), batch, settings.epochs());
		int m = seeds.length;
		SplittableRandom random = new SplittableRandom(seeds[0] ^ 0x5DEECE66DL);
		List<DescriptorNet> students = new ArrayList<>();
		List<Adam> optimisers = new ArrayList<>();
		List<float[]> losses = new ArrayList<>();
		Engine engine = Djl.engine();
		int[] imageIndex = new int[batch], x0 = new int[batch], y0 = new int[batch];
		boolean ok = false;
		try {
			for (long seed : seeds) {
				DescriptorNet student = DescriptorNet.random(arch, teacher.manager(), teacher.manager().getDevice(), new SplittableRandom(seed).nextLong());
				students.add(student);
				student.setTrainable(true);
				optimisers.add(new Adam(student.parameters(), settings.learningRate(), settings.weightDecay(), student.manager()));
				losses.add(new float[steps]);
			}
			for (int step = 0; step < steps; step++) {
				progress.checkCancelled();
				for (int b = 0; b < batch; b++) {
					imageIndex[b] = random.nextInt(images.size());
					FloatImage image = images.get(imageIndex[b]);
					x0[b] = random.nextInt(image.width() - span + 1);
					y0[b] = random.nextInt(image.height() - span + 1);
				}
				try (NDManager sub = teacher.manager().newSubManager()) {
					NDArray x = ScaleModel.stridedInput(sub, arch, images, imageIndex, x0, y0, grid, grid);
					NDArray target = scale.normalise(sub, teacher.strided(x));
					for (int i = 0; i < m; i++) {
						float loss;
						try (GradientCollector collector = engine.newGradientCollector()) {
							NDArray prediction = students.get(i).strided(x);
							NDArray l = prediction.sub(target).square().sum(new int[] { 1 }).mean();
							collector.backward(l);
							loss = l.getFloat();
						}
						optimisers.get(i).step();
						if (!Float.isFinite(loss)) throw new IllegalStateException("Student training diverged (loss " + loss + " at step " + step + "); try a lower learning rate");
						losses.get(i)[step] = loss;
						progress.loss("p=" + arch.patchSize() + " student " + (i + 1), step, loss);
					}
				}
				progress.update(String.format("p=%d students: step %d/%d, loss %.4f", arch.patchSize(), step + 1, steps, losses.get(0)[step]), (step + 1.0) / steps);
			}
			for (DescriptorNet student : students) student.setTrainable(false);
			ok = true;
			return new Result(students, losses);
		} finally {
			if (!ok) for (DescriptorNet student : students) student.close();
		}
	}
}
