package io.github.stad.cli;

import static org.junit.jupiter.api.Assertions.*;

import ij.IJ;
import ij.ImagePlus;
import ij.io.Opener;
import ij.process.ColorProcessor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipFile;

/** The command line end to end on the bundled sample images, with a tiny network. */
class MainTest {

	static final Path SAMPLES = Path.of("sample-images");
	@TempDir
	static Path dir;
	static Path model;

	record Run(int code, String out, String err) {}

	static Run stad(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
		return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	static String[] tinyTraining(String normal, String validation, Path out) {
		return new String[] { "train", "--normal", normal, "--validation", validation, "--out", out.toString(), "--patch-sizes", "17",
				"--students", "2", "--epochs", "1", "--crop", "32", "--batch", "4", "--width", "4", "--descriptor-dim", "8", "--cpu", "--random-teacher" };
	}

	@BeforeAll
	static void trainTinyModel() {
		model = dir.resolve("model.zip");
		Run r = stad(tinyTraining(SAMPLES.resolve("normal").toString(), SAMPLES.resolve("validation").toString(), model));
		assertEquals(0, r.code(), r.err());
		assertTrue(r.out().contains("RANDOMLY INITIALISED"), "a random teacher must be announced loudly: " + r.out());
		assertTrue(Files.isRegularFile(model));
	}

	@Test
	void trainTeacherFineTunesTheShippedTeacherAndRefusesAMismatchedOne() throws IOException {
		Path out = dir.resolve("finetuned-p17.zip");
		Run r = stad("train-teacher", "--images", SAMPLES.resolve("normal").toString(), "--patch-size", "17", "--out", out.toString(),
				"--iterations", "1", "--batch", "4", "--init", "default", "--cpu");
		assertEquals(0, r.code(), r.err());
		try (ZipFile zip = new ZipFile(out.toFile())) {
			String header = new String(zip.getInputStream(zip.getEntry("teacher.json")).readAllBytes(), StandardCharsets.UTF_8);
			assertTrue(header.contains("initialisedFrom") && header.contains("teacher-p17-gray.zip"), header);
			assertTrue(header.matches("(?s).*\"sha256\": \\{\\s*\"weights.bin\": \"[0-9a-f]{64}\".*"), "a new teacher file records its weights' SHA-256: " + header);
		}
		Run narrow = stad("train-teacher", "--images", SAMPLES.resolve("normal").toString(), "--patch-size", "17", "--out", dir.resolve("narrow.zip").toString(),
				"--iterations", "1", "--batch", "4", "--width", "8", "--init", "default", "--cpu");
		assertNotEquals(0, narrow.code());
		assertTrue(narrow.err().contains("starting teacher"), narrow.err());
		assertFalse(Files.exists(dir.resolve("narrow.zip")));
	}

	@Test
	void trainTeacherColourModeExtendsTheShippedGrayTeacherAndRefusesGrayPhotographs() throws IOException {
		Path photos = io.github.stad.testutil.Synthetic.writeRgbPhotos(dir.resolve("rgb-photos"), 2);
		Path out = dir.resolve("colour-p17.zip");
		Run r = stad("train-teacher", "--images", photos.toString(), "--patch-size", "17", "--out", out.toString(), "--mode", "colour",
				"--iterations", "2", "--batch", "4", "--cpu");
		assertEquals(0, r.code(), r.err());
		assertTrue(r.out().contains("colour mode"), r.out());
		assertEquals(3, io.github.stad.engine.files.TeacherFile.load(out).architecture().inputChannels());
		try (ZipFile zip = new ZipFile(out.toFile())) {
			String header = new String(zip.getInputStream(zip.getEntry("teacher.json")).readAllBytes(), StandardCharsets.UTF_8);
			assertTrue(header.contains("initialisedFrom") && header.contains("teacher-p17-gray.zip"), header);
		}
		Run gray = stad("train-teacher", "--images", SAMPLES.resolve("normal").toString(), "--patch-size", "17", "--out", dir.resolve("gray-colour.zip").toString(),
				"--mode", "color", "--iterations", "1", "--batch", "4", "--cpu");
		assertNotEquals(0, gray.code());
		assertTrue(gray.err().contains("RGB photographs"), gray.err());
		assertFalse(Files.exists(dir.resolve("gray-colour.zip")));
	}

	@Test
	void everyDenseAugmentationFlagReachesItsNamedStrengthAndTheRestKeepTheirDefaults() {
		io.github.stad.engine.teacher.TeacherSettings.Dense defaults = io.github.stad.engine.teacher.TeacherSettings.defaults(33).dense();
		var given = Main.denseSettings(new Args(List.of("--brightness", "0.3", "--contrast", "0.4", "--gamma", "0.5", "--blur", "2", "--noise", "0.06", "--turns",
				"--shift", "3", "--scale", "0.2", "--synthetic-defects", "0.7"), java.util.Set.of("flips", "turns")), defaults).augmentation();
		assertEquals(List.of(0.3f, 0.4f, 0.5f, 2f, 0.06f, 0.2f, 0.7f), List.of(given.brightness(), given.contrast(), given.gamma(), given.blur(), given.noiseStd(),
				given.scale(), given.syntheticDefects()));
		assertEquals(List.of(false, true, 3), List.of(given.flips(), given.turns(), given.maxShift()));
		assertEquals(defaults.augmentation(), Main.denseSettings(new Args(List.of(), java.util.Set.of("flips", "turns")), defaults).augmentation());
	}

	@Test
	void trainTeacherDenseModeTakesItsFlagsAndRefusesUnknownChoices() throws IOException {
		Path out = dir.resolve("dense-p17.zip");
		Run r = stad("train-teacher", "--images", SAMPLES.resolve("normal").toString(), "--patch-size", "17", "--out", out.toString(), "--mode", "dense",
				"--iterations", "2", "--width", "8", "--descriptor-dim", "16", "--grid", "6", "--crops", "2", "--mining", "hardest", "--warmup", "1",
				"--flips", "--turns", "--shift", "2", "--scale", "0.1", "--brightness", "0.1", "--contrast", "0.1", "--gamma", "0.1", "--blur", "0.5", "--noise", "0.05",
				"--synthetic-defects", "0.5", "--checkpoint-every", "1", "--cpu");
		assertEquals(0, r.code(), r.err());
		assertTrue(r.out().contains("dense mode"), r.out());
		assertEquals(17, io.github.stad.engine.files.TeacherFile.load(out).architecture().patchSize());
		try (ZipFile zip = new ZipFile(out.toFile())) {
			// Gson escapes the equals signs of the settings' text.
			String header = new String(zip.getInputStream(zip.getEntry("teacher.json")).readAllBytes(), StandardCharsets.UTF_8).replace("\\u003d", "=");
			assertTrue(header.contains("grid=6") && header.contains("mining=HARDEST") && header.contains("turns=true") && header.contains("maxShift=2")
					&& header.contains("syntheticDefects=0.5"), header);
		}
		Run patch = stad("train-teacher", "--images", SAMPLES.resolve("normal").toString(), "--patch-size", "17", "--out", dir.resolve("patch-p17.zip").toString(),
				"--mode", "patch", "--iterations", "1", "--batch", "4", "--width", "8", "--descriptor-dim", "16", "--cpu");
		assertEquals(0, patch.code(), patch.err());
		assertTrue(patch.out().contains("patch mode"), patch.out());
		Run bad = stad("train-teacher", "--images", SAMPLES.resolve("normal").toString(), "--patch-size", "17", "--out", dir.resolve("bad.zip").toString(), "--mode", "strided");
		assertEquals(2, bad.code());
		assertTrue(bad.err().contains("--mode"), bad.err());
		Run badMining = stad("train-teacher", "--images", SAMPLES.resolve("normal").toString(), "--patch-size", "17", "--out", dir.resolve("bad.zip").toString(),
				"--mining", "softest");
		assertEquals(2, badMining.code());
		Run badDefects = stad("train-teacher", "--images", SAMPLES.resolve("normal").toString(), "--patch-size", "17", "--out", dir.resolve("bad.zip").toString(),
				"--mode", "dense", "--synthetic-defects", "-1");
		assertNotEquals(0, badDefects.code());
		assertTrue(badDefects.err().contains("synthetic-defect weight"), badDefects.err());
		assertFalse(Files.exists(dir.resolve("bad.zip")));
	}

	@Test
	void trainTeacherDistilModeReadsPrecomputedTargets() throws IOException {
		Path targets = dir.resolve("targets");
		Files.createDirectories(targets);
		java.util.List<io.github.stad.engine.image.FloatImage> photos = new java.util.ArrayList<>();
		try (var files = Files.list(SAMPLES.resolve("normal"))) {
			for (Path f : files.sorted().toList()) photos.add(io.github.stad.io.ImageReader.read(f));
		}
		io.github.stad.engine.teacher.DistillationTest.writeTargets(targets, photos, 2, (y, x) -> new float[] { y.floatValue(), x.floatValue() }, new float[] { 60, 60 },
				new float[] { 30, 30 });
		Path out = dir.resolve("distil-p17.zip");
		Run r = stad("train-teacher", "--images", SAMPLES.resolve("normal").toString(), "--patch-size", "17", "--out", out.toString(), "--mode", "distil",
				"--targets", targets.toString(), "--iterations", "2", "--width", "8", "--descriptor-dim", "16", "--grid", "6", "--crops", "2", "--cpu");
		assertEquals(0, r.code(), r.err());
		assertTrue(r.out().contains("distil mode"), r.out());
		assertEquals(17, io.github.stad.engine.files.TeacherFile.load(out).architecture().patchSize());
		Run noTargets = stad("train-teacher", "--images", SAMPLES.resolve("normal").toString(), "--patch-size", "17", "--out", dir.resolve("bad.zip").toString(),
				"--mode", "distil", "--iterations", "1", "--width", "8", "--descriptor-dim", "16", "--cpu");
		assertNotEquals(0, noTargets.code());
		assertTrue(noTargets.err().contains("--targets"), noTargets.err());
		Run missingFolder = stad("train-teacher", "--images", SAMPLES.resolve("normal").toString(), "--patch-size", "17", "--out", dir.resolve("bad.zip").toString(),
				"--mode", "distil", "--targets", dir.resolve("nowhere").toString(), "--cpu");
		assertNotEquals(0, missingFolder.code());
		assertTrue(missingFolder.err().contains("nowhere"), missingFolder.err());
		assertFalse(Files.exists(dir.resolve("bad.zip")));
	}

	@Test
	void scoreWritesMapsOverlaysRoisAndCsv() throws IOException {
		Path out = dir.resolve("scores");
		Run r = stad("score", "--model", model.toString(), "--input", SAMPLES.resolve("test").toString(), "--out", out.toString(), "--cpu");
		assertEquals(0, r.code(), r.err());
		for (String name : List.of("defect/scratch", "defect/smudge", "good/000")) {
			ImagePlus map = new Opener().openImage(out.resolve(name + ".tif").toString());
			assertNotNull(map, name);
			assertEquals(ImagePlus.GRAY32, map.getType());
			assertEquals(128, map.getWidth());
			assertEquals(128, map.getHeight());
			assertTrue(Files.size(out.resolve(name + "_overlay.png")) > 0);
			try (ZipFile zip = new ZipFile(out.resolve(name + "_rois.zip").toFile())) {
				assertTrue(zip.size() >= 0);
			}
		}
		List<String> csv = Files.readAllLines(out.resolve("scores.csv"));
		// The five columns of the first release come first, in their order (users' scripts read them); new ones after.
		assertEquals("image,image_score,anomalous,regions,error,largest_region_px", csv.get(0));
		assertEquals(7, csv.size(), csv.toString());
		double previous = Double.POSITIVE_INFINITY;
		for (String row : csv.subList(1, csv.size())) {
			double score = Double.parseDouble(row.split(",")[1]);
			assertTrue(score <= previous, "rows sorted by image score, highest first: " + csv);
			previous = score;
		}
	}

	@Test
	void evaluateWritesMetricsAndProCurve() throws IOException {
		Path out = dir.resolve("eval");
		Run r = stad("evaluate", "--model", model.toString(), "--test", SAMPLES.resolve("test").toString(), "--masks", SAMPLES.resolve("ground_truth").toString(),
				"--out", out.toString(), "--cpu");
		assertEquals(0, r.code(), r.err());
		String json = Files.readString(out.resolve("metrics.json"));
		assertTrue(json.contains("auPro") && json.contains("pixelAuroc") && json.contains("imageAuroc"), json);
		assertTrue(r.out().contains("AU-PRO@0.30"), r.out());
		assertNotNull(IJ.openImage(out.resolve("pro_curve.png").toString()));
	}

	@Test
	void evaluateFromMapsAlreadyScoredGivesTheSameMetrics() throws IOException {
		Path maps = dir.resolve("maps-for-eval"), fromModel = dir.resolve("eval-model"), fromMaps = dir.resolve("eval-maps");
		String test = SAMPLES.resolve("test").toString(), masks = SAMPLES.resolve("ground_truth").toString();
		assertEquals(0, stad("score", "--model", model.toString(), "--input", test, "--out", maps.toString(), "--cpu").code());
		Run a = stad("evaluate", "--model", model.toString(), "--test", test, "--masks", masks, "--out", fromModel.toString(), "--cpu");
		Run b = stad("evaluate", "--maps", maps.toString(), "--test", test, "--masks", masks, "--out", fromMaps.toString());
		assertEquals(0, a.code(), a.err());
		assertEquals(0, b.code(), b.err());
		assertTrue(results(a.out()).contains("AU-PRO@0.30"), a.out());
		// Progress lines are rate-limited by the clock (a loaded machine prints fewer): compare the result lines.
		assertEquals(results(a.out()).replace(fromModel.toString(), "OUT"), results(b.out()).replace(fromMaps.toString(), "OUT"), "the same numbers from the saved maps");

		Run missing = stad("evaluate", "--maps", dir.resolve("no-maps").toString(), "--test", test, "--masks", masks, "--out", dir.resolve("e3").toString());
		assertEquals(1, missing.code());
		assertTrue(missing.err().contains("No anomaly map for") && missing.err().contains("stad score"), missing.err());
		Run both = stad("evaluate", "--maps", maps.toString(), "--model", model.toString(), "--test", test, "--out", dir.resolve("e4").toString());
		assertEquals(2, both.code());
	}

	@Test
	void infoShowsProvenance() {
		Run r = stad("info", "--model", model.toString());
		assertEquals(0, r.code(), r.err());
		List<String> lines = r.out().lines().toList();
		assertTrue(lines.stream().anyMatch(l -> l.matches("patch sizes +17")), r.out());
		assertTrue(lines.stream().anyMatch(l -> l.matches("threshold +[0-9.]+ \\(the second-highest image score of the validation images\\)")), r.out());
		assertTrue(lines.stream().anyMatch(l -> l.matches("  teacher\\.p17 +random .*")), "provenance one line per entry: " + r.out());
		assertTrue(lines.stream().anyMatch(l -> l.matches("  loss\\.p17 +[-0-9.e+]+ -> [-0-9.e+]+")) && lines.stream().anyMatch(l -> l.matches("  validationError\\.p17 +[0-9.e+-]+")),
				"the training summary: " + r.out());
		int summary = lines.indexOf("training summary");
		assertTrue(summary > 0 && lines.get(summary + 1).matches("  p=17: \\d+ steps, students' loss [-0-9.e+]+ -> [-0-9.e+]+, validation error [0-9.e+-]+"),
				"the summary as the training printed it: " + r.out());
		assertFalse(r.out().contains("{") || r.out().contains("thresholdFpr") || r.out().contains(": true"), "no Java map dump: " + r.out());
	}

	@Test
	void infoEndsWithTheWarningOfStudentsThatDidNotLearn(@TempDir Path tmp) throws IOException {
		Path warned = tmp.resolve("warned.zip");
		try (io.github.stad.engine.model.AnomalyModel m = io.github.stad.engine.files.ModelBundle.load(model, false)) {
			java.util.Map<String, String> info = new java.util.LinkedHashMap<>(m.provenance());
			info.put("warning", "the students did not learn at p=17 (loss 151.0 -> 171.0): the maps of this model are poor; give a larger time budget or more epochs");
			io.github.stad.engine.files.ModelBundle.save(new io.github.stad.engine.model.AnomalyModel(m.manager(), m.normalisation(), m.scales(), m.calibration(), info,
					m.processingScale(), m.mapMode()), warned);
		}
		Run r = stad("info", "--model", warned.toString());
		assertEquals(0, r.code(), r.err());
		List<String> lines = r.out().lines().toList();
		assertEquals("WARNING: the students did not learn at p=17 (loss 151.0 -> 171.0): the maps of this model are poor; give a larger time budget or more epochs",
				lines.get(lines.size() - 1), r.out());
	}

	@Test
	void mapModeIsChosenAtTrainingStoredAndOverriddenWhenScoring(@TempDir Path tmp) throws IOException {
		Path strided = tmp.resolve("strided.zip");
		String[] train = tinyTraining(SAMPLES.resolve("normal").toString(), SAMPLES.resolve("validation").toString(), strided);
		train[Arrays.asList(train).indexOf("--patch-sizes") + 1] = "17,33";
		List<String> argv = new ArrayList<>(Arrays.asList(train));
		argv.addAll(List.of("--map-mode", "strided"));
		Run r = stad(argv.toArray(String[]::new));
		assertEquals(0, r.code(), r.err());
		r = stad("info", "--model", strided.toString());
		assertTrue(r.out().lines().anyMatch(l -> l.startsWith("maps") && l.contains("strided")), r.out());
		r = stad("info", "--model", model.toString());
		assertTrue(r.out().lines().anyMatch(l -> l.startsWith("maps") && l.contains("exact")), "a model trained without the flag has exact maps: " + r.out());

		r = stad("score", "--model", strided.toString(), "--input", SAMPLES.resolve("test/good").toString(), "--out", tmp.resolve("as-trained").toString(), "--cpu");
		assertEquals(0, r.code(), r.err());
		assertFalse(r.out().contains("calibrated on"), "no warning when scoring as trained: " + r.out());
		r = stad("score", "--model", strided.toString(), "--input", SAMPLES.resolve("test/good").toString(), "--out", tmp.resolve("exact").toString(), "--cpu",
				"--map-mode", "exact");
		assertEquals(0, r.code(), r.err());
		assertTrue(r.out().contains("calibrated on strided maps"), "scoring in another mode says so: " + r.out());

		r = stad("score", "--model", strided.toString(), "--input", SAMPLES.resolve("test/good").toString(), "--out", tmp.resolve("bad").toString(), "--map-mode", "fast");
		assertEquals(2, r.code());
		assertTrue(r.err().contains("--map-mode") && r.err().contains("exact") && r.err().contains("strided"), r.err());
		assertFalse(Files.exists(tmp.resolve("bad")), "nothing written on a usage error");
	}

	@Test
	void badInputsExitWithOneLineReasons(@TempDir Path tmp) throws IOException {
		Path empty = Files.createDirectories(tmp.resolve("empty"));
		Run r = stad(tinyTraining(empty.toString(), SAMPLES.resolve("validation").toString(), tmp.resolve("m.zip")));
		assertEquals(1, r.code());
		assertTrue(r.err().startsWith("stad: error: ") && r.err().contains("No images"), r.err());
		assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());

		Path corrupt = tmp.resolve("corrupt.zip");
		Files.writeString(corrupt, "not a zip");
		r = stad("score", "--model", corrupt.toString(), "--input", SAMPLES.resolve("test").toString(), "--out", tmp.resolve("o").toString());
		assertEquals(1, r.code());
		assertTrue(r.err().contains("not a model file"), r.err());

		r = stad("score", "--model", model.toString());
		assertEquals(2, r.code());
		assertTrue(r.err().contains("--input is required"), r.err());

		r = stad("train", "--normal", "x", "--validation", "x", "--out", tmp.resolve("m.zip").toString(), "--epochs", "2", "--time-budget", "5");
		assertEquals(2, r.code());
		assertTrue(r.err().contains("either --epochs or --time-budget"), r.err());

		r = stad("train", "--normal", "x", "--validation", "x", "--out", tmp.resolve("m.zip").toString(), "--adapt-teacher", "0.8");
		assertNotEquals(0, r.code());
		assertTrue(r.err().contains("--adapt-teacher 0.8: must lie in [0, 0.5]"), r.err());
		assertFalse(Files.exists(tmp.resolve("m.zip")));

		r = stad("score", "--model", model.toString(), "--input", "x", "--out", "y", "--colour", "red");
		assertEquals(2, r.code());
		assertTrue(r.err().contains("unknown option --colour"), r.err());

		r = stad("score", "--model", tmp.resolve("nothing.zip").toString(), "--input", SAMPLES.resolve("test").toString(), "--out", tmp.resolve("o").toString());
		assertEquals(1, r.code());
		assertTrue(r.err().contains("not found"), r.err());
	}

	@Test
	void brokenImagesAreReportedAndTheRestScored(@TempDir Path tmp) throws IOException {
		Path in = Files.createDirectories(tmp.resolve("in"));
		Files.copy(SAMPLES.resolve("test/good/000.png"), in.resolve("fine.png"));
		Files.writeString(in.resolve("broken.png"), "this is text");
		IJ.save(new ImagePlus("small", new ij.process.ByteProcessor(10, 10)), in.resolve("small.tif").toString());
		IJ.save(new ImagePlus("rgb", new ColorProcessor(40, 40)), in.resolve("colour.tif").toString());
		Path out = tmp.resolve("out");
		Run r = stad("score", "--model", model.toString(), "--input", in.toString(), "--out", out.toString(), "--cpu");
		assertEquals(0, r.code(), r.err());
		String csv = Files.readString(out.resolve("scores.csv"));
		assertTrue(csv.contains("broken.png") && csv.contains("not a readable"), csv);
		assertTrue(csv.contains("smaller than the largest patch"), csv);
		assertTrue(csv.contains("3 channel(s)"), csv);
		assertTrue(Files.isRegularFile(out.resolve("fine.tif")));
		assertFalse(Files.exists(out.resolve("broken.tif")));
	}

	@Test
	void neverOverwritesAnInput(@TempDir Path tmp) throws IOException {
		Path in = Files.createDirectories(tmp.resolve("in"));
		IJ.save(new ImagePlus("x", new ij.process.ByteProcessor(40, 40)), in.resolve("x.tif").toString());
		byte[] before = Files.readAllBytes(in.resolve("x.tif"));
		Run r = stad("score", "--model", model.toString(), "--input", in.toString(), "--out", in.toString(), "--cpu");
		assertEquals(1, r.code());
		assertTrue(r.err().contains("is one of the input images"), r.err());
		assertArrayEquals(before, Files.readAllBytes(in.resolve("x.tif")));

		r = stad(tinyTraining(SAMPLES.resolve("normal").toString(), SAMPLES.resolve("validation").toString(), SAMPLES.resolve("normal/000.png").toAbsolutePath()));
		assertEquals(1, r.code());
		assertTrue(r.err().contains("is one of the input images"), r.err());
	}

	@Test
	void demoRunsTheWholeWorkflowOnTheSampleImages(@TempDir Path tmp) throws IOException {
		// one epoch and one patch size keep it short; the defaults (30 epochs, p = 17, 33) are measured in docs/benchmarks.md
		Path out = tmp.resolve("demo");
		Run r = stad("demo", "--out", out.toString(), "--epochs", "1", "--patch-sizes", "17", "--cpu");
		assertEquals(0, r.code(), r.err());
		assertTrue(r.out().contains("--patch-sizes 17"), r.out());
		assertTrue(Files.isRegularFile(out.resolve("model.zip")));
		assertEquals(7, Files.readAllLines(out.resolve("maps/scores.csv")).size(), "a header and the 6 test images");
		assertTrue(Files.readString(out.resolve("evaluation/metrics.json")).contains("\"images\": 6"));

		r = stad("demo", "--out", tmp.resolve("bad").toString(), "--patch-sizes", "20", "--cpu");
		assertEquals(1, r.code());
		assertTrue(r.err().contains("unsupported patch size 20"), r.err());
		assertFalse(Files.exists(tmp.resolve("bad/model.zip")));
	}

	/** The lines of an output that are not progress lines ("[ 42%] …"). */
	private static String results(String out) {
		return out.lines().filter(l -> !l.startsWith("[")).collect(java.util.stream.Collectors.joining("\n"));
	}
}
