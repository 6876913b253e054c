package io.github.stad.engine.teacher;

import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.image.InputNormalisation;
import io.github.stad.engine.image.PaddedCrops;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Triplets of p×p patches from a set of arbitrary images for teacher pretraining (METHOD.md):
 * an anchor, a positive (the anchor shifted by a few pixels, brightness changed, Gaussian noise
 * added) and a negative (a random patch of a different image). Every batch is a pure function of
 * (seed, iteration), so a resumed training run sees exactly the batches it would have seen.
 */
public final class PatchSampler {

	/** A batch as [N, C, p, p] arrays: normalised inputs, plus the anchors' raw intensities for distillation. */
	public record Batch(float[] anchors, float[] positives, float[] negatives, float[] rawAnchors, int size) {}

	private final List<FloatImage> images;
	private final InputNormalisation normalisation;
	private final int patchSize, maxShift;
	private final float brightness, noiseStd;
	private final int channels;

	public PatchSampler(List<FloatImage> images, InputNormalisation normalisation, int patchSize, TeacherSettings.Augmentation augmentation) {
		int maxShift = augmentation.maxShift();
		if (images.isEmpty()) throw new IllegalArgumentException("No images to sample patches from");
		this.channels = images.get(0).channels();
		for (FloatImage image : images) {
			if (image.channels() != channels) throw new IllegalArgumentException("All images must have the same channel count (" + image.name() + ")");
			if (Math.min(image.width(), image.height()) < patchSize + 2 * maxShift) {
				throw new IllegalArgumentException(image.name() + " is " + image.width() + "x" + image.height() + ", too small for " + patchSize + "x" + patchSize
						+ " patches shifted by up to " + maxShift + " pixels; remove it or use larger images");
			}
		}
		this.images = List.copyOf(images);
		this.normalisation = normalisation;
		this.patchSize = patchSize;
		this.maxShift = maxShift;
		this.brightness = augmentation.brightness();
		this.noiseStd = augmentation.noiseStd();
	}

	public Batch sample(int size, long seed, long iteration) {
		SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + iteration);
		int p = patchSize, per = channels * p * p;
		float[] anchors = new float[size * per], positives = new float[size * per], negatives = new float[size * per], raw = new float[size * per];
		for (int b = 0; b < size; b++) {
			int i = random.nextInt(images.size());
			FloatImage image = images.get(i);
			int x = maxShift + random.nextInt(image.width() - p - 2 * maxShift + 1);
			int y = maxShift + random.nextInt(image.height() - p - 2 * maxShift + 1);
			PaddedCrops.window(image, x, y, p, p, raw, b * per);
			int dx = random.nextInt(2 * maxShift + 1) - maxShift, dy = random.nextInt(2 * maxShift + 1) - maxShift;
			PaddedCrops.window(image, x + dx, y + dy, p, p, positives, b * per);
			// A different image when there is one; else another place in the same image.
			int j = images.size() > 1 ? (i + 1 + random.nextInt(images.size() - 1)) % images.size() : i;
			FloatImage other = images.get(j);
			PaddedCrops.window(other, random.nextInt(other.width() - p + 1), random.nextInt(other.height() - p + 1), p, p, negatives, b * per);

			System.arraycopy(raw, b * per, anchors, b * per, per);
			normalisation.applyInPlace(anchors, b * per, p * p);
			normalisation.applyInPlace(positives, b * per, p * p);
			normalisation.applyInPlace(negatives, b * per, p * p);
			float shift = (float) random.nextDouble(-brightness, brightness);
			for (int k = b * per; k < (b + 1) * per; k++) positives[k] += shift + (float) (noiseStd * Gaussian.sample(random));
		}
		return new Batch(anchors, positives, negatives, raw, size);
	}

}
