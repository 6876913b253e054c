package io.github.stad.engine.eval;

import io.github.stad.engine.image.FloatImage;

/**
 * One test image as the evaluation sees it: its anomaly map and its ground-truth mask.
 * <p>
 * The arrays are kept, not copied (the benchmark holds tens of millions of pixels), so callers must not
 * change them while an evaluation runs. Both are row-major, {@code index = y * width + x}.
 *
 * @param name       the image's name, used in error messages (never null; {@code null} becomes "image")
 * @param defectType the defect category, e.g. "crack", "good" or "" (never null; {@code null} becomes "")
 * @param width      width in pixels, &gt; 0
 * @param height     height in pixels, &gt; 0
 * @param scores     the anomaly map, {@code width * height} finite values; higher means more anomalous
 * @param mask       the ground truth, {@code true} for defect pixels; {@code null} means defect-free
 */
public record ScoredImage(String name, String defectType, int width, int height, float[] scores, boolean[] mask) {

	public ScoredImage {
		name = name == null ? "image" : name;
		defectType = defectType == null ? "" : defectType;
		if (width <= 0 || height <= 0) throw new IllegalArgumentException("Image '" + name + "': size must be positive, got " + width + "x" + height);
		long size = (long) width * height;
		if (scores == null) throw new IllegalArgumentException("Image '" + name + "': anomaly map is missing");
		if (scores.length != size) throw new IllegalArgumentException("Image '" + name + "': anomaly map has " + scores.length + " values, expected " + width + "x" + height + " = " + size);
		if (mask != null && mask.length != size) throw new IllegalArgumentException("Image '" + name + "': mask has " + mask.length + " values, expected " + width + "x" + height + " = " + size);
	}

	/** Wraps a single-channel anomaly map. */
	public static ScoredImage of(FloatImage anomalyMap, String defectType, boolean[] mask) {
		if (anomalyMap.channels() != 1) throw new IllegalArgumentException("Anomaly map '" + anomalyMap.name() + "' must have one channel, has " + anomalyMap.channels());
		return new ScoredImage(anomalyMap.name(), defectType, anomalyMap.width(), anomalyMap.height(), anomalyMap.channel(0), mask);
	}

	/** Whether the mask marks at least one defect pixel; a missing or all-false mask means defect-free. */
	public boolean isDefective() {
		if (mask == null) return false;
		for (boolean m : mask) if (m) return true;
		return false;
	}

	public int pixelCount() { return width * height; }
}
