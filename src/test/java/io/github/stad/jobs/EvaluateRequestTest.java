package io.github.stad.jobs;

import static org.junit.jupiter.api.Assertions.*;

import io.github.stad.engine.model.MapMode;
import io.github.stad.io.ImageEntry;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

/** One request per evaluation, checked in one place with the caller's spelling of each setting. */
class EvaluateRequestTest {

	private static final Path OUT = Path.of("eval");
	private static final List<ImageEntry> TESTS = List.of(new ImageEntry(Path.of("test/crack/001.png"), Path.of("gt/crack/001_mask.png"), "crack"));

	@Test
	void aRequestLeftAloneIntegratesUpToThirtyPercentWithTheScoringDefaults() {
		EvaluateRequest r = EvaluateRequest.builder(OUT).tests(TESTS).build(ArgumentChecks.CLI);
		assertEquals(0.3, r.maxFpr());
		assertEquals(ScoreRequest.DEFAULT_TILE, r.tileSize());
		assertNull(r.maps(), "maps as the model was calibrated");
		assertEquals(TESTS, r.tests());
		assertEquals(OUT, r.outDir());
	}

	@Test
	void givenValuesReachTheRequest() {
		EvaluateRequest r = EvaluateRequest.builder(OUT).tests(TESTS).maxFpr(1).tile(64).maps(MapMode.STRIDED).build(ArgumentChecks.FIJI);
		assertEquals(List.of(1.0, 64, MapMode.STRIDED), List.of(r.maxFpr(), r.tileSize(), r.maps()));
	}

	@Test
	void aBadValueIsNamedAsTheCallerSpellsItBeforeTheTestSetIsKnown() {
		String cli = assertThrows(ArgumentChecks.BadValueException.class, () -> EvaluateRequest.builder(OUT).maxFpr(0).check(ArgumentChecks.CLI)).getMessage();
		assertTrue(cli.startsWith("--max-fpr 0.0: must lie between 0 and 1 (1 included)"), cli);
		String fiji = assertThrows(ArgumentChecks.BadValueException.class, () -> EvaluateRequest.builder(OUT).tests(TESTS).maxFpr(1.5).build(ArgumentChecks.FIJI)).getMessage();
		assertTrue(fiji.startsWith("max_fpr=1.5: "), fiji);
		String tile = assertThrows(ArgumentChecks.BadValueException.class, () -> EvaluateRequest.builder(OUT).tests(TESTS).tile(8).build(ArgumentChecks.FIJI)).getMessage();
		assertTrue(tile.startsWith("tile_size=8: must lie between 16 and"), tile);
		assertThrows(ArgumentChecks.BadValueException.class, () -> EvaluateRequest.builder(OUT).maxFpr(Double.NaN).check(ArgumentChecks.CLI));
	}

	@Test
	void anEmptyTestSetIsRefusedWithWhatToGive() {
		String message = assertThrows(IllegalArgumentException.class, () -> EvaluateRequest.builder(OUT).build(ArgumentChecks.CLI)).getMessage();
		assertTrue(message.startsWith("No test images: give"), message);
	}
}
