package io.github.stad.engine.files;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Writes files so that readers never see a half-written result and an existing file survives a failed write:
 * the content goes to a temporary file next to the target, which is then renamed over it. The temporary
 * file is created like any other file (so the result follows the umask, not the 0600 of
 * {@code Files.createTempFile}), and leftovers of a killed run are removed by the next write into that folder.
 */
public final class AtomicFiles {

	/** Writes a file at the given path; may throw {@link IOException}. */
	@FunctionalInterface
	public interface IOConsumer<T> {
		void accept(T t) throws IOException;
	}

	/** Our temporary files: {@code .stad-<16 hex>-NAME}. Nothing else in a folder matches. */
	static final String TEMP_PREFIX = ".stad-";
	private static final Pattern OURS = Pattern.compile("\\.stad-[0-9a-f]{16}-.+");
	/** Temporary files of versions before this naming: {@code .<digits>-NAME} (Files.createTempFile). */
	private static final Pattern LEGACY = Pattern.compile("\\.[0-9]{6,20}-(.+)");
	/** A temporary file untouched this long belongs to a run that died (a live write touches it within seconds). */
	static final long STALE_MILLIS = 15 * 60 * 1000L;

	private static final SecureRandom RANDOM = new SecureRandom();

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
		try {
			Files.createDirectories(folder);
		} catch (IOException e) {
			throw explained(abs, e);
		}
		removeStaleTemps(folder, abs.getFileName().toString());
		Path temp = createTemp(folder, abs);
		boolean done = false;
		try {
			try {
				writeTemp.accept(temp);
			} catch (IOException e) {
				throw mentionsPath(e, temp) ? explained(abs, e) : e;
			}
			if (!Files.isRegularFile(temp)) throw new IOException("Writing " + abs + " produced no file");
			try {
				try {
					Files.move(temp, abs, StandardCopyOption.ATOMIC_MOVE);
				} catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
					// Some file systems (network shares, Windows with a locked target) cannot rename atomically.
					Files.move(temp, abs, StandardCopyOption.REPLACE_EXISTING);
				}
			} catch (IOException e) {
				throw explained(abs, e);
			}
			done = true;
		} finally {
			if (!done) {
				try {
					Files.deleteIfExists(temp);
				} catch (IOException ignored) {
					// The original failure matters more than a leftover temp file; the next write removes it.
				}
			}
		}
	}

	private static Path createTemp(Path folder, Path target) throws IOException {
		for (int attempt = 0; ; attempt++) {
			byte[] b = new byte[8];
			RANDOM.nextBytes(b);
			Path temp = folder.resolve(TEMP_PREFIX + HexFormat.of().formatHex(b) + "-" + target.getFileName());
			try {
				return Files.createFile(temp); // default permissions: the umask decides, as for any file
			} catch (FileAlreadyExistsException e) {
				if (attempt > 10) throw explained(target, e);
			} catch (IOException e) {
				throw explained(target, e);
			}
		}
	}

	/**
	 * Removes temporary files of a killed run from {@code folder}: ours ({@code .stad-HEX-*}), and the older
	 * {@code .DIGITS-NAME} form only for the name being written now. Only files untouched for
	 * {@link #STALE_MILLIS}, so that a write in progress in another process is never disturbed.
	 */
	static void removeStaleTemps(Path folder, String name) {
		long cutoff = System.currentTimeMillis() - STALE_MILLIS;
		try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, ".*")) {
			for (Path f : files) {
				String n = f.getFileName().toString();
				var legacy = LEGACY.matcher(n);
				boolean ours = OURS.matcher(n).matches() || (legacy.matches() && legacy.group(1).equals(name));
				if (!ours || !Files.isRegularFile(f)) continue;
				try {
					if (Files.getLastModifiedTime(f).toMillis() < cutoff) Files.deleteIfExists(f);
				} catch (IOException ignored) {
					// Someone else's file or a race with another cleaner: leave it.
				}
			}
		} catch (IOException ignored) {
			// Cleaning up is a courtesy; the write itself reports real problems.
		}
	}

	/** Removes every temporary file of ours for {@code name} in {@code folder}: only for a caller that holds that output's {@link OutputLock}. */
	static void removeTempsOf(Path folder, String name) {
		try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, TEMP_PREFIX + "*")) {
			for (Path f : files) {
				String n = f.getFileName().toString();
				boolean forName = n.length() == TEMP_PREFIX.length() + 17 + name.length() && n.endsWith("-" + name) && OURS.matcher(n).matches();
				if (forName && Files.isRegularFile(f)) {
					try {
						Files.deleteIfExists(f);
					} catch (IOException ignored) {
						// left for the age-based cleanup
					}
				}
			}
		} catch (IOException ignored) {
			// cleaning up is a courtesy
		}
	}

	private static boolean mentionsPath(IOException e, Path temp) {
		if (e instanceof FileSystemException f && f.getFile() != null && f.getFile().contains(temp.getFileName().toString())) return true;
		String m = e.getMessage();
		return m != null && (m.contains(temp.getFileName().toString()) || m.toLowerCase(Locale.ROOT).contains("no space left"));
	}

	/** An I/O failure as a user reads it: the target (never the temporary name) and why. */
	static IOException explained(Path target, IOException e) {
		return new WriteFailedException("Cannot write " + target + ": " + reason(e), e);
	}

	/** Why a file operation failed, in words: permission denied, no such folder, not a folder, disk full. */
	public static String reason(IOException e) {
		String m = e.getMessage() == null ? "" : e.getMessage();
		String lower = m.toLowerCase(Locale.ROOT);
		if (lower.contains("no space left") || lower.contains("disk full") || lower.contains("quota")) return "the disk is full; free some space or choose another folder";
		if (e instanceof AccessDeniedException || lower.contains("permission denied") || lower.contains("read-only file system")) {
			return "permission denied (the folder is read-only for you); choose another folder or change its permissions";
		}
		if (e instanceof NotDirectoryException || e instanceof FileAlreadyExistsException || lower.contains("not a directory")) {
			return "a file is in the way (" + fileOf(e) + " is not a folder); choose another location";
		}
		if (e instanceof NoSuchFileException) return "no such folder (" + fileOf(e) + "); create it or choose another location";
		return m.isEmpty() ? e.getClass().getSimpleName() : m;
	}

	private static String fileOf(IOException e) {
		if (!(e instanceof FileSystemException f) || f.getFile() == null) return "a part of the path";
		Path p = Path.of(f.getFile());
		// Never show our temporary name: the folder it was to be made in is what the user can act on.
		return p.getFileName() != null && p.getFileName().toString().startsWith(TEMP_PREFIX) && p.getParent() != null ? p.getParent().toString() : f.getFile();
	}
}
