package io.github.stad.engine.model;

import java.util.Arrays;

/**
 * The upper tail of the validation score distribution: for log-spaced false-positive rates, the score
 * that this fraction of normal validation pixels reaches. Lets users pick a threshold by a target
 * false-positive rate after training, without keeping every validation pixel in the model file.
 */
public final class ThresholdTable {

	/** 10^-6 … 1 in steps of 10^0.05: about 12 % apart, fine enough to read off any practical rate. */
	private static final int POINTS = 121;
	private static final double LOG_MIN = -6;

	private final double[] fpr;
	private final double[] threshold;

	public ThresholdTable(double[] fpr, double[] threshold) {
		if (fpr.length != threshold.length || fpr.length < 2) throw new IllegalArgumentException("A threshold table needs two equally long arrays of at least 2 points");
		for (int i = 1; i < fpr.length; i++) {
			if (!(fpr[i] > fpr[i - 1]) || threshold[i] > threshold[i - 1]) throw new IllegalArgumentException("A threshold table must rise in FPR and fall in threshold");
		}
		this.fpr = fpr.clone();
		this.threshold = threshold.clone();
	}

	/** The table of these validation scores (the array is not modified). */
	public static ThresholdTable fromScores(float[] scores) {
		float[] sorted = scores.clone();
		Arrays.sort(sorted);
		return fromSorted(sorted);
	}

	/** The table of validation scores sorted in ascending order. */
	static ThresholdTable fromSorted(float[] sorted) {
		int n = sorted.length;
		double[] f = new double[POINTS], t = new double[POINTS];
		for (int i = 0; i < POINTS; i++) {
			f[i] = Math.pow(10, LOG_MIN + i * (-LOG_MIN) / (POINTS - 1));
			int index = (int) Math.min(n - 1, Math.max(0, Math.floor((1 - f[i]) * n)));
			t[i] = sorted[index];
		}
		return new ThresholdTable(f, t);
	}

	public double[] fpr() { return fpr.clone(); }
	public double[] thresholds() { return threshold.clone(); }

	/** Interpolated in log(FPR); rates outside the table take its end values. */
	public double thresholdFor(double rate) {
		if (rate <= fpr[0]) return threshold[0];
		if (rate >= fpr[fpr.length - 1]) return threshold[threshold.length - 1];
		int i = 1;
		while (fpr[i] < rate) i++;
		double a = Math.log(fpr[i - 1]), b = Math.log(fpr[i]), u = (Math.log(rate) - a) / (b - a);
		return threshold[i - 1] + u * (threshold[i] - threshold[i - 1]);
	}

	/**
	 * The inverse of {@link #thresholdFor}: the fraction of normal validation pixels that reach this
	 * threshold, interpolated in log(FPR) between table points. A threshold above the table's top gives its
	 * lowest rate (10^-6: "at most"), one below its bottom gives 1.
	 */
	public double fprFor(double t) {
		if (Double.isNaN(t)) throw new IllegalArgumentException("The threshold is NaN");
		if (t >= threshold[0]) return fpr[0];
		int last = threshold.length - 1;
		if (t <= threshold[last]) return fpr[last];
		int i = 1;
		while (threshold[i] >= t) i++; // threshold[i - 1] >= t > threshold[i]
		double a = Math.log(fpr[i - 1]), b = Math.log(fpr[i]);
		double u = (threshold[i - 1] - t) / (threshold[i - 1] - threshold[i]);
		return Math.exp(a + u * (b - a));
	}
}
