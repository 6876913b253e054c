package io.github.stad.engine.image;

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
}
