package io.github.stad.engine.training;

import io.github.stad.engine.budget.StepBudget;
import io.github.stad.engine.budget.StepPlan;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.stad.engine.Progress;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.model.TeacherTarget;
import io.github.stad.engine.net.Adam;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.DescriptorNet;
import io.github.stad.engine.net.Djl;
import io.github.stad.engine.net.LearningRateSchedule;
import io.github.stad.engine.net.NetInputs;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Trains students to regress the normalised teacher output at every pixel (METHOD.md):
 * L = (1/wh) Σ ‖S(I)(r,c) − (T(I)(r,c) − μ) ⊘ σ‖², with Adam.
 * <p>
 * Each step evaluates this loss on a random sample of pixels: the grid of stride s
 * ({@link Architecture#outputStride()}) inside a random crop, computed exactly with the strided
 * form of teacher and students. The crop's origin is uniform over all positions whose grid still
 * touches the image, and grid points that fall outside it are left out of the loss, so every pixel,
 * the borders included, is equally likely to be trained on and the expected loss is the METHOD.md
 * objective. (Crops kept inside the image would visit a border pixel up to grid-size times less
 * often than an interior one; the students then miss the reflection-padded border descriptors and
 * the map lights up along every image edge.) Neighbouring pixels would add little new gradient,
 * and the strided form costs a fraction of the dense one (docs/benchmarks.md), which buys
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
	 * Origin (first grid point) of a crop along an image axis of n pixels whose grid spans span
	 * pixels: uniform in [−(span − 1), n − 1]. Every pixel of the axis is then a grid point for the
	 * same number of origins (the grid size), whatever its distance from the border.
	 */
	static int cropOrigin(SplittableRandom random, int n, int span) {
		return random.nextInt(n + span - 1) - (span - 1);
	}

	/**
	 * Writes 1 for the grid points of a crop that lie inside the image and 0 for those outside it
	 * ([grid, grid] at offset) and returns how many lie inside.
	 */
	static int insideMask(int x0, int y0, int grid, int stride, int width, int height, float[] mask, int offset) {
		int inside = 0;
		for (int j = 0; j < grid; j++) {
			int y = y0 + j * stride;
			for (int i = 0; i < grid; i++) {
				int x = x0 + i * stride;
				boolean in = x >= 0 && x < width && y >= 0 && y < height;
				mask[offset + j * grid + i] = in ? 1f : 0f;
				if (in) inside++;
			}
		}
		return inside;
	}

	/** Crop side that defines an epoch's worth of descriptors (see {@link #stepsFor}). */
	static final int EPOCH_CROP = 64;

	/**
	 * Optimisation steps for a number of epochs. One epoch trains on as many descriptors as one
	 * {@value #EPOCH_CROP}² crop of every training image holds (its grid, {@link #gridSize}), however
	 * they are cut into crops and batches, so the budget grows with the number of images, not with
	 * their size, and a smaller crop or batch gives more, cheaper steps instead of less training.
	 * With crops of {@value #EPOCH_CROP}² that is one crop per image, as it always was.
	 */
	static int stepsFor(Architecture arch, int imageCount, int minImageSide, StudentSchedule schedule, int epochs) {
		int p = arch.patchSize();
		long perEpoch = (long) imageCount * square(gridSize(arch, EPOCH_CROP, minImageSide));
		long perStep = (long) schedule.batchFor(p) * square(gridSize(arch, schedule.cropFor(p), minImageSide));
		return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (epochs * perEpoch + perStep - 1) / perStep));
	}

	private static long square(int n) { return (long) n * n; }

	/** The smallest side of any of the images: it caps every crop's grid ({@link #gridSize}). */
	static int minSide(List<FloatImage> images) {
		return images.stream().mapToInt(i -> Math.min(i.width(), i.height())).min().orElseThrow();
	}

	/** Fraction of the planned steps over which the learning rate rises linearly from 0 (warm-up). */
	static final double WARMUP = 0.05;

	/** The learning-rate factor at a step of a run of {@code planned} steps: warm-up over {@link #WARMUP} of them, then a cosine. */
	static double rateFactor(int step, int planned) {
		return LearningRateSchedule.factor(step, (int) Math.round(WARMUP * planned), planned);
	}

	/**
	 * Trains the students together on the same batches, so each batch costs one teacher pass for all
	 * of them. Each student has its own random initialisation (its seed) and its own optimiser.
	 */
	static Result train(TeacherTarget target, List<FloatImage> images, StudentSchedule settings, StepBudget budget, long[] seeds, Progress progress) {
		return train(target, images, settings, budget, seeds, null, progress);
	}

	/**
	 * As above, but with {@code start} given the students continue from copies of those (refining a model:
	 * same architecture, fresh optimisers, the same warm-up and cosine schedule); the given ones are untouched.
	 */
	static Result train(TeacherTarget target, List<FloatImage> images, StudentSchedule settings, StepBudget budget, long[] seeds, List<DescriptorNet> start, Progress progress) {
		DescriptorNet teacher = target.teacher();
		Architecture arch = teacher.architecture();
		int minSide = minSide(images);
		int grid = gridSize(arch, settings.cropFor(arch.patchSize()), minSide);
		int span = (grid - 1) * arch.outputStride() + 1; // pixels from the first to the last grid point
		int batch = settings.batchFor(arch.patchSize());
		int m = seeds.length;
		SplittableRandom random = new SplittableRandom(seeds[0] ^ 0x5DEECE66DL);
		List<DescriptorNet> students = new ArrayList<>();
		List<Adam> optimisers = new ArrayList<>();
		List<FloatList> losses = new ArrayList<>();
		int[] imageIndex = new int[batch], x0 = new int[batch], y0 = new int[batch];
		float[] mask = new float[batch * grid * grid];
		float rate = settings.optimiser().learningRate();
		boolean ok = false;
		try {
			for (int k = 0; k < m; k++) {
				students.add(newStudent(teacher, seeds[k], start == null ? null : start.get(k)));
				optimisers.add(new Adam(students.get(k).parameters(), settings.optimiser(), students.get(k).manager()));
				losses.add(new FloatList());
			}
			StepPlan plan = new StepPlan(budget);
			for (int step = 0; plan.another(step); step++) {
				progress.checkCancelled();
				int planned = plan.planned(step);
				for (Adam adam : optimisers) adam.setLearningRate((float) (rate * rateFactor(step, planned)));
				int inside = 0;
				for (int b = 0; b < batch; b++) {
					imageIndex[b] = random.nextInt(images.size());
					FloatImage image = images.get(imageIndex[b]);
					x0[b] = cropOrigin(random, image.width(), span);
					y0[b] = cropOrigin(random, image.height(), span);
					inside += insideMask(x0[b], y0[b], grid, arch.outputStride(), image.width(), image.height(), mask, b * grid * grid);
				}
				try (NDManager sub = teacher.manager().newSubManager()) {
					NDArray x = NetInputs.strided(sub, arch, images, imageIndex, x0, y0, grid, grid);
					NDArray weights = sub.create(mask, new Shape(batch, grid, grid)).div(Math.max(1, inside));
					float[] stepLosses = learn(target, x, weights, students, optimisers, step);
					for (int i = 0; i < m; i++) {
						losses.get(i).add(stepLosses[i]);
						progress.loss("p=" + arch.patchSize() + " student " + (i + 1), step, stepLosses[i]);
					}
				}
				plan.stepDone();
				progress.update(String.format("p=%d students: step %d/%s%d, loss %.4f%s", arch.patchSize(), step + 1, plan.exact() ? "" : "~",
						plan.planned(step + 1), losses.get(0).last(), remainingText(plan)), plan.fraction(step + 1));
			}
			for (DescriptorNet student : students) student.setTrainable(false);
			ok = true;
			return new Result(students, losses.stream().map(FloatList::toArray).toList());
		} finally {
			if (!ok) for (DescriptorNet student : students) student.close();
		}
	}

	/** A student for this teacher: random from its seed, or a copy of {@code from} (refining). */
	private static DescriptorNet newStudent(DescriptorNet teacher, long seed, DescriptorNet from) {
		Architecture arch = teacher.architecture();
		DescriptorNet student = from == null ? DescriptorNet.random(arch, teacher.manager(), teacher.manager().getDevice(), new SplittableRandom(seed).nextLong())
				: DescriptorNet.fromWeights(arch, from.exportWeights(), teacher.manager(), teacher.manager().getDevice());
		student.setTrainable(true);
		return student;
	}

	/** One optimisation step of every student on the batch {@code x} (masked, weighted grid points); their losses. */
	private static float[] learn(TeacherTarget target, NDArray x, NDArray weights, List<DescriptorNet> students, List<Adam> optimisers, int step) {
		NDArray targetOut = target.strided(x);
		float[] losses = new float[students.size()];
		for (int i = 0; i < students.size(); i++) {
			float loss;
			try (GradientCollector collector = Djl.engine().newGradientCollector()) {
				NDArray prediction = students.get(i).strided(x);
				NDArray l = prediction.sub(targetOut).square().sum(new int[] { 1 }).mul(weights).sum();
				collector.backward(l);
				loss = l.getFloat();
			}
			optimisers.get(i).step();
			if (!Float.isFinite(loss)) throw new IllegalStateException("Student training diverged (loss " + loss + " at step " + step + "); try a lower learning rate");
			losses[i] = loss;
		}
		return losses;
	}

	private static String remainingText(StepPlan plan) {
		return plan.exact() ? "" : ", " + ModelTrainer.minutes(plan.secondsLeft()) + " left";
	}

	/** A growing float array (the loss of every step when the count is not known in advance). */
	private static final class FloatList {
		private float[] values = new float[64];
		private int size;

		void add(float v) {
			if (size == values.length) values = java.util.Arrays.copyOf(values, 2 * size);
			values[size++] = v;
		}

		float last() { return values[size - 1]; }

		float[] toArray() { return java.util.Arrays.copyOf(values, size); }
	}
}
