package io.github.stad.engine;

/**
 * Settings of teacher pretraining. Defaults follow METHOD.md's reimplementation settings (Adam,
 * lr 2e-4, weight decay 1e-5, batch 64); with no pretrained network to distil from, λk = 0. λc = 0.01 keeps
 * the squared-correlation sum (about 16 000 for a collapsed 128-d descriptor) on the scale of the
 * triplet loss.
 */
public record TeacherSettings(int patchSize, int width, int descriptorDim, int iterations, int batchSize, float learningRate, float weightDecay,
		float lambdaK, float lambdaM, float lambdaC, float margin, int maxShift, float brightness, float noiseStd, long seed, int checkpointEvery, boolean useGpu) {

	public TeacherSettings {
		if (iterations < 1 || batchSize < 2) throw new IllegalArgumentException("Need at least 1 iteration and a batch of at least 2");
		if (lambdaK < 0 || lambdaM < 0 || lambdaC < 0) throw new IllegalArgumentException("Loss weights must not be negative");
		if (lambdaK == 0 && lambdaM == 0 && lambdaC == 0) throw new IllegalArgumentException("At least one loss weight must be positive");
	}

	public static TeacherSettings defaults(int patchSize) {
		return new TeacherSettings(patchSize, Architecture.DEFAULT_WIDTH, Architecture.DEFAULT_DESCRIPTOR_DIM, 2000, 64, 2e-4f, 1e-5f,
				0f, 1f, 0.01f, 1f, Math.max(1, patchSize / 16), 0.2f, 0.1f, 1, 100, true);
	}

	public TeacherSettings withIterations(int n) { return new TeacherSettings(patchSize, width, descriptorDim, n, batchSize, learningRate, weightDecay, lambdaK, lambdaM, lambdaC, margin, maxShift, brightness, noiseStd, seed, checkpointEvery, useGpu); }
	public TeacherSettings withNetworkSize(int w, int d) { return new TeacherSettings(patchSize, w, d, iterations, batchSize, learningRate, weightDecay, lambdaK, lambdaM, lambdaC, margin, maxShift, brightness, noiseStd, seed, checkpointEvery, useGpu); }
	public TeacherSettings withBatch(int b) { return new TeacherSettings(patchSize, width, descriptorDim, iterations, b, learningRate, weightDecay, lambdaK, lambdaM, lambdaC, margin, maxShift, brightness, noiseStd, seed, checkpointEvery, useGpu); }
	public TeacherSettings withLambdas(float k, float m, float c) { return new TeacherSettings(patchSize, width, descriptorDim, iterations, batchSize, learningRate, weightDecay, k, m, c, margin, maxShift, brightness, noiseStd, seed, checkpointEvery, useGpu); }
	public TeacherSettings withSeed(long s) { return new TeacherSettings(patchSize, width, descriptorDim, iterations, batchSize, learningRate, weightDecay, lambdaK, lambdaM, lambdaC, margin, maxShift, brightness, noiseStd, s, checkpointEvery, useGpu); }
	public TeacherSettings withCheckpointEvery(int n) { return new TeacherSettings(patchSize, width, descriptorDim, iterations, batchSize, learningRate, weightDecay, lambdaK, lambdaM, lambdaC, margin, maxShift, brightness, noiseStd, seed, n, useGpu); }
	public TeacherSettings withLearningRate(float lr) { return new TeacherSettings(patchSize, width, descriptorDim, iterations, batchSize, lr, weightDecay, lambdaK, lambdaM, lambdaC, margin, maxShift, brightness, noiseStd, seed, checkpointEvery, useGpu); }
	public TeacherSettings withGpu(boolean gpu) { return new TeacherSettings(patchSize, width, descriptorDim, iterations, batchSize, learningRate, weightDecay, lambdaK, lambdaM, lambdaC, margin, maxShift, brightness, noiseStd, seed, checkpointEvery, gpu); }
}
