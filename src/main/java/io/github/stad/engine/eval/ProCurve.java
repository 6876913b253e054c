package io.github.stad.engine.eval;

/**
 * The per-region-overlap curve: PRO against the false positive rate, one point per threshold.
 * <p>
 * Point 0 is the origin (0, 0) with threshold {@code +Infinity}, i.e. above every (finite) score. Each further
 * point {@code i} belongs to one distinct score value {@code thresholds[i]}, in decreasing order, and counts
 * every pixel with {@code score >= thresholds[i]}; pixels with equal scores therefore enter together.
 * {@code fpr} and {@code pro} are non-decreasing. A full curve ends at FPR 1; one cut off at a maximum FPR
 * (see {@link Metrics#proCurve(java.util.List, double)}) ends at its first point at or beyond that FPR.
 * <p>
 * The arrays are kept, not copied (they can hold millions of points); do not modify them.
 */
public record ProCurve(double[] fpr, double[] pro, double[] thresholds) {

	public ProCurve {
		if (fpr == null || pro == null || thresholds == null) throw new IllegalArgumentException("PRO curve arrays must not be null");
		if (fpr.length != pro.length || fpr.length != thresholds.length)
			throw new IllegalArgumentException("PRO curve arrays differ in length: fpr " + fpr.length + ", pro " + pro.length + ", thresholds " + thresholds.length);
		if (fpr.length == 0) throw new IllegalArgumentException("PRO curve has no points");
	}

	/** The number of points, the origin included. */
	public int size() { return fpr.length; }

	/** The largest FPR the curve reaches. */
	public double maxFprReached() { return fpr[fpr.length - 1]; }

	/**
	 * The area under the curve for FPR in [0, maxFpr], divided by maxFpr so that a perfect detector scores 1.
	 * Trapezoid rule between consecutive points (a vertical step, from pixels that are all defect pixels,
	 * adds nothing); the segment that crosses maxFpr is cut there, its PRO interpolated linearly.
	 *
	 * @throws IllegalArgumentException if maxFpr is not in (0, 1] or the curve stops short of it
	 */
	public double areaUpTo(double maxFpr) {
		Metrics.checkMaxFpr(maxFpr);
		if (maxFprReached() < maxFpr)
			throw new IllegalArgumentException("PRO curve only reaches FPR " + maxFprReached() + ", cannot integrate up to " + maxFpr);
		double area = 0;
		for (int i = 1; i < fpr.length; i++) {
			double x0 = fpr[i - 1], x1 = fpr[i];
			if (x0 >= maxFpr) break;
			double y0 = pro[i - 1], y1 = pro[i];
			if (x1 <= maxFpr) {
				area += (x1 - x0) * (y0 + y1) / 2;
			} else {
				double yCut = y0 + (y1 - y0) * (maxFpr - x0) / (x1 - x0);
				area += (maxFpr - x0) * (y0 + yCut) / 2;
				break;
			}
		}
		return area / maxFpr;
	}

	/**
	 * The PRO at the given FPR, interpolated linearly; where the curve steps vertically at that FPR, the
	 * highest PRO there.
	 */
	public double proAt(double atFpr) {
		if (!(atFpr >= 0) || atFpr > maxFprReached())
			throw new IllegalArgumentException("FPR " + atFpr + " is outside the curve's range [0, " + maxFprReached() + "]");
		int i = 0;
		while (i + 1 < fpr.length && fpr[i + 1] <= atFpr) i++;
		if (fpr[i] == atFpr || i + 1 == fpr.length) return pro[i];
		return pro[i] + (pro[i + 1] - pro[i]) * (atFpr - fpr[i]) / (fpr[i + 1] - fpr[i]);
	}
}
