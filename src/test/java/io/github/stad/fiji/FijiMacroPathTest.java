package io.github.stad.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.Macro;
import ij.Menus;
import ij.macro.Interpreter;
import ij.plugin.PlugIn;
import io.github.stad.fiji.ij1.CommandBridge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.module.ModuleService;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The example macros' way through Fiji, headless: an ImageJ 1 macro interpreter runs {@code run("…")},
 * and the command runs as Fiji's legacy layer runs it (LegacyService.runLegacyCompatibleCommand): through
 * the module service with pre- and postprocessing on a SciJava worker thread, while the macro's thread
 * waits on the future. What the macro sees afterwards is what a macro in Fiji sees.
 */
class FijiMacroPathTest {

	@TempDir
	static Path dir;
	static Context context;
	static Path model;

	/** Stands in for Fiji's legacy hook: parses the options as the macro preprocessor does, runs on a worker, waits. */
	public static class LegacyLikeRun implements PlugIn {
		@Override
		public void run(String arg) {
			CommandInfo info = context.service(CommandService.class).getCommand(arg);
			Map<String, Object> inputs = CommandBridge.fromOptions(info, Macro.getOptions());
			try {
				context.service(ModuleService.class).run(info, true, inputs).get();
			} catch (Exception e) {
				throw new IllegalStateException(e);
			}
		}
	}

	@BeforeAll
	static void setUp() throws Exception {
		context = new Context();
		model = dir.resolve("model.zip");
		CommandInfo train = context.service(CommandService.class).getCommand(TrainModelCommand.class.getName());
		assertTrue(!((org.scijava.Cancelable) context.service(ModuleService.class).run(train, true, CommandsTest.tinyTraining(Map.of("normal_folder", CommandsTest.sample("normal"),
				"validation_folder", CommandsTest.sample("validation"), "model_file", model.toFile()))).get()).isCanceled());
		if (Menus.getCommands() == null) { // headless, ImageJ 1 builds no menus (Fiji's legacy layer patches that): an empty command table
			java.lang.reflect.Field table = Menus.class.getDeclaredField("pluginsTable");
			table.setAccessible(true);
			table.set(null, new java.util.Hashtable<String, String>());
		}
		for (Class<? extends StadCommand> c : java.util.List.of(DetectAnomaliesCommand.class, SegmentAnomaliesCommand.class, EvaluateCommand.class, RefineModelCommand.class)) {
			String title = context.service(CommandService.class).getCommand(c.getName()).getTitle();
			Menus.getCommands().put(title, LegacyLikeRun.class.getName() + "(\"" + c.getName() + "\")");
		}
	}

	@AfterAll
	static void tearDown() {
		Interpreter.batchMode = false;
		if (context != null) context.dispose();
	}

	/** Runs macro code on a macro thread of its own, as ImageJ runs macros; what it found it records as system properties. */
	static void macro(String code) throws InterruptedException {
		Thread t = new Thread(() -> new Interpreter().run(code), "Run$_test-macro");
		t.start();
		t.join(120_000);
	}

	static String record(String key, String expression) {
		return "call(\"java.lang.System.setProperty\", \"stad.test." + key + "\", \"\" + " + expression + ");\n";
	}

	static String property(String key) {
		return System.clearProperty("stad.test." + key);
	}

	@Test
	void theAnomalyMapBecomesTheMacrosCurrentImageInBatchMode() throws Exception {
		macro("setBatchMode(true);\n"
				+ "open(\"" + CommandsTest.sample("test/defect/scratch.png") + "\");\n"
				+ record("input", "getTitle()")
				+ "run(\"Detect Anomalies...\", \"model_file=[" + model + "] use_gpu=false tile_size=256 add_scale_maps=false\");\n"
				+ record("title", "getTitle()") + record("bits", "bitDepth()") + record("width", "getWidth()") + record("images", "nImages"));
		assertEquals("scratch.png", property("input"));
		assertEquals("scratch_anomaly", property("title"));
		assertEquals("32", property("bits"));
		assertEquals("128", property("width"));
		assertEquals("2", property("images"));
	}

	@Test
	void aFailingCommandStopsItsMacro() throws Exception {
		macro("setBatchMode(true);\n"
				+ record("before", "1")
				+ "run(\"Detect Anomalies...\", \"model_file=[" + dir.resolve("missing.zip") + "] use_gpu=false tile_size=256 add_scale_maps=false image_file=["
				+ CommandsTest.sample("test/good/000.png") + "]\");\n"
				+ record("after", "1"));
		assertEquals("1", property("before"));
		assertNull(property("after"), "the macro went on after the failed command");
	}

	@Test
	void headlessMacrosReadTheResultTablesThroughCall() throws Exception {
		Path eval = dir.resolve("evaluation"), segment = dir.resolve("segment");
		macro("setBatchMode(true);\n"
				+ "run(\"Evaluate...\", \"model_file=[" + model + "] use_gpu=false tile_size=256 test_folder=[" + CommandsTest.sample("test") + "] mask_folder=["
				+ CommandsTest.sample("ground_truth") + "] output_folder=[" + eval + "] overwrite=false max_fpr=0.3\");\n"
				+ record("aupro", "call(\"io.github.stad.fiji.Tables.get\", \"Anomaly Evaluation\", \"au_pro\", \"0\")")
				+ "open(\"" + CommandsTest.sample("test/defect/foreign_patch.png") + "\");\n"
				+ "run(\"Segment Anomalies...\", \"model_file=[" + model + "] use_gpu=false tile_size=256 threshold_mode=value threshold_value=-1000 target_fpr=0.01"
				+ " min_region_size=1 output_folder=[" + segment + "] live_threshold=false overwrite=false\");\n"
				+ record("regions", "call(\"io.github.stad.fiji.Tables.size\", \"Anomaly Regions\")")
				+ record("flagged", "call(\"io.github.stad.fiji.Tables.get\", \"Anomaly Images\", \"flagged\", \"0\")"));
		double written = com.google.gson.JsonParser.parseString(Files.readString(eval.resolve("metrics.json"))).getAsJsonObject().getAsJsonObject("overall").get("auPro").getAsDouble();
		assertEquals(written, Double.parseDouble(property("aupro")), 0.0, "the table read through call() is the one Evaluate wrote");
		assertEquals("1", property("regions"), "a threshold below every score makes the whole image one region");
		assertEquals("yes", property("flagged"));
	}

	@Test
	void aMacroRefinesAModelIntoANewFile() throws Exception {
		Path refined = dir.resolve("refined.zip");
		byte[] original = Files.readAllBytes(model);
		macro("run(\"Refine Model...\", \"model_file=[" + model + "] use_gpu=false tile_size=256 normal_folder=[" + CommandsTest.sample("test/good")
				+ "] time_budget=5 epochs=1 seed=1 refined_model_file=[" + refined + "] overwrite=false\");\n" + record("done", "1"));
		assertEquals("1", property("done"));
		assertTrue(Files.isRegularFile(refined));
		org.junit.jupiter.api.Assertions.assertArrayEquals(original, Files.readAllBytes(model));
	}
}
