package io.github.stad.engine.eval;

import io.github.stad.engine.regions.ConnectedComponents;

import java.util.Arrays;
import java.util.List;

/**
 * All pixels of a set of test images, sorted once by score, each tagged with its ground-truth region.
 * <p>
 * Every pixel is one {@code long}: the high 32 bits are the score turned into an int whose signed order is
 * the float order, the low 32 bits the pixel's global region id (0 = defect-free pixel, 1..regions = a defect
 * region). Sorting the longs therefore sorts by score, and no per-pixel objects are needed: 8 bytes per
 * pixel, plus as much again while {@link Arrays#parallelSort(long[])} runs.
 */
final class PixelTable {

	/** Sorted ascending; walked from the end for decreasing thresholds. */
	final long[] keys;
	/** {@code regionSize[r]} is the pixel count of region r; index 0 unused. */
	final int[] regionSize;
	final int regions;
	final long defectPixels;
	final long normalPixels;

	private PixelTable(long[] keys, int[] regionSize, int regions, long defectPixels, long normalPixels) {
		this.keys = keys;
		this.regionSize = regionSize;
		this.regions = regions;
		this.defectPixels = defectPixels;
		this.normalPixels = normalPixels;
	}

	static PixelTable of(List<ScoredImage> images) {
		Metrics.checkImages(images);
		long total = 0;
		for (ScoredImage image : images) total += image.pixelCount();
		if (total > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("Too many pixels to evaluate at once: " + total + " (at most " + (Integer.MAX_VALUE - 8) + ")");
		long[] keys = new long[(int) total];
		int[] regionSize = new int[16];
		int regions = 0;
		long defectPixels = 0;
		int k = 0;
		for (ScoredImage image : images) {
			float[] scores = image.scores();
			boolean[] mask = image.mask();
			int[] labels = mask == null ? null : ConnectedComponents.label(mask, image.width(), image.height());
			int n = labels == null ? 0 : ConnectedComponents.count(labels);
			if (regions + n + 1 > regionSize.length) regionSize = Arrays.copyOf(regionSize, Math.max(2 * regionSize.length, regions + n + 1));
			for (int p = 0; p < scores.length; p++) {
				float s = scores[p];
				if (!Float.isFinite(s)) throw nonFinite(image, p, s);
				int region = 0;
				if (labels != null && labels[p] != 0) {
					region = regions + labels[p];
					regionSize[region]++;
					defectPixels++;
				}
				keys[k++] = pack(s, region);
			}
			regions += n;
		}
		Arrays.parallelSort(keys);
		return new PixelTable(keys, regionSize, regions, defectPixels, total - defectPixels);
	}

	static IllegalArgumentException nonFinite(ScoredImage image, int p, float s) {
		return new IllegalArgumentException("Image '" + image.name() + "': anomaly score " + s + " at (" + (p % image.width()) + ", " + (p / image.width())
				+ ") is not a finite number; scores must be finite");
	}

	/** Score in the high half (order-preserving), tag in the low half. */
	static long pack(float score, int tag) {
		return ((long) sortableBits(score) << 32) | (tag & 0xffffffffL);
	}

	/**
	 * An int whose signed order is the float order: negative floats have their magnitude bits flipped.
	 * Adding +0 first turns -0 into +0, so the two zeros tie as they compare equal.
	 */
	static int sortableBits(float f) {
		int bits = Float.floatToIntBits(f + 0.0f);
		return bits ^ ((bits >> 31) & 0x7fffffff);
	}

	/** Inverse of {@link #sortableBits} (the flip is its own inverse). */
	static float fromSortableBits(int key) {
		return Float.intBitsToFloat(key ^ ((key >> 31) & 0x7fffffff));
	}

	static int scoreKey(long key) { return (int) (key >> 32); }

	static int tag(long key) { return (int) key; }

	/**
	 * The AUROC of sorted keys whose tag is non-zero for positives: the Mann–Whitney statistic, the fraction of
	 * (positive, negative) pairs where the positive scores higher, a tie counting 1/2. This is exactly the
	 * trapezoid area under the ROC curve with one point per distinct score.
	 */
	static double auroc(long[] sorted, long positives, long negatives) {
		// twice the pair count, so that ties (1/2) stay integral
		long twice = 0, positivesAbove = 0;
		int i = sorted.length - 1;
		while (i >= 0) {
			int score = scoreKey(sorted[i]);
			long pos = 0, neg = 0;
			for (; i >= 0 && scoreKey(sorted[i]) == score; i--) {
				if (tag(sorted[i]) != 0) pos++;
				else neg++;
			}
			twice += neg * (2 * positivesAbove + pos);
			positivesAbove += pos;
		}
		return twice / (2.0 * positives * negatives);
	}

	double pixelAuroc() {
		if (defectPixels == 0) throw new IllegalArgumentException("Pixel AUROC is undefined: the ground truth has no defect pixels");
		if (normalPixels == 0) throw new IllegalArgumentException("Pixel AUROC is undefined: there are no defect-free pixels");
		return auroc(keys, defectPixels, normalPixels);
	}

	/**
	 * The PRO curve, one point per distinct score from the highest down, after the origin; if maxFpr is
	 * given (not NaN), it stops at the first point whose FPR reaches maxFpr.
	 */
	ProCurve proCurve(double maxFpr) {
		if (regions == 0) throw new IllegalArgumentException("PRO is undefined: the ground truth has no defect regions");
		if (normalPixels == 0) throw new IllegalArgumentException("PRO is undefined: there are no defect-free pixels, so the FPR is undefined");
		boolean cut = !Double.isNaN(maxFpr);
		double n = normalPixels;
		// first pass counts the points, so the arrays are allocated once at their exact size
		int points = 1;
		long falsePositives = 0;
		for (int i = keys.length - 1; i >= 0;) {
			int score = scoreKey(keys[i]);
			for (; i >= 0 && scoreKey(keys[i]) == score; i--) if (tag(keys[i]) == 0) falsePositives++;
			points++;
			if (cut && falsePositives / n >= maxFpr) break;
		}
		double[] fpr = new double[points];
		double[] pro = new double[points];
		double[] thresholds = new double[points];
		thresholds[0] = Double.POSITIVE_INFINITY;
		falsePositives = 0;
		// sum over regions of their covered fraction, Kahan-compensated: it adds up to millions of 1/size terms
		double sum = 0, carry = 0;
		int i = keys.length - 1;
		for (int point = 1; point < points; point++) {
			int score = scoreKey(keys[i]);
			for (; i >= 0 && scoreKey(keys[i]) == score; i--) {
				int region = tag(keys[i]);
				if (region == 0) {
					falsePositives++;
				} else {
					double y = 1.0 / regionSize[region] - carry;
					double t = sum + y;
					carry = (t - sum) - y;
					sum = t;
				}
			}
			fpr[point] = falsePositives / n;
			pro[point] = Math.min(1.0, sum / regions);
			thresholds[point] = fromSortableBits(score);
		}
		return new ProCurve(fpr, pro, thresholds);
	}
}
