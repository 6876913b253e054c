package io.github.stad.io;

import ij.ImagePlus;
import ij.io.FileInfo;
import ij.io.Opener;
import ij.io.TiffDecoder;
import io.github.stad.engine.Memory;
import io.github.stad.engine.image.FloatImage;

import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * Reads one image file into a {@link FloatImage} with ImageJ's {@link Opener}, which works in a headless JVM.
 * Conversion rules are those of {@link ImagePlusConverter}; the image is named after the file without its extension.
 */
public final class ImageReader {

	private ImageReader() {}

	/**
	 * @throws IOException              if the file is missing, unreadable, corrupt or not an image
	 * @throws IllegalArgumentException if it is a stack/hyperstack, or has NaN or infinite pixels
	 */
	public static FloatImage read(Path file) throws IOException {
		if (!Files.exists(file)) throw new NoSuchFileException(file.toAbsolutePath().toString(), null, "Image file not found: " + file.toAbsolutePath());
		if (!Files.isRegularFile(file)) throw new IOException(file.toAbsolutePath() + " is not a file. Choose an image file (.tif, .png, .jpg).");
		if (!Files.isReadable(file)) throw new IOException("No permission to read " + file.toAbsolutePath() + ".");
		String path = file.toAbsolutePath().toString();
		String fileName = file.getFileName().toString();
		if (fileName.indexOf('\uFFFD') >= 0) {
			throw new IOException(fileName + ": the file's name is not valid UTF-8 (the \uFFFD stands for bytes that are no text), so it cannot be opened by name; rename the file (file: " + path + ")");
		}

		Opener opener = new Opener();
		opener.setSilentMode(true);
		int type = opener.getFileType(path);
		if (type != Opener.TIFF && type != Opener.PNG && type != Opener.JPEG && type != Opener.GIF && type != Opener.BMP) {
			throw notReadable(file, "its content is " + describe(type));
		}
		// Check TIFF headers ourselves: ImageJ reports broken ones with an error dialog instead of an exception.
		long[] size = type == Opener.TIFF ? checkTiff(file) : declaredSize(file);
		if (size != null) {
			// Refuse what cannot fit before decoding: the raw planes and the float copy of every channel.
			double bytes = (double) size[0] * size[1] * (size[2] + 12);
			try {
				Memory.requireHeap(bytes, fileName + " (" + size[0] + "x" + size[1] + " pixels" + (size[3] > 1 ? ", " + size[3] + " planes" : "") + ")",
						"give Java more memory (Edit > Options > Memory & Threads, or STAD_JAVA_OPTS=-Xmx…) or crop the image into parts");
			} catch (IllegalArgumentException e) {
				throw new IOException(e.getMessage() + " (file: " + path + ")");
			}
		}
		// A truncated JPEG decodes without an exception, its missing part grey: refuse it here, by name.
		if (type == Opener.JPEG) checkJpegComplete(file);

		ImagePlus imp;
		StringBuilder said = new StringBuilder();
		try {
			imp = quietly(() -> opener.openImage(path), said);
		} catch (OutOfMemoryError e) {
			throw new IOException("Not enough memory to open " + path + ". Increase it in Edit > Options > Memory & Threads.", e);
		} catch (RuntimeException e) {
			throw notReadable(file, e.toString());
		}
		if (imp == null || imp.getProcessor() == null) throw notReadable(file, "ImageJ could not decode it" + (said.length() == 0 ? "" : ": " + said.toString().strip().replace('\n', ' ')));

		String what = "The file " + fileName;
		ImagePlusConverter.requireSinglePlane(imp, what);
		return ImagePlusConverter.convert(imp, 1, ImageFiles.baseName(file), what);
	}

	/** @return width, height, bytes per pixel of all planes together, planes */
	private static long[] checkTiff(Path file) throws IOException {
		FileInfo[] info;
		try {
			String dir = file.toAbsolutePath().getParent().toString();
			info = new TiffDecoder(dir.endsWith(java.io.File.separator) ? dir : dir + java.io.File.separator, file.getFileName().toString()).getTiffInfo();
		} catch (IOException | RuntimeException e) {
			throw notReadable(file, "its TIFF header is broken (" + e.getMessage() + ")");
		}
		if (info == null || info.length == 0) throw notReadable(file, "it has no TIFF image directory");
		FileInfo fi = info[0];
		if (fi.width <= 0 || fi.height <= 0) throw notReadable(file, "its TIFF header gives the size " + fi.width + "x" + fi.height);
		long planes = info.length == 1 ? Math.max(1, fi.nImages) : info.length;
		return new long[] { fi.width, fi.height, Math.max(1, fi.getBytesPerPixel()) * planes, planes };
	}

	/** Width and height from the header of a PNG, JPEG, GIF or BMP, without decoding; null if no reader says. */
	private static long[] declaredSize(Path file) {
		try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
			if (in == null) return null;
			Iterator<javax.imageio.ImageReader> readers = ImageIO.getImageReaders(in);
			if (!readers.hasNext()) return null;
			javax.imageio.ImageReader r = readers.next();
			try {
				r.setInput(in, true, true);
				return new long[] { r.getWidth(0), r.getHeight(0), 4, 1 };
			} finally {
				r.dispose();
			}
		} catch (IOException | RuntimeException e) {
			return null; // ImageJ's own decoder then says what is wrong
		}
	}

	/**
	 * Follows the JPEG's segments to its end-of-image marker. A file cut short (an interrupted copy
	 * or download) ends without one; the decoder would fill the rest grey with a warning that names no file.
	 */
	static void checkJpegComplete(Path file) throws IOException {
		byte[] b = Files.readAllBytes(file);
		int n = b.length, pos = 2;
		while (pos + 1 < n) {
			if ((b[pos] & 0xFF) != 0xFF) throw notReadable(file, "its JPEG structure is broken at byte " + pos);
			int marker = b[pos + 1] & 0xFF;
			if (marker == 0xFF) { pos++; continue; } // fill byte
			if (marker == 0xD9) return; // end of image
			if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) { pos += 2; continue; }
			if (pos + 3 >= n) break;
			int length = ((b[pos + 2] & 0xFF) << 8) | (b[pos + 3] & 0xFF);
			pos += 2 + length;
			if (marker == 0xDA) {
				// Entropy-coded data: a marker is 0xFF followed by anything but 0x00 (stuffing) or a restart marker.
				while (pos + 1 < n) {
					if ((b[pos] & 0xFF) == 0xFF) {
						int next = b[pos + 1] & 0xFF;
						if (next == 0x00 || (next >= 0xD0 && next <= 0xD7)) { pos += 2; continue; }
						if (next != 0xFF) break;
					}
					pos++;
				}
			}
		}
		throw new IOException(file.getFileName() + " is truncated: the JPEG data ends before the end of the image, so part of it would be read as grey (file: "
				+ file.toAbsolutePath() + "). Copy or download it again, or leave it out.");
	}

	private static final Object CONSOLE = new Object();

	/**
	 * Runs an ImageJ call that prints its errors (a damaged PNG: "javax.imageio.IIOException: …") to the
	 * console instead of throwing; what it prints is collected into {@code said} for our own one-line message.
	 */
	private static <T> T quietly(java.util.function.Supplier<T> call, StringBuilder said) {
		synchronized (CONSOLE) {
			java.io.PrintStream out = System.out, err = System.err;
			java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
			java.io.PrintStream capture = new java.io.PrintStream(buffer, true, java.nio.charset.StandardCharsets.UTF_8);
			System.setOut(capture);
			System.setErr(capture);
			try {
				return call.get();
			} finally {
				System.setOut(out);
				System.setErr(err);
				said.append(buffer.toString(java.nio.charset.StandardCharsets.UTF_8));
			}
		}
	}

	private static IOException notReadable(Path file, String why) {
		return new IOException(file.getFileName() + " is not a readable TIFF/PNG/JPEG image (" + why + "; file: " + file.toAbsolutePath()
				+ "). It may be damaged or in another format: open it in Fiji (Bio-Formats if needed) and save it as TIFF.");
	}

	private static String describe(int type) {
		if (type == Opener.UNKNOWN) return "not a known image format";
		if (type == Opener.TEXT || type == Opener.JAVA_OR_TEXT || type == Opener.TABLE) return "text, not an image";
		if (type >= 0 && type < Opener.types.length) return "of type " + Opener.types[type] + ", which is not supported";
		return "not a supported image format";
	}
}
