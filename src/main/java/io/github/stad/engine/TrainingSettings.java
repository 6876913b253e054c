package io.github.stad.engine;

import java.util.Arrays;

/**
 * Everything that controls student training. Defaults follow METHOD.md where it names a value
 * (M = 3 students, Adam with weight decay 1e-5). The learning rate is 1e-3, not the 1e-4 of
 * reimplementations (METHOD.md: not from the paper): at the short CPU budget below, students at
 * 1e-4 stay far from fitting a decorrelated teacher (docs/benchmarks.md, magnetic tile: loss 78 vs
 * 54 after 94 steps, with better pixel and image AUROC at 1e-3). The rest is sized so that the
 * default training of 50 images of 256² finishes in about 20 minutes on a 2-core CPU: 4 epochs,
 * one epoch takes one random crop (up to 128², see {@link StudentTrainer#gridSize}) of every
 * training image, 8 crops per step.
 */
public record TrainingSettings(
		int[] patchSizes,
		int students,
		int epochs,
		long seed,
		int cropSize,
		int batchSize,
		float learningRate,
		float weightDecay,
		int width,
		int descriptorDim,
		double thresholdFpr,
		int tileSize,
		boolean useGpu) {

	public TrainingSettings {
		if (patchSizes.length == 0) throw new IllegalArgumentException("Give at least one patch size (17, 33, 65)");
		for (int p : patchSizes) {
			if (Arrays.stream(Architecture.SUPPORTED_PATCH_SIZES).noneMatch(s -> s == p)) throw new IllegalArgumentException("Unsupported patch size " + p + "; choose from 17, 33, 65");
		}
		if (students < 1) throw new IllegalArgumentException("Need at least one student, got " + students);
		if (epochs < 1) throw new IllegalArgumentException("Epochs must be at least 1, got " + epochs);
		if (cropSize < 1 || batchSize < 1) throw new IllegalArgumentException("Crop and batch size must be positive");
		if (!(thresholdFpr > 0 && thresholdFpr < 1)) throw new IllegalArgumentException("The threshold's false-positive rate must lie between 0 and 1, got " + thresholdFpr);
		if (tileSize < 16) throw new IllegalArgumentException("Tile size must be at least 16");
	}

	public static TrainingSettings defaults() {
		return new TrainingSettings(new int[] { 17, 33, 65 }, 3, 4, 1, 128, 8, 1e-3f, 1e-5f,
				Architecture.DEFAULT_WIDTH, Architecture.DEFAULT_DESCRIPTOR_DIM, 0.01, 256, true);
	}

	public TrainingSettings withPatchSizes(int... p) { return new TrainingSettings(p, students, epochs, seed, cropSize, batchSize, learningRate, weightDecay, width, descriptorDim, thresholdFpr, tileSize, useGpu); }
	public TrainingSettings withStudents(int m) { return new TrainingSettings(patchSizes, m, epochs, seed, cropSize, batchSize, learningRate, weightDecay, width, descriptorDim, thresholdFpr, tileSize, useGpu); }
	public TrainingSettings withEpochs(int e) { return new TrainingSettings(patchSizes, students, e, seed, cropSize, batchSize, learningRate, weightDecay, width, descriptorDim, thresholdFpr, tileSize, useGpu); }
	public TrainingSettings withSeed(long s) { return new TrainingSettings(patchSizes, students, epochs, s, cropSize, batchSize, learningRate, weightDecay, width, descriptorDim, thresholdFpr, tileSize, useGpu); }
	public TrainingSettings withCrop(int crop, int batch) { return new TrainingSettings(patchSizes, students, epochs, seed, crop, batch, learningRate, weightDecay, width, descriptorDim, thresholdFpr, tileSize, useGpu); }
	public TrainingSettings withLearningRate(float lr) { return new TrainingSettings(patchSizes, students, epochs, seed, cropSize, batchSize, lr, weightDecay, width, descriptorDim, thresholdFpr, tileSize, useGpu); }
	public TrainingSettings withNetworkSize(int w, int d) { return new TrainingSettings(patchSizes, students, epochs, seed, cropSize, batchSize, learningRate, weightDecay, w, d, thresholdFpr, tileSize, useGpu); }
	public TrainingSettings withThresholdFpr(double fpr) { return new TrainingSettings(patchSizes, students, epochs, seed, cropSize, batchSize, learningRate, weightDecay, width, descriptorDim, fpr, tileSize, useGpu); }
	public TrainingSettings withTileSize(int t) { return new TrainingSettings(patchSizes, students, epochs, seed, cropSize, batchSize, learningRate, weightDecay, width, descriptorDim, thresholdFpr, t, useGpu); }
	public TrainingSettings withGpu(boolean gpu) { return new TrainingSettings(patchSizes, students, epochs, seed, cropSize, batchSize, learningRate, weightDecay, width, descriptorDim, thresholdFpr, tileSize, gpu); }
}
