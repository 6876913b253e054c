package io.github.stad.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFilesTest {

	@TempDir
	Path dir;

	private void touch(String... names) throws IOException {
		for (String n : names) Files.write(dir.resolve(n), new byte[] { 1 });
	}

	@Test
	void listsSupportedImagesSortedAndSkipsTheRest() throws IOException {
		touch("b.PNG", "a.tif", "C.jpeg", "d.TIFF", "e.jpg", "f.bmp", "g.gif", "notes.txt", "model.pt", ".hidden.tif", "noext", "h.tif.bak");
		Files.createDirectory(dir.resolve("sub"));
		Files.write(dir.resolve("sub").resolve("inner.tif"), new byte[] { 1 });
		Files.createDirectory(dir.resolve("folder.png"));
		List<String> names = ImageFiles.list(dir).stream().map(p -> p.getFileName().toString()).toList();
		assertEquals(List.of("a.tif", "b.PNG", "C.jpeg", "d.TIFF", "e.jpg", "f.bmp", "g.gif"), names);
	}

	@Test
	void missingFolderSaysSo() {
		Path missing = dir.resolve("does-not-exist");
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageFiles.list(missing));
		assertTrue(e.getMessage().startsWith("Folder not found"), e.getMessage());
		assertTrue(e.getMessage().contains("does-not-exist"), e.getMessage());
	}

	@Test
	void fileInsteadOfFolderSaysSo() throws IOException {
		touch("one.tif");
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageFiles.list(dir.resolve("one.tif")));
		assertTrue(e.getMessage().contains("is a file, not a folder"), e.getMessage());
	}

	@Test
	void folderWithoutImagesSaysWhatWasExpected() throws IOException {
		touch("readme.txt", ".secret.png");
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageFiles.list(dir));
		assertTrue(e.getMessage().startsWith("No images (.tif, .png, .jpg"), e.getMessage());
		assertTrue(e.getMessage().contains(dir.getFileName().toString()), e.getMessage());
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
