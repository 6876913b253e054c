package io.github.stad.engine.files;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A lock file next to an output ({@code .NAME.stad-lock}), held while a run writes it, so that two runs
 * writing the same model or table at once cannot silently lose one result: the second is refused with
 * a line that names the first (pid, host, start time). The lock is created atomically (a hard link of a
 * complete file, or create-new where links are not supported) and removed when the run ends, also on
 * Ctrl-C or kill (a shutdown hook). A lock left by a process that died ({@code kill -9}) on this host is
 * taken over with a warning; one from another host is never taken over, since its process cannot be seen.
 */
public final class OutputLock implements AutoCloseable {

	/** Another run holds the lock: the message names it and says what to do. */
	public static final class HeldException extends IllegalStateException {
		HeldException(String message) { super(message); }
	}

	static final String SUFFIX = ".stad-lock";
	private static final SecureRandom RANDOM = new SecureRandom();
	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

	private final Path file;
	private final String content;
	private final Thread releaseOnExit;

	private OutputLock(Path file, String content) {
		this.file = file;
		this.content = content;
		this.releaseOnExit = new Thread(this::release, "stad-lock-release");
		Runtime.getRuntime().addShutdownHook(releaseOnExit);
	}

	/** The lock file of an output: hidden, next to it. */
	public static Path fileFor(Path output) {
		Path abs = output.toAbsolutePath().normalize();
		return abs.resolveSibling("." + abs.getFileName() + SUFFIX);
	}

	/**
	 * Takes the lock of {@code output} for this process (its folder must exist).
	 *
	 * @param what   what the output is, for messages ("the model file")
	 * @param warn   receives the warning when a dead run's lock is taken over
	 * @throws HeldException when another live run (or a run on another host) holds it
	 */
	public static OutputLock acquire(Path output, String what, Consumer<String> warn) throws IOException {
		Path lock = fileFor(output);
		String mine = describe(ProcessHandle.current().pid(), hostName(), startOf(ProcessHandle.current()));
		for (int attempt = 0; attempt < 3; attempt++) {
			if (create(lock, mine)) {
				// no live run writes this output now: its temporary files are leftovers of a killed write, whatever their age
				AtomicFiles.removeTempsOf(lock.getParent(), output.getFileName().toString());
				return new OutputLock(lock, mine);
			}
			String theirs = read(lock);
			if (theirs == null) continue; // released meanwhile: try again
			Holder h = Holder.parse(theirs);
			if (h == null || !h.isDeadHere()) throw held(output, what, lock, h);
			if (takeOver(lock, theirs)) warn.accept("WARNING: " + output.toAbsolutePath().normalize() + " was locked by a run that is gone (" + h
					+ "); taking its lock over. Check that output: that run did not finish it.");
		}
		throw new HeldException("Could not lock " + output.toAbsolutePath().normalize() + ": other runs keep taking " + lock + "; try again");
	}

	/** Removes the lock (if it is still this run's). */
	@Override
	public void close() {
		release();
		try {
			Runtime.getRuntime().removeShutdownHook(releaseOnExit);
		} catch (IllegalStateException ignored) {
			// the JVM is shutting down: the hook runs (or ran) release itself
		}
	}

	private synchronized void release() {
		try {
			if (content.equals(read(file))) Files.deleteIfExists(file);
		} catch (IOException ignored) {
			// a lock that cannot be removed is taken over by the next run (this process is gone by then)
		}
	}

	/** Creates the lock with its content in one step; false if it exists. */
	private static boolean create(Path lock, String content) throws IOException {
		byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
		byte[] r = new byte[8];
		RANDOM.nextBytes(r);
		Path temp = lock.resolveSibling(AtomicFiles.TEMP_PREFIX + HexFormat.of().formatHex(r) + "-lock");
		try {
			Files.write(temp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
			try {
				Files.createLink(lock, temp); // atomic and complete: a reader never sees half a lock
				return true;
			} catch (FileAlreadyExistsException e) {
				return false;
			} catch (UnsupportedOperationException | IOException e) {
				// no hard links here (FAT, some network shares): create-new, then the content
				try {
					Files.write(lock, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
					return true;
				} catch (FileAlreadyExistsException e2) {
					return false;
				}
			}
		} catch (IOException e) {
			throw AtomicFiles.explained(lock, e);
		} finally {
			Files.deleteIfExists(temp);
		}
	}

	/** The lock's text, or null when there is none. An empty, young lock is a run creating it. */
	private static String read(Path lock) throws IOException {
		try {
			return Files.readString(lock, StandardCharsets.UTF_8);
		} catch (NoSuchFileException e) {
			return null;
		}
	}

	/** Moves a dead run's lock aside and deletes it; if another run took it over in between, puts it back. */
	private static boolean takeOver(Path lock, String stale) throws IOException {
		Path aside = lock.resolveSibling(lock.getFileName() + ".stale-" + ProcessHandle.current().pid());
		try {
			Files.move(lock, aside, StandardCopyOption.ATOMIC_MOVE);
		} catch (NoSuchFileException e) {
			return false;
		}
		if (stale.equals(read(aside))) {
			Files.deleteIfExists(aside);
			return true;
		}
		try {
			Files.createLink(lock, aside); // someone else's fresh lock: restore it
		} catch (IOException | UnsupportedOperationException ignored) {
			Files.move(aside, lock, StandardCopyOption.ATOMIC_MOVE);
		}
		Files.deleteIfExists(aside);
		return false;
	}

	private static HeldException held(Path output, String what, Path lock, Holder h) {
		String who = h == null ? "a run that is starting or an unreadable lock" : h.toString();
		String fix = h != null && !h.host.equals(hostName()) ? "; if that run is gone, delete " + lock
				: h == null ? "; if no run is writing it, delete " + lock : "";
		return new HeldException("Another run is writing " + what + " " + output.toAbsolutePath().normalize() + " (" + who + "); wait for it to finish or choose another output" + fix);
	}

	static String describe(long pid, String host, Instant started) {
		return "pid=" + pid + "\nhost=" + host + "\nstarted=" + (started == null ? "" : started.toString()) + "\n";
	}

	private static Instant startOf(ProcessHandle p) {
		return p.info().startInstant().orElse(null);
	}

	static String hostName() {
		try {
			return InetAddress.getLocalHost().getHostName();
		} catch (IOException e) {
			return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("unknown host");
		}
	}

	/** Who holds a lock, as written in it. */
	record Holder(long pid, String host, Instant started) {
		static Holder parse(String text) {
			Map<String, String> m = new LinkedHashMap<>();
			for (String line : text.split("\n")) {
				int eq = line.indexOf('=');
				if (eq > 0) m.put(line.substring(0, eq), line.substring(eq + 1).strip());
			}
			try {
				String s = m.getOrDefault("started", "");
				return new Holder(Long.parseLong(m.get("pid")), m.getOrDefault("host", "?"), s.isEmpty() ? null : Instant.parse(s));
			} catch (RuntimeException e) {
				return null;
			}
		}

		/** On this host, and no process with that pid and start time runs (pids are reused). */
		boolean isDeadHere() {
			if (!host.equals(hostName())) return false;
			Optional<ProcessHandle> p = ProcessHandle.of(pid);
			if (p.isEmpty() || !p.get().isAlive()) return true;
			Instant now = startOf(p.get());
			return started != null && now != null && Math.abs(now.toEpochMilli() - started.toEpochMilli()) > 2000;
		}

		@Override
		public String toString() {
			return "pid " + pid + " on " + host + (started == null ? "" : ", started " + TIME.format(started));
		}
	}
}
