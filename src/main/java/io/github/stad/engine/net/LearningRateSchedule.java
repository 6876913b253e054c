package io.github.stad.engine.net;

/**
 * The learning-rate schedule of every training here (students and teachers): a linear warm-up
 * (Adam's first moments are noisy) then a cosine decay to zero, so the last steps settle instead of
 * jumping around the minimum.
 */
public final class LearningRateSchedule {

	private LearningRateSchedule() {}

	/** The factor of the peak rate at {@code step} of {@code total} steps with {@code warmup} warm-up steps (at least 1). */
	public static double factor(int step, int warmup, int total) {
		int w = Math.max(1, warmup);
		if (step < w) return (step + 1.0) / w;
		double t = (step - w + 1.0) / (total - w + 1.0);
		return 0.5 * (1 + Math.cos(Math.PI * Math.min(1, t)));
	}
}
