package io.github.stad.engine.teacher;

import java.util.SplittableRandom;

/** Standard normal samples from a SplittableRandom (which has no nextGaussian in Java 17), so batches stay a pure function of their seed. */
final class Gaussian {

	private Gaussian() {}

	/** Box–Muller. */
	static double sample(SplittableRandom random) {
		double u = 1 - random.nextDouble(), v = random.nextDouble();
		return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
	}
}
