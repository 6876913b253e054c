package io.github.stad.engine.teacher;

import ai.djl.ndarray.NDArray;

/** The three teacher-pretraining losses of METHOD.md, on batches of descriptors [N, d]. */
public final class TeacherLosses {

	private TeacherLosses() {}

	/**
	 * Metric learning with in-triplet hard negative mining and anchor swap:
	 * mean over the batch of max(0, δ + δ⁺ − δ⁻), δ⁺ = ‖a − p‖², δ⁻ = min(‖a − n‖², ‖p − n‖²).
	 */
	public static NDArray triplet(NDArray anchor, NDArray positive, NDArray negative, float margin) {
		NDArray dPos = anchor.sub(positive).square().sum(new int[] { 1 });
		NDArray dNeg = anchor.sub(negative).square().sum(new int[] { 1 }).minimum(positive.sub(negative).square().sum(new int[] { 1 }));
		return dPos.sub(dNeg).add(margin).maximum(0f).mean();
	}

	/**
	 * Descriptor compactness: Σ_{i≠j} c_ij² over the correlation matrix of the batch's descriptors
	 * (dimensions as variables, batch entries as observations).
	 * <p>
	 * METHOD.md writes Σ c_ij, to penalise redundant dimensions. Taken with its sign, that sum is
	 * (Σ_i z_i)² − d for the standardised dimensions z_i, so it is smallest (−d) for a descriptor whose
	 * dimensions are all copies of one signal, half of them negated — the opposite of compact. Our first
	 * shipped teachers, trained that way, put 95 % of their variance on magnetic tiles into one
	 * direction (docs/teachers.md). Squaring each entry penalises correlation of either sign, which is
	 * what the loss is for; it is zero exactly for decorrelated descriptors.
	 */
	public static NDArray compactness(NDArray descriptors) {
		long n = descriptors.getShape().get(0);
		NDArray centred = descriptors.sub(descriptors.mean(new int[] { 0 }, true));
		NDArray covariance = centred.transpose().matMul(centred).div(Math.max(1, n - 1));
		NDArray std = covariance.diagonal().add(1e-8f).sqrt();
		NDArray correlation = covariance.div(std.reshape(-1, 1)).div(std.reshape(1, -1));
		NDArray squared = correlation.square();
		return squared.sum().sub(squared.diagonal().sum());
	}

	/**
	 * {@code total} + λm·Lm(anchor, positive, negative) + λc·Lc(anchor), each term only when its weight is positive;
	 * Lm and Lc are written to {@code losses[2]} and {@code losses[3]} (the trainers' per-iteration record).
	 */
	static NDArray addTripletAndCompactness(NDArray total, NDArray anchor, NDArray positive, NDArray negative, TeacherSettings.LossWeights w, float[] losses) {
		if (w.lambdaM() > 0) {
			NDArray lm = triplet(anchor, positive, negative, w.margin());
			losses[2] = lm.getFloat();
			total = total.add(lm.mul(w.lambdaM()));
		}
		if (w.lambdaC() > 0) {
			NDArray lc = compactness(anchor);
			losses[3] = lc.getFloat();
			total = total.add(lc.mul(w.lambdaC()));
		}
		return total;
	}

	/** Knowledge distillation: mean over the batch of ‖decoded − target‖². */
	public static NDArray distillation(NDArray decoded, NDArray target) {
		return decoded.sub(target).square().sum(new int[] { 1 }).mean();
	}

	/** Fraction of triplets whose positive is closer to the anchor than the negative (a quality check). */
	public static double tripletAccuracy(NDArray anchor, NDArray positive, NDArray negative) {
		NDArray dPos = anchor.sub(positive).square().sum(new int[] { 1 });
		NDArray dNeg = anchor.sub(negative).square().sum(new int[] { 1 });
		return dPos.lt(dNeg).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).mean().getFloat();
	}

}
