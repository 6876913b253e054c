package io.github.stad.fiji.ij1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.Macro;
import io.github.stad.fiji.SegmentAnomaliesCommand;
import io.github.stad.fiji.TrainModelCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;

import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The ImageJ 1 bridge reads the same macro keys as Fiji and runs the same commands. */
class CommandBridgeTest {

	@TempDir
	Path dir;

	static CommandInfo info(Class<? extends io.github.stad.fiji.StadCommand> type) {
		return CommandBridge.context().service(CommandService.class).getCommand(type);
	}

	@Test
	void macroOptionsBecomeTypedInputsWithBracketsAndCheckboxes() {
		Map<String, Object> in = CommandBridge.fromOptions(info(TrainModelCommand.class),
				"normal_folder=[/data/my normal] patch_sizes=17,33 students=2 epochs=3 holdback_fraction=0.25 model_file=/tmp/m.zip use_gpu=true random_teacher=false");
		assertEquals(new File("/data/my normal"), in.get("normal_folder"));
		assertEquals("17,33", in.get("patch_sizes"));
		assertEquals(2, in.get("students"));
		assertEquals(0.25, in.get("holdback_fraction"));
		assertEquals(Boolean.TRUE, in.get("use_gpu"));
		assertEquals(Boolean.FALSE, in.get("random_teacher"));
		assertNull(in.get("seed"), "a key the macro left out keeps the command's default");
		assertEquals(Boolean.FALSE, CommandBridge.fromOptions(info(TrainModelCommand.class), "model_file=/tmp/m.zip").get("use_gpu"));
		assertEquals(Boolean.TRUE, CommandBridge.fromOptions(info(TrainModelCommand.class), "model_file=/tmp/m.zip use_gpu=TRUE").get("use_gpu"));
	}

	@Test
	void aBareCheckboxWordIsNotTrueAsInFijisLegacyLayer() {
		// Fiji reads SciJava parameters from macro options only as key=value: "random_teacher" alone is ignored there.
		Map<String, Object> in = CommandBridge.fromOptions(info(TrainModelCommand.class), "model_file=/tmp/m.zip random_teacher use_gpu");
		assertEquals(Boolean.FALSE, in.get("random_teacher"));
		assertEquals(Boolean.FALSE, in.get("use_gpu"));
		assertEquals(List.of("random_teacher", "use_gpu"), io.github.stad.fiji.MacroOptions.bareBooleanWords("model_file=/tmp/m.zip random_teacher use_gpu",
				io.github.stad.fiji.MacroOptions.booleanParameters(TrainModelCommand.class)));
		assertEquals(List.of(), io.github.stad.fiji.MacroOptions.bareBooleanWords("model_file=[/a b/use_gpu] use_gpu=true", List.of("use_gpu")),
				"a key with a value, or the word inside a bracketed path, is no bare word");
	}

	@Test
	void aCommandRunFromAMacroWarnsAboutABareCheckboxWord() throws Exception {
		List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
		org.scijava.log.LogListener listener = m -> { if (m.level() == org.scijava.log.LogLevel.WARN) warnings.add(m.text()); };
		CommandBridge.context().service(org.scijava.log.LogService.class).addLogListener(listener);
		try {
			Thread t = new Thread(() -> {
				Macro.setOptions(Thread.currentThread(), "model_file=[" + dir.resolve("missing.zip") + "] image_file=[/none.png] use_gpu");
				new CommandBridge().run("detect");
			}, "Run$_bare-word-test");
			t.start();
			t.join();
		} finally {
			CommandBridge.context().service(org.scijava.log.LogService.class).removeLogListener(listener);
		}
		assertTrue(warnings.stream().anyMatch(w -> w.startsWith("Detect Anomalies: ") && w.contains("use_gpu=true")), warnings.toString());
	}

	@Test
	void unknownKeysAndBadValuesAreRefusedWithTheValidKeys() {
		var e = assertThrows(IllegalArgumentException.class, () -> CommandBridge.fromOptions(info(SegmentAnomaliesCommand.class), "model_file=/m.zip treshold_mode=fpr"));
		assertTrue(e.getMessage().contains("treshold_mode") && e.getMessage().contains("threshold_mode"), e.getMessage());
		var c = assertThrows(IllegalArgumentException.class, () -> CommandBridge.fromOptions(info(SegmentAnomaliesCommand.class), "threshold_mode=otsu"));
		assertTrue(c.getMessage().contains("[model, value, fpr]"), c.getMessage());
		var n = assertThrows(IllegalArgumentException.class, () -> CommandBridge.fromOptions(info(SegmentAnomaliesCommand.class), "min_region_size=big"));
		assertTrue(n.getMessage().contains("number"), n.getMessage());
		assertEquals(List.of("a", "b", "c"), CommandBridge.words("a=[x y=z] b c=1"));
		assertEquals(Map.of("use_gpu", Boolean.FALSE), Map.of("use_gpu", CommandBridge.fromOptions(info(SegmentAnomaliesCommand.class), "use_gpu").get("use_gpu")),
				"a bare checkbox word is still a known key, so older macros run (and warn)");
	}

	@Test
	void pluginsConfigRegistersEveryCommandUnderTheSameLabelAsFiji() throws Exception {
		String config;
		try (InputStream in = Files.newInputStream(Path.of("src/main/ij1/plugins.config"))) {
			config = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		for (Map.Entry<String, Class<? extends io.github.stad.fiji.StadCommand>> e : CommandBridge.COMMANDS.entrySet()) {
			String label = info(e.getValue()).getTitle();
			assertTrue(config.contains("\"" + label + "\", io.github.stad.fiji.ij1.CommandBridge(\"" + e.getKey() + "\")"), label);
		}
	}

	@Test
	void aMacroCallRunsTheCommandInTheMacroThread() throws Exception {
		// ImageJ only hands options to threads named like its macro threads.
		Path out = dir.resolve("info");
		Throwable[] error = new Throwable[1];
		Thread t = new Thread(() -> {
			try {
				Macro.setOptions(Thread.currentThread(), "model_file=[" + dir.resolve("missing model.zip") + "]");
				new CommandBridge().run("info");
			} catch (Throwable e) {
				error[0] = e;
			}
		}, "Run$_bridge-test");
		t.start();
		t.join();
		assertNull(error[0], () -> "the bridge must report, not throw: " + error[0]);
		assertTrue(!Files.exists(out));
	}

	@Test
	void aLogLineOfACommandAppearsOnceNotAlsoOnTheConsole() {
		java.io.PrintStream out = System.out, err = System.err;
		java.io.ByteArrayOutputStream stdout = new java.io.ByteArrayOutputStream(), stderr = new java.io.ByteArrayOutputStream();
		try {
			System.setOut(new java.io.PrintStream(stdout, true, StandardCharsets.UTF_8));
			System.setErr(new java.io.PrintStream(stderr, true, StandardCharsets.UTF_8));
			org.scijava.log.LogService log = CommandBridge.context().service(org.scijava.log.LogService.class);
			log.info("Detect Anomalies: one line");
			log.warn("Detect Anomalies: one warning");
		} finally {
			System.setOut(out);
			System.setErr(err);
		}
		String all = stdout.toString(StandardCharsets.UTF_8) + stderr.toString(StandardCharsets.UTF_8);
		assertEquals(1, all.split("Detect Anomalies: one line", -1).length - 1, all);
		assertEquals(1, all.split("Detect Anomalies: one warning", -1).length - 1, all);
		assertTrue(all.contains("WARNING: Detect Anomalies: one warning"), all); // in ImageJ's Log (standard output when headless)
	}
}
