package io.github.stad.fiji;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.ImageStack;
import ij.WindowManager;
import ij.io.Opener;
import ij.measure.Calibration;
import ij.measure.ResultsTable;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import io.github.stad.engine.files.ModelBundle;
import io.github.stad.fiji.ij1.CommandBridge;
import net.imglib2.img.Img;
import net.imglib2.type.numeric.real.FloatType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Cancelable;
import org.scijava.Context;
import org.scijava.app.event.StatusEvent;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.event.EventHandler;
import org.scijava.event.EventService;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.ModuleService;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** Every command through a headless SciJava Context, as Fiji's --headless --run and scripts use them. */
class CommandsTest {

	static final Path SAMPLES = Path.of("sample-images").toAbsolutePath();
	/** Tiny networks: the tests check the plumbing, not the detection quality. */
	static final String TINY = "patch_sizes=17 students=2 epochs=1 network_width=4 descriptor_size=8 random_teacher=true";

	@TempDir
	static Path dir;
	static Context context;
	static Path model;

	@BeforeAll
	static void trainTinyModel() throws Exception {
		context = new Context();
		model = dir.resolve("model.zip");
		Module m = run(TrainModelCommand.class, tinyTraining(Map.of("normal_folder", SAMPLES.resolve("normal").toFile(),
				"validation_folder", SAMPLES.resolve("validation").toFile(), "model_file", model.toFile())));
		assertNotCanceled(m);
		assertTrue(Files.isRegularFile(model));
		assertTrue((Double) m.getOutput("threshold") > 0);
	}

	@AfterAll
	static void close() {
		if (context != null) context.dispose();
	}

	static Map<String, Object> tinyTraining(Map<String, Object> more) {
		Map<String, Object> in = new HashMap<>(Map.of("patch_sizes", "17", "students", 2, "epochs", 1, "network_width", 4, "descriptor_size", 8, "seed", 3, "random_teacher", true));
		in.putAll(more);
		return in;
	}

	/** The full SciJava path: pre- and postprocessors, on a worker thread. */
	static Module run(Class<? extends StadCommand> type, Map<String, Object> inputs) throws Exception {
		CommandInfo info = context.service(CommandService.class).getCommand(type);
		return context.service(ModuleService.class).run(info, true, inputs).get();
	}

	/** In this thread, as the ImageJ 1 bridge runs commands: the thread's current image is visible. */
	static Module runHere(Class<? extends StadCommand> type, Map<String, Object> inputs) {
		return CommandBridge.run(context, context.service(CommandService.class).getCommand(type), inputs);
	}

	static void assertNotCanceled(Module m) {
		Cancelable c = (Cancelable) m;
		assertFalse(c.isCanceled(), () -> "cancelled: " + c.getCancelReason());
	}

	static String failure(Module m) {
		Cancelable c = (Cancelable) m;
		assertTrue(c.isCanceled(), "the command should have failed");
		return c.getCancelReason();
	}

	static File sample(String path) {
		return SAMPLES.resolve(path).toFile();
	}

	@Test
	void everyCommandIsUnderOneMenuWithSnakeCaseParametersThatAreNotPersisted() {
		List<CommandInfo> ours = context.service(CommandService.class).getCommands().stream()
				.filter(i -> i.getClassName().startsWith("io.github.stad.fiji.")).toList();
		assertEquals(8, ours.size()); // Train, Detect, Segment, Batch Detect, Evaluate, Refine, Train Teacher, Model Info
		for (CommandInfo info : ours) {
			assertTrue(info.getMenuPath().toString().startsWith("[Plugins, Anomaly Detection, "), info.getMenuPath().toString());
			assertTrue(info.getTitle().endsWith("..."), info.getTitle());
			assertTrue(info.canRunHeadless(), info.getTitle() + " must run with --headless");
			for (ModuleItem<?> item : info.inputs()) {
				if (org.scijava.service.Service.class.isAssignableFrom(item.getType()) || item.getType() == Context.class) continue;
				assertTrue(item.getName().matches("[a-z]+(_[a-z]+)*"), item.getName());
				assertFalse(item.isPersisted(), info.getTitle() + ": " + item.getName() + " is persisted");
			}
		}
	}

	@Test
	void theMacroReferenceDocumentsEveryCommandAndParameter() throws Exception {
		String doc = Files.readString(Path.of("docs/macro-reference.md"));
		for (CommandInfo info : context.service(CommandService.class).getCommands()) {
			if (!info.getClassName().startsWith("io.github.stad.fiji.")) continue;
			assertTrue(doc.contains("## " + info.getTitle()), "no section for " + info.getTitle());
			for (ModuleItem<?> item : info.inputs()) {
				if (org.scijava.service.Service.class.isAssignableFrom(item.getType()) || item.getType() == Context.class) continue;
				assertTrue(doc.contains("`" + item.getName() + "`"), info.getTitle() + ": " + item.getName() + " is not documented");
			}
			for (ModuleItem<?> item : info.outputs()) assertTrue(doc.contains("`" + item.getName() + "`"), info.getTitle() + ": output " + item.getName() + " is not documented");
		}
	}

	@Test
	void detectOnAFileGivesA32BitMapOfTheSameSizeAndAnImgLib2Image() throws Exception {
		Module m = run(DetectAnomaliesCommand.class, Map.of("model_file", model.toFile(), "image_file", sample("test/defect/scratch.png")));
		assertNotCanceled(m);
		ImagePlus map = (ImagePlus) m.getOutput("anomaly_map");
		assertEquals(32, map.getBitDepth());
		assertEquals(128, map.getWidth());
		assertEquals(128, map.getHeight());
		assertEquals("scratch_anomaly", map.getTitle());
		@SuppressWarnings("unchecked")
		Img<FloatType> img = (Img<FloatType>) m.getOutput("anomaly_img");
		assertArrayEquals(new long[] { 128, 128 }, img.dimensionsAsLongArray());
		float max = Float.NEGATIVE_INFINITY;
		for (FloatType t : img) max = Math.max(max, t.get());
		assertEquals((Double) m.getOutput("image_score"), max, 1e-5);
		assertTrue(m.isOutputResolved("anomaly_map"), "outputs are for scripts, not extra windows");
	}

	@Test
	void detectOnTheActiveStackKeepsCalibrationAndAddsScaleMaps() throws Exception {
		ImageStack stack = new ImageStack(128, 128);
		for (String name : List.of("000", "001", "002")) stack.addSlice(name, new Opener().openImage(sample("validation/" + name + ".png").getPath()).getProcessor());
		ImagePlus imp = new ImagePlus("plate.tif", stack);
		Calibration cal = imp.getCalibration();
		cal.pixelWidth = cal.pixelHeight = 0.25;
		cal.setUnit("um");
		WindowManager.setTempCurrentImage(imp);
		try {
			Module m = runHere(DetectAnomaliesCommand.class, Map.of("model_file", model.toFile(), "add_scale_maps", true));
			assertNotCanceled(m);
			ImagePlus map = (ImagePlus) m.getOutput("anomaly_map");
			assertEquals(3, map.getNChannels(), "anomaly map, e and v of the one scale");
			assertTrue(map.getStack().getSliceLabel(1).startsWith("anomaly (all scales)"), map.getStack().getSliceLabel(1));
			assertTrue(map.getStack().getSliceLabel(2).startsWith("p=17 e (regression error)"), "layers are named by scale and signal: " + map.getStack().getSliceLabel(2));
			assertTrue(map.getStack().getSliceLabel(3).startsWith("p=17 v (student variance)"), map.getStack().getSliceLabel(3));
			assertEquals(3, map.getNSlices(), "one per input plane");
			assertEquals(0.25, map.getCalibration().pixelWidth);
			assertEquals("\u00b5m", map.getCalibration().getUnit());
			assertArrayEquals(new long[] { 128, 128, 3 }, ((Img<?>) m.getOutput("anomaly_img")).dimensionsAsLongArray());
		} finally {
			WindowManager.setTempCurrentImage(null);
		}
	}

	@Test
	void detectAcceptsEveryGrayPixelTypeAndAFolder() throws Exception {
		ImagePlus eight = new Opener().openImage(sample("test/good/000.png").getPath());
		for (ImagePlus imp : new ImagePlus[] { new ImagePlus("16-bit", eight.getProcessor().convertToShort(false)),
				new ImagePlus("32-bit", eight.getProcessor().convertToFloat()) }) {
			WindowManager.setTempCurrentImage(imp);
			try {
				Module m = runHere(DetectAnomaliesCommand.class, Map.of("model_file", model.toFile()));
				assertNotCanceled(m);
				assertEquals(imp.getTitle() + "_anomaly", ((ImagePlus) m.getOutput("anomaly_map")).getTitle());
			} finally {
				WindowManager.setTempCurrentImage(null);
			}
		}
		Module folder = run(DetectAnomaliesCommand.class, Map.of("model_file", model.toFile(), "image_folder", sample("validation")));
		assertNotCanceled(folder);
		ImagePlus maps = (ImagePlus) folder.getOutput("anomaly_map");
		assertEquals(3, maps.getStackSize());
		assertEquals("anomaly 000.png", maps.getStack().getSliceLabel(1));
	}

	@Test
	void detectRefusesAMissingModelAndAnRgbImageForAGrayModelWithClearMessages() throws Exception {
		String missing = failure(run(DetectAnomaliesCommand.class, Map.of("model_file", dir.resolve("nope.zip").toFile(), "image_file", sample("test/good/000.png"))));
		assertTrue(missing.contains("not found"), missing);

		ImagePlus rgb = new ImagePlus("colour.png", new ColorProcessor(128, 128));
		WindowManager.setTempCurrentImage(rgb);
		try {
			String channels = failure(runHere(DetectAnomaliesCommand.class, Map.of("model_file", model.toFile())));
			assertTrue(channels.contains("channel"), channels);
		} finally {
			WindowManager.setTempCurrentImage(null);
		}
		String noImage = failure(run(DetectAnomaliesCommand.class, Map.of("model_file", model.toFile())));
		assertTrue(noImage.contains("No image is open"), noImage);
	}

	@Test
	void detectRefusesATwoChannelImageForAGrayModel() {
		ImageStack stack = new ImageStack(128, 128);
		stack.addSlice(new ByteProcessor(128, 128));
		stack.addSlice(new ByteProcessor(128, 128));
		ImagePlus imp = new ImagePlus("two channels", stack);
		imp.setDimensions(2, 1, 1);
		WindowManager.setTempCurrentImage(imp);
		try {
			String message = failure(runHere(DetectAnomaliesCommand.class, Map.of("model_file", model.toFile())));
			assertTrue(message.contains("2 channels") && message.contains("Split Channels"), message);
		} finally {
			WindowManager.setTempCurrentImage(null);
		}
	}

	@Test
	void segmentWritesRoisAndTablesAndReportsRegions() throws Exception {
		Path out = dir.resolve("segment");
		Module m = run(SegmentAnomaliesCommand.class, Map.of("model_file", model.toFile(), "image_file", sample("test/defect/foreign_patch.png"),
				"threshold_mode", "value", "threshold_value", -1000.0, "min_region_size", 5, "output_folder", out.toFile()));
		assertNotCanceled(m);
		assertEquals(-1000.0, (Double) m.getOutput("threshold"));
		assertEquals(1, (Integer) m.getOutput("region_count"), "every pixel passes: one region");
		assertTrue((Boolean) m.getOutput("flagged"));
		ResultsTable regions = (ResultsTable) m.getOutput("regions_table");
		assertEquals(128 * 128, regions.getValue("area_px", 0));
		for (String column : new String[] { "mean_score", "max_score", "centroid_x", "centroid_y", "bbox_x", "bbox_y", "bbox_width", "bbox_height" }) {
			assertTrue(regions.columnExists(column), column);
		}
		ResultsTable images = (ResultsTable) m.getOutput("images_table");
		assertEquals("yes", images.getStringValue("flagged", 0));
		assertTrue(Files.size(out.resolve("foreign_patch_rois.zip")) > 0);
		assertEquals(2, Files.readAllLines(out.resolve("foreign_patch_regions.csv")).size());
		assertTrue(Files.readAllLines(out.resolve("foreign_patch_images.csv")).get(0).startsWith("image,image_score,threshold,flagged"));
	}

	@Test
	void segmentingAStackPutsEachRegionOnItsPlane() throws Exception {
		ImageStack stack = new ImageStack(128, 128);
		for (String name : List.of("000", "001")) stack.addSlice(name, new Opener().openImage(sample("validation/" + name + ".png").getPath()).getProcessor());
		ImagePlus imp = new ImagePlus("plate.tif", stack);
		WindowManager.setTempCurrentImage(imp);
		Path out = dir.resolve("segment-stack");
		try {
			Module m = runHere(SegmentAnomaliesCommand.class, Map.of("model_file", model.toFile(), "threshold_mode", "value", "threshold_value", -1000.0, "output_folder", out.toFile()));
			assertNotCanceled(m);
			assertEquals(2, (Integer) m.getOutput("region_count"));
			assertEquals(2, imp.getOverlay().size());
			assertEquals(1, imp.getOverlay().get(0).getPosition());
			assertEquals(2, imp.getOverlay().get(1).getPosition());
			assertEquals("plate_z2-region-1", imp.getOverlay().get(1).getName());
			assertEquals(3, Files.readAllLines(out.resolve("plate_images.csv")).size(), "one row per plane");
			assertTrue(Files.exists(out.resolve("plate_rois.zip")));
		} finally {
			WindowManager.setTempCurrentImage(null);
		}
	}

	@Test
	void segmentByFalsePositiveRateUsesTheValidationScores() throws Exception {
		try (var m = ModelBundle.load(model, false)) {
			Module strict = run(SegmentAnomaliesCommand.class, Map.of("model_file", model.toFile(), "image_file", sample("test/good/000.png"),
					"threshold_mode", "fpr", "target_fpr", 0.0001));
			Module loose = run(SegmentAnomaliesCommand.class, Map.of("model_file", model.toFile(), "image_file", sample("test/good/000.png"),
					"threshold_mode", "fpr", "target_fpr", 0.2));
			assertNotCanceled(strict);
			assertNotCanceled(loose);
			double t1 = (Double) strict.getOutput("threshold"), t2 = (Double) loose.getOutput("threshold");
			assertTrue(t1 > t2, t1 + " should exceed " + t2);
			// three validation images: the image-level default is their highest score, above the 0.01 % rate's
			assertTrue(m.threshold() >= t1, "the default (the highest validation score) is above every rate's threshold");
			assertTrue(m.fprForThreshold(m.threshold()) <= 0.0001, "almost no validation pixel lies above the default");
		}
		String bad = failure(run(SegmentAnomaliesCommand.class, Map.of("model_file", model.toFile(), "image_file", sample("test/good/000.png"), "threshold_mode", "fpr", "target_fpr", 2.0)));
		assertTrue(bad.contains("between 0 and 1"), bad);
	}

	@Test
	void batchDetectGoesOnPastABrokenFileAndReportsIt() throws Exception {
		Path in = dir.resolve("batch-in"), out = dir.resolve("batch-out");
		Files.createDirectories(in);
		Files.copy(SAMPLES.resolve("test/defect/scratch.png"), in.resolve("scratch.png"));
		Files.copy(SAMPLES.resolve("test/good/000.png"), in.resolve("good.png"));
		Files.writeString(in.resolve("broken.png"), "not a png");
		Module m = run(BatchDetectCommand.class, Map.of("model_file", model.toFile(), "input_folder", in.toFile(), "output_folder", out.toFile()));
		assertNotCanceled(m);
		assertEquals(2, (Integer) m.getOutput("scored"));
		assertEquals(1, (Integer) m.getOutput("failed"));
		for (String f : new String[] { "scratch.tif", "scratch_overlay.png", "scratch_rois.zip", "good.tif", "scores.csv" }) assertTrue(Files.exists(out.resolve(f)), f);
		String csv = Files.readString(out.resolve("scores.csv"));
		assertTrue(csv.contains("broken.png") && csv.contains("not a readable"), csv);
		ImagePlus map = new Opener().openImage(out.resolve("scratch.tif").toString());
		assertEquals(32, map.getBitDepth());

		// Triage: one table of all images, the highest image score first, the failure last, with the largest region.
		ResultsTable table = (ResultsTable) m.getOutput("scores_table");
		assertEquals(3, table.size());
		assertTrue(table.getValue("image_score", 0) >= table.getValue("image_score", 1), "sorted by image score");
		assertEquals("broken.png", table.getStringValue("image", 2), "failures last");
		assertTrue(table.columnExists("largest_region_px"));
		List<String> lines = Files.readAllLines(out.resolve("scores.csv"));
		assertEquals("image,image_score,anomalous,regions,error,largest_region_px", lines.get(0));
		assertEquals(table.getStringValue("image", 0), lines.get(1).split(",")[0], "scores.csv has the table's order");
	}

	@Test
	void aRowOfTheTriageTableOpensItsImageWithTheRegionsAsAnOverlay() throws Exception {
		Path in = dir.resolve("triage-in"), out = dir.resolve("triage-out");
		Files.createDirectories(in.resolve("defect"));
		Files.createDirectories(in.resolve("good"));
		Files.copy(SAMPLES.resolve("test/defect/foreign_patch.png"), in.resolve("defect/foreign_patch.png"));
		Files.copy(SAMPLES.resolve("test/good/000.png"), in.resolve("good/000.png"));
		Files.writeString(in.resolve("good/broken.png"), "not a png");
		List<io.github.stad.io.ImageEntry> inputs = io.github.stad.io.ImageSets.fromFolder(in);
		List<io.github.stad.jobs.ResultRows.ImageRow> rows;
		try (var mdl = ModelBundle.load(model, false)) {
			rows = io.github.stad.jobs.BatchDetectJob.run(mdl, io.github.stad.jobs.ScoreRequest.builder(out).inputs(inputs).threshold(mdl.threshold() - 1).minArea(1)
					.build(io.github.stad.jobs.ArgumentChecks.CLI), io.github.stad.engine.Progress.NONE);
		}
		BatchTriage triage = new BatchTriage(rows, inputs, out);
		for (int row = 0; row < rows.size(); row++) {
			if (rows.get(row).failed()) {
				int r = row;
				assertTrue(assertThrowsMessage(() -> triage.open(r)).contains("no image"), "a failed row has nothing to open");
				continue;
			}
			ImagePlus imp = triage.open(row);
			assertEquals(rows.get(row).regions(), imp.getOverlay() == null ? 0 : imp.getOverlay().size(), "the overlay holds the row's regions: " + rows.get(row));
			assertTrue(imp.getTitle().startsWith(Path.of(rows.get(row).image()).getFileName().toString()), imp.getTitle());
		}
		assertTrue(triage.roiSet(rows.indexOf(rows.stream().filter(r -> r.image().equals("defect/foreign_patch.png")).findFirst().orElseThrow()))
				.endsWith(Path.of("defect/foreign_patch_rois.zip")), "images in a type subfolder have their outputs in the same subfolder");

		// Selected rows become one stack for Refine Model… (R in the table); the failed row is left out.
		ImagePlus stack = triage.stackOf(0, rows.size() - 1);
		assertEquals(2, stack.getStackSize());
		assertTrue(List.of("foreign_patch.png", "000.png").containsAll(List.of(stack.getStack().getSliceLabel(1), stack.getStack().getSliceLabel(2))));
		int failedRow = rows.indexOf(rows.stream().filter(io.github.stad.jobs.ResultRows.ImageRow::failed).findFirst().orElseThrow());
		assertTrue(assertThrowsMessage(() -> triage.stackOf(failedRow, failedRow)).contains("Select the rows"));
	}

	static String assertThrowsMessage(org.junit.jupiter.api.function.Executable e) {
		return org.junit.jupiter.api.Assertions.assertThrows(Exception.class, e).getMessage();
	}

	@Test
	void everyCommandRunsAsFijisHeadlessRunCallsItAndTheCallWaitsForTheWork() throws Exception {
		// The command service hands back no future for a DynamicCommand (a Module): --headless --run then logs a
		// NullPointerException and does not wait. Plain commands get a real future.
		for (CommandInfo info : context.service(CommandService.class).getCommands()) {
			if (!info.getClassName().startsWith("io.github.stad.fiji.")) continue;
			assertFalse(Module.class.isAssignableFrom(info.loadClass()), info.getTitle() + " is a Module: the command service would return no future");
		}
		List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
		org.scijava.log.LogListener listener = msg -> { if (msg.level() <= org.scijava.log.LogLevel.ERROR) errors.add(msg.text() + " " + msg.throwable()); };
		context.service(org.scijava.log.LogService.class).addLogListener(listener);
		try {
			// Exactly what `ImageJ --headless --run "Batch Detect..." "model_file='…',…"` does: parse, then the run service by title.
			Path out = dir.resolve("headless-run");
			String args = "model_file='" + model + "',input_folder='" + SAMPLES.resolve("test/defect") + "',output_folder='" + out + "'";
			var items = context.service(org.scijava.parse.ParseService.class).parse(args);
			context.service(org.scijava.run.RunService.class).run("Batch Detect...", items.asMap());
			assertTrue(Files.exists(out.resolve("scores.csv")), "the call returned before the work was done");

			// And through the command service by class, as scripts call it: a real future whose module has the outputs.
			var future = context.service(CommandService.class).run(ModelInfoCommand.class, true, Map.of("model_file", model.toFile()));
			assertNotNull(future, "the command service must return a future");
			var module = future.get();
			assertNotCanceled(module);
			assertTrue(((String) module.getOutput("info")).contains("threshold"));
		} finally {
			context.service(org.scijava.log.LogService.class).removeLogListener(listener);
		}
		assertEquals(List.of(), errors, "no error may be logged");
	}

	@Test
	void aCommandOnAWorkerThreadOfAMacroWarnsAboutABareCheckboxWord() throws Exception {
		// In Fiji the macro's thread holds the options and the command runs on a SciJava thread it started.
		List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
		org.scijava.log.LogListener listener = msg -> { if (msg.level() == org.scijava.log.LogLevel.WARN) warnings.add(msg.text()); };
		context.service(org.scijava.log.LogService.class).addLogListener(listener);
		Throwable[] error = new Throwable[1];
		try {
			Thread t = new Thread(() -> {
				try {
					ij.Macro.setOptions(Thread.currentThread(), "model_file=[" + model + "] add_scale_maps image_file=[" + sample("test/good/000.png") + "]");
					run(DetectAnomaliesCommand.class, Map.of("model_file", model.toFile(), "image_file", sample("test/good/000.png")));
				} catch (Throwable e) {
					error[0] = e;
				}
			}, "Run$_worker-warning-test");
			t.start();
			t.join();
		} finally {
			context.service(org.scijava.log.LogService.class).removeLogListener(listener);
		}
		assertEquals(null, error[0]);
		assertTrue(warnings.stream().anyMatch(w -> w.contains("add_scale_maps") && w.contains("add_scale_maps=true")), warnings.toString());
	}

	@Test
	void theRecorderWritesEveryCheckboxAsKeyEqualsValueAndTheLiveThresholdAsChosen() throws Exception {
		Module detect = runHere(DetectAnomaliesCommand.class, Map.of("model_file", model.toFile(), "image_file", sample("test/good/000.png"), "add_scale_maps", true));
		assertNotCanceled(detect);
		Map<String, String> recorded = CommandBridge.recordedOptions(context.service(CommandService.class).getCommand(DetectAnomaliesCommand.class), detect);
		assertEquals("true", recorded.get("add_scale_maps"));
		assertEquals("false", recorded.get("use_gpu"));
		assertEquals(model.toString(), recorded.get("model_file"));

		// What the live threshold dialog chose becomes the command's parameters, which both recorders read.
		CommandInfo info = context.service(CommandService.class).getCommand(SegmentAnomaliesCommand.class);
		Module segment = context.service(ModuleService.class).createModule(info);
		var command = (SegmentAnomaliesCommand) ((org.scijava.command.CommandModule) segment).getCommand();
		command.apply(new ThresholdPreview.State(io.github.stad.jobs.ThresholdChoice.VALUE, 2.5, 0.004, List.of()));
		assertEquals("value", CommandBridge.recordedOptions(info, segment).get("threshold_mode"));
		assertEquals("2.5", CommandBridge.recordedOptions(info, segment).get("threshold_value"));
		command.apply(new ThresholdPreview.State(io.github.stad.jobs.ThresholdChoice.FPR, 2.5, 0.004, List.of()));
		assertEquals("fpr", CommandBridge.recordedOptions(info, segment).get("threshold_mode"));
		assertEquals("0.004", CommandBridge.recordedOptions(info, segment).get("target_fpr"));
	}

	@Test
	void theDocsStandAloneWithoutTheSharedFolder() throws Exception {
		List<Path> docs = new java.util.ArrayList<>(List.of(Path.of("README.md")));
		try (var s = Files.list(Path.of("docs"))) {
			s.filter(p -> p.toString().endsWith(".md")).forEach(docs::add);
		}
		for (Path d : docs) {
			String text = Files.readString(d);
			assertFalse(text.contains("](../shared") || text.contains("METHOD.md"), d + " links ../shared, which a user does not have");
		}
		assertTrue(Files.readString(Path.of("README.md")).contains("(docs/method.md)"), "the README links the method page");
		assertTrue(Files.size(Path.of("docs/method.md")) > 2000);
	}

	@Test
	void batchDetectScoresOneShardIntoItsOwnCsv() throws Exception {
		Path out = dir.resolve("batch-shard");
		Module m = run(BatchDetectCommand.class, Map.of("model_file", model.toFile(), "input_folder", sample("test"), "output_folder", out.toFile(), "shard", "2/3"));
		assertNotCanceled(m);
		assertEquals(2, (Integer) m.getOutput("scored"));
		assertTrue(Files.exists(out.resolve("scores-2-of-3.csv")) && Files.exists(out.resolve("scores-2-of-3.done")));
		assertFalse(Files.exists(out.resolve("scores.csv")));
		assertTrue(failure(run(BatchDetectCommand.class, Map.of("model_file", model.toFile(), "input_folder", sample("test"), "output_folder", out.toFile(), "shard", "4/3")))
				.contains("shard must be K/N"));
	}

	@Test
	void mapModeIsTrainedIntoTheModelChosenWhenDetectingAndLeftOutByOldMacros() throws Exception {
		Path strided = dir.resolve("strided.zip");
		assertNotCanceled(run(TrainModelCommand.class, tinyTraining(Map.of("normal_folder", SAMPLES.resolve("normal").toFile(),
				"validation_folder", SAMPLES.resolve("validation").toFile(), "model_file", strided.toFile(), "patch_sizes", "17,33", "map_mode", "strided"))));
		assertEquals("strided", ModelBundle.describe(strided).get("maps"));
		File image = sample("test/defect/scratch.png");
		float[][] maps = new float[3][];
		String[] modes = { "model", "strided", "exact" };
		for (int i = 0; i < 3; i++) {
			Module m = run(DetectAnomaliesCommand.class, Map.of("model_file", strided.toFile(), "image_file", image, "map_mode", modes[i]));
			assertNotCanceled(m);
			maps[i] = (float[]) ((ImagePlus) m.getOutput("anomaly_map")).getProcessor().getPixels();
		}
		assertArrayEquals(maps[1], maps[0], "model: as trained (strided)");
		assertFalse(java.util.Arrays.equals(maps[2], maps[0]), "exact on request");
		assertTrue(failure(run(DetectAnomaliesCommand.class, Map.of("model_file", strided.toFile(), "image_file", image, "map_mode", "fast"))).contains("map_mode"));

		// a macro of an earlier version names no map_mode: it keeps its default instead of stopping at the dialog
		Module old = context.service(CommandService.class).getCommand(BatchDetectCommand.class).createModule();
		assertFalse(old.isInputResolved("map_mode"));
		new OptionalFiles().process(old);
		assertTrue(old.isInputResolved("map_mode"));
		assertEquals("model", old.getInput("map_mode"));
	}

	@Test
	void evaluateWritesMetricsAndReturnsThem() throws Exception {
		Path out = dir.resolve("evaluation");
		Module m = run(EvaluateCommand.class, Map.of("model_file", model.toFile(), "test_folder", sample("test"), "mask_folder", sample("ground_truth"), "output_folder", out.toFile()));
		assertNotCanceled(m);
		for (String key : new String[] { "au_pro", "pixel_auroc", "image_auroc" }) {
			double v = (Double) m.getOutput(key);
			assertTrue(v >= 0 && v <= 1, key + " = " + v);
		}
		assertTrue(Files.exists(out.resolve("metrics.json")));
		assertTrue(Files.exists(out.resolve("pro_curve.png")));
		assertEquals("all", ((ResultsTable) m.getOutput("metrics_table")).getStringValue("defect_type", 0));
	}

	@Test
	void modelInfoShowsSettingsThresholdAndProvenance() throws Exception {
		Module m = run(ModelInfoCommand.class, Map.of("model_file", model.toFile()));
		assertNotCanceled(m);
		String info = (String) m.getOutput("info");
		assertTrue(info.contains("threshold\t"), info);
		assertTrue(info.contains("patchSizes\t[17]"), info);
		assertTrue(info.contains("provenance.normalData"), info);
		assertTrue(failure(run(ModelInfoCommand.class, Map.of("model_file", dir.resolve("missing.zip").toFile()))).contains("missing.zip"));
	}

	@Test
	void trainingRefusesASingleImageWithoutValidationAndKeepsTheOldModel() throws Exception {
		Path target = dir.resolve("keep.zip");
		Files.writeString(target, "previous model");
		String message = failure(run(TrainModelCommand.class, tinyTraining(Map.of("normal_folder", dir.resolve("one").toFile(), "model_file", target.toFile()))));
		assertTrue(message.contains("one"), message);
		ImagePlus single = new Opener().openImage(sample("normal/000.png").getPath());
		WindowManager.setTempCurrentImage(single);
		try {
			String m2 = failure(runHere(TrainModelCommand.class, tinyTraining(Map.of("model_file", target.toFile()))));
			assertTrue(m2.contains("at least 2"), m2);
		} finally {
			WindowManager.setTempCurrentImage(null);
		}
		assertEquals("previous model", Files.readString(target));
	}

	@Test
	void cancellingTrainingLeavesThePreviousModelFileIntact() throws Exception {
		Path target = dir.resolve("cancelled.zip");
		Files.copy(model, target);
		byte[] before = Files.readAllBytes(target);
		CommandInfo info = context.service(CommandService.class).getCommand(TrainModelCommand.class);
		Module module = context.service(ModuleService.class).createModule(info);
		AtomicReference<Object> keep = new AtomicReference<>();
		Object listener = new Object() {
			@EventHandler
			public void onStatus(StatusEvent e) {
				String s = e.getStatusMessage();
				// Status events arrive asynchronously: cancel once, as a user would, so a late event cannot overwrite the reason.
				if (s != null && s.contains("students: step") && keep.compareAndSet(null, this)) ((Cancelable) module).cancel("test");
			}
		};
		Object[] strong = { listener }; // the event service holds subscribers weakly
		context.service(EventService.class).subscribe(listener);
		Map<String, Object> in = tinyTraining(Map.of("normal_folder", sample("normal"), "validation_folder", sample("validation"), "model_file", target.toFile(), "epochs", 50,
				"overwrite", true));
		context.service(ModuleService.class).run(module, true, in).get();
		assertTrue(((Cancelable) module).isCanceled());
		assertTrue(((Cancelable) module).getCancelReason().contains("Cancelled"), ((Cancelable) module).getCancelReason());
		assertArrayEquals(before, Files.readAllBytes(target));
		assertNotNull(strong[0]);
	}

	@Test
	void trainTeacherWritesAResumableTeacherFile() throws Exception {
		Path teacher = dir.resolve("teacher.zip");
		Map<String, Object> in = new HashMap<>(Map.of("images_folder", sample("normal"), "patch_size", "17", "iterations", 3, "network_width", 4,
				"descriptor_size", 8, "teacher_file", teacher.toFile()));
		Module m = run(TrainTeacherCommand.class, in);
		assertNotCanceled(m);
		assertTrue(Double.isFinite((Double) m.getOutput("final_loss")));
		assertEquals(17, io.github.stad.engine.files.TeacherFile.load(teacher).architecture().patchSize());
		in.put("iterations", 5);
		in.put("resume_file", teacher.toFile());
		assertNotCanceled(run(TrainTeacherCommand.class, in));

		Path dense = dir.resolve("teacher-dense.zip");
		Map<String, Object> denseIn = new HashMap<>(Map.of("images_folder", sample("normal"), "patch_size", "17", "mode", "dense", "iterations", 2, "network_width", 4,
				"descriptor_size", 8, "teacher_file", dense.toFile()));
		assertNotCanceled(run(TrainTeacherCommand.class, denseIn));
		assertEquals(17, io.github.stad.engine.files.TeacherFile.load(dense).architecture().patchSize());

		in.put("images_folder", dir.resolve("no-such-folder").toFile());
		String message = failure(run(TrainTeacherCommand.class, in));
		assertTrue(message.contains("no-such-folder"), message);
	}

	@Test
	void trainTeacherNamesABadPatchSizeOrWidthAsAMacroSpellsIt() throws Exception {
		Path teacher = dir.resolve("bad-teacher.zip");
		Map<String, Object> in = new HashMap<>(Map.of("images_folder", sample("normal"), "patch_size", "70", "iterations", 1, "teacher_file", teacher.toFile()));
		String patchSize = failure(run(TrainTeacherCommand.class, in));
		assertTrue(patchSize.contains("patch_size=70") && patchSize.contains("17, 33, 65"), patchSize);
		in.put("patch_size", "17");
		in.put("network_width", 2000);
		String width = failure(run(TrainTeacherCommand.class, in));
		assertTrue(width.contains("network_width=2000: must lie between 1 and"), width);
		assertFalse(Files.exists(teacher));
	}

	@Test
	void trainTeacherColourModeTeachesTheShippedGrayTeacherColour() throws Exception {
		Path photos = io.github.stad.testutil.Synthetic.writeRgbPhotos(dir.resolve("colour-photos"), 2);
		Path teacher = dir.resolve("teacher-colour.zip");
		Map<String, Object> in = new HashMap<>(Map.of("images_folder", photos.toFile(), "patch_size", "17", "mode", "colour", "iterations", 1, "teacher_file", teacher.toFile()));
		assertNotCanceled(run(TrainTeacherCommand.class, in));
		assertEquals(3, io.github.stad.engine.files.TeacherFile.load(teacher).architecture().inputChannels());
		try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(teacher.toFile())) {
			String header = new String(zip.getInputStream(zip.getEntry("teacher.json")).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
			assertTrue(header.contains("\"mode\": \"colour\"") && header.contains("teacher-p17-gray.zip"), header);
		}
		in.put("images_folder", sample("normal"));
		in.put("teacher_file", dir.resolve("teacher-colour-gray.zip").toFile());
		String message = failure(run(TrainTeacherCommand.class, in));
		assertTrue(message.contains("RGB photographs"), message);
		assertFalse(Files.exists(dir.resolve("teacher-colour-gray.zip")));
	}

	// ------------------------------------------------------------------ issue 11: outputs, output folders and model files in Fiji

	@Test
	void batchDetectNeverReplacesExistingOutputsUnlessOverwriteAndNeverAnInput() throws Exception {
		Path in = dir.resolve("guard-in"), out = dir.resolve("guard-out");
		Files.createDirectories(in);
		Files.createDirectories(out);
		Files.copy(SAMPLES.resolve("test/good/000.png"), in.resolve("a.png"));
		Files.writeString(out.resolve("a.tif"), "the user's own file");
		String message = failure(run(BatchDetectCommand.class, Map.of("model_file", model.toFile(), "input_folder", in.toFile(), "output_folder", out.toFile())));
		assertTrue(message.contains(out.resolve("a.tif").toString()) && message.contains("already exists") && message.contains("overwrite=true"), message);
		assertEquals("the user's own file", Files.readString(out.resolve("a.tif")));
		assertFalse(Files.exists(out.resolve("scores.csv")), "refused before any work");
		assertNotCanceled(run(BatchDetectCommand.class, Map.of("model_file", model.toFile(), "input_folder", in.toFile(), "output_folder", out.toFile(), "overwrite", true)));
		assertTrue(Files.size(out.resolve("a.tif")) > 100);

		byte[] image = Files.readAllBytes(in.resolve("a.png"));
		Files.copy(in.resolve("a.png"), in.resolve("a_overlay.png")); // outputs into the input folder would replace this input
		Files.delete(in.resolve("a.png"));
		Files.copy(SAMPLES.resolve("test/good/000.png"), in.resolve("a.png"));
		String input = failure(run(BatchDetectCommand.class, Map.of("model_file", model.toFile(), "input_folder", in.toFile(), "output_folder", in.toFile(), "overwrite", true)));
		assertTrue(input.contains("is one of the input images"), input);
		assertArrayEquals(image, Files.readAllBytes(in.resolve("a_overlay.png")));
	}

	@Test
	void trainModelRefusesAnExistingModelWithoutOverwriteAndTheTeacherFileAlways() throws Exception {
		Path existing = dir.resolve("existing.zip");
		Files.copy(model, existing);
		byte[] before = Files.readAllBytes(existing);
		String message = failure(run(TrainModelCommand.class, tinyTraining(Map.of("normal_folder", sample("normal"), "validation_folder", sample("validation"),
				"model_file", existing.toFile()))));
		assertTrue(message.contains("existing.zip") && message.contains("already exists") && message.contains("overwrite"), message);
		String teacher = failure(run(TrainModelCommand.class, tinyTraining(Map.of("normal_folder", sample("normal"), "validation_folder", sample("validation"),
				"model_file", existing.toFile(), "teacher_files", existing.toString(), "overwrite", true))));
		assertTrue(teacher.contains("teacher file") && teacher.contains("never replaced"), teacher);
		assertArrayEquals(before, Files.readAllBytes(existing));
		String twice = failure(run(TrainModelCommand.class, tinyTraining(Map.of("patch_sizes", "17,17", "model_file", dir.resolve("never.zip").toFile()))));
		assertTrue(twice.contains("patch_sizes=17,17") && twice.contains("given twice"), twice);
		String students = failure(run(TrainModelCommand.class, tinyTraining(Map.of("students", 99999, "model_file", dir.resolve("never.zip").toFile()))));
		assertTrue(students.contains("students=99999") && students.contains("between 1 and 64"), students);
		String adaptation = failure(run(TrainModelCommand.class, tinyTraining(Map.of("teacher_adaptation", 0.75, "model_file", dir.resolve("never.zip").toFile()))));
		assertTrue(adaptation.contains("teacher_adaptation=0.75") && adaptation.contains("[0, 0.5]"), adaptation);
		assertFalse(Files.exists(dir.resolve("never.zip")));
	}

	@Test
	void evaluateAndSegmentRefuseOutputFoldersThatCannotBeWritten() throws Exception {
		Path file = Files.writeString(dir.resolve("in-the-way.txt"), "mine");
		String evaluate = failure(run(EvaluateCommand.class, Map.of("model_file", model.toFile(), "test_folder", sample("test"), "mask_folder", sample("ground_truth"),
				"output_folder", file.resolve("evaluation").toFile())));
		assertTrue(evaluate.contains(file.toString()) && evaluate.contains("is a file, not a folder"), evaluate);
		String maxFpr = failure(run(EvaluateCommand.class, Map.of("model_file", model.toFile(), "test_folder", sample("test"), "mask_folder", sample("ground_truth"),
				"output_folder", dir.resolve("e0").toFile(), "max_fpr", 0.0)));
		assertTrue(maxFpr.contains("max_fpr=0.0") && maxFpr.contains("between 0 and 1"), maxFpr);
		Path out = dir.resolve("segment-guard");
		Files.createDirectories(out);
		Files.writeString(out.resolve("000_regions.csv"), "mine");
		String segment = failure(run(SegmentAnomaliesCommand.class, Map.of("model_file", model.toFile(), "image_file", sample("test/good/000.png"), "output_folder", out.toFile())));
		assertTrue(segment.contains("000_regions.csv") && segment.contains("already exists"), segment);
		assertEquals("mine", Files.readString(out.resolve("000_regions.csv")));
		String sys = failure(run(EvaluateCommand.class, Map.of("model_file", model.toFile(), "test_folder", sample("test"), "mask_folder", sample("ground_truth"),
				"output_folder", new File("/proc/self/stad-evaluation"))));
		assertTrue(sys.contains("no such folder"), sys);
	}

	@Test
	void aDamagedModelFileIsRefusedByNameInEveryCommand() throws Exception {
		Path damaged = dir.resolve("damaged.zip");
		try (var in = new java.util.zip.ZipFile(model.toFile()); var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(damaged))) {
			for (var e : java.util.Collections.list(in.entries())) {
				byte[] b = in.getInputStream(e).readAllBytes();
				if (e.getName().equals("model.json")) b = new String(b, java.nio.charset.StandardCharsets.UTF_8).replaceFirst("\"students\": \\d+", "\"students\": 0").getBytes(java.nio.charset.StandardCharsets.UTF_8);
				out.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
				out.write(b);
			}
		}
		for (Module module : List.of(run(DetectAnomaliesCommand.class, Map.of("model_file", damaged.toFile(), "image_file", sample("test/good/000.png"))),
				run(ModelInfoCommand.class, Map.of("model_file", damaged.toFile())))) {
			String m = failure(module);
			assertTrue(m.contains("damaged.zip") && m.contains("0 students") && m.contains("train the model again"), m);
			assertFalse(m.contains("Unexpected"), m);
		}
	}
}
