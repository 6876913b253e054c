package io.github.stad.engine.teacher;

import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.NetworkSize;
import io.github.stad.engine.net.OptimiserSettings;

/**
 * Settings of teacher pretraining, grouped by who reads them. Defaults follow METHOD.md's
 * reimplementation settings (Adam, lr 2e-4, weight decay 1e-5, batch 64); with no pretrained network
 * to distil from, λk = 0. λc = 0.01 keeps the squared-correlation sum (about 16 000 for a collapsed
 * 128-d descriptor) on the scale of the triplet loss. {@code mode} chooses the trainer: the patch
 * form ({@link PatchObjective}, batchSize triplets of p×p patches per iteration) or the strided form
 * ({@link DenseObjective}, {@link Dense}), or dense distillation ({@link DistillationObjective}). Build with {@link #builder(int)}, change with
 * {@link #toBuilder()}.
 */
public record TeacherSettings(int patchSize, NetworkSize network, int iterations, int batchSize, OptimiserSettings optimiser,
		LossWeights losses, Augmentation augmentation, long seed, int checkpointEvery, boolean useGpu, Mode mode, Dense dense) {

	/** Which trainer runs: triplets of single patches, or crop pairs through the strided network. */
	public enum Mode {
		PATCH, DENSE,
		/** A gray teacher taught to see colour on RGB photographs ({@link ColourObjective}). */
		COLOUR,
		/** Dense distillation of a pretrained network's precomputed features ({@link DistillationObjective}). */
		DISTIL;

		/** "patch", "dense", "colour" (also "color") or "distil" (also "distill"), as the CLI and Fiji write it. */
		public static Mode parse(String name) {
			if (name.trim().equalsIgnoreCase("color")) return COLOUR;
			if (name.trim().equalsIgnoreCase("distill")) return DISTIL;
			for (Mode m : values()) if (m.name().equalsIgnoreCase(name.trim())) return m;
			throw new IllegalArgumentException("Unknown teacher training mode '" + name + "'; choose dense, patch, colour or distil");
		}
	}

	/**
	 * How the dense trainer picks each anchor's negative among the batch's descriptors (other images, or
	 * the same image at least p/2 away): the closest one, the closest one farther than the anchor's
	 * positive (semi-hard, FaceNet), or the closest one of a random {@link Dense#subset} of them.
	 */
	public enum Mining {
		HARDEST, SEMI_HARD, SUBSET;

		public static Mining parse(String name) {
			for (Mining m : values()) if (m.name().replace("_", "-").equalsIgnoreCase(name.trim().replace('_', '-'))) return m;
			throw new IllegalArgumentException("Unknown negative mining '" + name + "'; choose hardest, semi-hard or subset");
		}
	}

	/**
	 * The dense trainer: {@code crops} crop pairs per step whose strided outputs are grid×grid; the
	 * learning rate rises linearly over {@code warmup} steps and then follows a cosine to zero at the
	 * last iteration.
	 */
	public record Dense(int grid, int crops, Mining mining, float subset, int warmup, DenseAugmentation augmentation) {
		public Dense {
			if (grid < 2 || crops < 1) throw new IllegalArgumentException("Dense training needs a grid of at least 2 and at least 1 crop per step");
			if (!(subset > 0 && subset <= 1)) throw new IllegalArgumentException("The mining subset must be a fraction in (0, 1], got " + subset);
			if (warmup < 0) throw new IllegalArgumentException("Warm-up steps must not be negative");
		}

		/** These settings, to change some by name (the defaults of a patch size: {@code TeacherSettings.defaults(p).dense().toBuilder()}). */
		public Builder toBuilder() { return new Builder(this); }

		/** The dense trainer's settings by name; {@link #build} checks them. */
		public static final class Builder {
			private int grid, crops, warmup;
			private Mining mining;
			private float subset;
			private DenseAugmentation augmentation;

			private Builder(Dense d) {
				grid = d.grid;
				crops = d.crops;
				mining = d.mining;
				subset = d.subset;
				warmup = d.warmup;
				augmentation = d.augmentation;
			}

			/** Side of the strided output grid of a crop. */
			public Builder grid(int side) { grid = side; return this; }
			/** Crop pairs per step. */
			public Builder crops(int n) { crops = n; return this; }
			/** How negatives are mined, and for {@link Mining#SUBSET} the share of candidates searched. */
			public Builder mining(Mining m, float share) { mining = m; subset = share; return this; }
			/** Steps of linear learning-rate warm-up. */
			public Builder warmup(int steps) { warmup = steps; return this; }
			public Builder augmentation(DenseAugmentation a) { augmentation = a; return this; }

			public Dense build() { return new Dense(grid, crops, mining, subset, warmup, augmentation); }
		}
	}

	/**
	 * How the positive crop of the dense trainer differs from its anchor crop. Photometric (normalised
	 * units): brightness ±brightness, contrast ×(1 ± contrast), gamma exp(±ln(1 + gamma)), Gaussian blur
	 * of σ up to blur pixels (half of the crops), Gaussian noise of noiseStd. Geometric: flips, 90° turns,
	 * a shift of up to maxShift grid steps (multiples of the stride, so grid points still meet exactly)
	 * and a scale change of up to ±scale (positives at the nearest grid point).
	 * <p>
	 * {@code syntheticDefects} &gt; 0 adds a third crop per pair, the anchor with one planted defect
	 * ({@link CropPairSampler#defects}), and a triplet term of that weight whose negative is the same grid
	 * point of the defective copy: the descriptor must change where the window's centre is altered.
	 */
	public record DenseAugmentation(float brightness, float contrast, float gamma, float blur, float noiseStd, boolean flips, boolean turns, int maxShift,
			float scale, float syntheticDefects) {
		public DenseAugmentation {
			if (!(brightness >= 0 && contrast >= 0 && contrast < 1 && gamma >= 0 && blur >= 0 && noiseStd >= 0 && maxShift >= 0 && scale >= 0 && scale < 0.5)) {
				throw new IllegalArgumentException("Augmentation strengths must not be negative (contrast below 1, scale below 0.5)");
			}
			if (!(syntheticDefects >= 0)) throw new IllegalArgumentException("The synthetic-defect weight must not be negative, got " + syntheticDefects);
		}

		/** Named strengths, starting from the defaults (photometric changes and a shift of one stride; no flips, turns, rescaling or synthetic defects). */
		public static Builder builder() { return new Builder(); }

		/** These strengths, to change some by name. */
		public Builder toBuilder() {
			return builder().brightness(brightness).contrast(contrast).gamma(gamma).blur(blur).noise(noiseStd).flips(flips).turns(turns).shift(maxShift).scale(scale)
					.syntheticDefects(syntheticDefects);
		}

		/** The strengths by name; {@link #build} checks them. */
		public static final class Builder {
			private float brightness = 0.2f, contrast = 0.2f, gamma = 0.2f, blur = 1, noiseStd = 0.1f, scale, syntheticDefects;
			private boolean flips, turns;
			private int maxShift = 1;

			private Builder() {}

			public Builder brightness(float a) { brightness = a; return this; }
			public Builder contrast(float a) { contrast = a; return this; }
			public Builder gamma(float a) { gamma = a; return this; }
			public Builder blur(float sigma) { blur = sigma; return this; }
			public Builder noise(float std) { noiseStd = std; return this; }
			public Builder flips(boolean on) { flips = on; return this; }
			public Builder turns(boolean on) { turns = on; return this; }
			/** A shift of up to this many grid steps. */
			public Builder shift(int strides) { maxShift = strides; return this; }
			public Builder scale(float s) { scale = s; return this; }
			/** The weight of the planted-defect triplet term (0: off). */
			public Builder syntheticDefects(float weight) { syntheticDefects = weight; return this; }

			public DenseAugmentation build() {
				return new DenseAugmentation(brightness, contrast, gamma, blur, noiseStd, flips, turns, maxShift, scale, syntheticDefects);
			}
		}
	}

	/** The weights of the three losses λk·Lk + λm·Lm + λc·Lc, and the triplet margin δ. */
	public record LossWeights(float lambdaK, float lambdaM, float lambdaC, float margin) {
		public LossWeights {
			if (!(lambdaK >= 0 && lambdaM >= 0 && lambdaC >= 0)) throw new IllegalArgumentException("Loss weights must be finite and not negative");
			if (!Float.isFinite(lambdaK + lambdaM + lambdaC)) throw new IllegalArgumentException("Loss weights must be finite");
			if (lambdaK == 0 && lambdaM == 0 && lambdaC == 0) throw new IllegalArgumentException("At least one loss weight must be positive");
		}
	}

	/**
	 * How a positive differs from its anchor: a shift of up to maxShift pixels, a brightness change of up
	 * to ±brightness and Gaussian noise of noiseStd, both in units of the intensity standard deviation.
	 */
	public record Augmentation(int maxShift, float brightness, float noiseStd) {}

	public TeacherSettings {
		if (iterations < 1 || batchSize < 2) throw new IllegalArgumentException("Need at least 1 iteration and a batch of at least 2");
	}

	public static TeacherSettings defaults(int patchSize) { return builder(patchSize).build(); }

	public static Builder builder(int patchSize) { return new Builder(patchSize); }

	public Builder toBuilder() {
		Builder b = new Builder(patchSize);
		b.width = network.width();
		b.descriptorDim = network.descriptorDim();
		b.iterations = iterations;
		b.batchSize = batchSize;
		b.learningRate = optimiser.learningRate();
		b.weightDecay = optimiser.weightDecay();
		b.lambdaK = losses.lambdaK();
		b.lambdaM = losses.lambdaM();
		b.lambdaC = losses.lambdaC();
		b.margin = losses.margin();
		b.maxShift = augmentation.maxShift();
		b.brightness = augmentation.brightness();
		b.noiseStd = augmentation.noiseStd();
		b.seed = seed;
		b.checkpointEvery = checkpointEvery;
		b.useGpu = useGpu;
		b.mode = mode;
		b.dense = dense;
		return b;
	}

	/** Named settings with the defaults above. */
	public static final class Builder {
		private final int patchSize;
		private int width = Architecture.DEFAULT_WIDTH, descriptorDim = Architecture.DEFAULT_DESCRIPTOR_DIM;
		private int iterations = 2000, batchSize = 64;
		private float learningRate = 2e-4f, weightDecay = 1e-5f;
		private float lambdaK = 0, lambdaM = 1, lambdaC = 0.01f, margin = 1;
		private int maxShift;
		private float brightness = 0.2f, noiseStd = 0.1f;
		private long seed = 1;
		private int checkpointEvery = 100;
		private boolean useGpu = true;
		private Mode mode = Mode.PATCH;
		private Dense dense;

		private Builder(int patchSize) {
			this.patchSize = patchSize;
			this.maxShift = Math.max(1, patchSize / 16);
			this.dense = new Dense(defaultGrid(patchSize), 8, Mining.SEMI_HARD, 0.125f, 100, DenseAugmentation.builder().build());
		}

		/** Grid sides whose steps cost about the same at every p (docs/benchmarks.md): 24², 12², 8² anchors per crop. */
		static int defaultGrid(int p) { return p <= 17 ? 24 : p <= 33 ? 12 : 8; }

		public Builder networkSize(int w, int d) { width = w; descriptorDim = d; return this; }
		public Builder iterations(int n) { iterations = n; return this; }
		public Builder batch(int b) { batchSize = b; return this; }
		public Builder learningRate(float lr) { learningRate = lr; return this; }
		public Builder lambdas(float k, float m, float c) { lambdaK = k; lambdaM = m; lambdaC = c; return this; }
		public Builder seed(long s) { seed = s; return this; }
		public Builder checkpointEvery(int n) { checkpointEvery = n; return this; }
		public Builder useGpu(boolean gpu) { useGpu = gpu; return this; }
		public Builder mode(Mode m) { mode = m; return this; }
		public Builder dense(Dense d) { dense = d; return this; }

		public TeacherSettings build() {
			return new TeacherSettings(patchSize, new NetworkSize(width, descriptorDim), iterations, batchSize, new OptimiserSettings(learningRate, weightDecay),
					new LossWeights(lambdaK, lambdaM, lambdaC, margin), new Augmentation(maxShift, brightness, noiseStd), seed, checkpointEvery, useGpu, mode, dense);
		}
	}
}
