package io.github.stad.engine.teacher;

import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.NetworkSize;
import io.github.stad.engine.net.OptimiserSettings;

/**
 * Settings of teacher pretraining, grouped by who reads them. Defaults follow METHOD.md's
 * reimplementation settings (Adam, lr 2e-4, weight decay 1e-5, batch 64); with no pretrained network
 * to distil from, λk = 0. λc = 0.01 keeps the squared-correlation sum (about 16 000 for a collapsed
 * 128-d descriptor) on the scale of the triplet loss. Build with {@link #builder(int)}, change with
 * {@link #toBuilder()}.
 */
public record TeacherSettings(int patchSize, NetworkSize network, int iterations, int batchSize, OptimiserSettings optimiser,
		LossWeights losses, Augmentation augmentation, long seed, int checkpointEvery, boolean useGpu) {

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

		private Builder(int patchSize) {
			this.patchSize = patchSize;
			this.maxShift = Math.max(1, patchSize / 16);
		}

		public Builder networkSize(int w, int d) { width = w; descriptorDim = d; return this; }
		public Builder iterations(int n) { iterations = n; return this; }
		public Builder batch(int b) { batchSize = b; return this; }
		public Builder learningRate(float lr) { learningRate = lr; return this; }
		public Builder lambdas(float k, float m, float c) { lambdaK = k; lambdaM = m; lambdaC = c; return this; }
		public Builder seed(long s) { seed = s; return this; }
		public Builder checkpointEvery(int n) { checkpointEvery = n; return this; }
		public Builder useGpu(boolean gpu) { useGpu = gpu; return this; }

		public TeacherSettings build() {
			return new TeacherSettings(patchSize, new NetworkSize(width, descriptorDim), iterations, batchSize, new OptimiserSettings(learningRate, weightDecay),
					new LossWeights(lambdaK, lambdaM, lambdaC, margin), new Augmentation(maxShift, brightness, noiseStd), seed, checkpointEvery, useGpu);
		}
	}
}
