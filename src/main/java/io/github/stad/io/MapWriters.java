package io.github.stad.io;

import ij.ImagePlus;
import ij.io.FileInfo;
import ij.io.FileSaver;
import ij.io.TiffEncoder;
import ij.measure.Calibration;
import io.github.stad.engine.files.AtomicFiles;
import io.github.stad.engine.image.FloatImage;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;

/** Writes detection results (score maps, overlays, ROI sets, tables); every file is written atomically. */
public final class MapWriters {

	/** Percentiles used to stretch the gray background of overlays, so a few hot pixels do not flatten it. */
	static final double LOW_PERCENTILE = 0.5, HIGH_PERCENTILE = 99.5;
	/** At most this many pixels are sorted to find the percentiles; larger images are sampled evenly. */
	private static final int PERCENTILE_SAMPLE = 1 << 20;

	private MapWriters() {}

	/** Saves the map as a 32-bit float TIFF (a stack if it has several channels); values are written exactly. */
	public static void writeFloatTiff(FloatImage map, Path target) throws IOException {
		writeFloatTiff(map, null, target);
	}

	/** Like {@link #writeFloatTiff(FloatImage, Path)}, storing the spatial calibration of the input (may be null). */
	public static void writeFloatTiff(FloatImage map, Calibration cal, Path target) throws IOException {
		ImagePlus imp = ImagePlusConverter.toImagePlus(map, cal);
		AtomicFiles.write(target, temp -> {
			// TiffEncoder rather than FileSaver: FileSaver prints its own error lines and hides the IOException (disk full, permission)
			FileInfo fi = imp.getFileInfo();
			fi.description = new FileSaver(imp).getDescriptionString();
			if (imp.getStackSize() > 1) fi.sliceLabels = imp.getStack().getSliceLabels();
			else fi.nImages = 1;
			try (java.io.OutputStream out = new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(temp))) {
				new TiffEncoder(fi).write(out);
			}
		});
	}

	/**
	 * Saves a PNG of {@code input} (gray for one or two channels, in its own colours for three: stretched
	 * between the 0.5 and 99.5 percentiles of all its values) with the anomaly map blended on top:
	 * transparent below {@code low}, then a warm colour map (dark red → orange → yellow) that grows more
	 * opaque up to {@code high}.
	 */
	public static void writeOverlayPng(FloatImage input, float[] map, double low, double high, Path target) throws IOException {
		int w = input.width(), h = input.height();
		if (map.length != w * h) throw new IllegalArgumentException("Map length " + map.length + " does not match the image size " + w + "x" + h);
		if (Double.isNaN(low) || Double.isNaN(high)) throw new IllegalArgumentException("Overlay range is NaN: " + low + " .. " + high);
		int[] rgb = overlay(input, map, low, high);
		BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
		img.setRGB(0, 0, w, h, rgb, 0, w);
		AtomicFiles.write(target, temp -> {
			if (!ImageIO.write(img, "png", temp.toFile())) throw new IOException("No PNG writer available in this Java runtime");
		});
	}

	/** The overlay's packed RGB pixels; package-private for tests. */
	static int[] overlay(FloatImage input, float[] map, double low, double high) {
		boolean colour = input.channels() >= 3;
		float[][] planes = colour ? new float[][] { input.channel(0), input.channel(1), input.channel(2) } : new float[][] { input.channel(0) };
		double[] range = percentileRange(colour ? concat(planes) : planes[0]); // one stretch for all three keeps the hues
		double lo = range[0], span = range[1] - range[0];
		double heatSpan = high - low;
		int n = planes[0].length;
		int[] out = new int[n];
		double[] rgb = new double[3];
		for (int i = 0; i < n; i++) {
			for (int c = 0; c < 3; c++) rgb[c] = stretch(planes[colour ? c : 0][i], lo, span);
			float v = map[i];
			if (v >= low) { // false for NaN, so undefined scores stay transparent
				double t = heatSpan > 0 ? Math.min(1, (v - low) / heatSpan) : 1;
				double alpha = 0.35 + 0.55 * t;
				int h = heat(t);
				rgb[0] = (1 - alpha) * rgb[0] + alpha * ((h >> 16) & 0xff);
				rgb[1] = (1 - alpha) * rgb[1] + alpha * ((h >> 8) & 0xff);
				rgb[2] = (1 - alpha) * rgb[2] + alpha * (h & 0xff);
			}
			out[i] = ((int) Math.round(rgb[0]) << 16) | ((int) Math.round(rgb[1]) << 8) | (int) Math.round(rgb[2]);
		}
		return out;
	}

	private static double stretch(float value, double lo, double span) {
		double v = span > 0 ? (value - lo) / span * 255 : 128; // a flat image shows as mid-gray
		if (!Double.isFinite(v)) v = 0;
		return Math.max(0, Math.min(255, v));
	}

	private static float[] concat(float[][] planes) {
		float[] all = new float[planes.length * planes[0].length];
		for (int c = 0; c < planes.length; c++) System.arraycopy(planes[c], 0, all, c * planes[0].length, planes[0].length);
		return all;
	}

	/** Warm colour map for t in [0, 1]: dark red (0) → orange (0.5) → light yellow (1). */
	static int heat(double t) {
		double r, g, b;
		if (t < 0.5) {
			double u = t / 0.5;
			r = 170 + u * (255 - 170);
			g = u * 120;
			b = 0;
		} else {
			double u = (t - 0.5) / 0.5;
			r = 255;
			g = 120 + u * (255 - 120);
			b = u * 90;
		}
		return ((int) Math.round(r) << 16) | ((int) Math.round(g) << 8) | (int) Math.round(b);
	}

	/** {low, high} percentiles of the finite values (nearest rank); {0, 0} if there are none. */
	static double[] percentileRange(float[] values) {
		int step = Math.max(1, (int) Math.ceil(values.length / (double) PERCENTILE_SAMPLE));
		float[] sample = new float[(values.length + step - 1) / step];
		int n = 0;
		for (int i = 0; i < values.length; i += step) {
			if (Float.isFinite(values[i])) sample[n++] = values[i];
		}
		if (n == 0) return new double[] { 0, 0 };
		Arrays.sort(sample, 0, n);
		return new double[] { sample[rank(LOW_PERCENTILE, n)], sample[rank(HIGH_PERCENTILE, n)] };
	}

	private static int rank(double percentile, int n) {
		return (int) Math.max(0, Math.min(n - 1, Math.round(percentile / 100.0 * (n - 1))));
	}

}
