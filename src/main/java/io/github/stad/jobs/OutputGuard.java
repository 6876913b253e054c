package io.github.stad.jobs;

import io.github.stad.engine.files.AtomicFiles;
import io.github.stad.io.ImageEntry;
import io.github.stad.io.ImageSets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The checks every job makes before it reads an image or trains, for every file it will write:
 * <ul>
 * <li>an output never replaces a file the job reads (an image, the CSV naming them, a teacher, the model), not even with overwrite;</li>
 * <li>an output never replaces a file that exists before the run unless overwriting was asked for
 *     ({@code --overwrite}, Fiji's {@code overwrite}): what a run finds was made by someone else, or by an earlier run;</li>
 * <li>two outputs of one run never share a name ({@code x.png} and {@code x.jpg} would both write {@code x.tif});</li>
 * <li>the output folder can be written (exists or can be made, is a folder, permission, free space).</li>
 * </ul>
 * One guard per run: it remembers the inputs and the outputs planned so far. Throws {@link IllegalArgumentException}.
 */
public final class OutputGuard {

	/** Less free space than this is a full disk: even a scores.csv would fail halfway. */
	static final long MIN_FREE_BYTES = 1L << 20;

	private final boolean overwrite;
	private final String allowHint;
	/** Real path of every input → what it is. */
	private final Map<String, String> inputs = new HashMap<>();
	/** Planned output (lower case: case-insensitive file systems) → who writes it. */
	private final Map<String, String> planned = new HashMap<>();

	private OutputGuard(boolean overwrite, String allowHint) {
		this.overwrite = overwrite;
		this.allowHint = allowHint;
	}

	/** The command line's guard: {@code --overwrite} allows replacing files. */
	public static OutputGuard cli(boolean overwrite) {
		return new OutputGuard(overwrite, "add --overwrite to replace it, or choose another output location");
	}

	/** Fiji's guard: the {@code overwrite} parameter allows replacing files. */
	public static OutputGuard fiji(boolean overwrite) {
		return new OutputGuard(overwrite, "tick 'Overwrite existing files' (overwrite=true in macros) to replace it, or choose another output location");
	}

	/** Replaces nothing that exists (callers of the jobs' older signatures). */
	public static OutputGuard noOverwrite() {
		return new OutputGuard(false, "delete it first or choose another output location");
	}

	public boolean overwrite() { return overwrite; }

	/** Declares a file the run reads; null and missing files are ignored (their own check reports them). */
	public OutputGuard reads(Path file, String what) {
		if (file == null) return this;
		try {
			if (Files.exists(file)) inputs.putIfAbsent(file.toRealPath().toString(), what);
		} catch (IOException ignored) {
			// unreadable: reading it will fail with its own message
		}
		return this;
	}

	/** The images of a set and their masks. */
	public OutputGuard readsImages(List<ImageEntry> entries) {
		for (ImageEntry e : entries) {
			reads(e.image(), "one of the input images");
			if (e.hasMask()) reads(e.mask(), "one of the ground-truth masks");
		}
		return this;
	}

	/** The file a SET names itself, if it is one (the CSV list, a single image). */
	public OutputGuard readsSet(String spec) {
		Path f = ImageSets.namedFile(spec);
		return f == null ? this : reads(f, "the file that names the input images (" + f.getFileName() + ")");
	}

	/** Refuses a folder that cannot take the outputs: a file in the way, no permission, a full disk. */
	public void checkFolder(Path folder) {
		Path abs = folder.toAbsolutePath().normalize();
		if (Files.exists(abs) && !Files.isDirectory(abs)) throw new IllegalArgumentException("Cannot write into " + abs + ": it is a file, not a folder; choose a folder");
		Path existing = abs;
		while (existing != null && !Files.exists(existing)) existing = existing.getParent();
		if (existing == null) throw new IllegalArgumentException("Cannot write into " + abs + ": no such folder, and no part of that path exists; choose another location");
		if (!Files.isDirectory(existing)) {
			throw new IllegalArgumentException("Cannot write into " + abs + ": " + existing + " is a file, not a folder, so the folder cannot be made there; choose another location");
		}
		try {
			// Only a real file shows the permission (root, ACLs, read-only mounts); it is deleted at once.
			Path probe = Files.createTempFile(existing, ".stad-probe-", ".tmp");
			Files.delete(probe);
		} catch (IOException e) {
			throw new IllegalArgumentException("Cannot write into " + abs + ": " + AtomicFiles.reason(e));
		}
		try {
			long free = Files.getFileStore(existing).getUsableSpace();
			if (free < MIN_FREE_BYTES) throw new IllegalArgumentException("Cannot write into " + abs + ": the disk is full (" + free / 1024 + " kB free); free some space or choose another folder");
		} catch (IOException ignored) {
			// free space unknown (some network shares): the write itself will tell
		}
	}

	/**
	 * Refuses, before any work, an output of about {@code bytes} that the disk cannot take (an atomic write
	 * needs the new file's room even when it replaces an old one).
	 */
	public void checkSpace(Path output, long bytes, String what) {
		Path existing = output.toAbsolutePath().normalize().getParent();
		while (existing != null && !Files.exists(existing)) existing = existing.getParent();
		if (existing == null) return; // checkFolder says what is wrong with the folder
		try {
			long free = Files.getFileStore(existing).getUsableSpace();
			if (free < bytes + MIN_FREE_BYTES) {
				throw new IllegalArgumentException("Cannot write " + output.toAbsolutePath().normalize() + ": " + what + " will take about " + megabytes(bytes)
						+ ", but only " + megabytes(free) + " are free on that disk; free some space or choose another folder");
			}
		} catch (IOException ignored) {
			// free space unknown (some network shares): the write itself will tell
		}
	}

	private static String megabytes(long bytes) {
		return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
	}

	/**
	 * Checks one output file of this run.
	 * @param writer what produces it, e.g. the input image's name, so that two producers of one name are told apart; null if only one can
	 */
	public void checkFile(Path output, String writer) {
		Path abs = output.toAbsolutePath().normalize();
		String key = abs.toString().toLowerCase(Locale.ROOT);
		String by = writer == null ? "" : writer;
		String before = planned.putIfAbsent(key, by);
		if (before != null && !before.equals(by)) { // the same writer again is the same plan, checked twice
			throw new IllegalArgumentException(before + " and " + writer + " would both write " + abs + "; rename one of them, or give them separate output folders");
		}
		if (!Files.exists(abs)) return;
		try {
			String what = inputs.get(abs.toRealPath().toString());
			if (what != null) throw new IllegalArgumentException(abs + " is " + what + "; an input is never replaced: choose another output file or folder");
		} catch (IOException ignored) {
			// cannot resolve: treated as an existing file below
		}
		if (Files.isDirectory(abs)) throw new IllegalArgumentException("Cannot write " + abs + ": a folder of that name is in the way; choose another output location");
		if (!overwrite) throw new IllegalArgumentException(abs + " already exists (this run did not make it); " + allowHint);
	}

	/** {@link #checkFolder} of the file's folder, then {@link #checkFile}. */
	public void checkFileAndFolder(Path output) {
		Path parent = output.toAbsolutePath().getParent();
		if (parent != null) checkFolder(parent);
		checkFile(output, null);
	}
}
