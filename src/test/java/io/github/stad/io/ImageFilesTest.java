package io.github.stad.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

class ImageFilesTest {

	@TempDir
	Path dir;

	private void touch(String... names) throws IOException {
		for (String n : names) Files.write(dir.resolve(n), new byte[] { 1 });
	}

	@Test
	void isImageChecksTheExtensionCaseInsensitively() {
		assertTrue(ImageFiles.isImage(Path.of("x.TIF")));
		assertTrue(ImageFiles.isImage(Path.of("dir", "x.Jpeg")));
		assertFalse(ImageFiles.isImage(Path.of("x.tif.txt")));
		assertFalse(ImageFiles.isImage(Path.of("tif")));
		assertFalse(ImageFiles.isImage(Path.of("x.")));
		assertFalse(ImageFiles.isImage(null));
	}

	@Test
	void baseNameDropsTheLastExtension() {
		assertEquals("a.b", ImageFiles.baseName(Path.of("a.b.tif")));
		assertEquals(".tif", ImageFiles.baseName(Path.of(".tif")));
		assertEquals("plain", ImageFiles.baseName(Path.of("plain")));
	}
}
