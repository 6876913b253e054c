package io.github.stad.io;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import io.github.stad.engine.image.FloatImage;

import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.util.Locale;

/**
 * Converts between ImageJ's {@link ImagePlus} and the engine's {@link FloatImage}.
 * <ul>
 * <li>8-, 16- and 32-bit grayscale → 1 channel of the raw pixel values (no calibration, no display scaling);</li>
 * <li>RGB → 3 channels R, G, B (0–255);</li>
 * <li>8-bit with a non-gray LUT (indexed colour, e.g. GIF or palette PNG) → 3 channels looked up in the LUT;
 * the planes of a multi-channel (composite) image always stay gray, since their LUTs are only for display;</li>
 * <li>NaN or infinite pixels are refused, because every score computed from them would be NaN.</li>
 * </ul>
 */
public final class ImagePlusConverter {

	private ImagePlusConverter() {}

	/**
	 * Converts a single-plane image, refusing stacks and hyperstacks.
	 *
	 * @throws IllegalArgumentException for a stack, or NaN/infinite pixels
	 */
	public static FloatImage toFloatImage(ImagePlus imp) {
		requireSinglePlane(imp, "Image \"" + imp.getTitle() + "\"");
		return toFloatImage(imp, 1);
	}

	/**
	 * Converts one plane of {@code imp}. 32-bit planes are wrapped, not copied, so the result shares the
	 * image's pixel array.
	 *
	 * @param stackIndex 1-based plane index, as in {@link ImageStack#getPixels(int)}
	 * @throws IllegalArgumentException for a bad index, an unsupported type, or NaN/infinite pixels
	 */
	public static FloatImage toFloatImage(ImagePlus imp, int stackIndex) {
		return convert(imp, stackIndex, nameOf(imp), "Image \"" + imp.getTitle() + "\"");
	}

	/** Shared with {@link ImageReader}, which names the file in its messages. */
	static FloatImage convert(ImagePlus imp, int stackIndex, String name, String what) {
		ImageProcessor ip = imp.getProcessor();
		if (ip == null) throw new IllegalArgumentException(what + " has no pixel data.");
		int n = imp.getStackSize();
		if (stackIndex < 1 || stackIndex > n) {
			throw new IllegalArgumentException("Plane " + stackIndex + " does not exist: " + what + " has " + n + " plane" + (n == 1 ? "" : "s") + ".");
		}
		int w = imp.getWidth(), h = imp.getHeight();
		// The current processor holds the LUT that was loaded; stack planes share it unless the image is composite.
		Object pixels = n == 1 ? ip.getPixels() : imp.getStack().getPixels(stackIndex);
		if (pixels instanceof byte[] b) {
			IndexColorModel lut = imp.isComposite() ? null : colourLut(ip.getColorModel());
			return lut == null ? gray8(name, w, h, b) : indexed(name, w, h, b, lut);
		}
		if (pixels instanceof short[] s) return gray16(name, w, h, s);
		if (pixels instanceof float[] f) {
			requireFinite(f, what);
			return FloatImage.of(name, w, h, f);
		}
		if (pixels instanceof int[] rgb) return rgb(name, w, h, rgb);
		throw new IllegalArgumentException(what + " has an unsupported pixel type (" + (pixels == null ? "none" : pixels.getClass().getSimpleName())
				+ "). Convert it to 8-bit, 16-bit, 32-bit or RGB (Image > Type).");
	}

	/** Refuses stacks and hyperstacks with a message that says how to split them. */
	static void requireSinglePlane(ImagePlus imp, String what) {
		int n = imp.getStackSize();
		if (n <= 1) return;
		String dims = describeDimensions(imp);
		throw new IllegalArgumentException(what + " is a stack of " + n + " slices" + (dims.isEmpty() ? "" : " (" + dims + ")")
				+ "; only single 2D images are supported. Split it into single images first "
				+ "(Image > Stacks > Stack to Images, or Image > Color > Split Channels) and save them to a folder.");
	}

	/** Wraps a single-channel image in a FloatProcessor (no copy); more channels become a float stack of channels (no copy). */
	public static ImagePlus toImagePlus(FloatImage img) {
		int w = img.width(), h = img.height();
		if (img.channels() == 1) return new ImagePlus(img.name(), new FloatProcessor(w, h, img.channel(0)));
		ImageStack stack = new ImageStack(w, h);
		for (int c = 0; c < img.channels(); c++) stack.addSlice("channel " + (c + 1), new FloatProcessor(w, h, img.channel(c)));
		ImagePlus imp = new ImagePlus(img.name(), stack);
		imp.setDimensions(img.channels(), 1, 1);
		return imp;
	}

	/** Like {@link #toImagePlus(FloatImage)}, carrying over the spatial calibration (pixel size, units, origin) of {@code cal}. */
	public static ImagePlus toImagePlus(FloatImage img, Calibration cal) {
		ImagePlus imp = toImagePlus(img);
		if (cal != null) imp.setCalibration(spatialCopy(cal));
		return imp;
	}

	/** Only the spatial part: a value calibration (e.g. of 16-bit input) would be wrong for a score map. */
	static Calibration spatialCopy(Calibration cal) {
		Calibration out = new Calibration();
		out.pixelWidth = cal.pixelWidth;
		out.pixelHeight = cal.pixelHeight;
		out.pixelDepth = cal.pixelDepth;
		out.xOrigin = cal.xOrigin;
		out.yOrigin = cal.yOrigin;
		out.zOrigin = cal.zOrigin;
		out.setUnit(cal.getUnit());
		out.setXUnit(cal.getXUnit());
		out.setYUnit(cal.getYUnit());
		out.setZUnit(cal.getZUnit());
		out.setInvertY(cal.getInvertY());
		return out;
	}

	private static String describeDimensions(ImagePlus imp) {
		StringBuilder sb = new StringBuilder();
		append(sb, imp.getNChannels(), "channel");
		append(sb, imp.getNSlices(), "z-slice");
		append(sb, imp.getNFrames(), "frame");
		return sb.toString();
	}

	private static void append(StringBuilder sb, int n, String unit) {
		if (n <= 1) return;
		if (sb.length() > 0) sb.append(", ");
		sb.append(n).append(' ').append(unit).append('s');
	}

	private static String nameOf(ImagePlus imp) {
		String title = imp.getTitle();
		if (title == null || title.isBlank()) return "image";
		int dot = title.lastIndexOf('.');
		if (dot > 0 && ImageFiles.EXTENSIONS.contains(title.substring(dot + 1).toLowerCase(Locale.ROOT))) return title.substring(0, dot);
		return title;
	}

	/** The LUT if it is an 8-bit palette with any non-gray entry, else null. */
	private static IndexColorModel colourLut(ColorModel cm) {
		if (!(cm instanceof IndexColorModel icm)) return null;
		int size = icm.getMapSize();
		for (int i = 0; i < size; i++) {
			int r = icm.getRed(i), g = icm.getGreen(i), b = icm.getBlue(i);
			if (r != g || g != b) return icm;
		}
		return null;
	}

	private static FloatImage gray8(String name, int w, int h, byte[] b) {
		float[] f = new float[b.length];
		for (int i = 0; i < b.length; i++) f[i] = b[i] & 0xff;
		return FloatImage.of(name, w, h, f);
	}

	private static FloatImage gray16(String name, int w, int h, short[] s) {
		float[] f = new float[s.length];
		for (int i = 0; i < s.length; i++) f[i] = s[i] & 0xffff;
		return FloatImage.of(name, w, h, f);
	}

	private static FloatImage indexed(String name, int w, int h, byte[] b, IndexColorModel lut) {
		int size = lut.getMapSize();
		float[] rt = new float[256], gt = new float[256], bt = new float[256];
		for (int i = 0; i < 256; i++) {
			int k = Math.min(i, size - 1); // indices past a short palette show its last colour
			rt[i] = lut.getRed(k);
			gt[i] = lut.getGreen(k);
			bt[i] = lut.getBlue(k);
		}
		float[] r = new float[b.length], g = new float[b.length], bl = new float[b.length];
		for (int i = 0; i < b.length; i++) {
			int v = b[i] & 0xff;
			r[i] = rt[v];
			g[i] = gt[v];
			bl[i] = bt[v];
		}
		return new FloatImage(name, w, h, new float[][] { r, g, bl });
	}

	private static FloatImage rgb(String name, int w, int h, int[] px) {
		float[] r = new float[px.length], g = new float[px.length], b = new float[px.length];
		for (int i = 0; i < px.length; i++) {
			int c = px[i];
			r[i] = (c >> 16) & 0xff;
			g[i] = (c >> 8) & 0xff;
			b[i] = c & 0xff;
		}
		return new FloatImage(name, w, h, new float[][] { r, g, b });
	}

	private static void requireFinite(float[] f, String what) {
		int nan = 0, inf = 0;
		for (float v : f) {
			if (Float.isNaN(v)) nan++;
			else if (Float.isInfinite(v)) inf++;
		}
		if (nan > 0) {
			throw new IllegalArgumentException(what + " contains NaN pixels (" + nan + " of " + f.length
					+ "); replace them (Process > Math > Remove NaNs) before using it for training or detection.");
		}
		if (inf > 0) {
			throw new IllegalArgumentException(what + " contains infinite pixels (" + inf + " of " + f.length
					+ "); clip them to finite values (Process > Math > Min... and Max...) before using it for training or detection.");
		}
	}
}
