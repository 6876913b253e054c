package io.github.stad.engine.regions;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Anomalous regions of a score map: 8-connected components of the pixels at or above a threshold.
 * Pure engine code (no ImageJ), so it can be used by the CLI, the tests and the ROI exporter alike.
 */
public final class Regions {

	/** Regions smaller than this many pixels are ignored unless the user asks otherwise (CLI --min-area, Fiji min_region_size). */
	public static final int DEFAULT_MIN_AREA = 10;

	private Regions() {}

	/**
	 * One connected region of a score map.
	 *
	 * @param label     1-based rank after sorting (1 = highest max score), so "region-1" is the most anomalous
	 * @param area      number of pixels
	 * @param meanScore mean map value over the region's pixels
	 * @param maxScore  largest map value in the region
	 * @param centroidX centroid in ImageJ pixel coordinates (pixel x covers [x, x+1), so its centre is x + 0.5)
	 * @param centroidY centroid in ImageJ pixel coordinates
	 * @param x         bounding box left
	 * @param y         bounding box top
	 * @param width     bounding box width
	 * @param height    bounding box height
	 * @param pixels    indices {@code y * imageWidth + x} of the region's pixels, ascending
	 */
	public record Region(int label, int area, double meanScore, double maxScore, double centroidX, double centroidY,
			int x, int y, int width, int height, int[] pixels) {

		Region withLabel(int newLabel) {
			return new Region(newLabel, area, meanScore, maxScore, centroidX, centroidY, x, y, width, height, pixels);
		}

		@Override
		public String toString() {
			return String.format("Region %d: area %d, mean %.4g, max %.4g, centroid (%.2f, %.2f), box %d,%d %dx%d",
					label, area, meanScore, maxScore, centroidX, centroidY, x, y, width, height);
		}
	}

	/**
	 * Finds the 8-connected components of {@code map >= threshold} with at least {@code minArea} pixels,
	 * sorted by max score descending (ties: larger area first, then raster order). NaN pixels never qualify.
	 */
	public static List<Region> find(float[] map, int width, int height, double threshold, int minArea) {
		if (width <= 0 || height <= 0) throw new IllegalArgumentException("Map size must be positive, got " + width + "x" + height);
		if (map.length != width * height) throw new IllegalArgumentException("Map length " + map.length + " does not match " + width + "x" + height);
		if (Double.isNaN(threshold)) throw new IllegalArgumentException("Threshold is NaN");
		boolean[] mask = new boolean[map.length];
		for (int i = 0; i < map.length; i++) mask[i] = map[i] >= threshold;
		int[] labels = ConnectedComponents.label(mask, width, height);
		int n = ConnectedComponents.count(labels);
		if (n == 0) return List.of();

		// One pass for the sizes, then bucket the pixel indices per label (ascending by construction).
		int[] area = new int[n + 1];
		for (int l : labels) area[l]++;
		int[][] pixels = new int[n + 1][];
		for (int l = 1; l <= n; l++) pixels[l] = new int[area[l]];
		int[] fill = new int[n + 1];
		for (int i = 0; i < labels.length; i++) {
			int l = labels[i];
			if (l != 0) pixels[l][fill[l]++] = i;
		}

		List<Region> regions = new ArrayList<>();
		for (int l = 1; l <= n; l++) {
			if (area[l] < minArea) continue;
			regions.add(measure(map, width, pixels[l], l));
		}
		// The component labels are in raster order of the first pixel, so they break ties deterministically.
		regions.sort(Comparator.comparingDouble(Region::maxScore).reversed()
				.thenComparing(Comparator.comparingInt(Region::area).reversed())
				.thenComparingInt(Region::label));
		for (int i = 0; i < regions.size(); i++) regions.set(i, regions.get(i).withLabel(i + 1));
		return List.copyOf(regions);
	}

	private static Region measure(float[] map, int width, int[] px, int label) {
		double sum = 0, max = Double.NEGATIVE_INFINITY, sx = 0, sy = 0;
		int minX = Integer.MAX_VALUE, minY = Integer.MAX_VALUE, maxX = -1, maxY = -1;
		for (int i : px) {
			int x = i % width, y = i / width;
			double v = map[i];
			sum += v;
			if (v > max) max = v;
			sx += x;
			sy += y;
			if (x < minX) minX = x;
			if (x > maxX) maxX = x;
			if (y < minY) minY = y;
			if (y > maxY) maxY = y;
		}
		int a = px.length;
		return new Region(label, a, sum / a, max, sx / a + 0.5, sy / a + 0.5,
				minX, minY, maxX - minX + 1, maxY - minY + 1, px);
	}

	/** A boolean mask of the region's pixels, for tests and exporters. */
	public static boolean[] mask(Region region, int width, int height) {
		boolean[] m = new boolean[width * height];
		for (int i : region.pixels()) m[i] = true;
		return m;
	}
}
