package io.github.stad.jobs;

import static org.junit.jupiter.api.Assertions.*;

import io.github.stad.engine.training.StudentSchedule;
import io.github.stad.engine.training.TrainingSettings;
import io.github.stad.fiji.ModelCommand;
import org.junit.jupiter.api.Test;
import org.scijava.plugin.Parameter;

import java.nio.file.Path;
import java.util.List;

/** One request per training, checked in one place with the caller's spelling of each setting. */
class TrainRequestTest {

	private static final Path OUT = Path.of("model.zip");

	@Test
	void aRequestLeftAloneHasTheDefaultSettingsAndTheShippedTeachers() {
		TrainRequest r = TrainRequest.builder(OUT).build(ArgumentChecks.CLI);
		TrainingSettings d = TrainingSettings.defaults();
		TrainingSettings s = r.settings();
		assertArrayEquals(d.patchSizes(), s.patchSizes());
		assertEquals(List.of(d.network(), d.schedule(), d.budget(), d.compute(), d.teacherAdaptation()),
				List.of(s.network(), s.schedule(), s.budget(), s.compute(), s.teacherAdaptation()));
		assertEquals(List.of(d.thresholdFpr(), d.seed(), d.processingScale()), List.of(s.thresholdFpr(), s.seed(), s.processingScale()));
		assertEquals(StudentSchedule.PER_PATCH_SIZE, s.schedule().cropSize());
		assertTrue(r.shippedTeachers());
		assertEquals(List.of(), r.teacherFiles());
	}

	@Test
	void givenValuesReachTheSettingsAndEpochsReplaceTheTimeBudget() {
		TrainRequest r = TrainRequest.builder(OUT).patchSizes(17, 33).students(2).epochs(4).crop(24).batch(6).seed(9).tile(64).processingScale(0.5)
				.teachers(List.of(Path.of("t.zip")), false).data("normal/", "validation/").build(ArgumentChecks.FIJI);
		TrainingSettings s = r.settings();
		assertArrayEquals(new int[] { 17, 33 }, s.patchSizes());
		assertEquals(2, s.students());
		assertFalse(s.budget().timed());
		assertEquals(4, s.budget().epochs());
		assertEquals(24, s.schedule().cropSize());
		assertEquals(6, s.schedule().batchSize());
		assertEquals(9, s.seed());
		assertEquals(64, s.compute().tileSize());
		assertEquals(0.5, s.processingScale());
		assertFalse(r.shippedTeachers());
		assertEquals("validation/", r.validationName());
		assertEquals("held back", r.withData("image a", "held back").validationName());
	}

	@Test
	void aBadValueIsNamedAsTheCallerSpellsIt() {
		assertEquals("--epochs 0: must be at least 1", assertThrows(ArgumentChecks.BadValueException.class,
				() -> TrainRequest.builder(OUT).epochs(0).build(ArgumentChecks.CLI)).getMessage());
		assertTrue(assertThrows(ArgumentChecks.BadValueException.class, () -> TrainRequest.builder(OUT).tile(8).build(ArgumentChecks.FIJI))
				.getMessage().startsWith("tile_size=8: must lie between 16 and"));
		assertTrue(assertThrows(ArgumentChecks.BadValueException.class, () -> TrainRequest.builder(OUT).crop(0).build(ArgumentChecks.CLI))
				.getMessage().startsWith("--crop 0: must lie between 1 and"), "a 0 given is refused, not taken for the default");
		assertTrue(assertThrows(ArgumentChecks.BadValueException.class, () -> TrainRequest.builder(OUT).batch(0).build(ArgumentChecks.CLI))
				.getMessage().startsWith("--batch 0: must lie between 1 and"));
		assertTrue(assertThrows(ArgumentChecks.BadValueException.class, () -> TrainRequest.builder(OUT).patchSizes(17, 17).build(ArgumentChecks.CLI))
				.getMessage().startsWith("--patch-sizes 17,17: patch size 17 is given twice"));
		assertTrue(assertThrows(ArgumentChecks.BadValueException.class, () -> TrainRequest.builder(OUT).teacherAdaptationShare(0.9).build(ArgumentChecks.FIJI))
				.getMessage().startsWith("teacher_adaptation=0.9"));
	}

	@Test
	void fijisTileSizeFieldHasTheSameLowerLimitAsEveryOtherFrontEnd() throws Exception {
		Parameter p = ModelCommand.class.getDeclaredField("tile_size").getAnnotation(Parameter.class);
		assertEquals(Integer.toString(ArgumentChecks.MIN_TILE), p.min());
		assertEquals(ArgumentChecks.MIN_TILE, ArgumentChecks.FIJI.tile("tile", ArgumentChecks.MIN_TILE));
	}
}
