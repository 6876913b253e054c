package io.github.stad.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.stad.engine.Progress;
import io.github.stad.engine.files.ModelBundle;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.model.AnomalyModel;
import io.github.stad.engine.training.ModelTrainer;
import io.github.stad.engine.training.TrainingImages;
import io.github.stad.engine.training.TrainingSettings;
import io.github.stad.io.ImageEntry;
import io.github.stad.io.ImageSets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/** Batches that go on, keep what they did when cancelled, and share an output folder safely. */
class BatchReliabilityTest {

	@TempDir
	static Path dir;
	static AnomalyModel model;
	static List<ImageEntry> inputs;

	@BeforeAll
	static void tinyModel() throws Exception {
		List<FloatImage> normal = TrainJob.read(ImageSets.fromFolder(Path.of("sample-images/normal")), "normal", Progress.NONE);
		List<FloatImage> validation = TrainJob.read(ImageSets.fromFolder(Path.of("sample-images/validation")), "validation", Progress.NONE);
		TrainingSettings s = TrainingSettings.builder().patchSizes(17).students(2).epochs(1).crop(32, 4).networkSize(4, 8).useGpu(false).build();
		try (ModelTrainer.Outcome o = ModelTrainer.train(new TrainingImages(normal, validation), s, (p, c) -> null, Map.of(), Progress.NONE)) {
			ModelBundle.save(o.model(), dir.resolve("model.zip"));
		}
		model = ModelBundle.load(dir.resolve("model.zip"), false);
		inputs = ImageSets.fromFolder(Path.of("sample-images/test"));
	}

	@AfterAll
	static void close() {
		if (model != null) model.close();
	}

	@Test
	void aCancelledBatchStillWritesScoresCsvWithTheImagesDone() throws Exception {
		Path out = dir.resolve("cancelled");
		List<String> scored = Collections.synchronizedList(new ArrayList<>());
		Progress cancelAfterTwo = new Progress() {
			@Override public void update(String message, double fraction) { if (message.startsWith("Scoring ") && message.contains("/" + inputs.size() + ")")) scored.add(message); }
			@Override public boolean isCancelled() { return scored.size() > 2; }
		};
		Progress.CancelledException e = assertThrows(Progress.CancelledException.class,
				() -> BatchDetectJob.run(model, ScoreRequest.builder(out).inputs(inputs).guard(OutputGuard.cli(false)).build(ArgumentChecks.CLI), cancelAfterTwo));
		assertTrue(e.getMessage().contains("scores.csv") && e.getMessage().contains("of " + inputs.size()), e.getMessage());
		List<String> csv = Files.readAllLines(out.resolve("scores.csv"));
		assertEquals("image,image_score,anomalous,regions,error,largest_region_px", csv.get(0));
		assertTrue(csv.size() - 1 >= 1 && csv.size() - 1 < inputs.size(), "only the images done: " + csv);
	}

	@Test
	void twoRunsIntoOneFolderAtOnceLeaveCompleteFilesOrTheSecondIsRefused() throws Exception {
		Path out = dir.resolve("shared");
		ExecutorService pool = Executors.newFixedThreadPool(2);
		CountDownLatch start = new CountDownLatch(1);
		try {
			List<Future<?>> runs = new ArrayList<>();
			for (int r = 0; r < 2; r++) {
				runs.add(pool.submit(() -> {
					start.await();
					return BatchDetectJob.run(model, ScoreRequest.builder(out).inputs(inputs).guard(OutputGuard.cli(true)).build(ArgumentChecks.CLI), Progress.NONE);
				}));
			}
			start.countDown();
			int done = 0;
			for (Future<?> f : runs) {
				try {
					f.get();
					done++;
				} catch (java.util.concurrent.ExecutionException e) { // while the other one runs, the table's lock refuses this one
					assertTrue(e.getCause() instanceof io.github.stad.engine.files.OutputLock.HeldException && e.getCause().getMessage().contains("Another run is writing"),
							String.valueOf(e.getCause()));
				}
			}
			assertTrue(done >= 1, "one of them wrote the folder");
		} finally {
			pool.shutdownNow();
		}
		List<String> csv = Files.readAllLines(out.resolve("scores.csv"));
		assertEquals(inputs.size() + 1, csv.size(), "one whole table: " + csv);
		for (String line : csv.subList(1, csv.size())) assertEquals(6, line.split(",", -1).length, line);
		try (Stream<Path> s = Files.walk(out)) {
			assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".stad-")), "no temporary file is left");
		}
		for (ImageEntry e : inputs) assertTrue(Files.size(out.resolve(e.defectType()).resolve(e.stem() + ".tif")) > 0);
	}

	@Test
	void aLargeImageReportsProgressTileByTile() {
		FloatImage image = FloatImage.of("big", 96, 64, new float[96 * 64]);
		List<String> messages = Collections.synchronizedList(new ArrayList<>());
		List<Double> fractions = Collections.synchronizedList(new ArrayList<>());
		model.score(image, 32, (m, f) -> {
			messages.add(m);
			fractions.add(f);
		});
		assertTrue(messages.contains("Scoring big: p=17, tile 6/6"), messages.toString());
		assertEquals(6, messages.stream().filter(m -> m.contains("tile")).count(), messages.toString());
		for (int i = 1; i < fractions.size(); i++) assertTrue(fractions.get(i) >= fractions.get(i - 1), "progress only goes forward: " + fractions);
	}

	@Test
	void aZeroTileIsRefusedByTheRequestNamedAsTheCallerSpellsItAndByTheModel() {
		ScoreRequest.Builder zero = ScoreRequest.builder(dir.resolve("t0")).inputs(inputs).tile(0);
		assertTrue(assertThrows(ArgumentChecks.BadValueException.class, () -> zero.build(ArgumentChecks.CLI)).getMessage().startsWith("--tile 0: must lie between 16 and"));
		assertTrue(assertThrows(ArgumentChecks.BadValueException.class, () -> zero.build(ArgumentChecks.FIJI)).getMessage().startsWith("tile_size=0:"));
		assertTrue(assertThrows(ArgumentChecks.BadValueException.class, () -> ScoreRequest.builder(dir.resolve("t0")).inputs(inputs).minArea(0).build(ArgumentChecks.FIJI))
				.getMessage().startsWith("min_region_size=0:"));
		assertEquals("--threshold NaN: give a finite number", assertThrows(ArgumentChecks.BadValueException.class,
				() -> ScoreRequest.builder(dir.resolve("t0")).inputs(inputs).threshold(Double.NaN).build(ArgumentChecks.CLI)).getMessage(), "a NaN given is not the model's default");
		assertEquals("No images to score", assertThrows(IllegalArgumentException.class, () -> ScoreRequest.builder(dir.resolve("t0")).build(ArgumentChecks.CLI)).getMessage());
		assertThrows(IllegalArgumentException.class, () -> model.score(FloatImage.of("x", 32, 32, new float[32 * 32]), 0, Progress.NONE));
	}
}
