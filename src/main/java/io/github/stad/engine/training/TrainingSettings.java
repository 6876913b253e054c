package io.github.stad.engine.training;

import io.github.stad.engine.budget.TrainingBudget;
import io.github.stad.engine.model.MapMode;
import io.github.stad.engine.model.Calibration;
import io.github.stad.engine.ComputeSettings;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.NetworkSize;
import io.github.stad.engine.net.OptimiserSettings;

import java.util.Arrays;

/**
 * Everything that controls training a model, grouped by who reads it: the patch sizes and network
 * size, the {@link StudentSchedule}, how long it trains ({@link TrainingBudget}), the false-positive
 * rate of the default threshold, and where the work runs. Build with {@link #builder()}, change with {@link #toBuilder()}.
 * <p>
 * Defaults follow METHOD.md where it names a value (M = 3 students, Adam with weight decay 1e-5).
 * The learning rate is 1e-3, not the 1e-4 of reimplementations (METHOD.md: not from the paper): at
 * the short CPU budget below, students at 1e-4 stay far from fitting a decorrelated teacher
 * (docs/benchmarks.md). Training takes a time budget (20 minutes by default) and spends what the
 * teacher statistics and validation leave on student steps, with a warm-up and cosine decay of the
 * learning rate. A step is many small random crops ({@link StudentSchedule}: 16 of 8² at p = 17,
 * 4 of 32² at p = 33 and 65): many small steps fit the students far better in the same time than few
 * large ones, and many small crops better than few larger ones (docs/benchmarks.md, "Student fit per
 * minute").
 */
public record TrainingSettings(int[] patchSizes, NetworkSize network, StudentSchedule schedule, TrainingBudget budget, double thresholdFpr, ComputeSettings compute, long seed,
		double processingScale, TeacherAdaptation.Settings teacherAdaptation, MapMode maps) {

	public TrainingSettings {
		java.util.Objects.requireNonNull(maps, "maps");
		if (patchSizes.length == 0) throw new IllegalArgumentException("Give at least one patch size (17, 33, 65)");
		for (int p : patchSizes) {
			if (Arrays.stream(Architecture.SUPPORTED_PATCH_SIZES).noneMatch(s -> s == p)) throw new IllegalArgumentException("Unsupported patch size " + p + "; choose from 17, 33, 65");
		}
		if (Arrays.stream(patchSizes).distinct().count() != patchSizes.length) {
			throw new IllegalArgumentException("Patch size given twice in " + Arrays.toString(patchSizes) + "; give each of 17, 33, 65 at most once");
		}
		if (!(thresholdFpr >= 0 && thresholdFpr < 1)) throw new IllegalArgumentException("The threshold's false-positive rate must lie in [0, 1) (0: the image-level rule), got " + thresholdFpr);
		if (!(processingScale > 0 && processingScale <= 1)) throw new IllegalArgumentException("The processing scale must lie in (0, 1] (e.g. 0.5 for half size), got " + processingScale);
		patchSizes = patchSizes.clone();
	}

	@Override
	public int[] patchSizes() { return patchSizes.clone(); }

	public int students() { return schedule.students(); }
	/** Epochs of student training, or 0 when a time budget is set. */
	public int epochs() { return budget.epochs(); }

	public static TrainingSettings defaults() { return builder().build(); }

	public static Builder builder() { return new Builder(); }

	public Builder toBuilder() {
		Builder b = new Builder();
		b.patchSizes = patchSizes.clone();
		b.width = network.width();
		b.descriptorDim = network.descriptorDim();
		b.students = schedule.students();
		b.budget = budget;
		b.cropSize = schedule.cropSize();
		b.batchSize = schedule.batchSize();
		b.learningRate = schedule.optimiser().learningRate();
		b.weightDecay = schedule.optimiser().weightDecay();
		b.thresholdFpr = thresholdFpr;
		b.tileSize = compute.tileSize();
		b.useGpu = compute.useGpu();
		b.seed = seed;
		b.processingScale = processingScale;
		b.adaptationShare = teacherAdaptation.budgetShare();
		b.adaptationSteps = teacherAdaptation.steps();
		b.maps = maps;
		return b;
	}

	/** Named settings with the defaults above; {@link #build()} checks them together. */
	public static final class Builder {
		private int[] patchSizes = { 17, 33, 65 };
		private int width = Architecture.DEFAULT_WIDTH, descriptorDim = Architecture.DEFAULT_DESCRIPTOR_DIM;
		private int students = 3, cropSize = StudentSchedule.PER_PATCH_SIZE, batchSize = StudentSchedule.PER_PATCH_SIZE;
		private TrainingBudget budget = TrainingBudget.DEFAULT;
		private float learningRate = 1e-3f, weightDecay = 1e-5f;
		// The image level, so normal images like the validation ones are not flagged; 1 % of the pixels of a
		// megapixel image are thousands, and flagged every image.
		private double thresholdFpr = Calibration.IMAGE_LEVEL;
		private int tileSize = ComputeSettings.DEFAULT.tileSize();
		private boolean useGpu = ComputeSettings.DEFAULT.useGpu();
		private long seed = 1;
		private double processingScale = 1;
		private double adaptationShare = 0;
		private int adaptationSteps = 0;
		private MapMode maps = MapMode.DEFAULT;

		private Builder() {}

		public Builder patchSizes(int... p) { patchSizes = p.clone(); return this; }
		public Builder networkSize(int w, int d) { width = w; descriptorDim = d; return this; }
		public Builder students(int m) { students = m; return this; }
		/** A fixed number of epochs instead of the time budget. */
		public Builder epochs(int e) { budget = TrainingBudget.ofEpochs(e); return this; }
		/** A time budget for the whole training instead of a number of epochs. */
		public Builder timeBudget(double minutes) { budget = TrainingBudget.ofMinutes(minutes); return this; }
		/** Crops of this side, this many per step, at every patch size ({@link StudentSchedule#PER_PATCH_SIZE}: that size's default). */
		public Builder crop(int size, int batch) { cropSize = size; batchSize = batch; return this; }
		public Builder learningRate(float lr) { learningRate = lr; return this; }
		public Builder weightDecay(float wd) { weightDecay = wd; return this; }
		public Builder thresholdFpr(double fpr) { thresholdFpr = fpr; return this; }
		public Builder tileSize(int t) { tileSize = t; return this; }
		public Builder useGpu(boolean gpu) { useGpu = gpu; return this; }
		public Builder seed(long s) { seed = s; return this; }
		/** Train (and later score) on copies resized by this factor: for defects larger than a few pixels, faster and with more context per patch. */
		public Builder processingScale(double s) { processingScale = s; return this; }

		/** Fine-tune the teachers on the normal images first ({@link TeacherAdaptation}): this share of a time budget (0 = not). */
		public Builder teacherAdaptationShare(double share) { adaptationShare = share; return this; }
		/** The same for epoch runs: this many steps per patch size (0 = not). */
		public Builder teacherAdaptationSteps(int steps) { adaptationSteps = steps; return this; }

		/** How the validation maps are computed for the calibration; recorded in the model, which scores the same way. */
		public Builder maps(MapMode m) { maps = m; return this; }

		public TrainingSettings build() {
			return new TrainingSettings(patchSizes, new NetworkSize(width, descriptorDim),
					new StudentSchedule(students, cropSize, batchSize, new OptimiserSettings(learningRate, weightDecay)), budget,
					thresholdFpr, new ComputeSettings(tileSize, useGpu), seed, processingScale,
					new TeacherAdaptation.Settings(adaptationShare, adaptationSteps), maps);
		}
	}
}
