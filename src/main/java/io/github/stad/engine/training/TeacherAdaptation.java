package io.github.stad.engine.training;

import io.github.stad.engine.Progress;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.DescriptorNet;
import io.github.stad.engine.budget.StepBudget;
import io.github.stad.engine.net.TeacherWeights;
import io.github.stad.engine.teacher.DenseObjective;
import io.github.stad.engine.teacher.TeacherSettings;
import io.github.stad.engine.teacher.TeacherTraining;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Training stage "adapt the teacher": before the students, the teacher of each patch size is fine-tuned
 * on the user's own normal images with its self-supervised pretraining losses (dense trainer: the same
 * places in an augmented copy are positives, semi-hard negatives from other images and from the same
 * image at least p/2 away, squared compactness). The pretrained teacher has seen photographs, not this
 * domain; a few hundred steps spread its descriptors over the directions in which these images vary
 * (docs/benchmarks.md, "Teacher adaptation": probe and maps on magnetic tile).
 */
public final class TeacherAdaptation {

	/**
	 * How much adaptation a training does: under a time budget the share of the budget it takes (split
	 * evenly over the patch sizes; 0 = none), with a fixed number of epochs a number of steps per patch
	 * size (0 = none; a step count keeps such runs reproducible to the bit on the CPU).
	 */
	public record Settings(double budgetShare, int steps) {
		public static final Settings NONE = new Settings(0, 0);

		public Settings {
			if (!(budgetShare >= 0 && budgetShare <= MAX_SHARE)) {
				throw new IllegalArgumentException("The teacher adaptation's share of the time budget must lie in [0, " + MAX_SHARE + "] (0 = no adaptation), got " + budgetShare);
			}
			if (steps < 0) throw new IllegalArgumentException("Teacher adaptation steps must not be negative, got " + steps);
		}
	}

	/** At most this share of a time budget: the students need the rest. */
	public static final double MAX_SHARE = 0.5;

	/** Peak learning rate: the pretraining rate; 5× higher fine-tuned worse on the probe (docs/benchmarks.md). */
	static final float LEARNING_RATE = 2e-4f;
	/** Warm-up steps (at most a fifth of the run, {@link DenseObjective#learningRate}). */
	static final int WARMUP = 10;
	/** Crop pairs per step, as in pretraining. */
	static final int CROPS = 8;

	private TeacherAdaptation() {}

	/**
	 * Grid side at most: p = 17's pretraining grid of 24 (8 × 576 anchors a step) made a step four times as
	 * long and the run not reproducible to the bit on the CPU (PyTorch's reductions at that size); 12 is
	 * pretraining's grid at p = 33.
	 */
	static final int MAX_GRID = 12;

	/**
	 * The largest dense grid (at most pretraining's, {@code TeacherSettings} defaults, and {@link #MAX_GRID}) whose
	 * crops, shifted by {@code shift} strides, fit into every image; 0 when not even a 2 × 2 grid fits.
	 */
	static int grid(Architecture arch, List<FloatImage> images, int shift) {
		int minSide = images.stream().mapToInt(i -> Math.min(i.width(), i.height())).min().orElse(0);
		int grid = Math.min(MAX_GRID, TeacherSettings.defaults(arch.patchSize()).dense().grid());
		while (grid >= 2 && DescriptorNet.stridedInputSize(arch, grid) + 2 * shift * arch.outputStride() > minSide) grid--;
		return grid >= 2 ? grid : 0;
	}

	/**
	 * The teacher fine-tuned on {@code images} (not normalised: the trainer normalises them itself) for the steps
	 * of {@code budget}, or {@code start} unchanged (with a log line) when the images are too small for its crops.
	 */
	static TeacherWeights adapt(TeacherWeights start, List<FloatImage> images, StepBudget budget, long seed, boolean useGpu, Progress progress) {
		Architecture arch = start.architecture();
		int shift = 1, grid = grid(arch, images, shift);
		if (grid == 0) {
			shift = 0;
			grid = grid(arch, images, shift);
		}
		if (grid == 0) {
			progress.log("Teacher adaptation skipped at p=" + arch.patchSize() + ": the smallest image is too small for its crops ("
					+ DescriptorNet.stridedInputSize(arch, 2) + " pixels a side)");
			return start;
		}
		TeacherSettings settings = TeacherSettings.builder(arch.patchSize()).networkSize(arch.width(), arch.descriptorDim())
				.iterations(budget instanceof StepBudget.Steps s ? s.count() : 1).learningRate(LEARNING_RATE).seed(seed).checkpointEvery(0).useGpu(useGpu)
				.mode(TeacherSettings.Mode.DENSE)
				.dense(TeacherSettings.defaults(arch.patchSize()).dense().toBuilder().grid(grid).crops(CROPS).mining(TeacherSettings.Mining.SEMI_HARD, 0.125f).warmup(WARMUP)
						// Flips and 90° turns: they helped on the probe (textures without a preferred orientation).
						.augmentation(TeacherSettings.DenseAugmentation.builder().flips(true).turns(true).shift(shift).build()).build())
				.build();
		try {
			TeacherTraining.Result r = TeacherTraining.run(new DenseObjective(images, settings, start), budget, TeacherTraining.Files.NONE, progress);
			String source = start.source() + ", adapted to the " + images.size() + " normal image(s) (" + r.losses().size() + " dense steps)";
			progress.log(String.format("Teacher p=%d adapted in %d steps (loss %.3f -> %.3f)", arch.patchSize(), r.losses().size(),
					r.losses().get(0)[0], r.losses().get(r.losses().size() - 1)[0]));
			return new TeacherWeights(arch, r.weights(), source);
		} catch (IOException e) {
			throw new UncheckedIOException(e); // no checkpoint is written: not reached
		}
	}
}
