package io.github.stad.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Trains one student to regress the normalised teacher output at every pixel (METHOD.md):
 * L = (1/wh) Σ ‖S(I)(r,c) − (T(I)(r,c) − μ) ⊘ σ‖², on random square crops of the normalised
 * training images (the same objective, evaluated on crops for speed), with Adam.
 */
final class StudentTrainer {

	/** The loss of each optimisation step. */
	record Result(DescriptorNet student, float[] losses) {}

	private StudentTrainer() {}

	/** Optimisation steps for a number of epochs: one epoch shows about as many crop pixels as the images have. */
	static int stepsFor(List<FloatImage> images, int crop, int batch, int epochs) {
		long pixels = 0;
		for (FloatImage image : images) pixels += (long) image.width() * image.height();
		long cropsPerEpoch = Math.max(1, Math.round(pixels / (double) (crop * crop)));
		return (int) Math.max(1, epochs * ((cropsPerEpoch + batch - 1) / batch));
	}

	static Result train(ScaleModel scale, List<FloatImage> images, TrainingSettings settings, long seed, String series, Progress progress) {
		DescriptorNet teacher = scale.teacher();
		Architecture arch = teacher.architecture();
		int crop = images.stream().mapToInt(i -> Math.min(i.width(), i.height())).min().orElseThrow();
		crop = Math.min(settings.cropSize(), crop);
		int batch = settings.batchSize();
		int steps = stepsFor(images, crop, batch, settings.epochs());
		SplittableRandom random = new SplittableRandom(seed);
		DescriptorNet student = DescriptorNet.random(arch, teacher.manager(), teacher.manager().getDevice(), random.nextLong());
		List<NDArray> params = student.parameters();
		student.setTrainable(true);
		Adam adam = new Adam(params, settings.learningRate(), settings.weightDecay(), student.manager());
		Engine engine = Djl.engine();
		float[] losses = new float[steps];
		int[] imageIndex = new int[batch], x0 = new int[batch], y0 = new int[batch];
		boolean ok = false;
		try {
			for (int step = 0; step < steps; step++) {
				progress.checkCancelled();
				for (int b = 0; b < batch; b++) {
					imageIndex[b] = random.nextInt(images.size());
					FloatImage image = images.get(imageIndex[b]);
					x0[b] = random.nextInt(image.width() - crop + 1);
					y0[b] = random.nextInt(image.height() - crop + 1);
				}
				try (NDManager sub = teacher.manager().newSubManager()) {
					NDArray x = ScaleModel.denseInput(sub, arch, images, imageIndex, x0, y0, crop, crop);
					NDArray target = scale.normalisedTeacher(sub, x, crop, crop);
					try (GradientCollector collector = engine.newGradientCollector()) {
						NDArray prediction = student.dense(x, crop, crop);
						NDArray loss = prediction.sub(target).square().sum(new int[] { 1 }).mean();
						collector.backward(loss);
						losses[step] = loss.getFloat();
					}
					adam.step();
				}
				if (!Float.isFinite(losses[step])) throw new IllegalStateException("Student training diverged (loss " + losses[step] + " at step " + step + "); try a lower learning rate");
				progress.loss(series, step, losses[step]);
				progress.update(String.format("p=%d student: step %d/%d, loss %.4f", arch.patchSize(), step + 1, steps, losses[step]), (step + 1.0) / steps);
			}
			student.setTrainable(false);
			ok = true;
			return new Result(student, losses);
		} finally {
			if (!ok) student.close();
		}
	}
}
