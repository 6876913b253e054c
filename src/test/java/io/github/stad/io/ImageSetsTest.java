package io.github.stad.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

class ImageSetsTest {

	static {
		System.setProperty("java.awt.headless", "true");
	}

	@TempDir
	Path tmp;

	// ------------------------------------------------------------------ helpers

	private static Path png(Path path, ImageProcessor ip) throws IOException {
		Files.createDirectories(path.getParent());
		assertTrue(new FileSaver(new ImagePlus("x", ip)).saveAsPng(path.toString()), "could not write " + path);
		return path;
	}

	private static Path png(Path path) throws IOException {
		return png(path, new ByteProcessor(4, 3));
	}

	private static Path tif(Path path, ImageProcessor ip) throws IOException {
		Files.createDirectories(path.getParent());
		assertTrue(new FileSaver(new ImagePlus("x", ip)).saveAsTiff(path.toString()), "could not write " + path);
		return path;
	}

	/** A 4x3 mask whose pixel (1,1) is 255. */
	private static ByteProcessor markedMask() {
		ByteProcessor bp = new ByteProcessor(4, 3);
		bp.set(1, 1, 255);
		return bp;
	}

	private static Path touch(Path path) throws IOException {
		Files.createDirectories(path.getParent());
		return Files.write(path, new byte[] { 1, 2, 3 });
	}

	private static List<String> names(List<ImageEntry> entries, Path root) {
		return entries.stream().map(e -> root.relativize(e.image()).toString().replace('\\', '/')).toList();
	}

	private static String message(Runnable r) {
		return assertThrows(IllegalArgumentException.class, r::run).getMessage();
	}

	private static void assertContains(String text, String... parts) {
		for (String p : parts) assertTrue(text.contains(p), "expected \"" + p + "\" in: " + text);
	}

	private static Path writeCsv(Path csv, String... lines) throws IOException {
		Files.createDirectories(csv.getParent());
		return Files.writeString(csv, String.join("\n", lines) + "\n");
	}

	// ------------------------------------------------------------------ folders

	@Test
	void flatFolderListsImagesOfEveryExtensionSortedAndSkipsTheRest() throws IOException {
		Path dir = tmp.resolve("flat");
		png(dir.resolve("b.PNG"));
		touch(dir.resolve("a.tif"));
		touch(dir.resolve("c.JPEG"));
		touch(dir.resolve("d.jpg"));
		touch(dir.resolve("e.bmp"));
		touch(dir.resolve("f.Tiff"));
		touch(dir.resolve("notes.txt"));
		touch(dir.resolve("noext"));
		png(dir.resolve(".hidden.png"));
		png(dir.resolve("sub/ignored.png")); // direct images win over subfolders

		List<ImageEntry> entries = ImageSets.resolve(dir.toString());
		assertEquals(List.of("a.tif", "b.PNG", "c.JPEG", "d.jpg", "e.bmp", "f.Tiff"), names(entries, dir));
		for (ImageEntry e : entries) {
			assertEquals("", e.defectType());
			assertNull(e.mask());
		}
	}

	@Test
	void folderOfTypeSubfoldersGivesTypesSortedByTypeThenName() throws IOException {
		Path test = tmp.resolve("cat/test");
		png(test.resolve("good/001.png"));
		png(test.resolve("good/000.png"));
		png(test.resolve("crack/000.png"));
		png(test.resolve("broken_large/001.png"));
		png(test.resolve("broken_large/000.png"));
		Files.createDirectories(test.resolve("empty"));
		png(test.resolve(".git/x.png"));

		List<ImageEntry> entries = ImageSets.resolve(test.toString());
		assertEquals(List.of("broken_large/000.png", "broken_large/001.png", "crack/000.png", "good/000.png", "good/001.png"), names(entries, test));
		assertEquals(List.of("broken_large", "broken_large", "crack", "good", "good"), entries.stream().map(ImageEntry::defectType).toList());
	}

	@Test
	void singleImageFileIsASetOfOne() throws IOException {
		Path img = png(tmp.resolve("one.png"));
		List<ImageEntry> entries = ImageSets.resolve(img.toString());
		assertEquals(1, entries.size());
		assertEquals(img, entries.get(0).image());
	}

	@Test
	void relativeSpecIsTakenAgainstBaseDir() throws IOException {
		png(tmp.resolve("proj/imgs/a.png"));
		List<ImageEntry> entries = ImageSets.resolve("imgs", tmp.resolve("proj"));
		assertEquals(List.of("a.png"), names(entries, tmp.resolve("proj/imgs")));
	}

	@Test
	void missingPathEmptyFolderAndOtherFilesAreClearErrors() throws IOException {
		assertContains(message(() -> ImageSets.resolve(tmp.resolve("nope").toString())), "Image set not found", "nope", "folder of images");
		assertContains(message(() -> ImageSets.resolve("  ")), "No image set given");

		Path empty = Files.createDirectories(tmp.resolve("empty"));
		touch(empty.resolve("readme.txt"));
		Files.createDirectories(empty.resolve("sub"));
		touch(empty.resolve("sub/x.txt"));
		assertContains(message(() -> ImageSets.resolve(empty.toString())), "No images in", "empty", "png", "subfolders");

		Path txt = touch(tmp.resolve("list.txt"));
		assertContains(message(() -> ImageSets.resolve(txt.toString())), "neither a folder, an image", "list.txt");
		assertContains(message(() -> ImageSets.fromFolder(txt)), "Image folder not found");
	}

	// ------------------------------------------------------------------ CSV

	/** A small split.csv in the magnetic-tile layout, with every kind of row. */
	private Path splitCsv() throws IOException {
		Path root = tmp.resolve("mt");
		for (String f : List.of("Free/f1", "Free/f2", "Free/f3", "Free/f4", "Crack/c1", "Crack/c2", "Uneven/u1")) png(root.resolve(f + ".png"));
		png(root.resolve("Free/f1_m.png"), markedMask()); // ignored: label says good
		png(root.resolve("Crack/c1_m.png"), markedMask());
		png(root.resolve("Crack/c2_m.png"), markedMask());
		png(root.resolve("Uneven/u1_m.png"), new ByteProcessor(4, 3)); // all zero
		return writeCsv(root.resolve("split.csv"),
			"image,mask,split,label",
			"Free/f1.png,Free/f1_m.png,train,good",
			"Free/f2.png,,train,free",
			"Free/f3.png,,val,good",
			"Crack/c1.png,Crack/c1_m.png,test,crack",
			"\"Crack/c2.png\",Crack/c2_m.png,test,crack",
			"Uneven/u1.png,Uneven/u1_m.png,test,uneven",
			"",
			"Free/f4.png,,test,good");
	}

	@Test
	void csvSelectsOneSplitWithLabelsAndMasks() throws IOException {
		Path csv = splitCsv();
		Path root = csv.getParent();

		List<ImageEntry> train = ImageSets.resolve(csv + ":train");
		assertEquals(List.of("Free/f1.png", "Free/f2.png"), names(train, root));
		assertEquals(List.of("good", "free"), train.stream().map(ImageEntry::defectType).toList());
		assertTrue(train.stream().noneMatch(ImageEntry::hasMask), "good/free rows must not carry a mask");

		assertEquals(List.of("Free/f3.png"), names(ImageSets.resolve(csv + ":val"), root));

		List<ImageEntry> test = ImageSets.resolve("mt/split.csv:TEST", tmp); // split name ignores case
		assertEquals(List.of("Crack/c1.png", "Crack/c2.png", "Uneven/u1.png", "Free/f4.png"), names(test, root));
		assertEquals(root.resolve("Crack/c1_m.png"), test.get(0).mask());
		assertEquals(root.resolve("Crack/c2_m.png"), test.get(1).mask());
		assertNull(test.get(2).mask(), "an all-zero mask means defect-free");
		assertEquals("uneven", test.get(2).defectType());
		assertNull(test.get(3).mask());
	}

	@Test
	void csvPathsAreRelativeToTheCsvAndQuotedCellsMayHoldCommas() throws IOException {
		png(tmp.resolve("data/imgs/a,b.png"));
		png(tmp.resolve("data/imgs/c.png"));
		Path csv = writeCsv(tmp.resolve("data/lists/all.csv"), "\uFEFFImage,Label", "\"../imgs/a,b.png\",x", "../imgs/c.png,y");
		// no split column and no selector: every row
		List<ImageEntry> all = ImageSets.resolve(csv.toString());
		assertEquals(List.of(tmp.resolve("data/imgs/a,b.png"), tmp.resolve("data/imgs/c.png")), all.stream().map(ImageEntry::image).toList());
		assertEquals(List.of("x", "y"), all.stream().map(ImageEntry::defectType).toList());
	}

	@Test
	void csvErrorsSayWhatToDo() throws IOException {
		Path csv = splitCsv();
		assertContains(message(() -> ImageSets.resolve(csv + ":tran")), "Split \"tran\" not found", "splits present: train, val, test");
		assertContains(message(() -> ImageSets.resolve(csv.toString())), "has a split column", "split.csv:train", "train, val, test");
		assertContains(message(() -> ImageSets.resolve(csv + ":")), "No split named", "FILE.csv:SPLIT");
		assertContains(message(() -> ImageSets.resolve(tmp.resolve("missing.csv") + ":train")), "Image set not found", "missing.csv");

		Path noImage = writeCsv(tmp.resolve("bad/noimage.csv"), "file,split", "a.png,train");
		assertContains(message(() -> ImageSets.resolve(noImage + ":train")), "no 'image' column", "file,split", "image,mask,split,label");

		Path noSplit = writeCsv(tmp.resolve("bad/nosplit.csv"), "image,label", "a.png,good");
		assertContains(message(() -> ImageSets.resolve(noSplit + ":train")), "no 'split' column", "drop the \":train\"");

		Path empty = writeCsv(tmp.resolve("bad/empty.csv"), "");
		assertContains(message(() -> ImageSets.resolve(empty + ":train")), "is empty");

		Path headerOnly = writeCsv(tmp.resolve("bad/header.csv"), "image,mask,split,label");
		assertContains(message(() -> ImageSets.resolve(headerOnly + ":train")), "Split \"train\" not found", "splits present: none");

		Path missingImage = writeCsv(tmp.resolve("mt/missing.csv"), "image,mask,split,label", "Free/f1.png,,train,good", "Free/gone.png,,train,good");
		assertContains(message(() -> ImageSets.resolve(missingImage + ":train")), "1 image(s)", "line 3", "gone.png", "relative to the CSV's folder");

		Path missingMask = writeCsv(tmp.resolve("mt/nomask.csv"), "image,mask,split,label", "Crack/c1.png,Crack/gone_m.png,test,crack");
		assertContains(message(() -> ImageSets.resolve(missingMask + ":test")), "line 2", "gone_m.png", "not found");
	}

	@Test
	void csvCellsMayBreakLinesAndAnUnclosedQuoteIsNamed() throws IOException {
		Path csv = splitCsv();
		Files.writeString(csv, "\"Free/f1\n.png\",x,train,good\n", StandardOpenOption.APPEND);
		assertContains(message(() -> ImageSets.resolve(csv + ":train")), "1 image(s)", "line " + (Files.readAllLines(csv).size() - 1), "f1\n.png");
		Files.writeString(csv, "\"Free/f2.png,,train,good\n", StandardOpenOption.APPEND);
		assertContains(message(() -> ImageSets.resolve(csv + ":train")), "line " + (Files.readAllLines(csv).size()), "never closed");
	}

	// ------------------------------------------------------------------ withMasks

	@Test
	void mvtecMasksAreMatchedByTypeAndStem() throws IOException {
		Path cat = tmp.resolve("bottle");
		png(cat.resolve("test/good/000.png"));
		png(cat.resolve("test/crack/000.png"));
		png(cat.resolve("test/crack/001.png"));
		png(cat.resolve("test/hole/000.png"));
		png(cat.resolve("ground_truth/crack/000_mask.png"), markedMask());
		png(cat.resolve("ground_truth/crack/001.png"), markedMask()); // mask named like its image
		tif(cat.resolve("ground_truth/hole/000_mask.tif"), markedMask());
		png(cat.resolve("ground_truth/good/000_mask.png"), markedMask()); // never used: good has no mask

		List<ImageEntry> entries = ImageSets.withMasks(ImageSets.resolve(cat.resolve("test").toString()), cat.resolve("ground_truth"));
		Map<String, Path> masks = new TreeMap<>();
		for (ImageEntry e : entries) masks.put(e.defectType() + "/" + e.image().getFileName(), e.mask());
		assertEquals(cat.resolve("ground_truth/crack/000_mask.png"), masks.get("crack/000.png"));
		assertEquals(cat.resolve("ground_truth/crack/001.png"), masks.get("crack/001.png"));
		assertEquals(cat.resolve("ground_truth/hole/000_mask.tif"), masks.get("hole/000.png"));
		assertNull(masks.get("good/000.png"));
		assertTrue(masks.containsKey("good/000.png"));
		assertEquals(4, entries.size());
	}

	@Test
	void flatMasksMatchByStemAndUnmatchedFlatImagesAreDefectFree() throws IOException {
		Path imgs = tmp.resolve("imgs");
		for (String n : List.of("a", "b", "c")) png(imgs.resolve(n + ".png"));
		Path masks = tmp.resolve("masks");
		png(masks.resolve("a_mask.png"), markedMask());
		tif(masks.resolve("b.tif"), markedMask());

		List<ImageEntry> entries = ImageSets.withMasks(ImageSets.resolve(imgs.toString()), masks);
		Map<String, Path> byName = new TreeMap<>();
		for (ImageEntry e : entries) byName.put(e.image().getFileName().toString(), e.mask());
		assertEquals(masks.resolve("a_mask.png"), byName.get("a.png"));
		assertEquals(masks.resolve("b.tif"), byName.get("b.png"));
		assertNull(byName.get("c.png"));
		// typed images fall back to flat masks too
		List<ImageEntry> typed = ImageSets.withMasks(List.of(new ImageEntry(imgs.resolve("a.png"), "crack")), masks);
		assertEquals(masks.resolve("a_mask.png"), typed.get(0).mask());
	}

	@Test
	void defectiveImageWithoutMaskIsAnErrorNamingTheImageAndTheNamesTried() throws IOException {
		Path cat = tmp.resolve("cat");
		png(cat.resolve("test/crack/000.png"));
		png(cat.resolve("test/crack/007.png"));
		png(cat.resolve("gt/crack/000_mask.png"), markedMask());
		List<ImageEntry> images = ImageSets.resolve(cat.resolve("test").toString());
		String msg = message(() -> ImageSets.withMasks(images, cat.resolve("gt")));
		assertContains(msg, "007.png", "\"crack\"", "crack/007_mask.png", "crack/007.png", "007_mask.png", "\"good\" folder");
		assertFalse(msg.contains("000.png"), msg);

		assertContains(message(() -> ImageSets.withMasks(images, cat.resolve("nothere"))), "Mask folder not found", "ground_truth");
	}

	@Test
	void anImageIsNeverItsOwnMask() throws IOException {
		Path dir = tmp.resolve("mixed");
		png(dir.resolve("x.png"));
		List<ImageEntry> typed = List.of(new ImageEntry(dir.resolve("x.png"), "crack"));
		assertContains(message(() -> ImageSets.withMasks(typed, dir)), "No mask for", "x.png");
		// magnetic-tile style: image x.jpg with its mask x.png in the same folder
		Path jpg = touch(dir.resolve("z.jpg"));
		png(dir.resolve("z.png"), markedMask());
		assertEquals(dir.resolve("z.png"), ImageSets.withMasks(List.of(new ImageEntry(jpg, "crack")), dir).get(0).mask());
	}

	@Test
	void entriesThatAlreadyHaveAMaskAreKept() throws IOException {
		Path own = png(tmp.resolve("own_mask.png"), markedMask());
		Path masks = Files.createDirectories(tmp.resolve("m"));
		png(masks.resolve("a_mask.png"), markedMask());
		ImageEntry e = new ImageEntry(tmp.resolve("a.png"), own, "crack");
		assertEquals(own, ImageSets.withMasks(List.of(e), masks).get(0).mask());
	}

	// ------------------------------------------------------------------ readMask

	@Test
	void eightBitMaskThresholdsAt127() throws IOException {
		ByteProcessor bp = new ByteProcessor(3, 2);
		int[] v = { 0, 100, 127, 128, 200, 255 };
		for (int i = 0; i < v.length; i++) bp.set(i, v[i]);
		boolean[] m = ImageSets.readMask(png(tmp.resolve("m8.png"), bp), 3, 2);
		assertArrayEquals(new boolean[] { false, false, false, true, true, true }, m);
	}

	@Test
	void sixteenBitMaskThresholdsAt127() throws IOException {
		ShortProcessor sp = new ShortProcessor(2, 2);
		int[] v = { 0, 127, 128, 65535 };
		for (int i = 0; i < v.length; i++) sp.set(i, v[i]);
		boolean[] m = ImageSets.readMask(tif(tmp.resolve("m16.tif"), sp), 2, 2);
		assertArrayEquals(new boolean[] { false, false, true, true }, m);
	}

	@Test
	void zeroOneMaskCountsOnesAsDefect() throws IOException {
		ByteProcessor bp = new ByteProcessor(2, 2);
		bp.set(1, 1);
		bp.set(2, 1);
		boolean[] m = ImageSets.readMask(png(tmp.resolve("m01.png"), bp), 2, 2);
		assertArrayEquals(new boolean[] { false, true, true, false }, m);
	}

	@Test
	void floatAndRgbMasks() throws IOException {
		FloatProcessor fp = new FloatProcessor(2, 2, new float[] { 0f, 0.4f, 0.6f, 1f });
		assertArrayEquals(new boolean[] { false, false, true, true }, ImageSets.readMask(tif(tmp.resolve("mf.tif"), fp), 2, 2));
		ColorProcessor cp = new ColorProcessor(2, 1);
		cp.set(1, 0xFF0000); // red on black
		assertArrayEquals(new boolean[] { false, true }, ImageSets.readMask(png(tmp.resolve("mrgb.png"), cp), 2, 1));
	}

	@Test
	void maskErrors() throws IOException {
		Path m = png(tmp.resolve("m.png"), markedMask());
		assertContains(message(() -> ImageSets.readMask(m, 5, 3)), "m.png", "4x3", "5x3", "exactly its image's size");
		assertContains(message(() -> ImageSets.readMask(tmp.resolve("gone.png"), 4, 3)), "Mask not found", "gone.png");
		Path junk = Files.writeString(tmp.resolve("junk.png"), "not a png");
		assertContains(message(() -> ImageSets.readMask(junk, 4, 3)), "Cannot read mask", "junk.png");
	}

	// ------------------------------------------------------------------ the committed demo set

	@Test
	void sampleImagesFolderHasTheMvtecLayout() {
		Path root = Path.of("sample-images");
		Assumptions.assumeTrue(Files.isDirectory(root), "sample-images/ not present");
		assertEquals(7, ImageSets.resolve("sample-images/normal").size());
		assertEquals(3, ImageSets.resolve("sample-images/validation").size());
		List<ImageEntry> test = ImageSets.withMasks(ImageSets.resolve("sample-images/test"), root.resolve("ground_truth"));
		Map<String, Long> perType = test.stream().collect(Collectors.groupingBy(ImageEntry::defectType, TreeMap::new, Collectors.counting()));
		assertEquals(Map.of("defect", 4L, "good", 2L), perType);
		for (ImageEntry e : test) {
			ImagePlus imp = IJ.openImage(e.image().toString());
			assertEquals(8, imp.getBitDepth(), e.image().toString());
			assertEquals(128, imp.getWidth());
			assertEquals(128, imp.getHeight());
			if (e.defectType().equals("good")) {
				assertNull(e.mask());
				continue;
			}
			boolean[] mask = ImageSets.readMask(e.mask(), 128, 128);
			int count = 0;
			for (boolean b : mask) if (b) count++;
			// visible but small: between 0.5 % and 10 % of the crop
			assertTrue(count > 80 && count < 1640, e.image() + ": " + count + " defect pixels");
		}
	}

	// ------------------------------------------------------------------ the real magnetic-tile split

	@Test
	void magneticTileSplitResolves() {
		Path csv = Path.of("../shared/data/magnetic-tile/split.csv");
		Assumptions.assumeTrue(Files.isRegularFile(csv), "magnetic-tile data not present");
		List<ImageEntry> train = ImageSets.resolve(csv + ":train");
		List<ImageEntry> val = ImageSets.resolve(csv + ":val");
		List<ImageEntry> test = ImageSets.resolve(csv + ":test");
		assertEquals(600, train.size());
		assertEquals(100, val.size());
		assertEquals(644, test.size());
		assertTrue(train.stream().allMatch(e -> e.mask() == null && e.defectType().equals("good")));
		assertTrue(val.stream().allMatch(e -> e.mask() == null));

		Map<String, Long> perLabel = test.stream().collect(Collectors.groupingBy(ImageEntry::defectType, TreeMap::new, Collectors.counting()));
		assertEquals(Map.of("blowhole", 115L, "break", 85L, "crack", 57L, "fray", 32L, "good", 252L, "uneven", 103L), perLabel);
		List<ImageEntry> withMask = test.stream().filter(ImageEntry::hasMask).toList();
		// every defective image has a mask except the four Uneven ones whose masks stay below 128
		assertEquals(392 - 4, withMask.size());
		assertEquals(4, test.stream().filter(e -> e.defectType().equals("uneven") && !e.hasMask()).count());

		// a spread of masks read at their image's size, each with some defect
		for (int i = 0; i < withMask.size(); i += 37) {
			ImageEntry e = withMask.get(i);
			assertTrue(Files.isRegularFile(e.mask()), e.mask().toString());
			ImagePlus imp = IJ.openImage(e.image().toString());
			boolean[] m = ImageSets.readMask(e.mask(), imp.getWidth(), imp.getHeight());
			boolean any = false;
			for (boolean b : m) any |= b;
			assertTrue(any, e.mask() + " has no defect pixel");
		}
	}
}
