package io.github.stad.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.stad.engine.files.OutputLock;
import io.github.stad.testutil.LockHolder;
import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The bad-input matrix of issue 11: one test per hostile input, each run through `stad` as a user
 * would. Every case asserts the exit code, that the message names the file or value and what to do,
 * that no stack trace is printed, and that every file that existed before is byte-identical after.
 */
class BadInputMatrixTest {

	static final Path SAMPLES = Path.of("sample-images");

	@TempDir
	static Path root;
	static Path model, good;

	record Run(int code, String out, String err) {
		String all() { return out + err; }
	}

	@BeforeAll
	static void tinyModelAndImages() throws IOException {
		model = root.resolve("model.zip");
		Run r = raw(MainTest.tinyTraining(SAMPLES.resolve("normal").toString(), SAMPLES.resolve("validation").toString(), model));
		assertEquals(0, r.code(), r.err());
		good = Files.createDirectories(root.resolve("good"));
		Files.copy(SAMPLES.resolve("test/good/000.png"), good.resolve("a.png"));
		Files.copy(SAMPLES.resolve("test/defect/scratch.png"), good.resolve("b.png"));
	}

	static Run raw(String... args) {
		MainTest.Run r = MainTest.stad(args);
		return new Run(r.code(), r.out(), r.err());
	}

	/** Runs stad and checks the guarantees every case shares. */
	static Run stad(int expectedCode, List<String> mustSay, String... args) throws IOException {
		Map<Path, byte[]> before = snapshot();
		Run r = raw(args);
		assertEquals(expectedCode, r.code(), () -> "exit code of " + String.join(" ", args) + "\n" + r.all());
		for (String s : mustSay) assertTrue(r.all().contains(s), () -> "the message should say '" + s + "':\n" + r.all());
		assertFalse(r.all().contains("\tat ") || r.all().contains("Exception in thread") || r.all().matches("(?s).*\\n\\s+at [a-z]+\\..*"), () -> "a stack trace:\n" + r.all());
		if (expectedCode == 1 || expectedCode == Main.WRITE_FAILED) assertEquals(1, r.err().strip().lines().count(), () -> "one line: " + r.err());
		for (Map.Entry<Path, byte[]> e : before.entrySet()) {
			assertTrue(Files.exists(e.getKey()), e.getKey() + " was removed");
			assertArrayEquals(e.getValue(), Files.readAllBytes(e.getKey()), e.getKey() + " was changed");
		}
		return r;
	}

	static Map<Path, byte[]> snapshot() throws IOException {
		Map<Path, byte[]> files = new TreeMap<>();
		try (Stream<Path> s = Files.walk(root)) {
			for (Path p : s.filter(Files::isRegularFile).toList()) files.put(p, Files.readAllBytes(p));
		}
		return files;
	}

	static Path folder(String name) throws IOException {
		return Files.createDirectories(root.resolve(name));
	}

	static String[] score(Path input, Path out, String... more) {
		String[] base = { "score", "--model", model.toString(), "--input", input.toString(), "--out", out.toString(), "--cpu" };
		String[] all = Arrays.copyOf(base, base.length + more.length);
		System.arraycopy(more, 0, all, base.length, more.length);
		return all;
	}

	static String[] train(String normal, String validation, Path out, String... more) {
		String[] base = MainTest.tinyTraining(normal, validation, out);
		String[] all = Arrays.copyOf(base, base.length + more.length);
		System.arraycopy(more, 0, all, base.length, more.length);
		return all;
	}

	static String normal() { return SAMPLES.resolve("normal").toString(); }
	static String validation() { return SAMPLES.resolve("validation").toString(); }

	static String csv(Path file) throws IOException {
		return Files.readString(file);
	}

	static void gray(Path file, int w, int h) {
		ByteProcessor bp = new ByteProcessor(w, h);
		for (int i = 0; i < w * h; i++) bp.set(i, (i * 37) % 251);
		IJ.save(new ImagePlus("g", bp), file.toString());
	}

	// ------------------------------------------------------------------ 1. user files overwritten

	@Test
	void trainOntoTheSplitCsvThatNamesTheDataIsRefused() throws IOException {
		Path dir = folder("split");
		Path split = dir.resolve("split.csv");
		StringBuilder sb = new StringBuilder("image,split\n");
		for (String n : List.of("000", "001", "002")) sb.append(SAMPLES.resolve("normal/" + n + ".png").toAbsolutePath()).append(",train\n");
		for (String n : List.of("000", "001")) sb.append(SAMPLES.resolve("validation/" + n + ".png").toAbsolutePath()).append(",val\n");
		Files.writeString(split, sb);
		stad(1, List.of(split.toString(), "names the input images", "choose another output"), train(split + ":train", split + ":val", split, "--overwrite"));
	}

	@Test
	void trainOntoTheTeacherFileIsRefused() throws IOException {
		Path teacher = folder("teacher").resolve("teacher-p17.zip");
		try (InputStream in = getClass().getResourceAsStream("/teachers/teacher-p17-gray.zip")) {
			Files.copy(in, teacher);
		}
		String[] args = { "train", "--normal", normal(), "--validation", validation(), "--out", teacher.toString(), "--patch-sizes", "17", "--teacher", teacher.toString(),
				"--epochs", "1", "--cpu", "--overwrite" };
		stad(1, List.of(teacher.toString(), "teacher file", "choose another output"), args);
	}

	@Test
	void scoreIntoAFolderWithTheUsersOwnTifIsRefusedUnlessOverwrite() throws IOException {
		Path out = folder("users-tif");
		Files.writeString(out.resolve("a.tif"), "my own measurements");
		stad(1, List.of(out.resolve("a.tif").toString(), "already exists", "--overwrite"), score(good, out));
		assertFalse(Files.exists(out.resolve("b.tif")), "refused before any work");
		raw(score(good, out, "--overwrite"));
		assertTrue(Files.size(out.resolve("a.tif")) > 100, "with --overwrite the map replaces it");
	}

	@Test
	void scoreIntoAFolderWithAScoresCsvIsRefused() throws IOException {
		Path out = folder("users-csv");
		Files.writeString(out.resolve("scores.csv"), "my,own\n1,2\n");
		stad(1, List.of(out.resolve("scores.csv").toString(), "already exists", "--overwrite"), score(good, out));
	}

	@Test
	void scoresCsvThatIsTheInputListIsNeverReplacedEvenWithOverwrite() throws IOException {
		Path out = folder("csv-input");
		Files.writeString(out.resolve("scores.csv"), "image\n" + good.resolve("a.png").toAbsolutePath() + "\n");
		stad(1, List.of(out.resolve("scores.csv").toString(), "names the input images", "never replaced"), score(out.resolve("scores.csv"), out, "--overwrite"));
	}

	@Test
	void pngAndJpgOfOneNameAreRefusedBeforeAnyWork() throws IOException {
		Path in = folder("collide");
		Files.copy(good.resolve("a.png"), in.resolve("x.png"));
		ImageIO.write(ImageIO.read(good.resolve("b.png").toFile()), "jpg", in.resolve("x.jpg").toFile());
		Path out = root.resolve("collide-out");
		stad(1, List.of("x.jpg", "x.png", "would both write", "x.tif", "rename one"), score(in, out));
		assertFalse(Files.exists(out), "nothing was made");
	}

	@Test
	void aSecondScoreIntoTheSameFolderIsRefusedUnlessOverwrite() throws IOException {
		Path out = root.resolve("rerun");
		stad(0, List.of("Wrote"), score(good, out));
		stad(1, List.of(out.resolve("a.tif").toString(), "already exists", "add --overwrite", "choose another output"), score(good, out));
		assertEquals(0, raw(score(good, out, "--overwrite")).code(), "--overwrite replaces this folder's earlier outputs");
	}

	@Test
	void mergeScoresKeepsTheUsersScoresCsvUnlessOverwrite() throws IOException {
		Path out = folder("merge-users-csv");
		Files.writeString(out.resolve("scores.csv"), "my,own\n1,2\n");
		for (String k : List.of("1/2", "2/2")) assertEquals(0, raw(score(good, out, "--shard", k)).code(), k);
		stad(1, List.of(out.resolve("scores.csv").toString(), "already exists", "--overwrite"), "merge-scores", out.toString(), "--shards", "2");
		Run r = raw("merge-scores", out.toString(), "--overwrite"); // a flag, not "--overwrite needs a value"
		assertEquals(0, r.code(), r.err());
		assertTrue(csv(out.resolve("scores.csv")).startsWith("image,"), "with --overwrite the merge replaces it");
	}

	@Test
	void retrainingOntoAnExistingModelNeedsOverwrite() throws IOException {
		Path existing = folder("retrain").resolve("model.zip");
		Files.copy(model, existing);
		stad(1, List.of(existing.toString(), "already exists", "--overwrite"), train(normal(), validation(), existing));
	}

	// ------------------------------------------------------------------ 2. output problems found only after the work

	@Test
	void aReadOnlyOutputFolderIsRefusedBeforeAnyWork() throws IOException {
		Path ro = folder("read-only");
		Path out = ro.resolve("out");
		boolean root = "root".equals(System.getProperty("user.name"));
		if (root) out = Path.of("/sys/stad-test-output"); // root may write anywhere chmod allows; sysfs refuses even root
		else Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
		try {
			stad(1, List.of(out.toString(), "permission denied", "choose another folder"), score(good, out));
		} finally {
			Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
		}
	}

	@Test
	void aModelFileInAReadOnlyFolderIsRefusedBeforeTraining() throws IOException {
		Path out = Path.of("/sys/stad-test-model.zip");
		if (!"root".equals(System.getProperty("user.name"))) {
			Path ro = folder("read-only-model");
			Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
			out = ro.resolve("model.zip");
		}
		Run r = stad(1, List.of("permission denied"), train(normal(), validation(), out));
		assertFalse(r.out().contains("Training on"), "refused before training: " + r.out());
	}

	@Test
	void anOutputFolderThatCannotExistIsRefused() throws IOException {
		stad(1, List.of("no such folder"), score(good, Path.of("/proc/self/stad-out")));
	}

	@Test
	void anOutputFolderBehindAFileIsRefused() throws IOException {
		Path out = good.resolve("a.png").resolve("maps");
		stad(1, List.of(good.resolve("a.png").toString(), "is a file, not a folder"), score(good, out));
	}

	@Test
	void anOutputFolderThatIsAFileIsRefused() throws IOException {
		Path file = folder("file-out").resolve("notes.txt");
		Files.writeString(file, "mine");
		stad(1, List.of(file.toString(), "is a file, not a folder"), score(good, file));
	}

	@Test
	void duplicatePatchSizesAreRefusedFirstWithTheFlagName() throws IOException {
		stad(2, List.of("--patch-sizes 17,17", "given twice"), "train", "--normal", "/no/such/folder", "--validation", "/no/such/folder", "--out",
				root.resolve("never.zip").toString(), "--patch-sizes", "17,17");
	}

	@Test
	void evaluateWithMaxFprZeroIsRefusedBeforeReadingTheTestSet() throws IOException {
		stad(2, List.of("--max-fpr 0", "between 0 and 1"), "evaluate", "--model", model.toString(), "--test", "/no/such/test/set", "--out", root.resolve("e").toString(),
				"--max-fpr", "0");
	}

	// ------------------------------------------------------------------ 3. degenerate training

	@Test
	void aNanLearningRateIsRefused() throws IOException {
		stad(2, List.of("--learning-rate NaN", "finite"), train(normal(), validation(), root.resolve("nan.zip"), "--learning-rate", "NaN"));
	}

	@Test
	void aNanFalsePositiveRateIsRefused() throws IOException {
		stad(2, List.of("--fpr NaN", "between 0 and 1"), train(normal(), validation(), root.resolve("nan.zip"), "--fpr", "NaN"));
	}

	@Test
	void aNanThresholdIsRefusedNotTakenAsTheDefault() throws IOException {
		stad(2, List.of("--threshold NaN", "finite"), score(good, root.resolve("nan-out"), "--threshold", "NaN"));
	}

	@Test
	void constantValidationImagesAreWarnedAboutLoudly() throws IOException {
		Path flat = folder("flat");
		for (String n : List.of("f1.tif", "f2.tif")) IJ.save(new ImagePlus("f", new ByteProcessor(40, 40)), flat.resolve(n).toString());
		Run r = stad(0, List.of("WARNING", "EVERY validation image is constant", "meaningless"), train(normal(), flat.toString(), root.resolve("flat.zip")));
		assertTrue(r.out().indexOf("WARNING") < r.out().indexOf("Model:"), r.out());
	}

	static Path truncatedJpeg(Path file) throws IOException {
		BufferedImage img = ImageIO.read(SAMPLES.resolve("normal/000.png").toFile());
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		ImageIO.write(img, "jpg", bytes);
		byte[] all = bytes.toByteArray();
		Files.write(file, Arrays.copyOf(all, all.length / 2));
		return file;
	}

	@Test
	void aTruncatedJpegIsRefusedForTrainingByName() throws IOException {
		Path normal = folder("truncated-normal");
		for (String n : List.of("000", "001", "002")) Files.copy(SAMPLES.resolve("normal/" + n + ".png"), normal.resolve(n + ".png"));
		truncatedJpeg(normal.resolve("cut.jpg"));
		stad(1, List.of("cut.jpg", "truncated", "again"), train(normal.toString(), validation(), root.resolve("t.zip")));
	}

	@Test
	void aTruncatedJpegInABatchBecomesARow() throws IOException {
		Path in = folder("truncated-batch");
		Files.copy(good.resolve("a.png"), in.resolve("fine.png"));
		truncatedJpeg(in.resolve("cut.jpg"));
		Path out = root.resolve("truncated-batch-out");
		stad(0, List.of("1 failed"), score(in, out));
		assertTrue(csv(out.resolve("scores.csv")).contains("cut.jpg") && csv(out.resolve("scores.csv")).contains("truncated"), csv(out.resolve("scores.csv")));
	}

	// ------------------------------------------------------------------ 4. unbounded memory

	@Test
	void tooManyStudentsAreRefused() throws IOException {
		stad(2, List.of("--students 99999", "between 1 and 64"), "train", "--normal", normal(), "--validation", validation(), "--out", root.resolve("m.zip").toString(),
				"--students", "99999");
	}

	@Test
	void aZeroCropOrBatchIsRefusedNotTakenAsTheDefault() throws IOException {
		stad(2, List.of("--crop 0", "between 1 and"), "train", "--normal", normal(), "--validation", validation(), "--out", root.resolve("m.zip").toString(),
				"--crop", "0");
		stad(2, List.of("--batch 0", "between 1 and"), "train", "--normal", normal(), "--validation", validation(), "--out", root.resolve("m.zip").toString(),
				"--batch", "0");
	}

	@Test
	void aHugeBatchIsRefused() throws IOException {
		stad(2, List.of("--batch 100000", "between 1 and"), "train", "--normal", normal(), "--validation", validation(), "--out", root.resolve("m.zip").toString(),
				"--batch", "100000");
	}

	@Test
	void aHugeWidthIsRefused() throws IOException {
		stad(2, List.of("--width 100000", "between 1 and 1024"), "train", "--normal", normal(), "--validation", validation(), "--out", root.resolve("m.zip").toString(),
				"--width", "100000");
	}

	@Test
	void settingsThatCannotFitAreRefusedWithTheEstimate() throws IOException {
		String[] args = { "train", "--normal", normal(), "--validation", validation(), "--out", root.resolve("m.zip").toString(), "--patch-sizes", "65",
				"--batch", "512", "--width", "1024", "--crop", "4096", "--cpu" };
		stad(1, List.of("--batch 512", "of memory to train, but this machine has", "lower the batch"), args);
	}

	/** A zip of about 2 MB whose model.json inflates to 2 GB: deflate blocks of 1 MiB of spaces, repeated. */
	static void zipBomb(Path file, int mebibytes) throws IOException {
		byte[] chunk = new byte[1 << 20];
		Arrays.fill(chunk, (byte) ' ');
		Deflater d = new Deflater(9, true);
		byte[] block = compress(d, chunk), again = compress(d, chunk);
		assertArrayEquals(block, again, "after a full flush every block compresses alike");
		CRC32 crc = new CRC32();
		for (int i = 0; i < mebibytes; i++) crc.update(chunk);
		byte[] name = "model.json".getBytes(StandardCharsets.US_ASCII);
		long compressed = (long) block.length * mebibytes + 2, size = (long) mebibytes << 20;
		try (OutputStream out = Files.newOutputStream(file)) {
			ByteBuffer local = ByteBuffer.allocate(30 + name.length).order(ByteOrder.LITTLE_ENDIAN);
			local.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) 8).putShort((short) 0).putShort((short) 0x21)
					.putInt((int) crc.getValue()).putInt((int) compressed).putInt((int) size).putShort((short) name.length).putShort((short) 0).put(name);
			out.write(local.array());
			for (int i = 0; i < mebibytes; i++) out.write(block);
			out.write(new byte[] { 0x03, 0x00 }); // a final, empty fixed-Huffman block
			long cdOffset = local.capacity() + compressed;
			ByteBuffer central = ByteBuffer.allocate(46 + name.length + 22).order(ByteOrder.LITTLE_ENDIAN);
			central.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0).putShort((short) 8).putShort((short) 0).putShort((short) 0x21)
					.putInt((int) crc.getValue()).putInt((int) compressed).putInt((int) size).putShort((short) name.length).putShort((short) 0).putShort((short) 0)
					.putShort((short) 0).putShort((short) 0).putInt(0).putInt(0).put(name);
			central.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) 1).putShort((short) 1).putInt(46 + name.length).putInt((int) cdOffset)
					.putShort((short) 0);
			out.write(central.array());
		}
	}

	private static byte[] compress(Deflater d, byte[] input) {
		d.setInput(input);
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		byte[] buf = new byte[1 << 16];
		while (!d.needsInput()) {
			int n = d.deflate(buf, 0, buf.length, Deflater.FULL_FLUSH);
			out.write(buf, 0, n);
		}
		int n;
		while ((n = d.deflate(buf, 0, buf.length, Deflater.FULL_FLUSH)) > 0) out.write(buf, 0, n);
		return out.toByteArray();
	}

	@Test
	void aModelJsonThatInflatesToTwoGigabytesIsRefused() throws IOException {
		Path bomb = folder("bomb").resolve("bomb.zip");
		zipBomb(bomb, 2048);
		assertTrue(Files.size(bomb) < 8 << 20, "a small file: " + Files.size(bomb));
		try (ZipFile z = new ZipFile(bomb.toFile())) {
			assertEquals(2L << 30, z.getEntry("model.json").getSize(), "it declares 2 GB");
		}
		stad(1, List.of("bomb.zip", "model.json", "larger than any model file", "damaged or not a model file"), "score", "--model", bomb.toString(), "--input",
				good.toString(), "--out", root.resolve("bomb-out").toString(), "--cpu");
		stad(1, List.of("bomb.zip", "larger than any model file"), "info", "--model", bomb.toString());
	}

	// ------------------------------------------------------------------ 5. stack traces and aborted batches

	@Test
	void aZeroTileIsRefusedWithTheFlagName() throws IOException {
		stad(2, List.of("--tile 0", "between 16 and"), score(good, root.resolve("tile-out"), "--tile", "0"));
		stad(2, List.of("--tile 0", "between 16 and"), score(Path.of("/no/such/input"), root.resolve("tile-out"), "--tile", "0")); // before the inputs are read
	}

	/** The tiny model with one field of model.json replaced. */
	static Path editedModel(String name, String regex, String replacement) throws IOException {
		Path edited = folder("edited").resolve(name);
		try (ZipFile in = new ZipFile(model.toFile()); ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(edited))) {
			for (ZipEntry e : java.util.Collections.list(in.entries())) {
				byte[] b = in.getInputStream(e).readAllBytes();
				if (e.getName().equals("model.json")) {
					String json = new String(b, StandardCharsets.UTF_8), changed = json.replaceFirst(regex, replacement);
					assertFalse(json.equals(changed), regex);
					b = changed.getBytes(StandardCharsets.UTF_8);
				}
				out.putNextEntry(new ZipEntry(e.getName()));
				out.write(b);
				out.closeEntry();
			}
		}
		return edited;
	}

	@Test
	void aModelEditedToZeroStudentsIsRefusedByName() throws IOException {
		Path m = editedModel("zero-students.zip", "\"students\": \\d+", "\"students\": 0");
		stad(1, List.of("zero-students.zip", "declares 0 students", "train the model again"), "score", "--model", m.toString(), "--input", good.toString(), "--out",
				root.resolve("zero-out").toString(), "--cpu");
	}

	@Test
	void everyModelFieldIsValidatedOnLoad() throws IOException {
		String[][] edits = { { "\"inputChannels\": 1", "\"inputChannels\": 2", "input channels" }, { "\"width\": 4", "\"width\": 100000", "between 1 and 1024" },
				{ "\"threshold\": [-0-9.eE]+", "\"threshold\": NaN", "non-finite threshold" }, { "\"students\": \\d+", "\"students\": 99999", "99999 students" },
				{ "\"thresholdFpr\": [0-9.eE-]+", "\"thresholdFpr\": 1.5", "false-positive rate" }, { "\"width\": 4", "\"width\": 5", "does not match its architecture" },
				{ "\"patchSize\": 17", "\"patchSize\": 18", "patch size" }, { "\"formatVersion\": 1", "\"formatVersion\": 99", "newer version" } };
		for (int i = 0; i < edits.length; i++) {
			Path m = editedModel("edit-" + i + ".zip", edits[i][0], edits[i][1]);
			// the tensors are only read by loading; info reads the header alone
			if (!edits[i][2].contains("architecture")) stad(1, List.of("edit-" + i + ".zip", edits[i][2]), "info", "--model", m.toString());
			stad(1, List.of("edit-" + i + ".zip", edits[i][2]), "score", "--model", m.toString(), "--input", good.toString(), "--out", root.resolve("edit-out").toString(), "--cpu");
		}
	}

	/** An uncompressed 8-bit TIFF header declaring width × height, with no pixel data behind it. */
	static void hugeTiff(Path file, int width, int height) throws IOException {
		ByteBuffer b = ByteBuffer.allocate(8 + 2 + 8 * 12 + 4).order(ByteOrder.LITTLE_ENDIAN);
		b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8).putShort((short) 8);
		int[][] tags = { { 256, 4, width }, { 257, 4, height }, { 258, 3, 8 }, { 259, 3, 1 }, { 262, 3, 1 }, { 273, 4, b.capacity() }, { 278, 4, height },
				{ 279, 4, width * height } };
		for (int[] t : tags) {
			b.putShort((short) t[0]).putShort((short) t[1]).putInt(1);
			if (t[1] == 3) b.putShort((short) t[2]).putShort((short) 0);
			else b.putInt(t[2]);
		}
		b.putInt(0);
		Files.write(file, b.array());
	}

	@Test
	void aHugeImageInABatchBecomesARowAndTheBatchGoesOn() throws IOException {
		Path in = folder("huge");
		Files.copy(good.resolve("a.png"), in.resolve("fine.png"));
		hugeTiff(in.resolve("huge.tif"), 46000, 46000);
		Path out = root.resolve("huge-out");
		stad(0, List.of("Skipped huge.tif", "1 failed"), score(in, out));
		String scores = csv(out.resolve("scores.csv"));
		assertTrue(scores.contains("huge.tif") && scores.contains("46000x46000") && scores.contains("more memory"), scores);
		assertTrue(Files.exists(out.resolve("fine.tif")));
	}

	// ------------------------------------------------------------------ 6. loose ends

	@Test
	void outputsFollowTheUmask() throws IOException {
		Path out = root.resolve("umask");
		stad(0, List.of(), score(good, out));
		Path reference = Files.createFile(root.resolve("umask-reference"));
		var expected = Files.getPosixFilePermissions(reference);
		for (String f : List.of("scores.csv", "a.tif", "a_overlay.png", "a_rois.zip")) assertEquals(expected, Files.getPosixFilePermissions(out.resolve(f)), f);
		assertEquals(expected, Files.getPosixFilePermissions(model), "the model too");
	}

	@Test
	void staleTempFilesOfOursAreRemovedAndNothingElse() throws IOException {
		Path out = folder("stale");
		FileTime old = FileTime.fromMillis(System.currentTimeMillis() - 3_600_000);
		Path stale = Files.writeString(out.resolve(".stad-0123456789abcdef-scores.csv"), "half"), legacy = Files.writeString(out.resolve(".123456789012345-scores.csv"), "half");
		Path fresh = Files.writeString(out.resolve(".stad-fedcba9876543210-a.tif"), "being written by another run");
		Path usersHidden = Files.writeString(out.resolve(".stad-notes"), "mine"), usersOld = Files.writeString(out.resolve(".123456789012345-diary.txt"), "mine");
		for (Path p : List.of(stale, legacy, usersHidden, usersOld)) Files.setLastModifiedTime(p, old);
		assertEquals(0, raw(score(good, out)).code()); // not stad(): removing the leftovers is the point
		assertFalse(Files.exists(stale), "a killed run's temp file is removed");
		assertFalse(Files.exists(legacy), "also in the form of earlier versions, for the file being written");
		assertTrue(Files.exists(fresh), "a temp file in use is left alone");
		assertTrue(Files.exists(usersHidden) && Files.exists(usersOld), "the user's own dot files are left alone");
	}

	@Test
	void aKilledModelWritesTempFileGoesWithTheNextTrainingOfThatModel() throws IOException {
		Path dir = folder("killed-write");
		Path leftover = Files.createFile(dir.resolve(".stad-0123456789abcdef-w.zip")); // kill -9 during the save: 0 bytes, just now
		Path other = Files.createFile(dir.resolve(".stad-fedcba9876543210-other.zip")); // another output's: maybe being written
		Run r = raw(train(normal(), validation(), dir.resolve("w.zip")));
		assertEquals(0, r.code(), r.err());
		assertFalse(Files.exists(leftover), "the model's lock proves no one writes it: its temp file is a leftover");
		assertTrue(Files.exists(other), "another output's temp file is left to the age rule");
	}

	@Test
	void validationImagesThatAreTheNormalImagesAreWarnedAbout() throws IOException {
		Run r = raw(train(normal(), normal(), root.resolve("same-sets.zip")));
		assertEquals(0, r.code(), r.err());
		assertTrue(r.out().contains("WARNING: every validation image is also a normal (training) image") && r.out().contains("validate on other anomaly-free images"), r.out());
		Run clean = raw(train(normal(), validation(), root.resolve("other-sets.zip")));
		assertFalse(clean.out().contains("also a normal"), clean.out());
	}

	@Test
	void scoreHelpPrintsUsage() throws IOException {
		Run r = stad(0, List.of("usage: stad score", "--min-area PIXELS", "smallest region", "--shard K/N", "--tile PIXELS"), "score", "--help");
		assertFalse(r.err().contains("needs a value"), r.err());
		stad(0, List.of("usage: stad train", "--fpr RATE", "share of validation pixels"), "train", "-h");
		stad(0, List.of("usage: stad merge-scores", "--overwrite"), "merge-scores", "--help");
	}

	@Test
	void everyFlagOfEveryCommandHasAHelpLine() throws IOException {
		java.util.Set<String> documented = new java.util.HashSet<>();
		for (String command : Help.COMMANDS.keySet()) {
			Run r = stad(0, List.of("usage: stad " + command), command, "--help");
			for (Help.Flag f : Help.COMMANDS.get(command).flags()) {
				assertTrue(r.out().lines().anyMatch(l -> l.startsWith("  --" + f.name() + " ") && l.strip().length() > f.name().length() + 20), "--" + f.name() + " of " + command);
				documented.add(f.name());
			}
		}
		// every flag that Main reads is explained under some command
		String main = Files.readString(Path.of("src/main/java/io/github/stad/cli/Main.java"));
		java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?:a\\.(?:optional|required|integer|number|flag|path|paths|integers)|CHECK\\.\\w+|choice\\(a,)\\(?\\s*\"([a-z][a-z-]*)\"").matcher(main);
		int found = 0;
		while (m.find()) {
			found++;
			assertTrue(documented.contains(m.group(1)), "--" + m.group(1) + " is read by Main but explained in no --help");
		}
		assertTrue(found > 40, "the scan found the flags: " + found);
	}

	// ------------------------------------------------------------------ 7. concurrent writers (issue 34): a second real JVM holds the lock

	@Test
	void aSecondTrainingOntoAModelBeingWrittenIsRefusedWithTheOtherRun() throws Exception {
		Path out = folder("locked-train").resolve("model.zip");
		Process other = LockHolder.start(out);
		try {
			stad(1, List.of(out.toString(), "Another run is writing", "pid " + other.pid(), "wait for it"), train(normal(), validation(), out));
			assertFalse(Files.exists(out), "nothing written");
		} finally {
			other.getOutputStream().close();
			assertTrue(other.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
		}
		assertFalse(Files.exists(OutputLock.fileFor(out)), "the other run removed its lock when it ended");
	}

	@Test
	void aSecondTeacherTrainingOntoATeacherBeingWrittenIsRefusedWithTheOtherRun() throws Exception {
		Path out = folder("locked-teacher").resolve("teacher.zip");
		Process other = LockHolder.start(out);
		try {
			stad(1, List.of(out.toString(), "Another run is writing", "pid " + other.pid()), "train-teacher", "--images", normal(), "--patch-size", "17", "--out", out.toString(),
					"--iterations", "1", "--width", "8", "--descriptor-dim", "16", "--cpu");
			assertFalse(Files.exists(out), "nothing written");
		} finally {
			other.getOutputStream().close();
			assertTrue(other.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
		}
	}

	@Test
	void aSecondScoreIntoAFolderBeingWrittenIsRefusedWithTheOtherRun() throws Exception {
		Path out = folder("locked-score");
		Process other = LockHolder.start(out.resolve("scores.csv"));
		try {
			stad(1, List.of(out.resolve("scores.csv").toString(), "Another run is writing", "pid " + other.pid()), score(good, out));
			stad(1, List.of("Another run is writing", "pid " + other.pid()), score(good, out, "--overwrite"));
			assertFalse(Files.exists(out.resolve("a.tif")), "nothing written");
		} finally {
			other.getOutputStream().close();
			other.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
		}
	}

	@Test
	void theLockOfAKilledRunIsTakenOverWithAWarning() throws Exception {
		Path out = folder("killed-train").resolve("model.zip");
		Process other = LockHolder.start(out);
		other.destroyForcibly(); // kill -9: no shutdown hook, the lock stays behind
		assertTrue(other.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
		assertTrue(Files.exists(OutputLock.fileFor(out)));
		Run r = raw(train(normal(), validation(), out));
		assertEquals(0, r.code(), r.err());
		assertTrue(r.out().contains("WARNING") && r.out().contains("a run that is gone (pid " + other.pid()), r.out());
		assertTrue(Files.isRegularFile(out));
		assertFalse(Files.exists(OutputLock.fileFor(out)), "released after the run");
	}

	// ------------------------------------------------------------------ 8. outputs that cannot be written (issue 34): exit 4

	@Test
	void outputsThatCannotBeWrittenFailTheRunButTheOtherImagesAreScored() throws IOException {
		Path in = folder("typed-in");
		Files.createDirectories(in.resolve("good"));
		Files.createDirectories(in.resolve("defect"));
		Files.copy(good.resolve("a.png"), in.resolve("good/a.png"));
		Files.copy(good.resolve("b.png"), in.resolve("defect/b.png"));
		Path out = folder("typed-out");
		Files.writeString(out.resolve("defect"), "a file where the defect/ maps would go");
		Run r = stad(Main.WRITE_FAILED, List.of("1 of 2 image(s) could not be written", out.resolve("defect").toString(), "scores.csv lists them"), score(in, out));
		assertFalse(r.all().contains("File saving error"), r.all());
		assertTrue(Files.size(out.resolve("good/a.tif")) > 100, "the other image was scored and written");
		List<String> rows = Files.readAllLines(out.resolve("scores.csv"));
		assertEquals(3, rows.size(), rows.toString());
		assertTrue(rows.get(2).startsWith("defect/b.png,,,") && rows.get(2).contains("Cannot write"), rows.toString());
	}

	@Test
	void infoIntoAFullDiskFails() throws IOException {
		java.io.OutputStream full = new java.io.OutputStream() {
			@Override
			public void write(int b) throws IOException { throw new IOException("No space left on device"); }
		};
		for (java.io.OutputStream target : Files.exists(Path.of("/dev/full")) ? List.of(full, new java.io.FileOutputStream("/dev/full")) : List.of(full)) {
			ByteArrayOutputStream err = new ByteArrayOutputStream();
			int code = Main.run(new String[] { "info", "--model", model.toString() }, new java.io.PrintStream(target), new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
			assertEquals(Main.WRITE_FAILED, code, err.toString(StandardCharsets.UTF_8));
			assertTrue(err.toString(StandardCharsets.UTF_8).contains("could not be written to standard output"), err.toString(StandardCharsets.UTF_8));
			target.close();
		}
	}

	// ------------------------------------------------------------------ 9. damaged model files (issue 34)

	@Test
	void aFlippedBitInAStudentsWeightsIsRefused() throws IOException {
		Path m = folder("flipped").resolve("model.zip");
		String student = "p17/student-1.bin";
		byte[] weights;
		try (ZipFile in = new ZipFile(model.toFile()); ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(m))) {
			weights = in.getInputStream(in.getEntry(student)).readAllBytes();
			for (ZipEntry e : java.util.Collections.list(in.entries())) {
				byte[] b = in.getInputStream(e).readAllBytes();
				ZipEntry n = new ZipEntry(e.getName());
				n.setMethod(ZipEntry.STORED); // stored: the bit can be flipped in the file as a bad disk would
				n.setSize(b.length);
				CRC32 crc = new CRC32();
				crc.update(b);
				n.setCrc(crc.getValue());
				out.putNextEntry(n);
				out.write(b);
				out.closeEntry();
			}
		}
		byte[] raw = Files.readAllBytes(m);
		int at = io.github.stad.engine.files.ZipIntegrityTest.indexOf(raw, weights);
		assertTrue(at > 0);
		raw[at + weights.length / 2] ^= 0x01;
		Files.write(m, raw);
		stad(1, List.of(m.toString(), "is damaged (" + student, "re-copy it"), "score", "--model", m.toString(), "--input", good.toString(), "--out",
				root.resolve("flipped-out").toString(), "--cpu");
	}

	@Test
	void junkAppendedToAStudentsWeightsIsRefused() throws IOException {
		Path m = folder("junk").resolve("model.zip");
		try (ZipFile in = new ZipFile(model.toFile()); ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(m))) {
			for (ZipEntry e : java.util.Collections.list(in.entries())) {
				byte[] b = in.getInputStream(e).readAllBytes();
				if (e.getName().equals("p17/student-2.bin")) b = Arrays.copyOf(b, b.length + 4096);
				out.putNextEntry(new ZipEntry(e.getName()));
				out.write(b);
				out.closeEntry();
			}
		}
		stad(1, List.of(m.toString(), "p17/student-2.bin", "SHA-256"), "score", "--model", m.toString(), "--input", good.toString(), "--out",
				root.resolve("junk-out").toString(), "--cpu");
	}

	// ------------------------------------------------------------------ 10. finite but extreme pixel values (issue 34)

	static void extremeTiff(Path file) {
		FloatProcessor fp = new FloatProcessor(128, 128);
		for (int i = 0; i < 128 * 128; i++) fp.setf(i, (i * 37) % 251);
		for (int i = 0; i < 200; i++) fp.setf(i * 61 % (128 * 128), i % 2 == 0 ? 3e38f : -3e38f);
		IJ.saveAsTiff(new ImagePlus("extreme", fp), file.toString());
	}

	@Test
	void extremeFinitePixelsGiveAFiniteMapOrAClearRefusal() throws IOException {
		Path in = folder("extreme-in");
		extremeTiff(in.resolve("extreme.tif"));
		Files.copy(good.resolve("a.png"), in.resolve("a.png"));
		Path out = root.resolve("extreme-out");
		stad(0, List.of("Wrote"), score(in, out));
		List<String> rows = Files.readAllLines(out.resolve("scores.csv"));
		String row = rows.stream().filter(r -> r.startsWith("extreme.tif")).findFirst().orElseThrow();
		if (Files.exists(out.resolve("extreme.tif"))) {
			float[] map = (float[]) IJ.openImage(out.resolve("extreme.tif").toString()).getProcessor().getPixels();
			for (float v : map) assertTrue(Float.isFinite(v), "a written map is finite everywhere");
		} else {
			assertTrue(row.contains("too extreme for this model") && row.contains("rescale or clip"), row);
		}
		assertFalse(String.join("\n", rows).contains("NaN"), rows.toString());
	}

	@Test
	void extremeFinitePixelsInTrainingImagesAreRefusedBeforeAnyWorkNamingTheImage() throws IOException {
		Path normal = folder("extreme-normal");
		for (String n : List.of("000", "001")) Files.copy(SAMPLES.resolve("normal/" + n + ".png"), normal.resolve(n + ".png"));
		extremeTiff(normal.resolve("extreme.tif"));
		Path out = root.resolve("extreme-model.zip");
		Run r = stad(1, List.of("extreme has pixel values from -3.00e+38 to 3.00e+38", "far outside the ordinary range of the training images", "clip or rescale"), train(normal.toString(), validation(), out));
		assertFalse(r.all().contains("diverged") || r.all().contains("Statistics of"), "refused before the training: " + r.all());
		assertFalse(Files.exists(out));
	}

	@Test
	void extremeFinitePixelsInValidationImagesAreRefusedBeforeAnyWorkNamingTheImage() throws IOException {
		Path val = folder("extreme-validation");
		Files.copy(SAMPLES.resolve("validation/000.png"), val.resolve("000.png"));
		extremeTiff(val.resolve("extreme-val.tif"));
		Path out = root.resolve("extreme-val-model.zip");
		stad(1, List.of("extreme-val has pixel values", "far outside the ordinary range", "clip or rescale"), train(normal(), val.toString(), out));
		assertFalse(Files.exists(out));
	}

	// ------------------------------------------------------------------ cases that already passed: kept passing

	@Test
	void anEmptyFolderIsRefused() throws IOException {
		stad(1, List.of(folder("empty").toString(), "No images"), score(folder("empty"), root.resolve("o")));
	}

	@Test
	void aFolderWithoutImagesIsRefused() throws IOException {
		Path texts = folder("texts");
		Files.writeString(texts.resolve("readme.txt"), "no images here");
		stad(1, List.of(texts.toString(), "No images", "Point to the folder"), score(texts, root.resolve("o")));
	}

	@Test
	void brokenTinyAndOddImagesEachBecomeARow() throws IOException {
		Path in = folder("odd");
		Files.copy(good.resolve("a.png"), in.resolve("fine.png"));
		Files.write(in.resolve("empty.png"), new byte[0]);
		byte[] png = Files.readAllBytes(good.resolve("b.png"));
		Files.write(in.resolve("cut.png"), Arrays.copyOf(png, png.length / 3));
		gray(in.resolve("tiny.tif"), 10, 10);
		gray(in.resolve("line.tif"), 1, 200);
		FloatProcessor nan = new FloatProcessor(40, 40);
		nan.setf(3, 3, Float.NaN);
		IJ.save(new ImagePlus("nan", nan), in.resolve("nan.tif").toString());
		IJ.save(new ImagePlus("rgb", new ColorProcessor(40, 40)), in.resolve("colour.tif").toString());
		ImageStack stack = new ImageStack(40, 40);
		stack.addSlice(new ByteProcessor(40, 40));
		stack.addSlice(new ByteProcessor(40, 40));
		IJ.save(new ImagePlus("stack", stack), in.resolve("stack.tif").toString());
		Path out = root.resolve("odd-out");
		Run r = stad(0, List.of("8 image(s)", "7 failed"), score(in, out));
		String scores = csv(out.resolve("scores.csv"));
		for (String s : List.of("empty.png", "cut.png", "tiny.tif", "smaller than the largest patch", "line.tif", "nan.tif", "NaN", "colour.tif", "3 channel(s)", "stack.tif"))
			assertTrue(scores.contains(s), s + " in\n" + scores);
		assertTrue(r.out().contains("Skipped stack.tif"), r.out());
	}

	@Test
	void mixedSizesAreAllScored() throws IOException {
		Path in = folder("sizes");
		gray(in.resolve("square.tif"), 40, 40);
		gray(in.resolve("wide.tif"), 90, 33);
		Path out = root.resolve("sizes-out");
		stad(0, List.of("2 image(s)"), score(in, out));
		assertFalse(csv(out.resolve("scores.csv")).contains("failed"));
	}

	@Test
	void anRgbTrainingSetMixedWithGrayIsRefused() throws IOException {
		Path normal = folder("mixed-channels");
		gray(normal.resolve("g1.tif"), 40, 40);
		gray(normal.resolve("g2.tif"), 40, 40);
		IJ.save(new ImagePlus("rgb", new ColorProcessor(40, 40)), normal.resolve("rgb.tif").toString());
		stad(1, List.of("mix", "rgb", "convert them all"), train(normal.toString(), validation(), root.resolve("mixed.zip")));
	}

	@Test
	void corruptForeignAndNewerModelFilesAreRefused() throws IOException {
		Path dir = folder("models");
		Path corrupt = Files.writeString(dir.resolve("corrupt.zip"), "not a zip");
		Path foreign = dir.resolve("foreign.zip"), newer = dir.resolve("newer.zip");
		try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(foreign))) {
			z.putNextEntry(new ZipEntry("hello.txt"));
			z.write("hi".getBytes(StandardCharsets.UTF_8));
		}
		try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(newer))) {
			z.putNextEntry(new ZipEntry("model.json"));
			z.write("{\"format\":\"stad-model\",\"formatVersion\":99}".getBytes(StandardCharsets.UTF_8));
		}
		stad(1, List.of("corrupt.zip", "not a model file"), "info", "--model", corrupt.toString());
		stad(1, List.of("foreign.zip", "not a model file"), "info", "--model", foreign.toString());
		stad(1, List.of("newer.zip", "newer version", "update the plugin"), "info", "--model", newer.toString());
		stad(1, List.of("missing.zip", "not found", "train one first"), "info", "--model", dir.resolve("missing.zip").toString());
	}

	@Test
	void aPathTraversalEntryInAModelZipWritesNothingOutside() throws IOException {
		Path evil = folder("traversal").resolve("evil.zip");
		try (ZipFile in = new ZipFile(model.toFile()); ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(evil))) {
			for (ZipEntry e : java.util.Collections.list(in.entries())) {
				out.putNextEntry(new ZipEntry(e.getName()));
				out.write(in.getInputStream(e).readAllBytes());
			}
			out.putNextEntry(new ZipEntry("../../escaped.txt"));
			out.write("x".getBytes(StandardCharsets.UTF_8));
		}
		stad(0, List.of("Wrote"), "score", "--model", evil.toString(), "--input", good.toString(), "--out", root.resolve("traversal-out").toString(), "--cpu");
		try (Stream<Path> s = Files.walk(root.getParent(), 3)) {
			assertTrue(s.noneMatch(p -> p.getFileName() != null && p.getFileName().toString().equals("escaped.txt")), "an entry is never extracted");
		}
	}

	@Test
	void usageErrorsExitWithTwo() throws IOException {
		stad(2, List.of("unknown command 'scroe'"), "scroe");
		stad(2, List.of("unknown option --colour"), "score", "--model", model.toString(), "--input", "x", "--out", "y", "--colour", "red");
		stad(2, List.of("--input is required"), "score", "--model", model.toString());
		stad(2, List.of("--out is given twice"), "score", "--model", model.toString(), "--input", "x", "--out", "y", "--out", "z");
		stad(2, List.of("--students must be a whole number", "'many'"), "train", "--normal", "n", "--validation", "v", "--out", "m.zip", "--students", "many");
		stad(2, List.of("--out needs a value"), "score", "--out");
	}

	@Test
	void aLeftoverTempFileFromAKilledSaveChangesNothing() throws IOException {
		// kill -9 during a save leaves .stad-HEX-model.zip next to an intact model
		Path dir = folder("killed");
		Path m = dir.resolve("model.zip");
		Files.copy(model, m);
		Files.write(dir.resolve(".stad-00000000000000aa-model.zip"), Arrays.copyOf(Files.readAllBytes(model), 100));
		stad(0, List.of("patch sizes"), "info", "--model", m.toString());
		stad(0, List.of("Wrote"), "score", "--model", m.toString(), "--input", good.toString(), "--out", dir.resolve("maps").toString(), "--cpu");
	}

	@Test
	void pathsWithSpacesAndNonAsciiNamesWork() throws IOException {
		Path in = folder("with spaces/ünïcødé 画像");
		Files.copy(good.resolve("a.png"), in.resolve("bild ä.png"));
		Path out = root.resolve("out put/résultats");
		Run r = stad(0, List.of("1 image(s)"), score(in, out));
		assertTrue(Files.exists(out.resolve("bild ä.tif")), r.out());
		assertTrue(csv(out.resolve("scores.csv")).contains("bild ä.png"));
		Path m = root.resolve("modèle 1.zip");
		stad(0, List.of("Model:"), train(normal(), in.toString(), m));
	}
}
