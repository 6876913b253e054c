package io.github.stad.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** `stad refine` end to end on the sample images with a tiny model: a new file, the input untouched, provenance. */
class RefineCliTest {

	@TempDir
	static Path dir;
	static Path model, normal;

	@BeforeAll
	static void trainOnACopyOfTheNormalImages() throws IOException {
		normal = dir.resolve("normal");
		Files.createDirectories(normal);
		try (var files = Files.list(MainTest.SAMPLES.resolve("normal"))) {
			for (Path f : files.toList()) Files.copy(f, normal.resolve(f.getFileName()));
		}
		model = dir.resolve("model.zip");
		MainTest.Run r = MainTest.stad(MainTest.tinyTraining(normal.toString(), MainTest.SAMPLES.resolve("validation").toString(), model));
		assertEquals(0, r.code(), r.err());
	}

	static String[] refine(Path out, String... more) {
		String[] base = { "refine", "--model", model.toString(), "--normal", MainTest.SAMPLES.resolve("test/good").toString(), "--out", out.toString(), "--epochs", "1", "--cpu" };
		String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
		System.arraycopy(more, 0, all, base.length, more.length);
		return all;
	}

	@Test
	void refineWritesANewModelWithItsProvenanceAndLeavesTheInputAsItWas() throws IOException {
		byte[] original = Files.readAllBytes(model);
		Path refined = dir.resolve("refined.zip");
		MainTest.Run r = MainTest.stad(refine(refined));
		assertEquals(0, r.code(), r.err());
		assertTrue(r.out().contains("is unchanged"), r.out());
		assertArrayEquals(original, Files.readAllBytes(model), "the input model must not change");
		MainTest.Run info = MainTest.stad("info", "--model", refined.toString());
		assertEquals(0, info.code(), info.err());
		assertTrue(info.out().contains("refine1.addedImages") && info.out().contains("refine1.at"), info.out());
		assertTrue(info.out().contains(normal.toString()), "the first training's provenance stays: " + info.out());

		MainTest.Run again = MainTest.stad(refine(refined));
		assertEquals(1, again.code(), "an existing output without --overwrite");
		assertTrue(again.err().contains("already exists"), again.err());
	}

	@Test
	void theInputModelIsNeverTheOutput() {
		MainTest.Run r = MainTest.stad(refine(model, "--overwrite"));
		assertEquals(1, r.code());
		assertTrue(r.err().contains("never replaced"), r.err());
	}

	@Test
	void trainingImagesThatAreGoneMustBeGiven() throws IOException {
		Path moved = dir.resolve("moved");
		Files.move(normal, moved);
		try {
			MainTest.Run r = MainTest.stad(refine(dir.resolve("refined-moved.zip")));
			assertEquals(1, r.code());
			assertTrue(r.err().contains("cannot be read again") && r.err().contains("--training"), r.err());
			MainTest.Run given = MainTest.stad(refine(dir.resolve("refined-moved.zip"), "--training", moved.toString()));
			assertEquals(0, given.code(), given.err());
		} finally {
			Files.move(moved, normal);
		}
	}

	@Test
	void budgetFlagsAreCheckedLikeTraining() {
		MainTest.Run r = MainTest.stad("refine", "--model", model.toString(), "--normal", "x", "--out", dir.resolve("y.zip").toString(), "--epochs", "1", "--time-budget", "2");
		assertEquals(2, r.code());
		assertFalse(r.err().isBlank());
	}
}
