package io.github.stad.io;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/** Which files are images, by name (the folders are listed by {@link ImageSets}). */
public final class ImageFiles {

	/** Lower-case extensions (without the dot) that {@link ImageReader} can open. */
	public static final Set<String> EXTENSIONS = Set.of("tif", "tiff", "png", "jpg", "jpeg", "bmp", "gif");

	private ImageFiles() {}

	/** Whether the file name has a supported image extension (case-insensitive); the content is not checked. */
	public static boolean isImage(Path file) {
		if (file == null || file.getFileName() == null) return false;
		String name = file.getFileName().toString();
		int dot = name.lastIndexOf('.');
		if (dot < 0 || dot == name.length() - 1) return false;
		return EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
	}

	/** The file name without its last extension ("cell 01.tif" → "cell 01"). */
	public static String baseName(Path file) {
		String name = file.getFileName().toString();
		int dot = name.lastIndexOf('.');
		return dot > 0 ? name.substring(0, dot) : name;
	}
}
