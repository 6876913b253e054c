package io.github.stad.engine.model;

import java.util.Arrays;
import java.util.List;

/**
 * How raw e/v maps become the anomaly map and where it is thresholded, all learnt from the
 * anomaly-free validation images: per scale the mean and standard deviation of e and v, the average
 * of the normalised scores over scales, and from one sort of the validation scores the default
 * threshold (at a false-positive rate) and the table of thresholds for other rates.
 */
public final class Calibration {

	/** Mean and standard deviation of e and v over the validation pixels of one scale. */
	public record ScoreStats(double errorMean, double errorStd, double varianceMean, double varianceStd) {

		/** The statistics of these maps (all pixels of all of them). */
		public static ScoreStats of(List<ScaleModel.Maps> maps) {
			double se = 0, se2 = 0, sv = 0, sv2 = 0;
			long n = 0;
			for (ScaleModel.Maps m : maps) {
				for (int i = 0; i < m.error().length; i++) {
					double e = m.error()[i], v = m.variance()[i];
					se += e; se2 += e * e; sv += v; sv2 += v * v;
				}
				n += m.error().length;
			}
			double em = se / n, vm = sv / n;
			double es = Math.sqrt(Math.max(se2 / n - em * em, 0));
			double vs = Math.sqrt(Math.max(sv2 / n - vm * vm, 0));
			if (es == 0) es = 1; // constant error: leave unscaled rather than divide by zero
			return new ScoreStats(em, es, vm, vs);
		}
	}

	private final List<ScoreStats> scales;
	private final double threshold;
	private final double thresholdFpr;
	private final ThresholdTable table;

	/** @param table validation score quantiles for thresholds at other false-positive rates; null if unknown (old model files) */
	public Calibration(List<ScoreStats> scales, double threshold, double thresholdFpr, ThresholdTable table) {
		if (scales.isEmpty()) throw new IllegalArgumentException("A calibration needs the statistics of at least one scale");
		this.scales = List.copyOf(scales);
		this.threshold = threshold;
		this.thresholdFpr = thresholdFpr;
		this.table = table;
	}

	/** The threshold rate that asks for the image-level rule instead of a pixel rate ({@link #fit}). */
	public static final double IMAGE_LEVEL = 0;

	/** With at least this many validation images the default threshold ignores the one that scores highest. */
	public static final int IMAGES_TO_DISCOUNT_ONE = 4;

	/**
	 * Learns the calibration from the e/v maps of the validation images.
	 * @param maps per scale, the maps of every validation image (same image order in each scale)
	 * @param fpr  the false-positive rate of the default threshold, or {@link #IMAGE_LEVEL} for the image-level rule:
	 *             the second-highest image score (map maximum) of the validation images, the highest
	 *             with fewer than {@link #IMAGES_TO_DISCOUNT_ONE} of them
	 */
	public static Calibration fit(List<List<ScaleModel.Maps>> maps, double fpr) {
		List<ScoreStats> stats = maps.stream().map(ScoreStats::of).toList();
		int images = maps.get(0).size();
		long pixels = 0;
		for (ScaleModel.Maps m : maps.get(0)) pixels += m.error().length;
		if (pixels > Integer.MAX_VALUE) throw new IllegalArgumentException("Too many validation pixels; use fewer validation images");
		float[] sorted = new float[(int) pixels];
		float[] imageScores = new float[images];
		int offset = 0;
		for (int i = 0; i < images; i++) {
			int image = i;
			float[] score = combine(stats, maps.stream().map(scale -> scale.get(image)).toList());
			System.arraycopy(score, 0, sorted, offset, score.length);
			offset += score.length;
			float max = Float.NEGATIVE_INFINITY;
			for (float v : score) max = Math.max(max, v);
			imageScores[i] = max;
		}
		Arrays.sort(sorted);
		return new Calibration(stats, fpr == IMAGE_LEVEL ? imageLevelThreshold(imageScores) : quantileOfSorted(sorted, 1 - fpr), fpr, ThresholdTable.fromSorted(sorted));
	}

	/**
	 * The image-level default threshold: the validation images like the normal images to come get no
	 * region. Not the highest of their scores: normal images have a heavy tail (on magnetic tile one of
	 * five validation images scored 52 at a bright edge, the others 5.8–10.7, the defective test images
	 * 4.5–47), and one such image would put the threshold above nearly every defect.
	 */
	static double imageLevelThreshold(float[] imageScores) {
		float[] s = imageScores.clone();
		Arrays.sort(s);
		return s.length >= IMAGES_TO_DISCOUNT_ONE ? s[s.length - 2] : s[s.length - 1];
	}

	public List<ScoreStats> scales() { return scales; }
	/** Default segmentation threshold, chosen as {@link #describeThreshold} says. */
	public double threshold() { return threshold; }
	public double thresholdFpr() { return thresholdFpr; }
	/** How the default threshold was chosen, in words. */
	public String describeThreshold() {
		return thresholdFpr == IMAGE_LEVEL ? "the second-highest image score of the validation images (the highest with fewer than " + IMAGES_TO_DISCOUNT_ONE + ")"
				: "exceeded by " + new java.math.BigDecimal(Double.toString(thresholdFpr * 100)).stripTrailingZeros().toPlainString() + " % of the normal validation pixels";
	}
	/** Validation score quantiles, or null for models saved before they were recorded. */
	public ThresholdTable table() { return table; }

	/** The anomaly map from the maps of every scale: the mean over scales of (e − ē)/σe + (v − v̄)/σv. */
	public float[] combine(List<ScaleModel.Maps> perScale) {
		return combine(scales, perScale);
	}

	private static float[] combine(List<ScoreStats> stats, List<ScaleModel.Maps> perScale) {
		if (perScale.size() != stats.size()) throw new IllegalArgumentException(perScale.size() + " scale maps for a calibration of " + stats.size() + " scales");
		int n = perScale.get(0).error().length;
		float[] total = new float[n]; // float sums, as models were calibrated before
		for (int s = 0; s < stats.size(); s++) {
			ScoreStats st = stats.get(s);
			ScaleModel.Maps maps = perScale.get(s);
			boolean useVariance = st.varianceStd() > 0; // one student: v is 0 everywhere, only e counts
			for (int i = 0; i < n; i++) {
				double score = (maps.error()[i] - st.errorMean()) / st.errorStd();
				if (useVariance) score += (maps.variance()[i] - st.varianceMean()) / st.varianceStd();
				total[i] += (float) score;
			}
		}
		float[] out = new float[n];
		for (int i = 0; i < n; i++) out[i] = total[i] / stats.size();
		return out;
	}

	/** The threshold that this fraction of normal validation pixels exceeds (e.g. 0.001 for 0.1 %). */
	public double thresholdForFpr(double fpr) {
		if (fpr == thresholdFpr) return threshold;
		if (!(fpr > 0 && fpr < 1)) throw new IllegalArgumentException("The target false-positive rate must lie between 0 and 1 (e.g. 0.01 for 1 %), got " + fpr);
		if (table == null) {
			throw new IllegalArgumentException("This model file records only the threshold at " + thresholdFpr * 100
					+ " % false positives; give a threshold value instead, or retrain the model to choose another false-positive rate");
		}
		return table.thresholdFor(fpr);
	}

	/**
	 * The fraction of normal validation pixels whose score reaches this threshold (the inverse of
	 * {@link #thresholdForFpr}); NaN for old model files that record only the default threshold.
	 */
	public double fprForThreshold(double t) {
		if (table == null) return t == threshold ? thresholdFpr : Double.NaN;
		return table.fprFor(t);
	}

	/** The q-quantile (0..1) of sorted values: the value at floor(q·n). */
	static double quantileOfSorted(float[] sorted, double q) {
		int index = (int) Math.min(sorted.length - 1, Math.max(0, Math.floor(q * sorted.length)));
		return sorted[index];
	}
}
