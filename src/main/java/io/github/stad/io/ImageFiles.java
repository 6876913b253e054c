package io.github.stad.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Finds the image files of a training or test folder. */
public final class ImageFiles {

	/** Lower-case extensions (without the dot) that {@link ImageReader} can open. */
	public static final Set<String> EXTENSIONS = Set.of("tif", "tiff", "png", "jpg", "jpeg", "bmp", "gif");

	// Case-insensitive first so "b.png" follows "A.png" on every OS; exact order breaks ties.
	private static final Comparator<Path> BY_NAME = Comparator
			.comparing((Path p) -> p.getFileName().toString(), String.CASE_INSENSITIVE_ORDER)
			.thenComparing(p -> p.getFileName().toString());

	private ImageFiles() {}

	/**
	 * The supported image files directly inside {@code folder} (not in subfolders), sorted by name,
	 * without hidden files.
	 *
	 * @throws IllegalArgumentException if the folder is missing, is a file, or holds no images
	 * @throws IOException              if the folder cannot be read
	 */
	public static List<Path> list(Path folder) throws IOException {
		if (folder == null) throw new IllegalArgumentException("No folder given. Choose the folder that contains the images.");
		if (!Files.exists(folder)) {
			throw new IllegalArgumentException("Folder not found: " + folder.toAbsolutePath()
					+ ". Check the path, or choose an existing folder that contains the images.");
		}
		if (!Files.isDirectory(folder)) {
			throw new IllegalArgumentException(folder.toAbsolutePath() + " is a file, not a folder. "
					+ "Choose the folder that contains the images instead of a single image.");
		}
		List<Path> images;
		try (Stream<Path> entries = Files.list(folder)) {
			images = entries.filter(ImageFiles::isVisibleImageFile).sorted(BY_NAME).collect(Collectors.toList());
		} catch (IOException e) {
			throw new IOException("Cannot read the folder " + folder.toAbsolutePath() + ": " + e.getMessage()
					+ ". Check that it exists and that you have permission to read it.", e);
		}
		if (images.isEmpty()) {
			throw new IllegalArgumentException("No images (.tif, .png, .jpg, .bmp, .gif) found in " + folder.toAbsolutePath()
					+ ". Put the images directly in this folder (subfolders are not searched).");
		}
		return images;
	}

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

	private static boolean isVisibleImageFile(Path p) {
		if (!isImage(p) || p.getFileName().toString().startsWith(".")) return false;
		if (!Files.isRegularFile(p)) return false;
		try {
			return !Files.isHidden(p);
		} catch (IOException e) {
			return false;
		}
	}
}
