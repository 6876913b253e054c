package io.github.stad.fiji;

import io.github.stad.engine.regions.Regions;
import io.github.stad.jobs.ThresholdChoice;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleUnaryOperator;

/**
 * The logic of the live threshold of Segment Anomalies…, free of windows: for anomaly maps already
 * computed, the regions, their count and the validation false-positive rate at a threshold, or at the
 * threshold of a target false-positive rate. The dialog ({@link LiveThresholdDialog}) only shows states.
 */
public final class ThresholdPreview {

	/**
	 * What the preview shows for one setting. {@code mode} is how the user set it: {@code VALUE} when the
	 * threshold was moved, {@code FPR} when the target rate was typed; the command records that mode.
	 *
	 * @param fpr the validation false-positive rate at {@code threshold} (NaN when the model does not record it);
	 *            the target itself when the user typed one
	 */
	public record State(ThresholdChoice mode, double threshold, double fpr, List<List<Regions.Region>> regions) {
		public int regionCount() {
			return regions.stream().mapToInt(List::size).sum();
		}

		/** One line for the dialog: regions, threshold and its false-positive rate. */
		public String describe() {
			String rate = Double.isNaN(fpr) ? "not recorded in this model" : percent(fpr);
			return String.format(Locale.ROOT, "%d region(s) at threshold %.3f; validation false-positive rate %s", regionCount(), threshold, rate);
		}
	}

	private final List<float[]> maps;
	private final int width, height, minArea;
	private final DoubleUnaryOperator thresholdForFpr, fprForThreshold;

	/**
	 * @param maps            one anomaly map per plane, each width × height
	 * @param thresholdForFpr the model's threshold for a false-positive rate (may throw for old model files)
	 * @param fprForThreshold the model's validation false-positive rate of a threshold (NaN if unknown)
	 */
	public ThresholdPreview(List<float[]> maps, int width, int height, int minArea, DoubleUnaryOperator thresholdForFpr, DoubleUnaryOperator fprForThreshold) {
		if (maps.isEmpty()) throw new IllegalArgumentException("No anomaly map to preview");
		for (float[] m : maps) if (m.length != width * height) throw new IllegalArgumentException("A map does not match " + width + "x" + height);
		if (minArea < 1) throw new IllegalArgumentException("The minimum region size must be at least 1 pixel, got " + minArea);
		this.maps = List.copyOf(maps);
		this.width = width;
		this.height = height;
		this.minArea = minArea;
		this.thresholdForFpr = thresholdForFpr;
		this.fprForThreshold = fprForThreshold;
	}

	/** The user moved the threshold. */
	public State atThreshold(double threshold) {
		if (!Double.isFinite(threshold)) throw new IllegalArgumentException("The threshold must be a finite number, got " + threshold);
		return new State(ThresholdChoice.VALUE, threshold, fprForThreshold.applyAsDouble(threshold), regionsAt(threshold));
	}

	/** The user typed a target false-positive rate: the model's threshold for it. */
	public State atFpr(double fpr) {
		if (!(fpr > 0 && fpr < 1)) throw new IllegalArgumentException("The target false-positive rate must lie between 0 and 1, got " + fpr);
		double t = thresholdForFpr.applyAsDouble(fpr);
		return new State(ThresholdChoice.FPR, t, fpr, regionsAt(t));
	}

	/** The regions of every plane at a threshold, as Segment Anomalies… finds them. */
	public List<List<Regions.Region>> regionsAt(double threshold) {
		List<List<Regions.Region>> out = new ArrayList<>();
		for (float[] m : maps) out.add(Regions.find(m, width, height, threshold, minArea));
		return out;
	}

	/** A slider range that holds the maps' values and the given thresholds: {min, max}. */
	public double[] range(double... thresholds) {
		double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
		for (float[] m : maps) for (float v : m) if (Float.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
		for (double t : thresholds) if (Double.isFinite(t)) { lo = Math.min(lo, t); hi = Math.max(hi, t); }
		if (!(hi > lo)) { lo = Double.isFinite(lo) ? lo - 1 : 0; hi = lo + 2; }
		return new double[] { lo, hi };
	}

	static String percent(double fpr) {
		double p = fpr * 100;
		return (p >= 1 ? String.format(Locale.ROOT, "%.1f", p) : p >= 0.01 ? String.format(Locale.ROOT, "%.2f", p) : String.format(Locale.ROOT, "%.2g", p)) + " %";
	}
}
