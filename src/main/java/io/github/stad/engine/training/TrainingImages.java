package io.github.stad.engine.training;

import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.image.ImageChecks;
import io.github.stad.engine.image.Resampling;

import java.util.List;

/**
 * The anomaly-free images one training or refinement learns from: {@code normal}, which the students
 * learn, and {@code validation}, which calibrate the scores and the default threshold (never learnt).
 * Checked by the trainer that takes them, which knows what each must match ({@link #requireMatching}).
 */
public record TrainingImages(List<FloatImage> normal, List<FloatImage> validation) {

	public TrainingImages {
		normal = List.copyOf(normal);
		validation = List.copyOf(validation);
	}

	/**
	 * Refuses, with one line, an image of either set with other channels than {@code channels}, smaller than
	 * {@code minimumSize}, or with values far outside the ordinary range of the normal images (before the
	 * normalisation that such pixels would ruin).
	 */
	public void requireMatching(int channels, int minimumSize) {
		for (FloatImage image : normal) ImageChecks.requireCompatible(image, channels, minimumSize);
		for (FloatImage image : validation) ImageChecks.requireCompatible(image, channels, minimumSize);
		ImageChecks.requireOrdinaryValues(normal, validation);
	}

	/** Both sets as a model with this processing scale sees them: area-averaged copies (scale 1: these). */
	public TrainingImages resized(double scale) {
		if (scale == 1) return this;
		return new TrainingImages(normal.stream().map(i -> resized(i, scale)).toList(), validation.stream().map(i -> resized(i, scale)).toList());
	}

	private static FloatImage resized(FloatImage image, double scale) {
		return Resampling.areaResize(image, Resampling.scaledSide(image.width(), scale), Resampling.scaledSide(image.height(), scale));
	}
}
