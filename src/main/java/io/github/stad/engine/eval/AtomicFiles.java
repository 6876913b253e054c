package io.github.stad.engine.eval;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes a file through a temporary sibling and a rename, so readers never see a half-written file. */
final class AtomicFiles {

	interface Writer {
		void write(Path temp) throws IOException;
	}

	private AtomicFiles() {}

	static void write(Path out, Writer writer) throws IOException {
		Path target = out.toAbsolutePath();
		Path dir = target.getParent();
		Files.createDirectories(dir);
		// same folder, so the move is a rename on the same file system
		Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
		try {
			writer.write(temp);
			try {
				Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			} catch (AtomicMoveNotSupportedException e) {
				Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
			}
		} finally {
			Files.deleteIfExists(temp);
		}
	}
}
