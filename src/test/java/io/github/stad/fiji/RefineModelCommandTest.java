package io.github.stad.fiji;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.ImageStack;
import ij.WindowManager;
import ij.io.Opener;
import io.github.stad.engine.files.ModelBundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Cancelable;
import org.scijava.Context;
import org.scijava.command.CommandService;
import org.scijava.module.Module;
import org.scijava.module.ModuleService;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Refine Model… through SciJava as Fiji runs it: from a folder, from the active stack, never over its input. */
class RefineModelCommandTest {

	@TempDir
	static Path dir;
	static Context context;
	static Path model;

	@BeforeAll
	static void trainTinyModel() throws Exception {
		context = new Context();
		model = dir.resolve("model.zip");
		Module m = run(TrainModelCommand.class, CommandsTest.tinyTraining(Map.of("normal_folder", CommandsTest.sample("normal"),
				"validation_folder", CommandsTest.sample("validation"), "model_file", model.toFile())));
		assertFalse(((Cancelable) m).isCanceled(), ((Cancelable) m).getCancelReason());
	}

	@AfterAll
	static void close() {
		if (context != null) context.dispose();
	}

	static Module run(Class<? extends StadCommand> type, Map<String, Object> inputs) throws Exception {
		return context.service(ModuleService.class).run(context.service(CommandService.class).getCommand(type), true, inputs).get();
	}

	static Map<String, Object> refine(Path out, Map<String, Object> more) {
		Map<String, Object> in = new HashMap<>(Map.of("model_file", model.toFile(), "epochs", 1, "refined_model_file", out.toFile()));
		in.putAll(more);
		return in;
	}

	@Test
	void aFolderOfNormalImagesGivesANewModelAndTheInputStays() throws Exception {
		byte[] original = Files.readAllBytes(model);
		Path out = dir.resolve("refined.zip");
		Module m = run(RefineModelCommand.class, refine(out, Map.of("normal_folder", CommandsTest.sample("test/good"))));
		assertFalse(((Cancelable) m).isCanceled(), ((Cancelable) m).getCancelReason());
		assertTrue(Double.isFinite((Double) m.getOutput("threshold")));
		assertArrayEquals(original, Files.readAllBytes(model));
		@SuppressWarnings("unchecked")
		Map<String, String> provenance = (Map<String, String>) ModelBundle.describe(out).get("provenance");
		assertEquals(CommandsTest.sample("test/good").getPath(), provenance.get("refine1.added"));
	}

	@Test
	void theActiveStackIsAddedPlaneByPlane() throws Exception {
		ImagePlus a = new Opener().openImage(CommandsTest.sample("test/good/000.png").getPath());
		ImageStack stack = new ImageStack(a.getWidth(), a.getHeight());
		stack.addSlice("one", a.getProcessor());
		stack.addSlice("two", a.getProcessor().duplicate());
		ImagePlus imp = new ImagePlus("false alarms", stack);
		WindowManager.setTempCurrentImage(imp);
		try {
			Path out = dir.resolve("refined-stack.zip");
			// In this thread, as the ImageJ 1 bridge runs commands: the thread's current image is the active one.
			Module m = io.github.stad.fiji.ij1.CommandBridge.run(context, context.service(CommandService.class).getCommand(RefineModelCommand.class), refine(out, Map.of()));
			assertFalse(((Cancelable) m).isCanceled(), ((Cancelable) m).getCancelReason());
			@SuppressWarnings("unchecked")
			Map<String, String> provenance = (Map<String, String>) ModelBundle.describe(out).get("provenance");
			assertEquals("2", provenance.get("refine1.addedImages"));
			assertEquals("image false alarms", provenance.get("refine1.added"));
		} finally {
			WindowManager.setTempCurrentImage(null);
		}
	}

	@Test
	void theInputModelIsNeverTheOutput() throws Exception {
		Module m = run(RefineModelCommand.class, refine(model, Map.of("normal_folder", CommandsTest.sample("test/good"), "overwrite", true)));
		assertTrue(((Cancelable) m).isCanceled());
		assertTrue(((Cancelable) m).getCancelReason().contains("never replaced"), ((Cancelable) m).getCancelReason());
	}
}
