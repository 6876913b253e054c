package io.github.stad.jobs;

import static org.junit.jupiter.api.Assertions.*;

import io.github.stad.engine.teacher.TeacherSettings;
import io.github.stad.io.ImageEntry;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

/** One request per teacher pretraining, checked in one place with the caller's spelling of each setting. */
class TeacherRequestTest {

	private static final Path OUT = Path.of("teacher.zip");
	private static final List<ImageEntry> PHOTOS = List.of(new ImageEntry(Path.of("photos/a.jpg"), ""));

	@Test
	void aRequestLeftAloneHasTheDefaultSettingsOfItsPatchSize() {
		TeacherRequest r = TeacherRequest.builder(33, OUT).images(PHOTOS, "photos/").build(ArgumentChecks.CLI);
		assertEquals(TeacherSettings.defaults(33), r.settings());
		assertEquals(List.of(PHOTOS, "photos/", OUT), List.of(r.images(), r.imagesName(), r.out()));
		assertEquals(TeacherRequest.DEFAULT_DISTILL_INPUT_SIZE, r.distillInputSize());
		assertNull(r.initial());
		assertNull(r.resume());
	}

	@Test
	void givenValuesReachTheSettings() {
		TeacherSettings.Dense dense = TeacherSettings.defaults(17).dense();
		TeacherRequest r = TeacherRequest.builder(17, OUT).networkSize(32, 64).iterations(12).batch(8).learningRate(1e-3).lambdas(1, 0, 0.5).seed(9)
				.checkpointEvery(3).useGpu(false).mode(TeacherSettings.Mode.DENSE).dense(dense).distill("p.pt", 160).initial("default").build(ArgumentChecks.FIJI);
		TeacherSettings s = r.settings();
		assertEquals(List.of(17, 32, 64, 12, 8, 9L, 3), List.of(s.patchSize(), s.network().width(), s.network().descriptorDim(), s.iterations(), s.batchSize(), s.seed(),
				s.checkpointEvery()));
		assertEquals(List.of(1e-3f, 1f, 0f, 0.5f), List.of(s.optimiser().learningRate(), s.losses().lambdaK(), s.losses().lambdaM(), s.losses().lambdaC()));
		assertEquals(List.of(false, TeacherSettings.Mode.DENSE, dense), List.of(s.useGpu(), s.mode(), s.dense()));
		assertEquals(List.of("p.pt", 160, "default"), List.of(r.distill(), r.distillInputSize(), r.initial()));
	}

	@Test
	void aBadValueIsNamedAsTheCallerSpellsItBeforeThePhotographsAreKnown() {
		assertEquals("--batch 1: must lie between 2 and 4096", message(() -> TeacherRequest.builder(17, OUT).batch(1).check(ArgumentChecks.CLI)));
		assertEquals("iterations=0: must be at least 1", message(() -> TeacherRequest.builder(17, OUT).iterations(0).check(ArgumentChecks.FIJI)));
		assertTrue(message(() -> TeacherRequest.builder(17, OUT).networkSize(4096, 8).build(ArgumentChecks.FIJI)).startsWith("network_width=4096: must lie between 1 and"));
		assertTrue(message(() -> TeacherRequest.builder(70, OUT).check(ArgumentChecks.CLI)).contains("--patch-size 70: unsupported patch size 70"));
		assertTrue(message(() -> TeacherRequest.builder(17, OUT).learningRate(Double.NaN).check(ArgumentChecks.CLI)).startsWith("--learning-rate NaN: give a positive"));
	}

	@Test
	void aMacrosPatchSizeTextIsOneOfTheThreeOrSaysWhichToChoose() {
		assertEquals(65, ArgumentChecks.FIJI.patchSize("patch-size", " 65 "));
		assertEquals("patch_size=sixty-five: choose 17, 33 or 65", message(() -> ArgumentChecks.FIJI.patchSize("patch-size", "sixty-five")));
		assertTrue(message(() -> ArgumentChecks.FIJI.patchSize("patch-size", "64")).startsWith("patch_size=64: unsupported patch size 64"));
	}

	private static String message(org.junit.jupiter.api.function.Executable call) {
		return assertThrows(ArgumentChecks.BadValueException.class, call).getMessage();
	}
}
