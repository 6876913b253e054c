package io.github.stad.engine.files;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes files so that readers never see a half-written result and an existing file survives a failed write:
 * the content goes to a temporary file next to the target, which is then renamed over it.
 */
public final class AtomicFiles {

	/** Writes a file at the given path; may throw {@link IOException}. */
	@FunctionalInterface
	public interface IOConsumer<T> {
		void accept(T t) throws IOException;
	}

	private AtomicFiles() {}

	/**
	 * Calls {@code writeTemp} with a temporary path in the target's folder (created if needed), then moves
	 * that file onto {@code target}. The temporary file ends with the target's name, so writers that look
	 * at the extension still work, and starts with a dot, so the image folder listing skips it.
	 * If anything fails the temporary file is deleted and the old target, if any, is left as it was.
	 */
	public static void write(Path target, IOConsumer<Path> writeTemp) throws IOException {
		Path abs = target.toAbsolutePath();
		Path folder = abs.getParent();
		if (folder == null) throw new IOException("Cannot write " + target + ": it has no parent folder");
		Files.createDirectories(folder);
		Path temp = Files.createTempFile(folder, ".", "-" + abs.getFileName());
		boolean done = false;
		try {
			writeTemp.accept(temp);
			if (!Files.isRegularFile(temp)) throw new IOException("Writing " + abs + " produced no file");
			try {
				Files.move(temp, abs, StandardCopyOption.ATOMIC_MOVE);
			} catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
				// Some file systems (network shares, Windows with a locked target) cannot rename atomically.
				Files.move(temp, abs, StandardCopyOption.REPLACE_EXISTING);
			}
			done = true;
		} finally {
			if (!done) {
				try {
					Files.deleteIfExists(temp);
				} catch (IOException ignored) {
					// The original failure matters more than a leftover temp file.
				}
			}
		}
	}
}
