package io.github.stad.io;

import ij.ImagePlus;
import ij.io.FileInfo;
import ij.io.Opener;
import ij.io.TiffDecoder;
import io.github.stad.engine.image.FloatImage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

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
		if (!Files.exists(file)) throw new NoSuchFileException(file.toAbsolutePath().toString(), null, "image file not found");
		if (!Files.isRegularFile(file)) throw new IOException(file.toAbsolutePath() + " is not a file. Choose an image file (.tif, .png, .jpg).");
		if (!Files.isReadable(file)) throw new IOException("No permission to read " + file.toAbsolutePath() + ".");
		String path = file.toAbsolutePath().toString();
		String fileName = file.getFileName().toString();

		Opener opener = new Opener();
		opener.setSilentMode(true);
		int type = opener.getFileType(path);
		if (type != Opener.TIFF && type != Opener.PNG && type != Opener.JPEG && type != Opener.GIF && type != Opener.BMP) {
			throw notReadable(file, "its content is " + describe(type));
		}
		// Check TIFF headers ourselves: ImageJ reports broken ones with an error dialog instead of an exception.
		if (type == Opener.TIFF) checkTiff(file);

		ImagePlus imp;
		try {
			imp = opener.openImage(path);
		} catch (OutOfMemoryError e) {
			throw new IOException("Not enough memory to open " + path + ". Increase it in Edit > Options > Memory & Threads.", e);
		} catch (RuntimeException e) {
			throw notReadable(file, e.toString());
		}
		if (imp == null || imp.getProcessor() == null) throw notReadable(file, "ImageJ could not decode it");

		String what = "The file " + fileName;
		ImagePlusConverter.requireSinglePlane(imp, what);
		return ImagePlusConverter.convert(imp, 1, ImageFiles.baseName(file), what);
	}

	private static void checkTiff(Path file) throws IOException {
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
