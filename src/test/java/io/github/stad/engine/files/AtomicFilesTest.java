package io.github.stad.engine.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

class AtomicFilesTest {

	@TempDir
	Path dir;

	private List<Path> contents(Path folder) throws IOException {
		try (Stream<Path> s = Files.list(folder)) {
			return s.toList();
		}
	}

	@Test
	void writesAndCreatesParentFolders() throws IOException {
		Path target = dir.resolve("a").resolve("b").resolve("out.txt");
		AtomicFiles.write(target, temp -> {
			assertEquals(target.getParent(), temp.getParent(), "the temp file must be next to the target");
			assertTrue(temp.getFileName().toString().endsWith("out.txt"), "keeps the extension for writers that check it");
			Files.writeString(temp, "new");
		});
		assertEquals("new", Files.readString(target));
		assertEquals(List.of(target), contents(target.getParent()));
	}

	@Test
	void replacesAnExistingFile() throws IOException {
		Path target = dir.resolve("out.txt");
		Files.writeString(target, "old");
		AtomicFiles.write(target, temp -> Files.writeString(temp, "new"));
		assertEquals("new", Files.readString(target));
	}

	@Test
	void failedWriterLeavesTheOldFileAndNoTemp() throws IOException {
		Path target = dir.resolve("out.txt");
		Files.writeString(target, "old");
		IOException boom = new IOException("disk full");
		IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, temp -> {
			Files.writeString(temp, "half-writ");
			throw boom;
		}));
		assertSame(boom, e);
		assertEquals("old", Files.readString(target));
		assertEquals(List.of(target), contents(dir), "the temp file must be deleted");
	}

	@Test
	void runtimeFailureAlsoCleansUp() throws IOException {
		Path target = dir.resolve("new.txt");
		assertThrows(IllegalStateException.class, () -> AtomicFiles.write(target, temp -> {
			Files.writeString(temp, "x");
			throw new IllegalStateException("bug");
		}));
		assertTrue(contents(dir).isEmpty(), "neither target nor temp may remain");
	}

	@Test
	void writerThatDeletesItsFileIsAnError() throws IOException {
		Path target = dir.resolve("gone.txt");
		assertThrows(IOException.class, () -> AtomicFiles.write(target, Files::delete));
		assertTrue(contents(dir).isEmpty());
	}
}
