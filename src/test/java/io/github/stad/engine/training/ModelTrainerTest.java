package io.github.stad.engine.training;

import static org.junit.jupiter.api.Assertions.*;

import io.github.stad.engine.Progress;
import io.github.stad.engine.files.ModelBundle;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.model.AnomalyModel;
import io.github.stad.engine.model.MapMode;
import io.github.stad.engine.model.ScaleModel;
import io.github.stad.engine.net.TeacherWeights;
import io.github.stad.testutil.Synthetic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** A real (tiny) training run, then everything that is done with its model. */
class ModelTrainerTest {

	static final TrainingSettings SETTINGS = TrainingSettings.builder().patchSizes(17).students(2).epochs(16)
			.crop(24, 4).networkSize(8, 16).learningRate(2e-3f).seed(7).useGpu(false).build();
	static ModelTrainer.Outcome outcome;
	static AnomalyModel model;

	@BeforeAll
	static void train() {
		List<FloatImage> normal = Synthetic.textures("normal", 6, 48, 48, 1);
		List<FloatImage> validation = Synthetic.textures("val", 2, 48, 48, 100);
		outcome = ModelTrainer.train(new TrainingImages(normal, validation), SETTINGS, TeacherWeights.Source.NONE, Map.of("normalData", "synthetic"), Progress.NONE);
		model = outcome.model();
	}

	@AfterAll
	static void close() { model.close(); }

	@Test
	void studentLossDecreases() {
		for (Map.Entry<String, float[]> e : outcome.losses().entrySet()) {
			float[] l = e.getValue();
			assertTrue(l.length >= 20, "enough steps to judge: " + l.length);
			double first = mean(l, 0, 5), last = mean(l, l.length - 5, l.length);
			assertTrue(last < 0.7 * first, e.getKey() + ": loss should fall clearly, " + first + " -> " + last);
		}
	}

	@Test
	void plantedDefectScoresHigherThanTheRest() {
		FloatImage image = Synthetic.withSquare(Synthetic.texture("test", 48, 48, 555), 20, 14, 8, 255f);
		float[] score = model.score(image, 256, Progress.NONE).score().channel(0);
		double inside = 0, outsideMax = Double.NEGATIVE_INFINITY, outside = 0;
		int nIn = 0, nOut = 0;
		for (int y = 0; y < 48; y++) {
			for (int x = 0; x < 48; x++) {
				float s = score[y * 48 + x];
				// Pixels whose patch overlaps the defect count as neither.
				boolean in = x >= 20 && x < 28 && y >= 14 && y < 22;
				boolean far = x < 20 - 9 || x >= 28 + 9 || y < 14 - 9 || y >= 22 + 9;
				if (in) { inside += s; nIn++; }
				else if (far) { outside += s; nOut++; outsideMax = Math.max(outsideMax, s); }
			}
		}
		inside /= nIn;
		outside /= nOut;
		assertTrue(inside > outsideMax, "defect mean " + inside + " should exceed every far pixel (max " + outsideMax + ", mean " + outside + ")");
		assertTrue(inside > model.threshold(), "defect should be above the default threshold " + model.threshold());
	}

	@Test
	void validationStatisticsNormaliseNormalImages() {
		// On held-out normal images the per-scale normalised score should be centred near 0.
		FloatImage normal = Synthetic.texture("fresh", 48, 48, 999);
		float[] s = model.score(normal, 256, Progress.NONE).score().channel(0);
		assertEquals(0, mean(s, 0, s.length), 1.0);
	}

	@Test
	void tiledEqualsUntiled() {
		FloatImage image = Synthetic.withSquare(Synthetic.texture("tiles", 61, 45, 3), 30, 20, 6, 0f);
		float[] whole = model.score(image, 256, Progress.NONE).score().channel(0);
		float[] tiled = model.score(image, 16, Progress.NONE).score().channel(0);
		for (int i = 0; i < whole.length; i++) assertEquals(whole[i], tiled[i], 1e-4 * (1 + Math.abs(whole[i])), "pixel " + i);
	}

	@Test
	void aWindowsMapsAreThoseOfTheWholeImage() {
		FloatImage image = model.normalisation().apply(Synthetic.withSquare(Synthetic.texture("win", 61, 45, 4), 30, 20, 6, 0f));
		ScaleModel scale = model.scales().get(0);
		ScaleModel.Maps whole = scale.errorAndVariance(image, 256, Progress.NONE);
		int[][] windows = { { 0, 0, 61, 45 }, { 3, 5, 20, 17 }, { 40, 30, 21, 15 }, { 0, 28, 9, 17 } }; // left, top, width, height: inside, at each border
		for (int[] w : windows) {
			ScaleModel.Maps part = scale.errorAndVariance(image, w[0], w[1], w[2], w[3], 8, Progress.NONE);
			for (int y = 0; y < w[3]; y++) {
				for (int x = 0; x < w[2]; x++) {
					int i = (w[1] + y) * 61 + w[0] + x, j = y * w[2] + x;
					assertEquals(whole.error()[i], part.error()[j], 1e-4 * (1 + Math.abs(whole.error()[i])), "e at " + (w[0] + x) + "," + (w[1] + y));
					assertEquals(whole.variance()[i], part.variance()[j], 1e-4 * (1 + Math.abs(whole.variance()[i])), "v at " + (w[0] + x) + "," + (w[1] + y));
				}
			}
		}
		assertThrows(IllegalArgumentException.class, () -> scale.errorAndVariance(image, 50, 0, 20, 10, 256, Progress.NONE), "a window past the border");
	}

	@Test
	void bundleRoundTripGivesIdenticalMaps(@TempDir Path dir) throws IOException {
		Path file = dir.resolve("model.zip");
		ModelBundle.save(model, file);
		FloatImage image = Synthetic.texture("rt", 40, 36, 11);
		try (AnomalyModel loaded = ModelBundle.load(file, false)) {
			assertArrayEquals(model.score(image, 256, Progress.NONE).score().channel(0), loaded.score(image, 256, Progress.NONE).score().channel(0));
			assertEquals(model.threshold(), loaded.threshold());
			assertEquals("synthetic", loaded.provenance().get("normalData"));
			assertTrue(loaded.provenance().get("teacher.p17").startsWith("random"), "a random teacher must be recorded as such");
		}
		try (var files = Files.list(dir)) {
			assertEquals(List.of(file), files.toList(), "only the model, no temp files left");
		}
	}

	@Test
	void aModelCalibratedOnStridedMapsRecordsItAndScoresSo(@TempDir Path dir) throws IOException {
		TrainingSettings strided = SETTINGS.toBuilder().patchSizes(33).epochs(1).maps(MapMode.STRIDED).build();
		List<FloatImage> validation = Synthetic.textures("v", 1, 48, 48, 60);
		Path file = dir.resolve("strided.zip");
		FloatImage image = Synthetic.texture("s", 48, 40, 61);
		try (AnomalyModel m = ModelTrainer.train(new TrainingImages(Synthetic.textures("n", 2, 48, 48, 6), validation), strided, TeacherWeights.Source.NONE, Map.of(), Progress.NONE).model()) {
			assertEquals(MapMode.STRIDED, m.mapMode());
			// the calibration's mean error is that of the strided map of the (whole) validation image
			float[] e = m.scales().get(0).errorAndVariance(m.normalisation().apply(validation.get(0)), 256, MapMode.STRIDED, Progress.NONE).error();
			double mean = 0;
			for (float v : e) mean += v / e.length;
			assertEquals(mean, m.calibration().scales().get(0).errorMean(), 1e-4 * mean);
			float[] byDefault = m.score(image, 256, Progress.NONE).score().channel(0);
			assertArrayEquals(m.score(image, 256, MapMode.STRIDED, Progress.NONE).score().channel(0), byDefault);
			assertFalse(java.util.Arrays.equals(m.score(image, 256, MapMode.EXACT, Progress.NONE).score().channel(0), byDefault), "exact maps on request");
			ModelBundle.save(m, file);
			try (AnomalyModel loaded = ModelBundle.load(file, false)) {
				assertEquals(MapMode.STRIDED, loaded.mapMode());
				assertArrayEquals(byDefault, loaded.score(image, 256, Progress.NONE).score().channel(0));
			}
			assertEquals("strided", ModelBundle.describe(file).get("maps"));
		}
		assertEquals(MapMode.EXACT, model.mapMode(), "the default stays exact until it is measured");
	}

	@Test
	void oneStudentScoresWithErrorOnly() {
		TrainingSettings one = SETTINGS.toBuilder().students(1).epochs(1).build();
		List<FloatImage> normal = Synthetic.textures("n", 2, 32, 32, 5);
		try (AnomalyModel m = ModelTrainer.train(new TrainingImages(normal, Synthetic.textures("v", 1, 32, 32, 50)), one, TeacherWeights.Source.NONE, Map.of(), Progress.NONE).model()) {
			ScaleModel.Maps maps = m.score(normal.get(0), 256, Progress.NONE).perScale().get(17);
			for (float v : maps.variance()) assertEquals(0f, v);
			assertEquals(0, m.calibration().scales().get(0).varianceStd());
			for (float v : m.score(normal.get(0), 256, Progress.NONE).score().channel(0)) assertTrue(Float.isFinite(v));
		}
	}

	@Test
	void badInputsAreRefusedWithClearMessages() {
		FloatImage small = Synthetic.texture("tiny", 12, 40, 1);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.score(small, 256, Progress.NONE));
		assertTrue(e.getMessage().contains("smaller than the largest patch"), e.getMessage());

		FloatImage rgb = new FloatImage("rgb", 40, 40, new float[][] { new float[1600], new float[1600], new float[1600] });
		e = assertThrows(IllegalArgumentException.class, () -> model.score(rgb, 256, Progress.NONE));
		assertTrue(e.getMessage().contains("3 channel(s)") && e.getMessage().contains("grayscale"), e.getMessage());

		float[] withNan = new float[1600];
		withNan[17] = Float.NaN;
		e = assertThrows(IllegalArgumentException.class, () -> model.score(FloatImage.of("nan", 40, 40, withNan), 256, Progress.NONE));
		assertTrue(e.getMessage().contains("NaN"), e.getMessage());

		e = assertThrows(IllegalArgumentException.class, () -> ModelTrainer.train(new TrainingImages(List.of(), List.of()), SETTINGS, TeacherWeights.Source.NONE, Map.of(), Progress.NONE));
		assertTrue(e.getMessage().contains("No normal training images"), e.getMessage());
	}

	@Test
	void cancelledTrainingStopsAndLeavesTheOldModel(@TempDir Path dir) throws IOException {
		Path file = dir.resolve("model.zip");
		Files.writeString(file, "previous model");
		Progress cancelSoon = new Progress() {
			int calls;
			@Override public void update(String message, double fraction) { calls++; }
			@Override public boolean isCancelled() { return calls > 3; }
		};
		assertThrows(Progress.CancelledException.class, () -> ModelTrainer.train(new TrainingImages(Synthetic.textures("n", 2, 32, 32, 5), Synthetic.textures("v", 1, 32, 32, 50)),
				SETTINGS, TeacherWeights.Source.NONE, Map.of(), cancelSoon));
		assertEquals("previous model", Files.readString(file));
	}

	@Test
	void corruptForeignAndTruncatedBundlesAreRefused(@TempDir Path dir) throws IOException {
		Path good = dir.resolve("good.zip");
		ModelBundle.save(model, good);

		Path random = dir.resolve("random.zip");
		Files.write(random, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
		assertMessage(random, "not a model file");

		Path foreign = dir.resolve("foreign.zip");
		try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(foreign))) {
			zip.putNextEntry(new ZipEntry("readme.txt"));
			zip.write("hello".getBytes());
		}
		assertMessage(foreign, "no model.json");

		Path truncated = dir.resolve("truncated.zip");
		byte[] bytes = Files.readAllBytes(good);
		Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
		assertMessage(truncated, "truncated");

		Path newer = dir.resolve("newer.zip");
		rewriteHeader(good, newer, "\"formatVersion\": 1", "\"formatVersion\": 99");
		assertMessage(newer, "newer version");

		Path mismatched = dir.resolve("mismatched.zip");
		rewriteHeader(good, mismatched, "\"width\": 8", "\"width\": 9");
		assertMessage(mismatched, "does not match");

		assertMessage(dir.resolve("missing.zip"), "not found");
	}

	private static void assertMessage(Path file, String expected) {
		IOException e = assertThrows(IOException.class, () -> ModelBundle.load(file, false).close());
		assertTrue(e.getMessage().contains(expected), "message for " + file.getFileName() + ": " + e.getMessage());
	}

	/** Copies a bundle, replacing text in its model.json. */
	private static void rewriteHeader(Path from, Path to, String find, String replace) throws IOException {
		try (java.util.zip.ZipFile in = new java.util.zip.ZipFile(from.toFile()); OutputStream os = Files.newOutputStream(to); ZipOutputStream out = new ZipOutputStream(os)) {
			for (ZipEntry e : java.util.Collections.list(in.entries())) {
				out.putNextEntry(new ZipEntry(e.getName()));
				byte[] data = in.getInputStream(e).readAllBytes();
				if (e.getName().equals("model.json")) {
					String json = new String(data);
					assertTrue(json.contains(find), "header should contain " + find);
					data = json.replace(find, replace).getBytes();
				}
				out.write(data);
			}
		}
	}

	private static double mean(float[] v, int from, int to) {
		double s = 0;
		for (int i = from; i < to; i++) s += v[i];
		return s / (to - from);
	}
}
