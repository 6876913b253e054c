package io.github.stad.engine.image;

import java.util.Arrays;
import java.util.List;

/** What every image must satisfy before a network sees it, with messages that say what to do. */
public final class ImageChecks {

	private ImageChecks() {}

	/** Refuses an image of the wrong channel count, smaller than minSize on a side, or with NaN or infinite pixels. */
	public static void requireCompatible(FloatImage image, int channels, int minSize) {
		if (image.channels() != channels) {
			throw new IllegalArgumentException(image.name() + " has " + image.channels() + " channel(s) but the model was trained on "
					+ (channels == 1 ? "grayscale (1-channel)" : channels + "-channel (RGB)") + " images; convert it (Image > Type) or train a model for this kind of image");
		}
		if (image.width() < minSize || image.height() < minSize) {
			throw new IllegalArgumentException(image.name() + " is " + image.width() + "x" + image.height() + " pixels, smaller than the largest patch ("
					+ minSize + "x" + minSize + "); use larger images or smaller patch sizes");
		}
		for (float[] channel : image.data()) {
			for (float v : channel) {
				if (!Float.isFinite(v)) throw new IllegalArgumentException(image.name() + " contains NaN or infinite pixels; replace them (Process > Math > Remove NaNs) first");
			}
		}
	}

	/**
	 * A pixel farther than this many times the ordinary range of the training pixels outside that range swamps the
	 * intensity normalisation: one such pixel in a megapixel image makes the standard deviation so large that the
	 * ordinary pixels vary by less than 10⁻³ after normalising, which the networks see as one constant value.
	 */
	static final double EXTREME_FACTOR = 1e6;

	/** Central shares of the training pixels tried in turn for their ordinary range: the first that is not one value. */
	private static final double[] CENTRAL_SHARES = { 0.5, 0.8, 0.98, 0.998 };

	/** Training pixels per channel sampled (evenly over each image) for the ordinary range. */
	private static final int RANGE_SAMPLE = 1 << 20;

	/**
	 * Refuses training or validation images with finite pixels so far outside the ordinary range of the training
	 * pixels (e.g. ±3·10³⁸ markers in a 32-bit TIFF) that the model would learn nothing, or its maps would overflow:
	 * one line naming the image, its values and the ordinary range. Nearly constant training images are not judged.
	 */
	public static void requireOrdinaryValues(List<FloatImage> normal, List<FloatImage> validation) {
		for (int c = 0; c < normal.get(0).channels(); c++) {
			double[] ordinary = ordinaryRange(normal, c);
			double range = ordinary[1] - ordinary[0];
			if (!(range > 0)) continue;
			for (List<FloatImage> set : List.of(normal, validation)) {
				for (FloatImage image : set) {
					float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
					for (float v : image.channel(c)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
					if (Math.max((double) hi - ordinary[1], ordinary[0] - (double) lo) <= EXTREME_FACTOR * range) continue;
					throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "%s has pixel values from %.3g to %.3g, far outside the ordinary range of the training images"
							+ " (%.4g to %.4g%s): they would swamp the intensity normalisation and the model would learn nothing; clip or rescale the image"
							+ " (Process > Math > Min and Max in Fiji), or leave it out", image.name(), lo, hi, ordinary[0], ordinary[1], normal.get(0).channels() > 1 ? " in channel " + (c + 1) : ""));
				}
			}
		}
	}

	/** [low, high] of the narrowest central share of the training pixels of channel c that is not a single value (both equal if all are). */
	static double[] ordinaryRange(List<FloatImage> images, int c) {
		int perImage = Math.max(1, RANGE_SAMPLE / images.size());
		float[] sample = new float[images.stream().mapToInt(i -> Math.min(perImage, i.channel(c).length)).sum()];
		int n = 0;
		for (FloatImage image : images) {
			float[] data = image.channel(c);
			int take = Math.min(perImage, data.length);
			for (int k = 0; k < take; k++) sample[n++] = data[(int) ((long) k * data.length / take)];
		}
		Arrays.sort(sample);
		double lo = sample[0], hi = sample[0];
		for (double share : CENTRAL_SHARES) {
			lo = sample[(int) Math.floor((1 - share) / 2 * (sample.length - 1))];
			hi = sample[(int) Math.ceil((1 + share) / 2 * (sample.length - 1))];
			if (hi > lo) break;
		}
		return new double[] { lo, hi };
	}
}
