package io.github.stad.io;

import ij.ImagePlus;
import ij.io.Opener;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns what a user names as an "image set" into a list of {@link ImageEntry}s:
 * <ul>
 * <li>a folder of images (flat, defect type {@code ""}), or a folder whose subfolders hold the
 *     images (MVTec {@code test/<type>/000.png}, defect type = subfolder name);</li>
 * <li>{@code FILE.csv:SPLIT}: the rows of one split of a CSV with the header
 *     {@code image,mask,split,label} (paths relative to the CSV's folder);</li>
 * <li>a single image file.</li>
 * </ul>
 * Masks for a test folder are matched by file name with {@link #withMasks}. Every bad input
 * throws {@link IllegalArgumentException} with a message that says what to change, because the
 * message goes straight to the user of the plugin or the command line.
 * Only mask reading uses ImageJ.
 */
public final class ImageSets {

	/** File extensions (lower case) taken as images. */
	private static final String IMAGE_EXTENSIONS = String.join(", ", new java.util.TreeSet<>(ImageFiles.EXTENSIONS));

	/** Labels (any case) that mean "no defect". */
	public static final Set<String> DEFECT_FREE_LABELS = Set.of("good", "free");

	// tried in this order in each candidate folder; MVTec's "_mask" form first
	private static final List<String> MASK_SUFFIXES = List.of("_mask.png", "_mask.tif", "_mask.tiff", ".png", ".tif", ".tiff");

	private static final String CSV_HINT = "Expected a header like image,mask,split,label with paths relative to the CSV's folder.";

	private ImageSets() {}

	// ------------------------------------------------------------------ resolving a set

	/** Resolves a folder, an image, or {@code FILE.csv:SPLIT}; relative paths against the working directory. */
	public static List<ImageEntry> resolve(String spec) {
		return resolve(spec, null);
	}

	/** As {@link #resolve(String)}, with relative paths taken against {@code baseDir} (if not null). */
	public static List<ImageEntry> resolve(String spec, Path baseDir) {
		if (spec == null || spec.isBlank()) {
			throw new IllegalArgumentException("No image set given. Name a folder of images, or a CSV with a split such as data/split.csv:train.");
		}
		String text = spec.strip();
		String split = null;
		// the last ':' after ".csv" is the split selector; a drive letter ("C:\...") is not
		int colon = text.lastIndexOf(':');
		if (colon > 0 && text.substring(0, colon).toLowerCase(Locale.ROOT).endsWith(".csv")) {
			split = text.substring(colon + 1).strip();
			text = text.substring(0, colon);
			if (split.isEmpty()) {
				throw new IllegalArgumentException("No split named after ':' in \"" + spec + "\". Write it as FILE.csv:SPLIT, e.g. split.csv:train.");
			}
		}
		Path path;
		try {
			path = Path.of(text);
		} catch (InvalidPathException e) {
			throw new IllegalArgumentException("\"" + text + "\" is not a valid path: " + e.getReason() + ".");
		}
		if (baseDir != null && !path.isAbsolute()) path = baseDir.resolve(path);
		if (!Files.exists(path)) {
			throw new IllegalArgumentException("Image set not found: " + path.toAbsolutePath().normalize()
				+ ". Give an existing folder of images, or a CSV with a split such as data/split.csv:train.");
		}
		if (Files.isDirectory(path)) {
			if (split != null) throw new IllegalArgumentException(path + " is a folder, not a CSV file, so it has no split \"" + split + "\". Drop the \":" + split + "\".");
			return fromFolder(path);
		}
		if (isCsv(path)) return fromCsv(path, split);
		if (ImageFiles.isImage(path)) return List.of(new ImageEntry(path, ""));
		throw new IllegalArgumentException(path + " is neither a folder, an image (" + IMAGE_EXTENSIONS
			+ ") nor a .csv file. Give a folder of images or a CSV such as split.csv:train.");
	}

	/**
	 * The file a set names itself, without reading it: the CSV of {@code FILE.csv:SPLIT} or a single
	 * image; null for a folder, a missing path or an invalid one (so that outputs can be kept off it).
	 */
	public static Path namedFile(String spec) {
		if (spec == null || spec.isBlank()) return null;
		String text = spec.strip();
		int colon = text.lastIndexOf(':');
		if (colon > 0 && text.substring(0, colon).toLowerCase(Locale.ROOT).endsWith(".csv")) text = text.substring(0, colon);
		try {
			Path path = Path.of(text);
			return Files.isRegularFile(path) ? path : null;
		} catch (InvalidPathException e) {
			return null;
		}
	}

	/**
	 * All images directly in {@code folder} (defect type {@code ""}); if it holds none, the images
	 * of its subfolders with the subfolder name as defect type. Sorted by type, then file name.
	 */
	public static List<ImageEntry> fromFolder(Path folder) {
		if (!Files.isDirectory(folder)) {
			throw new IllegalArgumentException("Image folder not found: " + folder.toAbsolutePath().normalize() + ". Give an existing folder of images.");
		}
		List<Path> direct = listImages(folder);
		List<ImageEntry> entries = new ArrayList<>();
		if (!direct.isEmpty()) {
			for (Path p : direct) entries.add(new ImageEntry(p, ""));
			return entries;
		}
		for (Path sub : listSubfolders(folder)) {
			String type = sub.getFileName().toString();
			for (Path p : listImages(sub)) entries.add(new ImageEntry(p, type));
		}
		if (entries.isEmpty()) {
			throw new IllegalArgumentException("No images in " + folder.toAbsolutePath().normalize() + ": looked for " + IMAGE_EXTENSIONS
				+ " files in it and in its subfolders (one level down). Point to the folder that holds the images, e.g. .../train/good.");
		}
		return entries;
	}

	/**
	 * The rows of {@code csv} whose split column equals {@code split} (ignoring case), or every row
	 * when the CSV has no split column and {@code split} is null. Label "good"/"free", an empty
	 * mask cell, or a mask without any defect pixel give an entry without mask.
	 */
	public static List<ImageEntry> fromCsv(Path csv, String split) {
		if (!Files.isRegularFile(csv)) {
			throw new IllegalArgumentException("CSV file not found: " + csv.toAbsolutePath().normalize() + ".");
		}
		List<CsvFiles.Row> table = readCsv(csv).stream().filter(row -> !row.blank()).toList();
		if (table.isEmpty()) throw new IllegalArgumentException("CSV " + csv + " is empty. " + CSV_HINT);
		List<String> header = table.get(0).cells();
		Map<String, Integer> columns = new HashMap<>();
		for (int i = 0; i < header.size(); i++) columns.putIfAbsent(header.get(i).toLowerCase(Locale.ROOT), i);
		Integer imageCol = columns.get("image");
		Integer maskCol = columns.get("mask");
		Integer splitCol = columns.get("split");
		Integer labelCol = columns.get("label");
		if (imageCol == null) {
			throw new IllegalArgumentException("CSV " + csv + " has no 'image' column (its header is: " + String.join(",", header) + "). " + CSV_HINT);
		}
		if (split != null && splitCol == null) {
			throw new IllegalArgumentException("CSV " + csv + " has no 'split' column, so \":" + split + "\" selects nothing. Add a split column or drop the \":" + split + "\" to use every row.");
		}

		// first pass: parse and check the selection, so a wrong split fails before any file is read
		Set<String> splitsPresent = new LinkedHashSet<>();
		List<List<String>> rows = new ArrayList<>();
		List<Integer> lineNumbers = new ArrayList<>();
		for (CsvFiles.Row line : table.subList(1, table.size())) {
			List<String> row = line.cells();
			String rowSplit = cell(row, splitCol);
			if (splitCol != null) splitsPresent.add(rowSplit);
			if (split != null && !rowSplit.equalsIgnoreCase(split)) continue;
			rows.add(row);
			lineNumbers.add(line.line());
		}
		if (split == null && splitCol != null) {
			throw new IllegalArgumentException("CSV " + csv + " has a split column; name the split to use, e.g. " + csv.getFileName() + ":" + first(splitsPresent)
				+ " (splits present: " + String.join(", ", splitsPresent) + ").");
		}
		if (rows.isEmpty()) {
			if (split != null) {
				throw new IllegalArgumentException("Split \"" + split + "\" not found in " + csv + "; splits present: "
					+ (splitsPresent.isEmpty() ? "none" : String.join(", ", splitsPresent)) + ". Use one of them after the ':'.");
			}
			throw new IllegalArgumentException("CSV " + csv + " lists no images. " + CSV_HINT);
		}

		Path dir = csv.toAbsolutePath().getParent();
		List<String> missing = new ArrayList<>();
		List<Path> images = new ArrayList<>();
		for (int r = 0; r < rows.size(); r++) {
			String imageCell = cell(rows.get(r), imageCol);
			int lineNo = lineNumbers.get(r);
			if (imageCell.isEmpty()) throw new IllegalArgumentException(csv + " line " + lineNo + ": the image cell is empty. Every row needs an image path.");
			Path image = resolveCell(dir, imageCell, csv, lineNo);
			if (Files.isDirectory(image)) throw new IllegalArgumentException(csv + " line " + lineNo + ": " + image + " is a folder, not an image file; list image files");
			if (!Files.isRegularFile(image)) missing.add("line " + lineNo + ": " + image);
			images.add(image);
		}
		if (!missing.isEmpty()) {
			throw new IllegalArgumentException(missing.size() + " image(s) listed in " + csv + " not found, first: " + missing.get(0)
				+ ". Paths in the CSV are taken relative to the CSV's folder.");
		}

		List<ImageEntry> entries = new ArrayList<>(rows.size());
		for (int r = 0; r < rows.size(); r++) {
			List<String> row = rows.get(r);
			int lineNo = lineNumbers.get(r);
			String label = cell(row, labelCol);
			String maskCell = cell(row, maskCol);
			Path mask = null;
			if (!isDefectFree(label) && !maskCell.isEmpty()) {
				mask = resolveCell(dir, maskCell, csv, lineNo);
				if (!Files.isRegularFile(mask)) {
					throw new IllegalArgumentException(csv + " line " + lineNo + ": mask " + mask + " not found. Fix the path (relative to the CSV's folder) or leave the mask cell empty.");
				}
				// an all-background mask marks nothing to find: count the image as defect-free
				if (!anyTrue(readMaskAnySize(mask))) mask = null;
			}
			entries.add(new ImageEntry(images.get(r), mask, label));
		}
		return entries;
	}

	// ------------------------------------------------------------------ masks

	/**
	 * Adds masks from {@code masksFolder}, matched by file name: {@code <type>/<stem>_mask.png},
	 * {@code <type>/<stem>.png} (and .tif/.tiff), then the same names directly in the folder.
	 * Entries that already have a mask or whose type is "good"/"free" are kept as they are; an
	 * image of a flat folder (type "") without a mask counts as defect-free; an image of a defect
	 * type without a mask is an error.
	 */
	public static List<ImageEntry> withMasks(List<ImageEntry> images, Path masksFolder) {
		if (masksFolder == null || !Files.isDirectory(masksFolder)) {
			throw new IllegalArgumentException("Mask folder not found: " + (masksFolder == null ? "none given" : masksFolder.toAbsolutePath().normalize())
				+ ". Give the folder holding the ground-truth masks (MVTec: ground_truth).");
		}
		List<ImageEntry> out = new ArrayList<>(images.size());
		for (ImageEntry e : images) {
			if (e.hasMask() || isDefectFree(e.defectType())) {
				out.add(e);
				continue;
			}
			List<Path> tried = maskCandidates(e, masksFolder);
			Path found = null;
			for (Path c : tried) {
				// a folder holding both images and masks must not match an image to itself
				if (Files.isRegularFile(c) && !isSameFile(c, e.image())) {
					found = c;
					break;
				}
			}
			if (found != null) {
				out.add(e.withMask(found));
			} else if (e.defectType().isEmpty()) {
				out.add(e);
			} else {
				String names = tried.stream().map(p -> masksFolder.relativize(p).toString()).collect(Collectors.joining(", "));
				throw new IllegalArgumentException("No mask for " + e.image() + " (defect type \"" + e.defectType() + "\") in " + masksFolder
					+ "; tried " + names + ". Add its mask there, or move the image to a \"good\" folder if it has no defect.");
			}
		}
		return out;
	}

	/**
	 * Reads a mask as {@code defect[y * width + x]}: value > 127 for 8/16-bit masks (soft edges
	 * count from half way up), > 0 for 0/1 masks, >= 0.5 for float masks in 0..1.
	 */
	public static boolean[] readMask(Path mask, int expectedWidth, int expectedHeight) {
		ImageProcessor ip = openMask(mask);
		if (ip.getWidth() != expectedWidth || ip.getHeight() != expectedHeight) {
			throw new IllegalArgumentException("Mask " + mask + " is " + ip.getWidth() + "x" + ip.getHeight() + " but its image is "
				+ expectedWidth + "x" + expectedHeight + ". A mask must have exactly its image's size.");
		}
		return threshold(ip);
	}

	// ------------------------------------------------------------------ small public helpers

	public static boolean isDefectFree(String label) {
		return label != null && DEFECT_FREE_LABELS.contains(label.strip().toLowerCase(Locale.ROOT));
	}

	// ------------------------------------------------------------------ internals

	private static boolean isCsv(Path p) {
		return p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
	}

	private static boolean isHidden(Path p) {
		if (p.getFileName().toString().startsWith(".")) return true;
		try {
			return Files.isHidden(p);
		} catch (IOException e) {
			return false;
		}
	}

	private static List<Path> list(Path folder) {
		List<Path> items = new ArrayList<>();
		try (DirectoryStream<Path> ds = Files.newDirectoryStream(folder)) {
			for (Path p : ds) if (!isHidden(p)) items.add(p);
		} catch (IOException e) {
			throw new UncheckedIOException("Cannot list " + folder + ": " + e.getMessage(), e);
		}
		// plain name order: stable across file systems
		items.sort(Comparator.comparing(p -> p.getFileName().toString()));
		return items;
	}

	private static List<Path> listImages(Path folder) {
		List<Path> images = new ArrayList<>();
		for (Path p : list(folder)) if (Files.isRegularFile(p) && ImageFiles.isImage(p)) images.add(p);
		return images;
	}

	private static List<Path> listSubfolders(Path folder) {
		List<Path> subs = new ArrayList<>();
		for (Path p : list(folder)) if (Files.isDirectory(p)) subs.add(p);
		return subs;
	}

	private static List<Path> maskCandidates(ImageEntry e, Path masksFolder) {
		List<Path> dirs = new ArrayList<>();
		if (!e.defectType().isEmpty()) dirs.add(masksFolder.resolve(e.defectType()));
		dirs.add(masksFolder);
		List<Path> candidates = new ArrayList<>();
		String stem = e.stem();
		for (Path d : dirs) for (String suffix : MASK_SUFFIXES) candidates.add(d.resolve(stem + suffix));
		return candidates;
	}

	private static boolean isSameFile(Path a, Path b) {
		try {
			return Files.isSameFile(a, b);
		} catch (IOException e) {
			return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
		}
	}

	private static ImageProcessor openMask(Path mask) {
		if (mask == null || !Files.isRegularFile(mask)) {
			throw new IllegalArgumentException("Mask not found: " + (mask == null ? "none given" : mask.toAbsolutePath().normalize()) + ". Check the mask path.");
		}
		Opener opener = new Opener();
		opener.setSilentMode(true);
		ImagePlus imp = opener.openImage(mask.toAbsolutePath().toString());
		if (imp == null) {
			throw new IllegalArgumentException("Cannot read mask " + mask + ": not an image ImageJ can open. Save masks as 8-bit PNG or TIFF, defect = 255.");
		}
		if (imp.getStackSize() != 1) {
			throw new IllegalArgumentException("Mask " + mask + " has " + imp.getStackSize() + " slices; a mask must be a single 2D image.");
		}
		return imp.getProcessor();
	}

	private static boolean[] readMaskAnySize(Path mask) {
		return threshold(openMask(mask));
	}

	private static boolean[] threshold(ImageProcessor ip) {
		int n = ip.getWidth() * ip.getHeight();
		boolean[] defect = new boolean[n];
		if (ip instanceof FloatProcessor) {
			float[] px = (float[]) ip.getPixels();
			float max = 0;
			for (float v : px) max = Math.max(max, v);
			float cut = max <= 1f ? 0.5f : 127.5f;
			for (int i = 0; i < n; i++) defect[i] = px[i] >= cut;
			return defect;
		}
		int[] value = new int[n];
		if (ip instanceof ColorProcessor cp) {
			// brightest channel, so a red-on-black mask works as well as a white one
			int[] rgb = (int[]) cp.getPixels();
			for (int i = 0; i < n; i++) value[i] = Math.max((rgb[i] >> 16) & 255, Math.max((rgb[i] >> 8) & 255, rgb[i] & 255));
		} else {
			for (int i = 0; i < n; i++) value[i] = ip.get(i);
		}
		int max = 0;
		for (int v : value) max = Math.max(max, v);
		int cut = max <= 1 ? 0 : 127;
		for (int i = 0; i < n; i++) defect[i] = value[i] > cut;
		return defect;
	}

	private static boolean anyTrue(boolean[] a) {
		for (boolean b : a) if (b) return true;
		return false;
	}

	private static Path resolveCell(Path dir, String cell, Path csv, int lineNo) {
		try {
			return dir.resolve(cell).normalize();
		} catch (InvalidPathException e) {
			throw new IllegalArgumentException(csv + " line " + lineNo + ": \"" + cell + "\" is not a valid path: " + e.getReason() + ".");
		}
	}

	private static String cell(List<String> row, Integer col) {
		return col == null || col >= row.size() ? "" : row.get(col).strip();
	}

	private static String first(Set<String> s) {
		return s.isEmpty() ? "SPLIT" : s.iterator().next();
	}

	private static List<CsvFiles.Row> readCsv(Path csv) {
		try {
			return CsvFiles.readRows(csv);
		} catch (CsvFiles.FormatException e) {
			throw new IllegalArgumentException(e.getMessage(), e);
		} catch (IOException e) {
			throw new UncheckedIOException("Cannot read " + csv + ": " + e.getMessage(), e);
		}
	}
}
