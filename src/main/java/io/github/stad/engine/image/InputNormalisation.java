package io.github.stad.engine.image;

import java.util.Arrays;
import java.util.List;

/**
 * Intensity normalisation applied before every network, identical at training and scoring time:
 * per channel, (value − mean) / std with the mean and std of all training pixels. It makes 8-bit,
 * 16-bit and float images look alike to the networks and is stored in the model.
 */
public record InputNormalisation(float[] mean, float[] std) {

	public InputNormalisation {
		if (mean.length != std.length) throw new IllegalArgumentException("mean and std need the same channel count");
	}

	public int channels() { return mean.length; }

	/** Mean and standard deviation per channel over all pixels of all images. */
	public static InputNormalisation fit(List<FloatImage> images) {
		if (images.isEmpty()) throw new IllegalArgumentException("No images to fit the intensity normalisation on");
		int channels = images.get(0).channels();
		double[] sum = new double[channels], sumSq = new double[channels];
		long count = 0;
		for (FloatImage image : images) {
			for (int c = 0; c < channels; c++) {
				for (float v : image.channel(c)) {
					sum[c] += v;
					sumSq[c] += (double) v * v;
				}
			}
			count += (long) image.width() * image.height();
		}
		float[] mean = new float[channels], std = new float[channels];
		for (int c = 0; c < channels; c++) {
			double m = sum[c] / count;
			double var = Math.max(0, sumSq[c] / count - m * m);
			mean[c] = (float) m;
			// A constant channel would divide by zero; keep such data unscaled.
			std[c] = (float) (var > 1e-12 ? Math.sqrt(var) : 1.0);
		}
		return new InputNormalisation(mean, std);
	}

	/** A normalised copy; the input image is left untouched. */
	public FloatImage apply(FloatImage image) {
		if (image.channels() != channels()) throw new IllegalArgumentException(image.name() + " has " + image.channels() + " channel(s), the normalisation " + channels());
		float[][] out = new float[channels()][];
		for (int c = 0; c < channels(); c++) {
			float[] src = image.channel(c);
			float[] dst = new float[src.length];
			float m = mean[c], inv = 1f / std[c];
			for (int i = 0; i < src.length; i++) dst[i] = (src[i] - m) * inv;
			out[c] = dst;
		}
		return new FloatImage(image.name(), image.width(), image.height(), out);
	}

	@Override
	public String toString() { return "mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std); }

	/** Normalises, in place, the channel planes of one image of {@code planeSize} values each, starting at {@code offset}. */
	public void applyInPlace(float[] data, int offset, int planeSize) {
		for (int c = 0; c < channels(); c++) {
			float m = mean[c], inv = 1f / std[c];
			for (int k = offset + c * planeSize; k < offset + (c + 1) * planeSize; k++) data[k] = (data[k] - m) * inv;
		}
	}
}
