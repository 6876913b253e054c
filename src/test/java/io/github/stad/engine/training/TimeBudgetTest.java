package io.github.stad.engine.training;

import io.github.stad.engine.budget.TrainingBudget;
import io.github.stad.engine.budget.StepBudget;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.github.stad.engine.Progress;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.image.InputNormalisation;
import io.github.stad.engine.model.AnomalyModel;
import io.github.stad.engine.model.TeacherTarget;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.DescriptorNet;
import io.github.stad.engine.net.Djl;
import io.github.stad.engine.net.TeacherWeights;
import io.github.stad.testutil.Synthetic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.Test;

/** Student training to a time budget, on a clock the test controls, and the learning-rate schedule. */
class TimeBudgetTest {

	/** A clock that advances by {@code tick} nanoseconds every time it is read. */
	static LongSupplier ticking(long tick) {
		long[] now = { 0 };
		return () -> now[0] += tick;
	}

	static final StudentSchedule SCHEDULE = TrainingSettings.builder().students(2).crop(24, 4).learningRate(2e-3f).build().schedule();

	static StudentTrainer.Result train(StepBudget budget) {
		List<FloatImage> images = Synthetic.textures("t", 3, 32, 32, 1);
		NDManager m = NDManager.newBaseManager(Device.cpu(), Djl.engine().getEngineName());
		Architecture a = new Architecture(17, 1, 8, 16);
		float[] mu = new float[16], sigma = new float[16];
		Arrays.fill(sigma, 1);
		TeacherTarget target = new TeacherTarget(DescriptorNet.random(a, m, Device.cpu(), 3), mu, sigma);
		List<FloatImage> normalised = images.stream().map(InputNormalisation.fit(images)::apply).toList();
		return StudentTrainer.train(target, normalised, SCHEDULE, budget, new long[] { 1, 2 }, Progress.NONE);
	}

	@Test
	void stepsStopBeforeTheDeadlineAndDependOnlyOnTheClock() {
		// Two clock reads per step, 1 s each: 2 s per step, 30 s budget: the last step that fits ends at 30 s.
		StudentTrainer.Result a = train(new StepBudget.Until(30_000_000_000L, ticking(1_000_000_000L), 3));
		StudentTrainer.Result b = train(new StepBudget.Until(30_000_000_000L, ticking(1_000_000_000L), 3));
		int steps = a.losses().get(0).length;
		assertEquals(14, steps, "first read at 1 s, then 2 s per step: steps end at 3, 5, …, 29 s");
		assertArrayEquals(a.losses().get(0), b.losses().get(0), "same clock, same seed: the same training");
		a.students().forEach(DescriptorNet::close);
		b.students().forEach(DescriptorNet::close);
	}

	@Test
	void aBudgetThatIsUsedUpStillTrainsTheMinimum() {
		StudentTrainer.Result r = train(new StepBudget.Until(0, ticking(1_000_000_000L), 5));
		assertEquals(5, r.losses().get(0).length);
		r.students().forEach(DescriptorNet::close);
	}

	@Test
	void learningRateWarmsUpThenDecaysToNearZero() {
		int planned = 200;
		double[] f = new double[planned];
		for (int i = 0; i < planned; i++) f[i] = StudentTrainer.rateFactor(i, planned);
		int warmup = (int) Math.round(StudentTrainer.WARMUP * planned);
		for (int i = 1; i < warmup; i++) assertTrue(f[i] > f[i - 1], "rises during the warm-up");
		assertEquals(1, f[warmup - 1], 1e-9, "full rate at the end of the warm-up");
		for (int i = warmup + 1; i < planned; i++) assertTrue(f[i] <= f[i - 1], "never rises after the warm-up");
		assertTrue(f[planned - 1] < 0.001 && f[planned - 1] > 0, "the last step is nearly at rest: " + f[planned - 1]);
		assertEquals(0.5, StudentTrainer.rateFactor(warmup + (planned - warmup) / 2, planned), 0.02, "halfway down at half of the decay");
	}

	@Test
	void aTimedTrainingRecordsItsBudgetAndSteps() {
		TrainingSettings s = TrainingSettings.builder().patchSizes(17, 33).students(2).crop(24, 4).networkSize(8, 16).seed(3).useGpu(false)
				.timeBudget(1).build();
		List<String> log = new ArrayList<>();
		Progress progress = new Progress() {
			@Override public void update(String message, double fraction) {}
			@Override public void log(String message) { log.add(message); }
		};
		try (ModelTrainer.Outcome o = ModelTrainer.train(new TrainingImages(Synthetic.textures("n", 3, 40, 40, 1), Synthetic.textures("v", 1, 40, 40, 9)), s,
				TeacherWeights.Source.NONE, Map.of(), progress, ticking(1_000_000_000L))) {
			AnomalyModel m = o.model();
			assertEquals("1.0", m.provenance().get("timeBudgetMinutes"));
			int p17 = Integer.parseInt(m.provenance().get("steps.p17")), p33 = Integer.parseInt(m.provenance().get("steps.p33"));
			assertTrue(p17 >= ModelTrainer.MIN_STEPS && p33 >= ModelTrainer.MIN_STEPS, p17 + ", " + p33);
			// 1 s per clock read, 2 s per step: what the 60 s leave after the statistics is shared by the two scales.
			assertTrue(p17 <= 15 && p33 <= 15, p17 + ", " + p33);
			assertTrue(log.stream().anyMatch(l -> l.startsWith("Time budget 60 s") && l.contains("per patch size")), log.toString());
			// the summary: steps, first -> last loss and validation error per scale, in the log and in the model
			for (int p : new int[] { 17, 33 }) {
				assertTrue(m.provenance().get("loss.p" + p).matches("[-0-9.e+]+ -> [-0-9.e+]+"), m.provenance().toString());
				assertTrue(Double.parseDouble(m.provenance().get("validationError.p" + p)) >= 0, m.provenance().toString());
				assertTrue(log.stream().anyMatch(l -> l.startsWith("p=" + p + ": " + m.provenance().get("steps.p" + p) + " steps, students' loss")), log.toString());
			}
		}
	}

	@Test
	void aBudgetThatLeavesTheStudentsTooLittleIsRefusedWithTheSmallestThatWorks() {
		TrainingSettings s = TrainingSettings.builder().patchSizes(17, 33).students(2).crop(24, 4).networkSize(8, 16).seed(3).useGpu(false)
				.timeBudget(0.05).build(); // 3 s, and every clock read takes 1 s
		List<String> updates = new ArrayList<>();
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelTrainer.train(new TrainingImages(Synthetic.textures("n", 3, 40, 40, 1),
				Synthetic.textures("v", 1, 40, 40, 9)), s, TeacherWeights.Source.NONE, Map.of(), (message, fraction) -> updates.add(message), ticking(1_000_000_000L)));
		assertTrue(e.getMessage().contains("the teacher statistics will take about"), "refused on the estimate: " + e.getMessage());
		assertTrue(updates.stream().noneMatch(u -> u.contains("teacher descriptors")), "before the statistics: " + updates);
		java.util.regex.Matcher m = java.util.regex.Pattern.compile("a time budget of at least (\\d+) minutes").matcher(e.getMessage());
		assertTrue(e.getMessage().contains("cannot be met") && m.find(), e.getMessage());
		int named = Integer.parseInt(m.group(1));
		assertTrue(named >= 1, e.getMessage());
		// the budget it names does work: the same training on the same clock is not refused
		TrainingSettings enough = TrainingSettings.builder().patchSizes(17, 33).students(2).crop(24, 4).networkSize(8, 16).seed(3).useGpu(false)
				.timeBudget(named).build();
		try (ModelTrainer.Outcome o = ModelTrainer.train(new TrainingImages(Synthetic.textures("n", 3, 40, 40, 1), Synthetic.textures("v", 1, 40, 40, 9)), enough,
				TeacherWeights.Source.NONE, Map.of(), Progress.NONE, ticking(1_000_000_000L))) {
			assertEquals(Double.toString((double) named), o.model().provenance().get("timeBudgetMinutes"));
		}
	}

	@Test
	void aTimeBudgetSizesTheTeacherStatisticsToTheirShareAndLogsWhatWasSampled() {
		List<FloatImage> normal = Synthetic.textures("n", 3, 96, 96, 1), validation = Synthetic.textures("v", 1, 96, 96, 9);
		List<String> timedLog = new ArrayList<>(), epochsLog = new ArrayList<>();
		TrainingSettings.Builder b = TrainingSettings.builder().patchSizes(17).students(2).crop(24, 4).networkSize(8, 16).seed(3).useGpu(false);
		// 1 s per clock read: two timed 32x32 blocks give 1/1024 s per descriptor; a minute gives the statistics 5 % = 3 s,
		// which afford 3 072 descriptors, under the floor: so the floor, whose share of each of the 3 images is 6 of its
		// 32x32 blocks (of 96² = 9 216 grid points), 3 x 6 x 1 024 in all
		int floor = DescriptorStatistics.MIN_SAMPLE, blocksPerImage = (floor / 3 + 1023) / 1024;
		try (ModelTrainer.Outcome o = ModelTrainer.train(new TrainingImages(normal, validation), b.timeBudget(1).build(), TeacherWeights.Source.NONE, Map.of(), logTo(timedLog),
				ticking(1_000_000_000L))) {
			String expected = String.format(java.util.Locale.ROOT, "p=17: teacher statistics (μ/σ) from %,d descriptors in 3 of 3", 3 * blocksPerImage * 1024);
			assertTrue(timedLog.stream().anyMatch(l -> l.startsWith(expected) && l.contains("sized to 3 s of the time budget") && l.contains("at 0.977 ms per descriptor")),
					timedLog.toString());
		}
		// with epochs the sample is what it always was: here every grid point
		try (ModelTrainer.Outcome o = ModelTrainer.train(new TrainingImages(normal, validation), b.epochs(1).build(), TeacherWeights.Source.NONE, Map.of(), logTo(epochsLog))) {
			assertTrue(epochsLog.stream().anyMatch(l -> l.equals(String.format(java.util.Locale.ROOT, "p=17: teacher statistics (μ/σ) from %,d descriptors in 3 of 3 training images", 3 * 96 * 96))),
					epochsLog.toString());
		}
	}

	private static Progress logTo(List<String> log) {
		return new Progress() {
			@Override public void update(String message, double fraction) {}
			@Override public void log(String message) { log.add(message); }
		};
	}

	@Test
	void studentsWhoseLossDidNotFallAreAWarningInTheSummaryAndTheModel() {
		Map<String, float[]> losses = new java.util.LinkedHashMap<>();
		losses.put("p=17 student 1", new float[] { 151, 160, 165, 171 });
		losses.put("p=33 student 1", new float[] { 50, 30, 20, 10 });
		io.github.stad.engine.model.Calibration c = new io.github.stad.engine.model.Calibration(List.of(new io.github.stad.engine.model.Calibration.ScoreStats(3, 1, 1, 1),
				new io.github.stad.engine.model.Calibration.ScoreStats(2, 1, 1, 1)), 1, 0, null);
		Map<String, String> info = new java.util.LinkedHashMap<>(Map.of("steps.p17", "4", "steps.p33", "4"));
		List<String> log = new ArrayList<>();
		ModelTrainer.summarise(new int[] { 17, 33 }, losses, 1, c, info, new Progress() {
			@Override public void update(String message, double fraction) {}
			@Override public void log(String message) { log.add(message); }
		});
		assertEquals("151.0 -> 171.0", info.get("loss.p17"));
		assertEquals("50.00 -> 10.00", info.get("loss.p33"));
		assertTrue(info.get("warning").contains("did not learn at p=17") && !info.get("warning").contains("p=33"), info.toString());
		assertTrue(log.get(log.size() - 1).startsWith("WARNING: the students did not learn at p=17"), log.toString());
		assertEquals(List.of("p=17: 4 steps, students' loss 151.0 -> 171.0, validation error 3.000", "p=33: 4 steps, students' loss 50.00 -> 10.00, validation error 2.000"),
				ModelTrainer.summaryLines(info), "what info shows");
		assertEquals(ModelTrainer.summaryLines(info), log.subList(0, 2), "what the training logged");
		assertEquals(List.of(), ModelTrainer.summaryLines(Map.of("seed", "3")), "a model from before the summary has none");
	}

	@Test
	void eitherEpochsOrTimeNeverBoth() {
		assertThrows(IllegalArgumentException.class, () -> new TrainingBudget(3, 5));
		assertThrows(IllegalArgumentException.class, () -> new TrainingBudget(0, 0));
		assertThrows(IllegalArgumentException.class, () -> TrainingBudget.ofMinutes(Double.NaN));
		assertThrows(IllegalArgumentException.class, () -> TrainingBudget.ofMinutes(-1));
		assertThrows(IllegalArgumentException.class, () -> TrainingBudget.ofEpochs(0));
		assertEquals(5, TrainingSettings.builder().timeBudget(2).epochs(5).build().epochs(), "the last one given wins");
		assertTrue(TrainingSettings.defaults().budget().timed(), "the default is a time budget");
	}

	@Test
	void aProcessingScaleTrainsAndScoresOnResizedCopiesWithFullSizeMaps(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
		TrainingSettings s = TrainingSettings.builder().patchSizes(17).students(2).crop(24, 4).networkSize(8, 16).seed(3).useGpu(false).epochs(2)
				.processingScale(0.5).build();
		try (ModelTrainer.Outcome o = ModelTrainer.train(new TrainingImages(Synthetic.textures("n", 3, 64, 64, 1), Synthetic.textures("v", 1, 64, 64, 9)), s,
				TeacherWeights.Source.NONE, Map.of(), Progress.NONE)) {
			AnomalyModel m = o.model();
			assertEquals(0.5, m.processingScale());
			assertEquals(34, m.minimumImageSize(), "17 px patches at half size need 34 px");
			FloatImage image = Synthetic.texture("t", 70, 50, 5);
			AnomalyModel.Result r = m.score(image, 256, Progress.NONE);
			assertEquals(70 * 50, r.score().channel(0).length, "the map comes back at the input's size");
			assertEquals(70 * 50, r.perScale().get(17).error().length);
			IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.score(Synthetic.texture("small", 30, 30, 5), 256, Progress.NONE));
			assertTrue(e.getMessage().contains("smaller than") && e.getMessage().contains("34"), e.getMessage());
			java.nio.file.Path file = dir.resolve("m.zip");
			io.github.stad.engine.files.ModelBundle.save(m, file);
			try (AnomalyModel loaded = io.github.stad.engine.files.ModelBundle.load(file, false)) {
				assertEquals(0.5, loaded.processingScale());
				assertArrayEquals(r.score().channel(0), loaded.score(image, 256, Progress.NONE).score().channel(0), 1e-5f);
			}
		}
		assertThrows(IllegalArgumentException.class, () -> TrainingSettings.builder().processingScale(0).build());
		assertThrows(IllegalArgumentException.class, () -> TrainingSettings.builder().processingScale(1.5).build());
	}
}
