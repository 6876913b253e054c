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

	@Test
	void aFullDiskIsSaidInWordsWithTheTargetNeverTheTemporaryName() throws IOException {
		Path target = dir.resolve("scores.csv");
		IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, temp -> {
			throw new java.nio.file.FileSystemException(temp.toString(), null, "No space left on device");
		}));
		assertTrue(e.getMessage().contains(target.toString()) && e.getMessage().contains("disk is full"), e.getMessage());
		assertTrue(!e.getMessage().contains(".stad-"), "no temporary name: " + e.getMessage());
		assertTrue(contents(dir).isEmpty());
	}

	@Test
	void aFileInTheWayOfTheFolderIsSaidInWords() throws IOException {
		Path file = Files.writeString(dir.resolve("plain"), "x");
		IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(file.resolve("out.txt"), temp -> Files.writeString(temp, "y")));
		assertTrue(e.getMessage().contains("not a folder") && e.getMessage().contains(file.toString()), e.getMessage());
	}

	@Test
	void concurrentWritersLeaveOneCompleteVersion() throws Exception {
		Path target = dir.resolve("table.csv");
		java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
		try {
			List<java.util.concurrent.Future<?>> runs = new java.util.ArrayList<>();
			for (int w = 0; w < 8; w++) {
				String line = ("writer " + w + ",").repeat(20_000);
				runs.add(pool.submit(() -> {
					AtomicFiles.write(target, temp -> Files.writeString(temp, line));
					return null;
				}));
			}
			for (var f : runs) f.get();
		} finally {
			pool.shutdownNow();
		}
		String text = Files.readString(target);
		assertTrue(text.matches("(writer \\d,){20000}") && text.equals(text.substring(0, 9).repeat(20_000)), "one writer's whole text");
		assertEquals(List.of(target), contents(dir));
	}

	@Test
	void theResultFollowsTheUmaskLikeAnyNewFile() throws IOException {
		Path target = dir.resolve("model.zip");
		AtomicFiles.write(target, temp -> Files.writeString(temp, "x"));
		Path reference = Files.createFile(dir.resolve("reference"));
		assertEquals(Files.getPosixFilePermissions(reference), Files.getPosixFilePermissions(target));
	}
}
