package io.github.stad.engine.eval;

import java.util.Arrays;
import java.util.List;

/**
 * The MVTec AD evaluation metrics: AU-PRO, pixel AUROC and image AUROC.
 *
 * <h2>Definitions</h2>
 * <ul>
 * <li><b>Regions</b>: the 8-connected components of each image's mask; regions never span images.</li>
 * <li><b>PRO(t)</b>: the mean over all regions of all images of the fraction of the region's pixels with
 * {@code score >= t}. Every region weighs the same, whatever its size.</li>
 * <li><b>FPR(t)</b>: the fraction of all defect-free pixels (outside the masks, over all images, including
 * images without defects) with {@code score >= t}.</li>
 * <li><b>AU-PRO</b>: the area under PRO against FPR for FPR in [0, maxFpr], divided by maxFpr, so in [0, 1];
 * see {@link ProCurve#areaUpTo(double)}. maxFpr defaults to {@value #DEFAULT_MAX_FPR}.</li>
 * <li><b>Pixel AUROC</b>: over all pixels of all images, a mask pixel being positive.</li>
 * <li><b>Image AUROC</b>: an image's score is the maximum of its map; an image is positive when its mask has
 * at least one defect pixel.</li>
 * </ul>
 *
 * <h2>Exactness</h2>
 * Every distinct score value is a threshold (no binning). Pixels with equal scores enter a curve together,
 * giving one point per distinct threshold, so ties are never split in an arbitrary order. Curves start at
 * (0, 0), the threshold above every score, and are integrated with the trapezoid rule; at the FPR limit, the
 * crossing segment is interpolated linearly. The AUROCs are computed as the Mann–Whitney statistic with ties
 * counting 1/2, which equals the trapezoid area under the ROC curve built this way. -0 and +0 are the same
 * score.
 *
 * <h2>Cost</h2>
 * Each pixel metric sorts all pixels once, packed as primitive longs: about 16 bytes per pixel at peak,
 * besides the inputs, plus 24 bytes per curve point (at most one per distinct score). For 65 M pixels of
 * random scores (the size of the MVTec AD test set), a full {@link EvaluationReport} peaked at 1.3 GB.
 *
 * <h2>Errors</h2>
 * All functions throw {@link IllegalArgumentException} with a message when the list is empty, a score is NaN
 * or infinite, or the metric is undefined: no defect regions or no defect-free pixels (AU-PRO, pixel AUROC),
 * no defective or no defect-free images (image AUROC). {@link EvaluationReport} reports these as NaN instead.
 */
public final class Metrics {

	/** The usual integration limit of AU-PRO. */
	public static final double DEFAULT_MAX_FPR = 0.3;

	private Metrics() {}

	/** The full PRO curve, from (0, 0) to FPR 1. */
	public static ProCurve proCurve(List<ScoredImage> images) {
		return PixelTable.of(images).proCurve(Double.NaN);
	}

	/**
	 * The PRO curve up to its first point at or beyond maxFpr, which is all that AU-PRO up to maxFpr needs;
	 * at low thresholds a full curve can have millions of points.
	 */
	public static ProCurve proCurve(List<ScoredImage> images, double maxFpr) {
		checkMaxFpr(maxFpr);
		return PixelTable.of(images).proCurve(maxFpr);
	}

	/** AU-PRO up to FPR maxFpr, normalised to [0, 1]. */
	public static double auPro(List<ScoredImage> images, double maxFpr) {
		return proCurve(images, maxFpr).areaUpTo(maxFpr);
	}

	/** AU-PRO up to FPR {@value #DEFAULT_MAX_FPR}. */
	public static double auPro(List<ScoredImage> images) {
		return auPro(images, DEFAULT_MAX_FPR);
	}

	/** The AUROC of all pixels, mask pixels being positive. */
	public static double pixelAuroc(List<ScoredImage> images) {
		return PixelTable.of(images).pixelAuroc();
	}

	/** The AUROC of the images, each scored by the maximum of its map and positive when it has a defect pixel. */
	public static double imageAuroc(List<ScoredImage> images) {
		checkImages(images);
		long[] keys = new long[images.size()];
		long positives = 0;
		for (int i = 0; i < keys.length; i++) {
			ScoredImage image = images.get(i);
			boolean defective = image.isDefective();
			if (defective) positives++;
			keys[i] = PixelTable.pack(maxScore(image), defective ? 1 : 0);
		}
		long negatives = keys.length - positives;
		if (negatives == 0) throw new IllegalArgumentException("Image AUROC is undefined: there are no defect-free images");
		if (positives == 0) throw new IllegalArgumentException("Image AUROC is undefined: there are no defective images");
		Arrays.sort(keys);
		return PixelTable.auroc(keys, positives, negatives);
	}

	/** The image score: the maximum of its anomaly map. */
	public static float maxScore(ScoredImage image) {
		float[] scores = image.scores();
		float max = Float.NEGATIVE_INFINITY;
		for (int p = 0; p < scores.length; p++) {
			float s = scores[p];
			if (!Float.isFinite(s)) throw PixelTable.nonFinite(image, p, s);
			if (s > max) max = s;
		}
		return max;
	}

	static void checkMaxFpr(double maxFpr) {
		if (!(maxFpr > 0 && maxFpr <= 1)) throw new IllegalArgumentException("Maximum FPR must be in (0, 1], got " + maxFpr);
	}

	static void checkImages(List<ScoredImage> images) {
		if (images == null || images.isEmpty()) throw new IllegalArgumentException("No test images to evaluate");
		for (ScoredImage image : images) if (image == null) throw new IllegalArgumentException("The list of test images contains null");
	}
}
