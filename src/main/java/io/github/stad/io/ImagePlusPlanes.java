package io.github.stad.io;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.ImageProcessor;
import io.github.stad.engine.image.FloatImage;

import java.util.ArrayList;
import java.util.List;

/**
 * The 2D images a model sees in an {@link ImagePlus}: every plane of a stack or hyperstack, with the
 * channels of a multichannel image combined when the model was trained on that many channels.
 */
public final class ImagePlusPlanes {

	/** One image to score and where it came from: the 1-based (channel, slice, frame) of its first plane. */
	public record Plane(FloatImage image, int channel, int slice, int frame, String label) {}

	private ImagePlusPlanes() {}

	/**
	 * @param modelChannels channels the model expects (1 gray, 3 RGB); 0 accepts whatever a single plane gives
	 * @throws IllegalArgumentException when the channels cannot be matched, with what to do
	 */
	public static List<Plane> planes(ImagePlus imp, int modelChannels) {
		int c = imp.getNChannels(), z = imp.getNSlices(), t = imp.getNFrames();
		if (c * z * t != imp.getStackSize()) { // dimensions not set: treat every plane as a slice
			c = 1;
			z = imp.getStackSize();
			t = 1;
		}
		String title = imp.getTitle();
		List<Plane> planes = new ArrayList<>();
		boolean combine = c > 1 && c == modelChannels && imp.getBitDepth() != 24;
		if (c > 1 && !combine) {
			throw new IllegalArgumentException("Image \"" + title + "\" has " + c + " channels but the model expects "
					+ (modelChannels == 1 ? "grayscale (1-channel)" : modelChannels + "-channel") + " images; keep one channel "
					+ "(Image > Color > Split Channels, or Image > Duplicate… with one channel) or train a model on " + c + "-channel images.");
		}
		for (int f = 1; f <= t; f++) {
			for (int s = 1; s <= z; s++) {
				String label = title + (z > 1 ? " z=" + s : "") + (t > 1 ? " t=" + f : "");
				String name = imp.getStackSize() == 1 ? stem(title) : stem(title) + (z > 1 ? "_z" + s : "") + (t > 1 ? "_t" + f : "");
				if (combine) {
					float[][] data = new float[c][];
					for (int ch = 1; ch <= c; ch++) data[ch - 1] = gray(imp, imp.getStackIndex(ch, s, f), label).channel(0);
					planes.add(new Plane(new FloatImage(name, imp.getWidth(), imp.getHeight(), data), 1, s, f, label));
				} else {
					FloatImage one = ImagePlusConverter.toFloatImage(imp, imp.getStackIndex(1, s, f));
					planes.add(new Plane(one.withName(name), 1, s, f, label));
				}
			}
		}
		return planes;
	}

	/** The stack index of the first plane of each entry: where per-plane results go back in the input. */
	public static int stackIndex(ImagePlus imp, Plane p) {
		return imp.getStackSize() == 1 ? 1 : imp.getStackIndex(p.channel(), p.slice(), p.frame());
	}

	private static FloatImage gray(ImagePlus imp, int index, String label) {
		// Composite planes never use their LUT, so a one-plane view converts them as gray values.
		ImageStack stack = imp.getStack();
		Object pixels = stack.getPixels(index);
		ImageProcessor ip = pixels instanceof byte[] b ? new ByteProcessor(imp.getWidth(), imp.getHeight(), b) : stack.getProcessor(index);
		ImagePlus one = new ImagePlus(label, ip);
		return ImagePlusConverter.toFloatImage(one);
	}

	private static String stem(String title) {
		if (title == null || title.isBlank()) return "image";
		int dot = title.lastIndexOf('.');
		return dot > 0 && ImageFiles.EXTENSIONS.contains(title.substring(dot + 1).toLowerCase(java.util.Locale.ROOT)) ? title.substring(0, dot) : title;
	}
}
